"""The notebook's steps (notebooks/00-extract.ipynb): one named function per cell."""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from .definition import Definition
from .errors import OmopError
from .extract import Extraction, extract, write_cohort_csv
from .flow import flow_svg

__all__ = ["resolve_cdm", "extract_in_lab", "attrition_table", "flow_diagram", "write_in_lab"]

_ROOT = Path(__file__).resolve().parents[4]


def resolve_cdm(cdm: str) -> str:
    """A URL for ``cdm``: a URL as given, or a connection NAME looked up in ``CDM_URL_<NAME>``.

    The environment (or ``~/.pgpass`` / ``PGPASSWORD``) holds any password, never the notebook.
    """
    if "://" in cdm:
        return cdm
    var = "CDM_URL_" + cdm.upper().replace("-", "_")
    if var not in os.environ:
        raise OmopError(f"no CDM connection named {cdm!r}: set {var} to its URL, or give a URL.")
    return os.environ[var]


def extract_in_lab(definition: Definition, cdm: str = "", schema: str = "",
                   output_dir: str = "../scratch") -> Extraction:
    """Extract from ``cdm``; with an empty ``cdm``, build the demo CDM in ``output_dir`` first."""
    if not cdm:
        from .demo import write_demo_cdm

        Path(output_dir).mkdir(parents=True, exist_ok=True)
        path = Path(output_dir) / "demo-cdm.duckdb"
        write_demo_cdm(_ROOT / "data" / "cohort.csv", path)
        return extract(f"duckdb://{path.resolve()}", definition)
    return extract(resolve_cdm(cdm), definition, schema=schema or None)


def attrition_table(extraction: Extraction) -> pd.DataFrame:
    """The attrition as a table: step, persons left, excluded at that step."""
    rows, before = [], None
    for step in extraction.attrition:
        rows.append({"step": step.label, "n": step.n,
                     "excluded": "" if before is None else before - step.n})
        before = step.n
    return pd.DataFrame(rows)


def flow_diagram(extraction: Extraction):
    """The attrition flow diagram, displayed inline (IPython SVG)."""
    from IPython.display import SVG

    return SVG(flow_svg(extraction.attrition, title="Cohort selection"))


def write_in_lab(extraction: Extraction, output_dir: str = "../scratch", races: str = "omb") -> str:
    """Write ``output_dir``/cohort.csv and return its path."""
    Path(output_dir).mkdir(parents=True, exist_ok=True)
    path = Path(output_dir) / "cohort.csv"
    write_cohort_csv(extraction, path, races=races)
    return str(path)
