"""The steps of ``00-extract``: the cohort out of an OMOP CDM, one named function per cell."""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from cohortstats.core.paths import DEFAULT_COHORT
from cohortstats.inputs.omop import Definition, Extraction, OmopError, extract, load_definition, write_cohort_csv
from cohortstats.inputs.omop.demo import write_demo_cdm
from cohortstats.report.flow import flow_svg
from cohortstats.steps.notebook import show

__all__ = ["resolve_cdm", "definition", "run", "attrition_table", "flow_diagram", "write_cohort"]


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


def definition(path) -> Definition:
    """Read and check the cohort definition (one line naming the key on a bad one)."""
    return load_definition(path)


def run(definition: Definition, cdm: str = "", schema: str = "",
        output_dir: str = "../scratch") -> Extraction:
    """Extract from ``cdm``; with an empty ``cdm``, build the demo CDM in ``output_dir`` first."""
    if not cdm:
        Path(output_dir).mkdir(parents=True, exist_ok=True)
        path = Path(output_dir) / "demo-cdm.duckdb"
        write_demo_cdm(DEFAULT_COHORT, path)
        return extract(f"duckdb://{path.resolve()}", definition)
    return extract(resolve_cdm(cdm), definition, schema=schema or None)


def attrition_table(extraction: Extraction) -> pd.DataFrame:
    """The attrition as a table (step, persons left, excluded at that step), shown."""
    rows, before = [], None
    for step in extraction.attrition:
        rows.append({"step": step.label, "n": step.n,
                     "excluded": "" if before is None else before - step.n})
        before = step.n
    frame = pd.DataFrame(rows)
    show(frame, "Who was left out at each step of the definition:")
    return frame


def flow_diagram(extraction: Extraction):
    """The attrition flow diagram, displayed inline (IPython SVG)."""
    from IPython.display import SVG

    return SVG(flow_svg(extraction.attrition, title="Cohort selection"))


def write_cohort(extraction: Extraction, output_dir: str = "../scratch", races: str = "omb") -> str:
    """Write ``output_dir``/cohort.csv and return its path."""
    Path(output_dir).mkdir(parents=True, exist_ok=True)
    path = Path(output_dir) / "cohort.csv"
    write_cohort_csv(extraction, path, races=races)
    return str(path)
