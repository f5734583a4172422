"""The notebooks of the analysis: their names, order and the fragment each hands on — said once.

Notebooks ``01``–``03`` read the cohort and run side by side; ``04-claims`` reads what
they saved. Each saves one fragment (:mod:`cohortstats.results.records`).
"""
from __future__ import annotations

from pathlib import Path

from cohortstats.core.paths import NOTEBOOKS as FOLDER

__all__ = ["NOTEBOOKS", "EXTRACT", "IMPORT", "EVERY_NOTEBOOK", "PARALLEL", "LAST", "FRAGMENT_OF", "NOTEBOOK_OF", "notebook_path"]

#: The notebooks of the analysis, in the order they run.
NOTEBOOKS = ("01-cohort", "02-outcomes", "03-sensitivity", "04-claims")
#: The notebook that extracts a cohort from an OMOP CDM (run by an analyst; ``make report
#: CDM=`` calls the same steps in the build).
EXTRACT = "00-extract"
#: The notebook that reads a REDCap export (``make report REDCAP=`` calls the same steps).
IMPORT = "00-import"
#: Every notebook in ``notebooks/``, in file-name order.
EVERY_NOTEBOOK = (EXTRACT, IMPORT) + NOTEBOOKS
#: Those that read the cohort and run side by side; the last one reads what they saved.
PARALLEL, LAST = NOTEBOOKS[:-1], NOTEBOOKS[-1]
#: Notebook -> the fragment it saves.
FRAGMENT_OF = {"01-cohort": "cohort", "02-outcomes": "outcomes", "03-sensitivity": "sensitivity",
               "04-claims": "claims"}
#: Fragment -> the notebook that saves it.
NOTEBOOK_OF = {fragment: notebook for notebook, fragment in FRAGMENT_OF.items()}


def notebook_path(name: str) -> Path:
    """``notebooks/<name>.ipynb``."""
    return FOLDER / f"{name}.ipynb"
