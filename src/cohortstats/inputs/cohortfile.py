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
from cohortstats.core.outcomes import parse_outcomes
from cohortstats.core.vocabulary import INDICATIONS, RACES, RESPONSES, SEX_CODES
from cohortstats.core.paths import DEFAULT_COHORT

__all__ = ["CohortError", "Cohort", "REQUIRED_COLUMNS", "OPTIONAL_COLUMNS", "INDICATIONS",
           "MAX_BYTES", "MAX_MAGNITUDE", "MAX_AGE", "MAX_TEXT", "MAX_ID", "load_cohort"]

#: Required columns, in the order the data dictionary gives them.
REQUIRED_COLUMNS = (
    "patient_id", "sex", "race",
    "prednisone_mg_baseline", "prednisone_mg_6mo",
    "esr_mm_hr_baseline", "esr_mm_hr_6mo",
)
#: Optional columns, used when present.
OPTIONAL_COLUMNS = ("age_years", "indications", "response_6mo", "adverse_events")

#: Largest cohort file read, in bytes (256 MiB; a 10^6-patient file is about 70 MB).
MAX_BYTES = 256 * 2**20
#: Largest magnitude of a dose or laboratory value; beyond it sums of squares lose
#: their meaning long before they overflow, and no unit of this bundle needs it.
MAX_MAGNITUDE = 1e9
#: Largest ``age_years``: HIPAA Safe Harbor counts ages over 89 as identifiers, so
#: every age of 90 or more is written 90.
MAX_AGE = 90
#: Longest free-text cell (``adverse_events``, extra text columns), in characters.
MAX_TEXT = 200
#: Longest ``patient_id``, in characters.
MAX_ID = 40

_SHOWN = 60        # longest quoted value in a message, in characters
_SHOWN_PATH = 120  # longest file name in a message
_MESSAGE = 300     # longest message
_README = "data/README.md"
_RACES = {r.casefold(): r for r in RACES}


class CohortError(ValueError):
    """A cohort file that cannot be used; the message is one line for the user."""


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
    """

    frame: pd.DataFrame = field(repr=False)
    path: str
    sha256: str
    reconstructed: bool
    outcomes: tuple = ()

    @property
    def n(self) -> int:
        return len(self.frame)


# --- messages ---------------------------------------------------------------------

def _escape(text: str) -> str:
    """Non-printable characters (controls, ANSI escapes, bidi overrides) as escapes."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isprintable():
            out.append(ch)
        else:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else
                       f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return "".join(out)


def _clip(text, limit: int = _SHOWN) -> str:
    """At most ``limit`` characters, escaped, with … when cut."""
    text = str(text)
    escaped = _escape(text[: limit + 1])
    return escaped if len(escaped) <= limit and len(text) <= limit else escaped[: limit - 1] + "…"


def _quote(value) -> str:
    return f"'{_clip(value)}'"


def _shown_path(path: str) -> str:
    """The file name as given, escaped; a long one keeps its start and its end."""
    path = str(path)
    if len(path) > 4 * _SHOWN_PATH:
        path = path[:_SHOWN_PATH] + path[-_SHOWN_PATH:]
    text = _escape(path)
    return text if len(text) <= _SHOWN_PATH else text[:40] + "…" + text[-(_SHOWN_PATH - 41):]


def _message(path, message, row=None, column=None, patient=None) -> str:
    where = [_shown_path(path)]
    if row is not None:
        shown = None
        if patient not in (None, "") and len(str(patient)) <= MAX_ID \
                and identifier_study_id(str(patient)) is None:
            shown = _clip(patient, MAX_ID)
        where.append(f"row {row}" + (f" (patient {shown})" if shown else ""))
    if column is not None:
        where.append(f"column {_quote(column)}")
    text = ": ".join([", ".join(where), _escape(" ".join(str(message).split()))])
    return text if len(text) <= _MESSAGE else text[: _MESSAGE - 1] + "…"


def _fail(path, message, row=None, column=None, patient=None):
    raise CohortError(_message(path, message, row, column, patient))


def _identifying(category: str) -> str:
    return (f"looks like {looks_like(category)}; a cohort file must hold no direct identifiers "
            f"(HIPAA Safe Harbor, {_README})")


# --- the file ---------------------------------------------------------------------

_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


def _not_regular(mode: int) -> str:
    for test, kind in _KINDS:
        if test(mode):
            return kind
    return "not a regular file"


def _read(path, shown: str) -> bytes:
    """The file's bytes: a regular file (or a link to one) of at most MAX_BYTES."""
    limit = f"the limit is {MAX_BYTES // 2**20} MiB ({_README})"
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            _fail(shown, "is a link to a file that does not exist")
        _fail(shown, "no such file")
    except NotADirectoryError:
        _fail(shown, "no such file (a part of the path is not a folder)")
    except ValueError:
        _fail(shown, "is not a usable file name (it contains a NUL character)")
    except OSError as exc:
        _fail(shown, f"cannot be read ({exc.strerror})")
    if not stat.S_ISREG(info.st_mode):
        _fail(shown, f"is {_not_regular(info.st_mode)}, not a CSV file")
    if info.st_size > MAX_BYTES:
        _fail(shown, f"is {info.st_size / 2**20:.0f} MiB; {limit}")
    try:
        # Non-blocking: if the file was swapped for a pipe since, open does not hang.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
                     | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        _fail(shown, f"cannot be read ({exc.strerror})")
    with os.fdopen(fd, "rb") as fh:
        mode = os.fstat(fh.fileno()).st_mode
        if not stat.S_ISREG(mode):
            _fail(shown, f"is {_not_regular(mode)}, not a CSV file")
        try:
            raw = fh.read(MAX_BYTES + 1)
        except OSError as exc:
            _fail(shown, f"cannot be read ({exc.strerror})")
    if len(raw) > MAX_BYTES:
        _fail(shown, f"is larger than {MAX_BYTES // 2**20} MiB; {limit}")
    return raw


def _decode(shown: str, raw: bytes) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        _fail(shown, f"is not UTF-8 text (byte {exc.start}); save it as UTF-8 CSV", row=line)
    if "\x00" in text:
        _fail(shown, "contains NUL bytes; this is not a CSV text file")
    if not text.strip():
        _fail(shown, "is empty; expected a header row and one row per patient")
    first = text.split("\n", 1)[0]
    if "," not in first:
        for sep, words in ((";", "';'"), ("\t", "tabs")):
            if sep in first:
                _fail(shown, f"uses {words} between fields; save it as comma-separated CSV", row=1)
    if "\r" in text:
        lone = re.search(r"\r(?!\n)", text)
        if lone:
            _fail(shown, "has a carriage return (CR) that does not end a line; save it with LF or "
                  "CRLF line ends", row=text.count("\n", 0, lone.start()) + 1)
    return text


def _structure(shown: str, raw: bytes, text: str):
    """Header and number of rows; fail on a ragged row, a blank line or bad quoting.

    The C parser of pandas pads a short row with empty cells, so rows are counted
    here: without quotes a field count is a comma count, done in bulk on the
    bytes; with quotes, the csv module reads every row.
    """
    if '"' not in text:
        body = raw[len(codecs.BOM_UTF8):] if raw.startswith(codecs.BOM_UTF8) else raw
        data = np.frombuffer(body, dtype=np.uint8)
        ends = np.flatnonzero(data == 10)
        if data.size and data[-1] != 10:
            ends = np.append(ends, data.size)
        commas = np.flatnonzero(data == 44)
        starts = np.concatenate([[0], ends[:-1] + 1])
        per_line = np.searchsorted(commas, ends) - np.searchsorted(commas, starts)
        lengths = ends - starts - (data[np.maximum(ends - 1, 0)] == 13)
        header = body[: ends[0]].decode("utf-8").rstrip("\r").split(",")
        width = len(header)
        blank = lengths[1:] <= 0
        bad = per_line[1:] != width - 1
        if blank.any():
            _fail(shown, "blank line; remove it", row=int(np.flatnonzero(blank)[0]) + 2)
        if bad.any():
            line = int(np.flatnonzero(bad)[0]) + 2
            record = body[starts[line - 1]: ends[line - 1]].decode("utf-8").rstrip("\r").split(",")
            _fail(shown, f"has {len(record)} fields where the header has {width}",
                  row=line, patient=record[0])
        return header, int(ends.size - 1)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    n_rows = 0
    try:
        header = next(reader)
        width = len(header)
        for record in reader:
            n_rows += 1
            row = n_rows + 1
            if not record or (len(record) == 1 and record[0] == ""):
                _fail(shown, "blank line; remove it", row=row)
            if len(record) != width:
                _fail(shown, f"has {len(record)} fields where the header has {width}",
                      row=row, patient=record[0])
            if reader.line_num != row:
                _fail(shown, "has a line break inside a quoted cell; remove it", row=row)
    except csv.Error as exc:
        _fail(shown, f"is not valid CSV ({exc})", row=n_rows + 2)
    if reader.line_num != n_rows + 1:
        _fail(shown, "has a line break inside a quoted cell; remove it", row=1)
    return header, n_rows


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


def _numeric_columns(outcomes) -> list[str]:
    cols = []
    for o in outcomes:
        cols += [o.baseline, o.followup]
    return cols


# --- the cells --------------------------------------------------------------------

def _read_frame(raw: bytes, header: list, numeric: list):
    """The table by pandas' C parser: numeric columns as float, the others as str.

    Returns the frame and whether the numeric columns were parsed; when a cell is
    not a number they are read as text, for :func:`_numbers` to say which.
    """
    positions = {col: i for i, col in enumerate(header)}
    kwargs = dict(encoding="utf-8-sig", header=None, skiprows=1, names=list(range(len(header))),
                  index_col=False, keep_default_na=False, skip_blank_lines=False, engine="c")
    as_text = {i: str for i in range(len(header))}
    try:
        frame = pd.read_csv(io.BytesIO(raw), dtype={**as_text, **{positions[c]: "float64" for c in numeric}},
                            na_values={positions[c]: [""] for c in numeric}, **kwargs)
        parsed = True
    except ValueError:
        frame = pd.read_csv(io.BytesIO(raw), dtype=as_text, na_filter=False, **kwargs)
        parsed = False
    frame.columns = header
    return frame, parsed


def _first(mask) -> int:
    return int(np.flatnonzero(np.asarray(mask))[0])


# Bytes that are plain text: LF, CR and printable ASCII.
_PLAIN_BYTES = bytes([10, 13, *range(32, 127)])
_ASCII_BYTES = bytes(range(128))


def _invisible(raw: bytes) -> str | None:
    """A character class of the control and formatting characters in the file, or None."""
    rest = raw.translate(None, _PLAIN_BYTES)  # controls, and every byte of non-ASCII characters
    if not rest:
        return None
    found = {chr(b) for b in rest.translate(None, bytes(range(128, 256)))}
    others = set(rest.translate(None, _ASCII_BYTES).decode("utf-8", errors="replace"))
    found |= {ch for ch in others if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")}
    if "\ufeff" in found and raw.count(codecs.BOM_UTF8) == 1 and raw.startswith(codecs.BOM_UTF8):
        found.discard("\ufeff")  # the byte-order mark, not a cell
    if not found:
        return None
    return "[" + "".join(re.escape(ch) for ch in sorted(found)) + "]"


def _strip(frame, col):
    """Strip the cells of a text column when some cell has blanks around it."""
    values = "\n".join(pd.unique(frame[col].to_numpy(dtype=object)).tolist())
    if re.search(r"[^\S\n]", values) and re.search(r"(?m)^[^\S\n]|[^\S\n]$", values):
        frame[col] = frame[col].str.strip()


_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _numbers(shown, frame, col, parsed, ids, rows):
    """The column as float; fail on a cell that is not a number or out of bounds."""
    if parsed:
        values = frame[col].to_numpy(dtype=float)
        bad = np.isinf(values)
        if bad.any():
            i = _first(bad)
            cell = "inf" if values[i] > 0 else "-inf"
            _fail(shown, f"{_quote(cell)} is not a number (leave the cell empty if not recorded)",
                  row=rows[i], column=col, patient=ids[i])
    else:
        cells = frame[col].str.strip()
        values = pd.to_numeric(cells, errors="coerce").to_numpy(dtype=float)
        bad = (np.isnan(values) & (cells != "").to_numpy()) | np.isinf(values)
        if bad.any():
            i = _first(bad)
            cell = cells.iloc[i]
            category = identifier_value(cell)
            if category is not None:
                _fail(shown, _identifying(category), row=rows[i], column=col, patient=ids[i])
            _fail(shown, f"{_quote(cell)} is not a number (leave the cell empty if not recorded)",
                  row=rows[i], column=col, patient=ids[i])
    with np.errstate(invalid="ignore"):
        neg = values < 0
        big = np.abs(values) > MAX_MAGNITUDE
    if neg.any():
        i = _first(neg)
        _fail(shown, f"{values[i]:g} is negative; doses, rates and laboratory values cannot be",
              row=rows[i], column=col, patient=ids[i])
    if big.any():
        i = _first(big)
        _fail(shown, f"{values[i]:g} is too large for a dose or laboratory value (the limit is "
              f"{MAX_MAGNITUDE:g}, {_README})", row=rows[i], column=col, patient=ids[i])
    return values


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


def _check_codes(shown, frame, rows, ids):
    codes = {v: v.upper() for v in pd.unique(frame["sex"])}
    for raw_code, code in codes.items():
        if code not in SEX_CODES:
            i = _row_of(frame, "sex", raw_code)
            _fail(shown, f"unknown sex code {_quote(raw_code)}; expected {' or '.join(SEX_CODES)}",
                  row=rows[i], column="sex", patient=ids[i])
    if any(k != v for k, v in codes.items()):
        frame["sex"] = frame["sex"].map(codes)

    races = {}
    for cell in pd.unique(frame["race"]):
        race = "" if cell == "" else _RACES.get(cell.casefold())
        if race is None:
            i = _row_of(frame, "race", cell)
            category = identifier_value(cell)
            what = (f"looks like {looks_like(category)}, not a race (no identifiers, {_README})"
                    if category else f"unknown race {_quote(cell)}")
            _fail(shown, f"{what}; expected one of {', '.join(RACES)}, or empty if not recorded",
                  row=rows[i], column="race", patient=ids[i])
        races[cell] = race
    if any(k != v for k, v in races.items()):
        frame["race"] = frame["race"].map(races)

    for col, vocab in (("indications", INDICATIONS), ("response_6mo", RESPONSES)):
        if col not in frame.columns:
            continue
        for cell in pd.unique(frame[col]):  # each distinct cell once
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

    header, n_rows = _structure(shown, raw, text)
    header = _check_header(shown, header, outcomes)
    if n_rows == 0:
        _fail(shown, "has a header but no patient rows")

    numeric = _numeric_columns(outcomes) + (["age_years"] if "age_years" in header else [])
    numeric = list(dict.fromkeys(numeric))
    try:
        frame, parsed = _read_frame(raw, header, numeric)
    except (pd.errors.ParserError, ValueError) as exc:
        _fail(shown, f"is not valid CSV ({' '.join(str(exc).split())[:80]})")
    if len(frame) != n_rows:
        _fail(shown, f"is not valid CSV (read {len(frame)} rows, counted {n_rows})")
    rows = np.arange(2, len(frame) + 2)
    text_columns = [c for c in header if c not in numeric or not parsed]

    for col in text_columns:
        _strip(frame, col)
    invisible = _invisible(raw)
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

    known = set(REQUIRED_COLUMNS[:3]) | set(numeric) | {"indications", "response_6mo"}
    for col in header:
        if col not in known:
            _check_text(shown, frame, col, rows, ids, numbers_allowed=col != "adverse_events")

    reconstructed = re.fullmatch(r"(?:R\d+\n)*R\d+", joined) is not None  # `make data` ids
    try:
        reconstructed = reconstructed or (DEFAULT_COHORT.is_file() and DEFAULT_COHORT.read_bytes() == raw)
    except OSError:
        pass
    return Cohort(frame=frame, path=shown, sha256=sha, reconstructed=bool(reconstructed),
                  outcomes=outcomes)


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
