"""``mapping.yml``: which REDCap field holds which cohort column (documented in data/README.md)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cohortstats.core.errors import shown_path
from cohortstats.inputs.redcap.dictionary import RedcapError

__all__ = ["Mapping", "read_mapping", "MISSING_CODES"]

#: REDCap's standard missing-data codes (Project setup > Additional customizations; HL7 null
#: flavors): counted as not recorded. A project's own codes go in the mapping's ``missing_codes``.
MISSING_CODES = ("UNK", "NI", "NA", "NASK", "ASKU", "NAV", "NP", "QS", "OTH", "PINF", "NINF", "MSK",
                 "NAVU", "DER", "INV")
_COLUMNS = ("sex", "race", "ethnicity", "age_years", "indications", "response_6mo", "adverse_events")


@dataclass(frozen=True)
class Mapping:
    """What the mapping says.

    Attributes
    ----------
    record_id : str
        The record-id field (replaced by a study id).
    events : dict
        ``{"baseline": event, "followup": event}``; empty for one row per record.
    fields : dict
        Cohort column (``sex``, ``prednisone_mg``…) -> REDCap field. A measured outcome's field
        gives ``<name>_baseline`` from the baseline event and ``<name>_6mo`` from the follow-up.
    missing_codes : tuple of str
    repeat_instance : int or None
        Which instance of a repeating instrument counts; None refuses repeating instruments.
    """

    record_id: str
    events: dict = field(default_factory=dict)
    fields: dict = field(default_factory=dict)
    missing_codes: tuple = MISSING_CODES
    repeat_instance: int | None = None

    @property
    def measured(self) -> dict:
        """Outcome name -> field, for the mapped columns that are measured twice."""
        return {k: v for k, v in self.fields.items() if k not in _COLUMNS}


def read_mapping(path) -> Mapping:
    """Read and check ``mapping.yml``; one line naming the file and the key on a bad one."""
    import yaml

    where = shown_path(path)
    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise RedcapError(f"{where}: cannot be read as YAML ({type(exc).__name__})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("record_id"), str):
        raise RedcapError(f"{where}: `record_id` must name the record-id field, e.g. record_id: record_id")
    unknown = set(doc) - {"record_id", "events", "fields", "missing_codes", "repeat_instance"}
    if unknown:
        raise RedcapError(f"{where}: unknown key `{sorted(unknown)[0]}`")
    events = doc.get("events") or {}
    if events and set(events) != {"baseline", "followup"}:
        raise RedcapError(f"{where}: `events` must give `baseline` and `followup` (REDCap event names)")
    fields = doc.get("fields") or {}
    if not isinstance(fields, dict) or not all(isinstance(v, str) for v in fields.values()):
        raise RedcapError(f"{where}: `fields` must map cohort columns to REDCap field names")
    codes = tuple(str(c) for c in doc.get("missing_codes") or MISSING_CODES)
    repeat = doc.get("repeat_instance")
    if repeat is not None and (isinstance(repeat, bool) or not isinstance(repeat, int) or repeat < 1):
        raise RedcapError(f"{where}: `repeat_instance` must be a whole number from 1")
    return Mapping(record_id=doc["record_id"], events=dict(events), fields=dict(fields),
                   missing_codes=codes, repeat_instance=repeat)
