"""Load and validate a cohort file: the one place where input is checked.

A cohort is a CSV file, one row per patient. :func:`load_cohort` either returns a
:class:`Cohort` whose frame can be trusted by every other module, or raises
:class:`CohortError` with a one-line message naming the file, the row and the
column. Rows are numbered as a spreadsheet shows them: the header is row 1, the
first patient row 2.

The file is only ever read, never written.
"""
from __future__ import annotations

import csv
import dataclasses
import hashlib
import os
import io as _io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .outcomes import Outcome, parse_outcomes
from .vocabulary import INDICATIONS, RESPONSES, SEX_CODES

__all__ = ["CohortError", "Cohort", "REQUIRED_COLUMNS", "OPTIONAL_COLUMNS", "load_cohort"]

#: Required columns, in the order the data dictionary gives them.
REQUIRED_COLUMNS = (
    "patient_id", "sex", "race",
    "prednisone_mg_baseline", "prednisone_mg_6mo",
    "esr_mm_hr_baseline", "esr_mm_hr_6mo",
)
#: Optional columns, used when present.
OPTIONAL_COLUMNS = ("age_years", "indications", "response_6mo", "adverse_events")

# Direct identifiers (HIPAA Safe Harbor, 45 CFR 164.514(b)(2)) recognised in column
# names. A column whose normalised name equals one of these, or contains one of the
# tokens, is refused.
_IDENTIFIER_NAMES = {
    "name", "first_name", "firstname", "last_name", "lastname", "surname", "given_name",
    "full_name", "patient_name", "initials", "mrn", "medical_record_number",
    "medical_record", "record_number", "chart_number", "account_number",
    "health_plan_number", "insurance_id", "member_id", "dob", "birth_date",
    "date_of_birth", "birthdate", "birthday", "ssn", "social_security_number",
    "address", "street", "city", "zip", "zipcode", "zip_code", "postcode", "postal_code",
    "phone", "telephone", "phone_number", "mobile", "cell", "fax", "email", "e_mail",
    "email_address", "ip_address", "url", "license_number", "licence_number",
    "vehicle_id", "device_serial", "serial_number", "photo", "photograph", "biometric",
    "fingerprint", "certificate_number",
}
_IDENTIFIER_WORDS = {"name", "names", "surname", "initials", "mrn", "ssn", "dob", "birth",
                     "birthdate", "date", "dates", "address", "street", "phone", "telephone",
                     "email", "fax", "zip", "zipcode", "postcode", "admission", "discharge",
                     "death", "dod", "doa"}
_IDENTIFIER_PHRASES = ("social_security", "medical_record", "record_number")


class CohortError(ValueError):
    """A cohort file that cannot be used; the message is one line for the user."""


@dataclass(frozen=True)
class Cohort:
    """A validated cohort.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per patient; numeric columns are float (NaN = not recorded).
    path : str
        The file as given.
    sha256 : str
        SHA-256 of the file's bytes.
    reconstructed : bool
        True when the file is a reconstruction made by ``make data`` — every
        ``patient_id`` is ``R`` and digits (R01, R02, ...) — or is byte-identical
        to the shipped ``data/cohort.csv``: not patient records. Real extracts
        must not use that id scheme (data/README.md).
    outcomes : tuple of Outcome
    """

    frame: pd.DataFrame = field(repr=False)
    path: str
    sha256: str
    reconstructed: bool
    outcomes: tuple = ()

    @property
    def n(self) -> int:
        return len(self.frame)


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def _identifier(column: str) -> bool:
    norm = _norm(column)
    if norm in _IDENTIFIER_NAMES:
        return True
    if norm == "patient_id":
        return False
    words = set(norm.split("_"))
    return bool(words & _IDENTIFIER_WORDS) or any(p in norm for p in _IDENTIFIER_PHRASES)


def _printable(value) -> str:
    text = str(value)
    return text if text.isprintable() else repr(text)


def _fail(path, message, row=None, column=None, patient=None):
    patient = None if patient is None else _printable(patient)
    message = " ".join(message.split()) if not message.isprintable() else message
    where = [str(path)]
    if row is not None:
        where.append(f"row {row}" + (f" (patient {patient})" if patient not in (None, "") else ""))
    if column is not None:
        where.append(f"column {column!r}")
    raise CohortError(": ".join([", ".join(where), message]))


def _numeric_columns(outcomes) -> list[str]:
    cols = []
    for o in outcomes:
        cols += [o.baseline, o.followup]
    return cols


_PADS = (" ,", ", ", " \n", " \r", "\n ", "\t,", ",\t", "\t\n", "\t\r", "\n\t")


def _padded(text: str) -> bool:
    """Whether any cell may have leading or trailing blanks (cheap substring tests)."""
    return any(p in text for p in _PADS) or text[:1] in (" ", "\t") or text.rstrip("\r\n")[-1:] in (" ", "\t")


def _structure(path, text: str):
    """Header and number of rows; fail on a ragged row, a blank line or bad quoting."""
    if '"' not in text:
        encoded = text.encode("utf-8")
        data = np.frombuffer(encoded, dtype=np.uint8)
        ends = np.flatnonzero(data == 10)
        if data.size and data[-1] != 10:
            ends = np.append(ends, data.size)
        commas = np.flatnonzero(data == 44)
        starts = np.concatenate([[0], ends[:-1] + 1])
        per_line = np.searchsorted(commas, ends) - np.searchsorted(commas, starts)
        lengths = ends - starts - (data[np.maximum(ends - 1, 0)] == 13)
        header = encoded[: ends[0]].decode("utf-8").rstrip("\r").split(",") if ends.size else [text]
        width = len(header)
        blank = lengths[1:] <= 0
        bad = per_line[1:] != width - 1
        if blank.any():
            line = int(np.flatnonzero(blank)[0]) + 2
            _fail(path, "blank line; remove it", row=line)
        if bad.any():
            line = int(np.flatnonzero(bad)[0]) + 2
            record = encoded[starts[line - 1]: ends[line - 1]].decode("utf-8").rstrip("\r").split(",")
            _fail(path, f"has {len(record)} fields where the header has {width}",
                  row=line, patient=record[0])
        return header, int(ends.size - 1)
    reader = csv.reader(_io.StringIO(text, newline=""), strict=True)
    n_rows = 0
    try:
        header = next(reader)
        width = len(header)
        for record in reader:
            n_rows += 1
            if not record or (len(record) == 1 and record[0] == ""):
                _fail(path, "blank line; remove it", row=reader.line_num)
            if len(record) != width:
                _fail(path, f"has {len(record)} fields where the header has {width}",
                      row=reader.line_num, patient=record[0] if record else None)
    except csv.Error as exc:
        _fail(path, f"is not valid CSV ({exc})", row=reader.line_num)
    return header, n_rows


def _cache_file(cache_dir, sha: str, outcomes) -> Path:
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
    spec = hashlib.sha256(repr(outcomes).encode()).hexdigest()[:12]
    return Path(cache_dir) / f"cohort-{sha[:24]}-{spec}-{code}.pkl"


def load_cohort(path, outcomes=None, cache_dir=None) -> Cohort:
    """Read and validate a cohort CSV.

    Parameters
    ----------
    path : str or Path
        The CSV file. UTF-8, with or without a byte-order mark; LF or CRLF line ends.
    outcomes : see :func:`parse_outcomes`
        The measured pairs; their columns must be present and numeric.
    cache_dir : str or Path, optional
        Keep the validated cohort here, keyed by the file's SHA-256, the outcomes
        and this module's code, so the notebooks of one build parse a large file
        once. Default: the ``COHORTSTATS_CACHE`` environment variable (set by the
        build for its kernels), else no cache.

    Returns
    -------
    Cohort

    Raises
    ------
    CohortError
        Missing file, empty file, header only, ragged row, missing required
        column, identifier column, duplicate ``patient_id``, unknown sex code,
        non-numeric, negative or non-finite measurement. The message names the
        file, the row (as a spreadsheet numbers it) and the column.
    """
    outcomes = parse_outcomes(outcomes)
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        _fail(path, "no such file")
    except IsADirectoryError:
        _fail(path, "is a directory, not a CSV file")
    except OSError as exc:
        _fail(path, f"cannot be read ({exc.strerror})")
    sha = hashlib.sha256(raw).hexdigest()
    cache_dir = cache_dir or os.environ.get("COHORTSTATS_CACHE")
    if cache_dir:
        cached = _cache_file(cache_dir, sha, outcomes)
        if cached.is_file():
            import pickle

            with open(cached, "rb") as fh:
                cohort = pickle.load(fh)
            return dataclasses.replace(cohort, path=str(path))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        _fail(path, f"is not UTF-8 text (byte {exc.start}); save it as UTF-8 CSV", row=line)
    if "\x00" in text:
        _fail(path, "contains NUL bytes; this is not a CSV text file")
    if not text.strip():
        _fail(path, "is empty; expected a header row and one row per patient")

    # Structure: ragged rows and bad quoting. Without quotes a field count is a
    # comma count, done in bulk; with quotes, the csv module reads every row.
    header, n_rows = _structure(path, text)
    header = [h.strip() for h in header]
    for i, col in enumerate(header):
        if col == "":
            _fail(path, f"header field {i + 1} is empty; every column needs a name", row=1)
    seen = set()
    for col in header:
        if col in seen:
            _fail(path, "appears twice in the header", row=1, column=col)
        seen.add(col)
    for col in header:
        if _identifier(col):
            _fail(path, "looks like a direct identifier (HIPAA Safe Harbor); remove it "
                  "before using this bundle — no names, record numbers or dates", row=1, column=col)
    required = list(REQUIRED_COLUMNS[:3]) + [c for c in _numeric_columns(outcomes)]
    for col in required:
        if col not in header:
            _fail(path, f"missing required column {col!r} (columns are: {', '.join(header)})",
                  column=col)
    if n_rows == 0:
        _fail(path, "has a header but no patient rows")

    frame = pd.read_csv(_io.StringIO(text), dtype=str, keep_default_na=False,
                        na_filter=False, skipinitialspace=False)
    frame.columns = header
    if _padded(text):  # strip cells only when some cell is padded (spreadsheets)
        for col in frame.columns:
            frame[col] = frame[col].str.strip()
    rows = np.arange(2, len(frame) + 2)

    ids = frame["patient_id"]
    blank = (ids == "").to_numpy()
    if blank.any():
        i = int(np.flatnonzero(blank)[0])
        _fail(path, "is empty; every patient needs an id", row=rows[i], column="patient_id")
    dup = ids.duplicated(keep="first").to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        first = int(np.flatnonzero((ids == ids.iloc[i]).to_numpy())[0])
        _fail(path, f"duplicate patient_id {ids.iloc[i]!r} (first at row {rows[first]})",
              row=rows[i], column="patient_id", patient=ids.iloc[i])

    codes = {v: v.upper() for v in pd.unique(frame["sex"])}
    for raw_code, code in codes.items():
        if code not in SEX_CODES:
            i = int(np.flatnonzero((frame["sex"] == raw_code).to_numpy())[0])
            _fail(path, f"unknown sex code {raw_code!r}; expected F or M",
                  row=rows[i], column="sex", patient=ids.iloc[i])
    if any(k != v for k, v in codes.items()):
        frame["sex"] = frame["sex"].map(codes)

    numeric = [c for c in _numeric_columns(outcomes)]
    if "age_years" in frame.columns:
        numeric.append("age_years")
    for col in dict.fromkeys(numeric):
        cells = frame[col]
        values = pd.to_numeric(cells, errors="coerce").astype(float)
        bad = (values.isna() & (cells != "")).to_numpy() | np.isinf(values.to_numpy())
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            _fail(path, f"{cells.iloc[i]!r} is not a number (leave the cell empty if not recorded)",
                  row=rows[i], column=col, patient=ids.iloc[i])
        neg = (values < 0).to_numpy()
        if neg.any():
            i = int(np.flatnonzero(neg)[0])
            _fail(path, f"{cells.iloc[i]} is negative; doses and rates cannot be",
                  row=rows[i], column=col, patient=ids.iloc[i])
        frame[col] = values

    for col, vocab in (("indications", INDICATIONS), ("response_6mo", RESPONSES)):
        if col not in frame.columns:
            continue
        for cell in pd.unique(frame[col]):  # each distinct cell once
            if cell == "":
                continue
            codes = [c.strip() for c in cell.split(";")] if col == "indications" else [cell]
            for code in codes:
                if code not in vocab:
                    i = int(np.flatnonzero((frame[col] == cell).to_numpy())[0])
                    _fail(path, f"unknown code {code!r}; expected one of {', '.join(vocab)}",
                          row=rows[i], column=col, patient=ids.iloc[i])

    from .paths import DEFAULT_COHORT
    reconstructed = bool(ids.str.fullmatch(r"R\d+").all())  # `make data` ids: R01, R02, ...
    try:
        reconstructed = reconstructed or (DEFAULT_COHORT.is_file() and DEFAULT_COHORT.read_bytes() == raw)
    except OSError:
        pass
    cohort = Cohort(frame=frame, path=str(path), sha256=sha, reconstructed=bool(reconstructed),
                    outcomes=outcomes)
    if cache_dir:
        import pickle

        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_name(f".{cached.name}.{os.getpid()}")
        with open(tmp, "wb") as fh:
            pickle.dump(cohort, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(cached)
    return cohort


def main(argv=None) -> int:
    """``python -m cohortstats.cohortfile COHORT [--outcomes a,b]``: validate and say so in one line."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(prog="python -m cohortstats.cohortfile", description=main.__doc__)
    parser.add_argument("cohort")
    parser.add_argument("--outcomes", default=None)
    parser.add_argument("--cache", default=None, help="keep the validated cohort in this folder")
    args = parser.parse_args(argv)
    # Through the package, not __main__, so a cached Cohort unpickles anywhere.
    from cohortstats.cohortfile import CohortError, load_cohort

    try:
        cohort = load_cohort(args.cohort, outcomes=args.outcomes or None, cache_dir=args.cache)
    except CohortError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    kind = "reconstructed cohort (not patient records)" if cohort.reconstructed else "cohort"
    print(f"ok: {args.cohort}: {cohort.n} patients, {kind}, sha256 {cohort.sha256[:12]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
