"""Where the bundle keeps things: one place for every path."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "data"
NOTEBOOKS = ROOT / "notebooks"
DEFAULT_COHORT = DATA / "cohort.csv"
PUBLISHED = DATA / "published.yml"
OUTCOMES_FILE = DATA / "outcomes.yml"
VOCABULARY_FILE = DATA / "vocabulary.yml"
