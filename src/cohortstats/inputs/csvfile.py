"""Reading a cohort file's bytes: the file, its text, its CSV structure and its cells.

The first stage of :func:`cohortstats.inputs.cohortfile.load_cohort`: a regular file of at most
:data:`MAX_BYTES`, UTF-8, comma-separated (a ``;``-separated file with decimal commas, as Excel
writes in a European locale, is read as what it stands for: :func:`european`), every row as wide
as the header; then numbers read and bounded. Every refusal is one line naming the file, the row
and the column (:func:`_fail`).
"""
from __future__ import annotations

import codecs
import csv
import io
import os
import re
import stat
import unicodedata

import numpy as np
import pandas as pd

from cohortstats.inputs.identifiers import identifier_study_id, identifier_value, looks_like


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


class CohortError(ValueError):
    """A cohort file that cannot be used; the message is one line for the user."""




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
    if "," not in first and european(text) is None:
        for sep, words in ((";", "';'"), ("\t", "tabs")):
            if sep in first:
                _fail(shown, f"uses {words} between fields, not as a European Excel file does (';' "
                      "and decimal commas, every row as wide as the header); save it as CSV UTF-8 "
                      "(comma-delimited): your values are kept", row=1)
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
    values = "\n".join(frame[col].unique().tolist())  # the distinct cells (Arrow's hash, no copy to objects)
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
            advice = (f"write {cell.replace(',', '.')} with a decimal point, or save the file with ';' "
                      "between fields as Excel does in a European locale" if _DECIMAL_COMMA.fullmatch(cell)
                      else "an empty cell means not recorded")
            _fail(shown, f"{_quote(cell)} is not a number ({advice})",
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




def european(text: str) -> str | None:
    """A file Excel wrote in a European locale, as the comma-separated file it stands for; else None.

    Read only when unambiguous: ``;`` between fields in the header and no ``,`` there, every row with
    as many fields; then a cell that is a number with a decimal comma (``27,5``) becomes ``27.5``
    and every other cell is kept as it is.
    """
    first = text.split("\n", 1)[0]
    if ";" not in first or "," in first:
        return None
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    except csv.Error:  # not CSV at all: the checks of the comma file will say why
        return None
    width = len(rows[0])
    if any(len(r) != width for r in rows if r):
        return None
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for r in rows:
        writer.writerow([_DECIMAL_COMMA.sub(r"\1.\2", c) if _DECIMAL_COMMA.fullmatch(c.strip()) else c
                         for c in r] if r else [])
    return out.getvalue()


_DECIMAL_COMMA = re.compile(r"\s*([+-]?[0-9]+),([0-9]+)\s*")
