from pathlib import Path

import matplotlib
import pytest

matplotlib.use("agg")

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "data" / "cohort.csv"
# The abstract's Results as the report must word them for the shipped cohort
# (source: ../shared/paper/abstract.txt; "P= 0.008" is printed "P = 0.008").
RESULTS_STATEMENTS = [
    "The cohort comprises 10 patients.",
    "Nine subjects were girls and six were African-American.",
    "Indications for lenalidomide treatment included alopecia, nasal and oral ulcers, extensive malar "
    "rash, discoid lesions, bullous lesions, panniculitis, cutaneous vasculitis, and Raynaud's "
    "phenomenon with digital ulcerations.",
    "Within 6 months, all patients demonstrated complete or near resolution based on physician report.",
    "Prednisone dose decreased from a mean 23.5 mg (SD± 13.3) to 12.25 mg (SD± 9.2) (P = 0.008).",
    "Sedimentation rate decreased from a mean 29 mm/hour (SD± 31.5) to 17 mm/hour (SD± 18.1) (P = 0.004).",
    "Lenalidomide was well tolerated",
    "Reconstructed data — not patient records",
    "13 of 13 published numbers reproduced",
]
HEADER = ("patient_id,sex,race,prednisone_mg_baseline,prednisone_mg_6mo,"
          "esr_mm_hr_baseline,esr_mm_hr_6mo")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture
def write_csv(tmp_path):
    """Write text (or bytes) to a CSV in tmp_path and return its path."""
    def _write(content, name="cohort.csv"):
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
        return path
    return _write
