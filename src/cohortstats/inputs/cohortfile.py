"""Load and validate a cohort file: the one place where input is checked.

A cohort is a CSV file, one row per patient (``data/README.md`` documents the
columns and vocabularies). :func:`load_cohort` either returns a :class:`Cohort`
whose frame can be trusted by every other module, or raises :class:`CohortError`
with a one-line message naming the file, the row and the column. Rows are
numbered as a spreadsheet shows them: the header is row 1, the first patient
row 2.

What is decided here, once, so that no later step meets it:

- the file: a regular file (or a link to one) of at most :data:`MAX_BYTES`,
  UTF-8, comma-separated, every row as wide as the header;
- identifiers: no column name or cell that looks like a direct identifier of
  the HIPAA Safe Harbor list (:mod:`cohortstats.inputs.identifiers`), no control or
  bidi-formatting character in any cell;
- vocabularies: ``sex``, ``race``, ``indications`` and ``response_6mo`` from
  :mod:`cohortstats.core.vocabulary`;
- numbers: finite, not negative, at most :data:`MAX_MAGNITUDE`; ages at most
  :data:`MAX_AGE`; every outcome has at least one patient with both values.

Cohorts the statistics cannot say much about (one or two patients, no change in
anyone, all values identical) are valid: the analysis reports what it could not
compute and why.

The file is only ever read, never written, and nothing derived from it is
stored.
"""
from __future__ import annotations

import argparse
import codecs
import csv
import hashlib
import io
import os
import re
import stat
import sys
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cohortstats.inputs.identifiers import PLAIN_STUDY_ID, identifier_column, identifier_study_id, \
    identifier_value, looks_like
from cohortstats.core.outcomes import DEFAULT_NAMES, parse_outcomes
from cohortstats.core import vocabulary
from cohortstats.core.vocabulary import INDICATIONS, RACES, RESPONSES, SEX_CODES
from cohortstats.core.paths import DEFAULT_COHORT
from cohortstats.inputs.csvfile import (CohortError, MAX_AGE, MAX_BYTES, MAX_ID, MAX_MAGNITUDE,
                                        MAX_TEXT, _NUMBER, _README, _clip, _decode, _escape, _fail,
                                        _first, _identifying, _invisible, _numbers, _quote, _read,
                                        _read_frame, _shown_path, _strip, _structure, european)

__all__ = ["CohortError", "Cohort", "REQUIRED_COLUMNS", "USED_COLUMNS", "INDICATIONS",
           "MAX_BYTES", "MAX_MAGNITUDE", "MAX_AGE", "MAX_TEXT", "MAX_ID", "load_cohort"]

#: Required columns, in the order the data dictionary gives them.
REQUIRED_COLUMNS = (
    "patient_id", "sex", "race",
    "prednisone_mg_baseline", "prednisone_mg_6mo",
    "esr_mm_hr_baseline", "esr_mm_hr_6mo",
)


@dataclass(frozen=True)
class Cohort:
    """A validated cohort.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per patient, columns as in the file. Outcome columns and
        ``age_years`` are float (NaN = not recorded); text columns are str,
        stripped, with ``sex`` upper case and ``race`` spelled as the
        vocabulary spells it ("" = not recorded).
    path : str
        The file as given (not resolved through links).
    sha256 : str
        SHA-256 of the file's bytes.
    reconstructed : bool
        True when the file is a reconstruction made by ``make data`` — every
        ``patient_id`` is ``R`` and digits (R01, R02, ...) — or is byte-identical
        to the shipped ``data/cohort.csv``: not patient records. Real extracts
        must not use that id scheme (data/README.md).
    outcomes : tuple of Outcome
        The measured pairs that were checked.
    not_used : tuple of (str, str)
        Every column of the file the analysis does not use, with the reason
        (:func:`not_used`): nothing is dropped in silence.
    """

    frame: pd.DataFrame = field(repr=False)
    path: str
    sha256: str
    reconstructed: bool
    outcomes: tuple = ()
    not_used: tuple = ()

    @property
    def n(self) -> int:
        return len(self.frame)



def _check_header(shown: str, header: list, outcomes) -> list:
    header = [h.strip() for h in header]
    for i, col in enumerate(header):
        if col == "":
            _fail(shown, f"header field {i + 1} is empty; every column needs a name", row=1)
        if not col.isprintable():
            _fail(shown, "column name contains an invisible or control character; rename it",
                  row=1, column=col)
    seen = set()
    for col in header:
        if col in seen:
            _fail(shown, "appears twice in the header", row=1, column=col)
        seen.add(col)
    for col in header:
        category = identifier_column(col)
        if category is not None:
            _fail(shown, f"looks like a direct identifier (HIPAA Safe Harbor: {category}); remove "
                  f"the column before using this bundle — no names, record numbers or dates",
                  row=1, column=col)
    for col in list(REQUIRED_COLUMNS[:3]) + _numeric_columns(outcomes):
        if col not in header:
            columns = _clip(", ".join(header), 100)
            _fail(shown, f"missing required column {_quote(col)} (columns are: {columns})", column=col)
    return header


#: Columns read when present (besides the measured pairs).
USED_COLUMNS = ("patient_id", "sex", "race", "ethnicity", "age_years", "indications", "response_6mo",
                "adverse_events")


def pairs_in(header) -> list[str]:
    """Outcome names with both ``<name>_baseline`` and ``<name>_6mo`` in ``header``: the paper's first."""
    names = [h[: -len("_baseline")] for h in header if h.endswith("_baseline")
             and f"{h[: -len('_baseline')]}_6mo" in header]
    return [n for n in DEFAULT_NAMES if n in names] + [n for n in names if n not in DEFAULT_NAMES]


def not_used(header, outcomes) -> tuple:
    """``(column, reason)`` for every column of ``header`` the analysis does not use."""
    analysed = {c for o in outcomes for c in (o.baseline, o.followup)}
    out = []
    for col in header:
        if col in analysed or col in USED_COLUMNS:
            continue
        base = col.removesuffix("_baseline").removesuffix("_6mo")
        if base != col and base in pairs_in(header):
            out.append((col, f"a measured pair not in OUTCOMES= (add {base} to analyse it)"))
        elif base != col:
            other = f"{base}_6mo" if col.endswith("_baseline") else f"{base}_baseline"
            out.append((col, f"has no {other} column to pair with"))
        else:
            out.append((col, "not a column the analysis reads (data/README.md); checked for "
                             "identifiers, otherwise left out"))
    return tuple(out)


def _numeric_columns(outcomes) -> list[str]:
    cols = []
    for o in outcomes:
        cols += [o.baseline, o.followup]
    return cols



def _check_ids(shown, frame, rows):
    ids = frame["patient_id"]
    blank = (ids == "").to_numpy()
    if blank.any():
        _fail(shown, "is empty; every patient needs an id", row=rows[_first(blank)], column="patient_id")
    joined = "\n".join(ids.to_numpy(dtype=object).tolist())
    if re.search(rf"(?m)^[^\n]{{{MAX_ID + 1}}}", joined):
        i = _first((ids.str.len() > MAX_ID).to_numpy())
        _fail(shown, f"is longer than {MAX_ID} characters; use a short study id such as P001",
              row=rows[i], column="patient_id")
    for m in re.finditer(rf"(?m)^(?!{PLAIN_STUDY_ID}$)[^\n]*", joined):
        category = identifier_study_id(m.group())
        if category is not None:
            i = joined.count("\n", 0, m.start())
            _fail(shown, f"is not a study id: it {_identifying(category)}",
                  row=rows[i], column="patient_id")
    dup = ids.duplicated(keep="first").to_numpy()
    if dup.any():
        i = _first(dup)
        first = _first((ids == ids.iloc[i]).to_numpy())
        _fail(shown, f"duplicate patient_id {_quote(ids.iloc[i])} (first at row {rows[first]})",
              row=rows[i], column="patient_id", patient=ids.iloc[i])
    return joined


def _row_of(frame, col, cell) -> int:
    return _first((frame[col] == cell).to_numpy())


def _category(shown, frame, rows, ids, col, words, allowed):
    """Read a category column through its synonyms (data/vocabulary.yml); one line on a word it lacks."""
    if col not in frame.columns:
        return
    mapped = {}
    for cell in frame[col].unique().tolist():
        value = "" if cell == "" else words.get(vocabulary.key(cell))
        if value is None:
            i = _row_of(frame, col, cell)
            category = identifier_value(cell)
            what = (f"looks like {looks_like(category)}, not a {col} (no identifiers, {_README})"
                    if category else f"unknown {col} {_quote(cell)}")
            shown_allowed = ", ".join(allowed[:3]) + (", …" if len(allowed) > 3 else "")
            _fail(shown, f"{what}; expected one of {shown_allowed} (data/vocabulary.yml lists them "
                  "and their synonyms: add yours there), or empty if not recorded",
                  row=rows[i], column=col, patient=ids[i])
        mapped[cell] = value
    if any(k != v for k, v in mapped.items()):  # each distinct cell looked up once, not each row
        cells = pd.Categorical(frame[col], categories=list(mapped))
        words = np.array([mapped[c] for c in cells.categories], dtype=object)
        frame[col] = pd.Series(words[cells.codes], index=frame.index, dtype=frame[col].dtype)


def _check_codes(shown, frame, rows, ids):
    _category(shown, frame, rows, ids, "sex", vocabulary.SEX_WORDS, tuple(SEX_CODES))
    _category(shown, frame, rows, ids, "race", vocabulary.RACE_WORDS, RACES)
    _category(shown, frame, rows, ids, "ethnicity", vocabulary.ETHNICITY_WORDS, vocabulary.ETHNICITIES)

    for col, vocab in (("indications", INDICATIONS), ("response_6mo", RESPONSES)):
        if col not in frame.columns:
            continue
        for cell in frame[col].unique().tolist():  # each distinct cell once
            if cell == "":
                continue
            for code in ([c.strip() for c in cell.split(";")] if col == "indications" else [cell]):
                if code not in vocab:
                    i = _row_of(frame, col, cell)
                    category = identifier_value(code)
                    what = (f"unknown code that {_identifying(category)}" if category
                            else f"unknown code {_quote(code)}")
                    _fail(shown, f"{what}; expected one of {', '.join(vocab)}",
                          row=rows[i], column=col, patient=ids[i])


_WHOLE_LONG = re.compile(r"[+-]?[0-9]{9,}")


def _check_text(shown, frame, col, rows, ids, numbers_allowed: bool):
    """Free text: at most MAX_TEXT characters and nothing that looks like an identifier."""
    for cell in pd.unique(frame[col]):
        if cell == "":
            continue
        if len(cell) > MAX_TEXT:
            i = _row_of(frame, col, cell)
            _fail(shown, f"is {len(cell)} characters long; free text is limited to {MAX_TEXT}",
                  row=rows[i], column=col, patient=ids[i])
        if numbers_allowed and _NUMBER.fullmatch(cell):
            category = "medical record numbers" if _WHOLE_LONG.fullmatch(cell) else None
        else:
            category = identifier_value(cell)
        if category is not None:
            i = _row_of(frame, col, cell)
            _fail(shown, _identifying(category), row=rows[i], column=col, patient=ids[i])


def load_cohort(path, outcomes=None) -> Cohort:
    """Read and validate a cohort CSV.

    Parameters
    ----------
    path : str or path-like
        The CSV file: a regular file or a link to one, at most :data:`MAX_BYTES`,
        UTF-8 with or without a byte-order mark, LF or CRLF line ends.
    outcomes : see :func:`cohortstats.core.outcomes.parse_outcomes`
        The measured pairs; their columns must be present and numeric.

    Returns
    -------
    Cohort

    Raises
    ------
    CohortError
        With a one-line message (at most 300 characters, control characters
        escaped, values cut at 60 characters, identifying values never shown)
        naming the file as given, the row as a spreadsheet numbers it and the
        column: a missing file, a dangling link, a directory, pipe or device, a
        file over the size limit, not UTF-8, empty, semicolon- or tab-separated,
        a ragged row or blank line, a missing, duplicate or identifier column, a
        control or bidi character in a cell, an empty, duplicate or identifying
        ``patient_id``, a code outside the vocabularies, a measurement that is
        not a number, negative or beyond :data:`MAX_MAGNITUDE`, an age over
        :data:`MAX_AGE`, an outcome no patient has both values of, a free-text
        cell over :data:`MAX_TEXT` characters or that looks like an identifier.
    TypeError
        ``path`` is not a str or path-like.
    ValueError
        ``outcomes`` is malformed (from :func:`parse_outcomes`).
    """
    message = f"`path` must be a str or path-like object; not {type(path).__name__}."
    if not isinstance(path, (str, bytes, os.PathLike)):
        raise TypeError(message)
    outcomes = parse_outcomes(outcomes)
    shown = os.fsdecode(path)  # the name as given, never resolved through links
    raw = _read(path, shown)
    sha = hashlib.sha256(raw).hexdigest()
    text = _decode(shown, raw)
    data = raw
    converted = european(text)  # ';' between fields and decimal commas: read as what they stand for
    if converted is not None:
        text, data = converted, converted.encode("utf-8")

    header, n_rows = _structure(shown, data, text)
    if not outcomes:  # every measured pair of the file, the paper's two first
        outcomes = parse_outcomes(pairs_in([h.strip() for h in header]) or list(DEFAULT_NAMES))
    header = _check_header(shown, header, outcomes)
    if n_rows == 0:
        _fail(shown, "has a header but no patient rows")

    numeric = _numeric_columns(outcomes) + (["age_years"] if "age_years" in header else [])
    numeric = list(dict.fromkeys(numeric))
    try:
        frame, parsed = _read_frame(data, header, numeric)
    except (pd.errors.ParserError, ValueError) as exc:
        _fail(shown, f"is not valid CSV ({' '.join(str(exc).split())[:80]})")
    if len(frame) != n_rows:
        _fail(shown, f"is not valid CSV (read {len(frame)} rows, counted {n_rows})")
    rows = np.arange(2, len(frame) + 2)
    text_columns = [c for c in header if c not in numeric or not parsed]

    for col in text_columns:
        _strip(frame, col)
    invisible = _invisible(data)
    if invisible:  # the first cell with a control or formatting character (after stripping)
        hits = [(_first(m), header.index(c), c) for c in text_columns
                if (m := frame[c].str.contains(invisible, regex=True).to_numpy()).any()]
        if hits:
            i, _, col = min(hits)
            ch = re.search(invisible, frame[col].iloc[i]).group()
            _fail(shown, f"contains an invisible or control character ({_escape(ch)}); remove it",
                  row=rows[i], column=col)

    joined = _check_ids(shown, frame, rows)
    ids = frame["patient_id"].to_numpy()
    _check_codes(shown, frame, rows, ids)

    for col in numeric:
        frame[col] = _numbers(shown, frame, col, parsed, ids, rows)
    if "age_years" in numeric:
        old = frame["age_years"].to_numpy() > MAX_AGE
        if old.any():
            i = _first(old)
            _fail(shown, f"{frame['age_years'].iloc[i]:g} is over {MAX_AGE}: ages over 89 identify "
                  f"patients (HIPAA Safe Harbor); write {MAX_AGE} for every age of {MAX_AGE} or more",
                  row=rows[i], column="age_years", patient=ids[i])
    for o in outcomes:
        both = frame[o.baseline].notna() & frame[o.followup].notna()
        if not both.any():
            _fail(shown, f"no patient has both {o.baseline} and {o.followup}; nothing to compare",
                  column=o.baseline)

    known = set(REQUIRED_COLUMNS[:3]) | set(numeric) | {"indications", "response_6mo", "ethnicity"}
    for col in header:
        if col not in known:
            _check_text(shown, frame, col, rows, ids, numbers_allowed=col != "adverse_events")

    reconstructed = re.fullmatch(r"(?:R\d+\n)*R\d+", joined) is not None  # `make data` ids
    try:
        reconstructed = reconstructed or (DEFAULT_COHORT.is_file() and DEFAULT_COHORT.read_bytes() == raw)
    except OSError:
        pass
    return Cohort(frame=frame, path=shown, sha256=sha, reconstructed=bool(reconstructed),
                  outcomes=outcomes, not_used=not_used(header, outcomes))


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one ``error:`` line, like every other."""

    def error(self, message):
        raise _UsageError(message)


def main(argv=None) -> int:
    """``python -m cohortstats.inputs.cohortfile COHORT [--outcomes a,b]``: validate and say so in one line."""
    parser = _Parser(prog="python -m cohortstats.inputs.cohortfile", description=main.__doc__)
    parser.add_argument("cohort")
    parser.add_argument("--outcomes", default=None)
    try:
        args = parser.parse_args(argv)
        cohort = load_cohort(args.cohort, outcomes=args.outcomes or None)
    except CohortError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except _UsageError as exc:
        print(f"error: {_clip(' '.join(str(exc).split()), 240)}", file=sys.stderr)
        return 2
    except ValueError as exc:  # --outcomes
        print(f"error: --outcomes: {_clip(' '.join(str(exc).split()), 240)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 2
    kind = "reconstructed cohort (not patient records)" if cohort.reconstructed else "cohort"
    patients = "1 patient" if cohort.n == 1 else f"{cohort.n} patients"
    print(f"ok: {_shown_path(args.cohort)}: {patients}, {kind}, sha256 {cohort.sha256[:12]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
