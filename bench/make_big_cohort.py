"""Write a synthetic cohort of N patients (default 1,000,000) for the scaling benchmark.

``python bench/make_big_cohort.py [N] [OUT]`` — seeded, so the same N gives the same file.
Synthetic: ids S0000001..; doses on the 2.5 mg grid; ESR integers; all optional columns.
"""
import sys
from pathlib import Path

import numpy as np
import pandas as pd

INDICATIONS = ["alopecia", "nasal_ulcers", "oral_ulcers", "malar_rash", "discoid_lesions",
               "bullous_lesions", "panniculitis", "cutaneous_vasculitis", "raynaud_digital_ulcers"]


def make(n: int, seed: int = 20170601) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    pred_b = rng.integers(2, 25, n) * 2.5
    pred_f = np.maximum(pred_b - rng.integers(-1, 12, n) * 2.5, 0)
    esr_b = rng.integers(2, 130, n)
    esr_f = np.clip(esr_b - rng.integers(-10, 40, n), 2, None)
    ind = np.array(INDICATIONS, dtype=object)[rng.integers(0, len(INDICATIONS), n)]
    return pd.DataFrame({
        "patient_id": [f"S{i:07d}" for i in range(1, n + 1)],
        "sex": np.where(rng.random(n) < 0.9, "F", "M"),
        "race": np.array(["African-American", "White", "Asian", "Hispanic"], dtype=object)[rng.integers(0, 4, n)],
        "age_years": rng.integers(12, 19, n),
        "prednisone_mg_baseline": pred_b, "prednisone_mg_6mo": pred_f,
        "esr_mm_hr_baseline": esr_b, "esr_mm_hr_6mo": esr_f,
        "indications": ind,
        "response_6mo": np.where(rng.random(n) < 0.8, "complete", "near_complete"),
        "adverse_events": "none",
    })


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("build/bench/cohort-1m.csv")
    out.parent.mkdir(parents=True, exist_ok=True)
    make(n).to_csv(out, index=False, float_format="%g", lineterminator="\n")
    print(f"wrote {out} ({n:,} synthetic patients, {out.stat().st_size / 1e6:.0f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
