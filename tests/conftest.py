import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("agg")

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "data" / "cohort.csv"
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
