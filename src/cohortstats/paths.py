"""Where the bundle keeps things: one place for every path."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
NOTEBOOKS = ROOT / "notebooks"
FIGURES = ROOT / "figures"
REPORTS = ROOT / "reports"
DEFAULT_COHORT = DATA / "cohort.csv"
PUBLISHED = DATA / "published.yml"
