"""REDCap records, joined per patient and decoded through the dictionary into the cohort table."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cohortstats.core import vocabulary
from cohortstats.core.errors import shown_path
from cohortstats.core.files import sha256_file, write_atomic
from cohortstats.inputs.redcap.dictionary import RedcapError, read_dictionary
from cohortstats.inputs.redcap.mapping import read_mapping

__all__ = ["Export", "read_export", "write_cohort_csv", "cohort_csv_text"]

_CHECKED = {"1", "checked"}
#: The column that keeps each row's line number in the records file (the header is line 1).
_ROW = "\0row"
_WORDS = {"sex": vocabulary.SEX_WORDS, "race": vocabulary.RACE_WORDS, "ethnicity": vocabulary.ETHNICITY_WORDS,
          "response_6mo": {vocabulary.key(w): c for c, w in vocabulary.RESPONSES.items()}
          | {vocabulary.key(c): c for c in vocabulary.RESPONSES},
          "indications": {vocabulary.key(w): c for c, w in vocabulary.INDICATIONS.items()}
          | {vocabulary.key(c): c for c in vocabulary.INDICATIONS}}


@dataclass(frozen=True)
class Export:
    """A REDCap export read into the cohort table.

    Attributes
    ----------
    cohort : pandas.DataFrame
        data/README.md's columns; ``patient_id`` a study id (S001, … in the export's record order).
    files : tuple of (str, str)
        (base name, SHA-256) of records, dictionary and mapping.
    n_records : int
    events : tuple of str
        The events joined (empty: one row per record).
    left_out_identifiers, left_out_dates : int
        Dictionary fields never read: marked ``Identifier? = y``; date fields.
    missing : dict
        Cohort column -> how many missing-data codes were read as not recorded.
    """

    cohort: pd.DataFrame = field(repr=False)
    files: tuple
    n_records: int
    events: tuple
    left_out_identifiers: int
    left_out_dates: int
    missing: dict


def _read_records(path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise RedcapError(f"{shown_path(path)}: cannot be read as a REDCap CSV export "
                          f"({' '.join(str(exc).split())[:80]})") from None


def _repeats(frame, mapping, where) -> pd.DataFrame:
    if "redcap_repeat_instrument" not in frame.columns or not (frame["redcap_repeat_instrument"] != "").any():
        return frame
    if mapping.repeat_instance is None:
        i = int((frame["redcap_repeat_instrument"] != "").to_numpy().argmax())
        raise RedcapError(f"{where}, row {i + 2}, column 'redcap_repeat_instrument': a repeating "
                          "instrument; say which instance counts with `repeat_instance:` in the mapping")
    keep = (frame["redcap_repeat_instrument"] == "") | (frame["redcap_repeat_instance"] == str(mapping.repeat_instance))
    return frame[keep]


def _decode(value: str, f, column: str, checkbox_cells=None) -> str:
    """A cell's label (raw code or label export), then its word in the bundle's vocabulary."""
    if f.type == "checkbox":
        labels = [f.choices[code] for code, cell in checkbox_cells.items() if cell.strip().casefold() in _CHECKED
                  or cell.strip() == f.choices[code]]
    else:
        labels = [f.choices.get(value, value)] if f.choices and value else [value] if value else []
    words = _WORDS.get(column)
    if words is None:
        return ";".join(labels)
    out = []
    for label in labels:
        code = words.get(vocabulary.key(label))
        if code is None:
            raise RedcapError(f"label {label!r} is not in the bundle's vocabulary for {column} "
                              "(data/vocabulary.yml): add it there as a synonym")
        out.append(code)
    return ";".join(out)


def _column(rows, fields, name, column, mapping, missing, where) -> list:
    f = fields.get(name)
    if f is None:
        raise RedcapError(f"the mapping names field {name!r} ({column}), which the dictionary does not have")
    if f.left_out:
        why = "an identifier (Identifier? = y)" if f.identifier else "a date"
        raise RedcapError(f"the mapping names field {name!r} ({column}), which is {why}: it is never read")
    out = []
    for _, row in rows.iterrows():
        try:
            if f.type == "checkbox":
                cells = {code: row.get(f"{name}___{code}", "") for code in f.choices}
                out.append(_decode("", f, column, cells))
                continue
            value = row.get(name, "") if row is not None else ""
            if value in mapping.missing_codes:
                missing[column] = missing.get(column, 0) + 1
                value = ""
            out.append(_decode(value, f, column))
        except RedcapError as exc:  # the file, its line and the field (a record id may identify)
            raise RedcapError(f"{where}, row {row.get(_ROW, '?')}, column {name!r}: {exc}") from None
    return out


def _by_event(frame, mapping, where) -> tuple[pd.DataFrame, pd.DataFrame]:
    if not mapping.events:
        return frame, frame
    if "redcap_event_name" not in frame.columns:
        raise RedcapError(f"{where}: the mapping names events but the export has no redcap_event_name column")
    per = {}
    for when, event in mapping.events.items():
        rows = frame[frame["redcap_event_name"] == event].drop_duplicates(mapping.record_id)
        if rows.empty:
            raise RedcapError(f"{where}, column 'redcap_event_name': no row of event {event!r} ({when})")
        per[when] = rows.set_index(mapping.record_id)
    ids = list(dict.fromkeys(frame[mapping.record_id]))
    empty = pd.Series({c: "" for c in frame.columns if c != mapping.record_id})
    return tuple(pd.DataFrame([per[w].loc[i] if i in per[w].index else empty for i in ids])
                 for w in ("baseline", "followup"))


def read_export(records, dictionary, mapping) -> Export:
    """Read a REDCap export (see the package docstring); one line naming the file, row and column."""
    m, fields = read_mapping(mapping), read_dictionary(dictionary)
    where = shown_path(records)
    frame = _read_records(records)
    frame[_ROW] = [str(i + 2) for i in range(len(frame))]
    if m.record_id not in frame.columns:
        raise RedcapError(f"{where}, row 1: no record-id column {m.record_id!r} (the mapping's record_id)")
    frame = _repeats(frame, m, where)
    base, follow = _by_event(frame, m, where)
    missing: dict = {}
    out = {"patient_id": [f"S{i:03d}" for i in range(1, len(base) + 1)]}
    for column in ("sex", "race", "ethnicity", "age_years"):
        if column in m.fields:
            out[column] = _column(base, fields, m.fields[column], column, m, missing, where)
    for name, fname in m.measured.items():
        out[f"{name}_baseline"] = _column(base, fields, fname, f"{name}_baseline", m, missing, where)
        out[f"{name}_6mo"] = _column(follow, fields, fname, f"{name}_6mo", m, missing, where)
    for column in ("indications", "response_6mo", "adverse_events"):
        if column in m.fields:
            rows = follow if column in ("response_6mo", "adverse_events") else base
            out[column] = _column(rows, fields, m.fields[column], column, m, missing, where)
    files = tuple((Path(p).name, sha256_file(p)) for p in (records, dictionary, mapping))
    return Export(cohort=pd.DataFrame(out), files=files, n_records=len(base),
                  events=tuple(m.events.values()), missing=missing,
                  left_out_identifiers=sum(f.identifier for f in fields.values()),
                  left_out_dates=sum(f.is_date and not f.identifier for f in fields.values()))


def cohort_csv_text(export: Export) -> str:
    """The cohort file's text: comma-separated, LF, empty = not recorded."""
    buf = io.StringIO()
    export.cohort.to_csv(buf, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return buf.getvalue()


def write_cohort_csv(export: Export, path) -> Path:
    """Write the cohort file atomically (never a partial file)."""
    return write_atomic(path, cohort_csv_text(export))
