"""What the report says of an extraction: the :class:`cohortstats.results.Source` record.

Nothing of the connection is kept: no URL, no schema, no person id, no date; so the
same CDM in DuckDB and in PostgreSQL gives the same record, byte for byte.
"""
from __future__ import annotations

from pathlib import Path

from cohortstats.results import Source

from .cdm import open_cdm
from .definition import Definition
from .extract import Extraction

__all__ = ["cdm_source_name", "to_source"]


def cdm_source_name(con_or_url, schema: str | None = None) -> str:
    """The CDM's name for itself (``cdm_source.cdm_source_name``), or "" when it has none."""
    cdm = open_cdm(con_or_url, schema)
    if "cdm_source" not in cdm.names:
        return ""
    t = cdm.con.table(cdm.names["cdm_source"], database=cdm.schema)
    column = next((c for c in t.columns if c.lower() == "cdm_source_name"), None)
    if column is None:
        return ""
    names = sorted({str(v).strip() for v in t[column].to_pandas() if v is not None and str(v).strip()})
    return "; ".join(names)[:200]


def _join(words: list) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def to_source(extraction: Extraction, definition: Definition, name: str = "") -> Source:
    """The record of an extraction: the definition file and its SHA-256, the attrition, the counts.

    Parameters
    ----------
    extraction : Extraction
    definition : Definition
        The definition it was made with (its file is shown in the report's Methods).
    name : str
        The CDM's own name (:func:`cdm_source_name`).
    """
    path = Path(definition.path)
    named = [w for w, f in (("indications", definition.indications),
                            ("adverse events", definition.adverse_events),
                            ("the response at follow-up", definition.response)) if f is not None]
    unnamed = [w for w, f in (("indications", definition.indications),
                              ("adverse events", definition.adverse_events),
                              ("the response at follow-up", definition.response)) if f is None]
    sets = []
    if named:
        sets.append(f"{_join(named).capitalize()} came from the concept sets the definition names.")
    if unnamed:
        sets.append(f"{_join(unnamed).capitalize()} {'was' if len(unnamed) == 1 else 'were'} not "
                    "recorded: the definition names no concept set for "
                    f"{'it' if len(unnamed) == 1 else 'them'}.")
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    return Source(
        kind="OMOP CDM", name=name, files=((path.name, definition.sha256),),
        attrition=tuple(extraction.attrition), values=tuple(extraction.outcomes),
        notes=(f"The cohort table was extracted inside the database by one query per step; "
               f"only the {extraction.n} analysed patients' rows came back, with new study ids "
               "and no date.", *sets),
        definition=text)
