"""The steps of ``00-import``: a REDCap export (files, or fetched from the API) read into the cohort
file, one named function per cell."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from cohortstats.inputs.redcap import Export, RedcapError, read_export, write_cohort_csv
from cohortstats.inputs.redcap.api import fetch_export
from cohortstats.inputs.redcap.demo import write_demo_export
from cohortstats.steps.notebook import say, show

__all__ = ["read", "summary", "write_cohort"]


def read(records: str, dictionary: str, mapping: str, output_dir: str = "../scratch", url: str = "") -> Export:
    """Read the export; with ``url``, fetch it from the REDCap API first; with neither, the demo.

    With ``url`` (``https://host/api/``) the records and the data dictionary are fetched with
    PyCap into ``output_dir``/redcap-api/ (:func:`cohortstats.inputs.redcap.api.fetch_export`;
    the token is read from the environment variable ``REDCAP_API_TOKEN`` here, never a
    parameter), then read as files are. With an empty ``records`` and ``url``, the demo export
    (the shipped cohort) is written first.
    """
    if url:
        if records or dictionary:
            raise RedcapError("give `redcap` and `redcap_dictionary` (an export's files) or `redcap_url` "
                              "(the REDCap API), not both")
        if not mapping:
            raise RedcapError("`redcap_url` needs `redcap_mapping` (which field holds which column)")
        fetched = fetch_export(url, mapping, Path(output_dir) / "redcap-api")
        records, dictionary = str(fetched.records), str(fetched.dictionary)
        say(f"Fetched from the REDCap API at {fetched.host}: the data dictionary, and the records "
            f"(flat CSV, raw) of the record id and {len(fetched.fields) - 1} mapped field(s)"
            + (f" of events {', '.join(fetched.events)}" if fetched.events else "") + ".")
    elif not records:
        records, dictionary, mapping = (str(p) for p in write_demo_export(Path(output_dir) / "redcap-demo"))
        say("No export given: a demonstration REDCap export of the bundle's **reconstructed cohort** "
            "(not patient records) was written and is read.")
    return read_export(records, dictionary, mapping)


def summary(export: Export) -> pd.DataFrame:
    """What was read and what was left out, shown as a table."""
    rows = [("records", export.n_records), ("events joined", ", ".join(export.events) or "one row per record"),
            ("identifier fields never read", export.left_out_identifiers),
            ("date fields never read", export.left_out_dates),
            *((f"missing-data codes in {c}", k) for c, k in export.missing.items())]
    frame = pd.DataFrame(rows, columns=["", "value"]).astype(str)
    show(frame, "What the REDCap export gave:")
    return frame


def write_cohort(export: Export, output_dir: str = "../scratch") -> str:
    """Write ``output_dir``/cohort.csv (study ids, no identifier, no date) and return its path."""
    path = write_cohort_csv(export, Path(output_dir) / "cohort.csv")
    say(f"Cohort file: `{path.name}`, {len(export.cohort)} patients; the input of notebooks 1–4.")
    return str(path)
