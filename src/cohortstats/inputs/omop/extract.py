"""Extract a cohort from an OMOP CDM and write it as a cohort file (data/README.md's format).

:func:`extract` runs the attrition and the cohort inside the engine (DuckDB, PostgreSQL, any ibis
backend) and brings back one row per analysed patient; :func:`write_cohort_csv` writes the file
atomically; :func:`attrition_dict` is the attrition as plain data for the report.
"""
from __future__ import annotations

import math
import os
import tempfile
from concurrent.futures import wait
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cohortstats.core.errors import shown_path
from cohortstats.core.vocabulary import INDICATIONS
from cohortstats.results import AttritionStep, ValueCount

from .ahead import Ahead, Refused, aside
from .cdm import Cdm, open_cdm
from .cohort import (CONCEPTS_KEPT, IDS, RESPONSE, kept_concepts, STEPS, attrition, cohort, concept_sets, descendants,
                     flag_column, left_out_column, persons, resolution, resolved, steps, tables_needed)
from .definition import Definition, DoseOutcome
from .errors import OmopError, one_line

__all__ = ["Step", "OutcomeCounts", "Extraction", "extract", "write_cohort_csv", "attrition_dict",
           "cohort_csv_text", "PAPER_RACES", "COLUMNS_OUT"]

#: The cohort file's columns before the outcomes, and after them.
_FIRST = ("patient_id", "sex", "race", "age_years")
_LAST = ("indications", "response_6mo", "adverse_events", "ethnicity")
#: The paper's race words (today's loader) for the OMB words the extraction writes.
PAPER_RACES = {"Black or African American": "African-American", "White": "White", "Asian": "Asian",
               "American Indian or Alaska Native": "Other",
               "Native Hawaiian or Other Pacific Islander": "Other"}
COLUMNS_OUT = _FIRST + _LAST


#: One attrition step, and one outcome column's counts over the analysed patients: the records of
#: the results contract (``left_out`` counts, for a dose, active exposures whose daily dose could
#: not be computed; for a measurement, measurements in the window in another unit).
Step, OutcomeCounts = AttritionStep, ValueCount


@dataclass(frozen=True)
class Extraction:
    """An extracted cohort.

    Attributes
    ----------
    cohort : pandas.DataFrame
        One row per analysed patient in data/README.md's columns; ``patient_id`` is a new study id
        (S001, S002, ... in index-date order); no person_id, source value or date.
    attrition : tuple of Step
    outcomes : tuple of OutcomeCounts
    definition_sha256 : str
    cdm : str
        Where the CDM was, password masked.
    """

    cohort: pd.DataFrame = field(repr=False)
    attrition: tuple
    outcomes: tuple
    definition_sha256: str
    cdm: str

    @property
    def n(self) -> int:
        """Number of analysed patients."""
        return len(self.cohort)


def _tables(cdm: Cdm, names) -> dict:
    return {name: cdm.table(name) for name in names}


def _run(cdm: Cdm, expr):
    try:
        return expr.to_pandas()
    except OmopError:
        raise
    except Exception as exc:  # the engine's reason in one line, with secrets scrubbed
        raise OmopError(f"{cdm.where()}: the query failed: {one_line(exc)}") from None


def _counts(frame: pd.DataFrame, d: Definition) -> tuple:
    out = []
    for o in d.outcomes:
        reason = "dose not computable" if isinstance(o, DoseOutcome) else "unit not " + o.unit.label
        for point in ("baseline", "6mo"):
            col = f"{o.name}_{point}"
            values = frame[col]
            out.append(OutcomeCounts(col, int(values.notna().sum()), int(values.isna().sum()),
                                     int(frame[left_out_column(o.name, point)].sum()), reason))
    return tuple(out)


def _text_counts(frame: pd.DataFrame, shaped: pd.DataFrame, d: Definition) -> tuple:
    """Counts of the columns the definition fills from concept sets (found = a value written)."""
    out = []
    for col, named in (("indications", d.indications), ("adverse_events", d.adverse_events)):
        if named is not None:
            k = int((shaped[col] != "").sum())
            out.append(OutcomeCounts(col, k, len(shaped) - k, 0, ""))
    if d.response is not None:
        k = int((shaped["response_6mo"] != "").sum())
        out.append(OutcomeCounts("response_6mo", k, len(shaped) - k,
                                 int(frame[left_out_column("response", "6mo")].sum()),
                                 "answer in none of the response sets"))
    return tuple(out)


def _resolve(cdm: Cdm, tables: dict, d: Definition) -> dict:
    """Each concept set of ``d`` -> its concept ids, found in the CDM by one query."""
    sets = concept_sets(d)
    found = _run(cdm, resolution(tables, sets))
    concepts = list(zip(found["concept_id"].astype(int), found["vocabulary_id"], found["concept_code"]))
    roots = sorted({int(c) for c, _, _ in concepts})
    below = _run(cdm, descendants(tables, roots)) if roots else None
    pairs = [] if below is None else list(zip(below["ancestor_concept_id"].astype(int),
                                              below["descendant_concept_id"].astype(int)))
    return resolved(sets, concepts, pairs)


def _nobody(cdm: Cdm, steps: tuple) -> OmopError:
    first = next(i for i, s in enumerate(steps) if s.n == 0)
    before = steps[first - 1] if first else None
    tail = f"{before.n} {before.label}, 0 {steps[first].label}" if before else "the CDM has no person"
    return OmopError(f"{cdm.where()}: nobody meets the cohort definition ({tail}).")


def extract(con_or_url, definition: Definition, schema: str | None = None) -> Extraction:
    """Extract the cohort of ``definition`` from a CDM.

    Parameters
    ----------
    con_or_url : str or ibis.BaseBackend
        ``duckdb:///path/cdm.duckdb``, ``postgresql://user@host:5432/db``, any ``ibis.connect`` URL,
        or an open connection.
    definition : Definition
        From :func:`~cohortstats.inputs.omop.definition.load_definition`.
    schema : str, optional
        The schema holding the CDM tables.

    Returns
    -------
    Extraction

    Raises
    ------
    OmopError
        One line: a connection that fails, a missing table or column, or a definition that selects
        nobody (naming the step that leaves nobody). Passwords are masked.
    """
    cdm = open_cdm(con_or_url, schema)
    # The attrition needs neither drug_strength nor measurement: a CDM where nobody qualifies says
    # so even when those tables are unusable (their error is raised after the attrition's count).
    people = ("person", "observation_period", "drug_exposure", "condition_occurrence", "concept",
              "concept_ancestor")
    tables = _tables(cdm, people)
    counted = aside(cdm.con, persons(tables))  # DuckDB: persons in the CDM counted meanwhile
    try:
        tables.update(_tables(cdm, [t for t in tables_needed(definition) if t not in tables]))
        unusable = None
    except OmopError as exc:
        unusable = exc
    tables[IDS] = _resolve(cdm, tables, definition)
    try:
        done, frame = _kept_ahead(cdm, tables, definition, unusable, counted)
    except Refused:  # a statement failed, or the engine keeps no temporary table: one by one
        done, frame = _plain(cdm, tables, definition, unusable)
    finally:
        if counted is not None:
            wait([counted])
    shaped = _shape(frame, definition)
    return Extraction(cohort=shaped, attrition=done,
                      outcomes=_counts(frame, definition) + _text_counts(frame, shaped, definition),
                      definition_sha256=definition.sha256, cdm=cdm.where())


def _attrition(cdm: Cdm, counts: pd.DataFrame, d: Definition, unusable, first=None) -> tuple:
    """The attrition steps from the counted rows (and the first step's count, when counted apart);
    the one-line error when nobody is analysed, or when a table the outcomes need is unusable."""
    n = dict(zip(counts["step"].astype(int), counts["n"].astype(int)))
    if first is not None:
        n[0] = int(first)
    done = tuple(Step(label, n.get(i, 0)) for i, label in enumerate(STEPS(d)))
    if done[-1].n == 0:
        raise _nobody(cdm, done)
    if unusable is not None:
        raise unusable
    return done


def _kept_ahead(cdm: Cdm, tables: dict, d: Definition, unusable, counted) -> tuple:
    """The attrition and the cohort, each step kept once in the engine, compiled ahead
    (:class:`~.ahead.Ahead`): while the engine runs one statement, Python compiles the next.
    ``counted``: the persons in the CDM counted aside (:func:`~.ahead.aside`), or None."""
    with Ahead(cdm.con) as ahead:
        tables = dict(tables, **{CONCEPTS_KEPT: ahead.keep(kept_concepts(tables), "concepts")})
        found = steps(tables, d, ahead.keep)
        counts = ahead.fetch(attrition(found) if counted is None else attrition(found[1:], 1),
                             "attrition", order_by=["step"])
        rows = None if unusable else ahead.fetch(cohort(tables, d, found[-1], ahead.keep), "cohort",
                                                 order_by=["seq"])
        done = _attrition(cdm, counts.result(), d, unusable,
                          None if counted is None else counted.result())
        return done, rows.result()


def _plain(cdm: Cdm, tables: dict, d: Definition, unusable) -> tuple:
    """The attrition and the cohort as two queries, nothing kept (each query's error in one line)."""
    found = steps(tables, d)
    done = _attrition(cdm, _run(cdm, attrition(found)), d, unusable)
    return done, _run(cdm, cohort(tables, d, found[-1]))


def _shape(frame: pd.DataFrame, d: Definition) -> pd.DataFrame:
    width = max(3, len(str(len(frame))))
    text = lambda col: frame[col].fillna("").to_numpy(dtype=object)  # noqa: E731
    cols = {"patient_id": [f"S{i:0{width}d}" for i in frame["seq"].to_numpy(dtype="int64").tolist()],
            "sex": text("sex"), "race": text("race"),
            "age_years": frame["age_years"].to_numpy(dtype="float64")}
    for o in d.outcomes:
        for point in ("baseline", "6mo"):
            cols[f"{o.name}_{point}"] = frame[f"{o.name}_{point}"].to_numpy(dtype="float64")
    cols["indications"] = _labels(frame, d.indications, "indications", ";", "")
    cols["response_6mo"] = _responses(frame, d)
    cols["adverse_events"] = _labels(frame, d.adverse_events, "adverse_events", "; ", "none")
    cols["ethnicity"] = text("ethnicity")
    return pd.DataFrame(cols)


def _labels(frame: pd.DataFrame, findings, kind: str, sep: str, empty: str) -> list:
    """Each patient's labels joined by ``sep`` (indications in the abstract's order, events in the
    definition's); ``empty`` when the patient has none; "" for all when the definition names none."""
    if findings is None:
        return [""] * len(frame)
    labels = [label for label, _ in findings.sets]
    order = sorted(range(len(labels)), key=lambda k: (list(INDICATIONS).index(labels[k])
                                                     if kind == "indications" else k))
    flags = [frame[flag_column(kind, k)].fillna(0).astype(int).tolist() for k in order]
    return [sep.join(labels[k] for k, v in zip(order, row) if v) or empty for row in zip(*flags)] \
        if flags else [empty] * len(frame)


def _responses(frame: pd.DataFrame, d: Definition) -> list:
    """The response code of each patient's chosen observation, or "" (not recorded)."""
    if d.response is None:
        return [""] * len(frame)
    codes = [code for code, _ in d.response.values]
    return ["" if v is None or v != v else codes[int(v)] for v in frame[RESPONSE].tolist()]


def _number(x) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    x = round(float(x), 6) + 0.0  # 1e-6 of the unit: the same text from every engine's sums
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


def _numbers(array) -> list:
    """:func:`_number` of each value of a float array: missing as "", whole numbers (most doses,
    ages, rates) as integers at once, the rest one by one; the same text as cell by cell."""
    out = np.full(len(array), "", dtype=object)
    finite = np.isfinite(array)
    whole = finite & (np.abs(array) < 1e15)
    whole[whole] = array[whole] == np.floor(array[whole])
    out[whole] = array[whole].astype("int64").astype(str).tolist()
    rest = ~whole & ~np.isnan(array)
    out[rest] = [_number(v) for v in array[rest].tolist()]
    return out.tolist()


def cohort_csv_text(extraction: Extraction, races: str = "omb") -> str:
    """The cohort file's text (UTF-8, LF, header, numbers plain, empty = not recorded).

    Parameters
    ----------
    extraction : Extraction
    races : {"omb", "paper"}
        ``omb`` writes the OMB race words ("Black or African American"); ``paper`` writes the
        paper's words that today's loader accepts (:data:`PAPER_RACES`; the two Pacific and
        American Indian categories become ``Other``).
    """
    if races not in ("omb", "paper"):
        raise OmopError(f"races must be 'omb' or 'paper'; not {races!r}.")
    frame = extraction.cohort
    cells = []  # column by column: the same text as cell by cell, without a Python call per cell
    for col in frame.columns:
        if frame[col].dtype.kind == "f":
            cells.append(_numbers(frame[col].to_numpy(dtype="float64")))
        elif col == "race" and races == "paper":
            cells.append([PAPER_RACES.get(v, v) for v in frame[col].tolist()])
        else:
            cells.append([str(v) for v in frame[col].tolist()])
    lines = [",".join(frame.columns), *map(",".join, zip(*cells))]
    return "\n".join(lines) + "\n"


def write_text_atomically(path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file beside it, renamed whole."""
    target = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    except OSError as exc:
        raise OmopError(f"{shown_path(path)}: cannot write ({exc.strerror}).") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OmopError(f"{shown_path(path)}: cannot write ({exc.strerror}).") from None
        raise


def write_cohort_csv(extraction: Extraction, path, races: str = "omb") -> None:
    """Write the cohort file atomically (see :func:`cohort_csv_text`); never a partial file."""
    write_text_atomically(path, cohort_csv_text(extraction, races))


def attrition_dict(extraction: Extraction) -> dict:
    """The attrition and outcome counts as plain data (JSON-ready, no identifier, no date)."""
    return {
        "cdm": extraction.cdm,
        "definition_sha256": extraction.definition_sha256,
        "attrition": [{"label": s.label, "n": s.n} for s in extraction.attrition],
        "outcomes": [{"column": o.column, "found": o.found, "not_recorded": o.not_recorded,
                      "left_out": o.left_out, "left_out_reason": o.reason} for o in extraction.outcomes],
    }
