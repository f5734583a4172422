"""A REDCap longitudinal export of the shipped cohort's ten patients, in REDCap's own format.

Records (raw codes, two events per record), the data dictionary with the web page's 18 headers,
and the mapping; with identifier fields (a name, a date of birth, a record number) filled with
invented values that must never reach an output. ``python -m cohortstats.inputs.redcap.demo DIR``.
"""
from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

from cohortstats.core import vocabulary
from cohortstats.core.files import write_atomic
from cohortstats.core.paths import DEFAULT_COHORT
from cohortstats.inputs.redcap.dictionary import WEB_HEADERS

__all__ = ["write_demo_export", "IDENTIFYING_VALUES", "main"]

_SEX = {"F": "1", "M": "2"}
_RACES = ("Black or African American", "White", "Asian", "Other")
_RESPONSES = tuple(vocabulary.RESPONSES)
_INDICATIONS = tuple(vocabulary.INDICATIONS)
#: The invented identifying values the export holds (every output is searched for them).
IDENTIFYING_VALUES = tuple(f"Demo Person{i:02d}" for i in range(1, 11)) + \
    tuple(f"2003-0{1 + i % 9}-1{i % 10}" for i in range(1, 11)) + tuple(f"MRN00{7000 + i}" for i in range(1, 11))

MAPPING = """\
record_id: record_id          # replaced by a study id in every output
events: {baseline: baseline_arm_1, followup: month_6_arm_1}
fields: {sex: sex, race: race, age_years: age_start, indications: indication,
         prednisone_mg: pred_dose, esr_mm_hr: esr, response_6mo: response, adverse_events: ae_text}
"""


def _dictionary() -> str:
    def choices(labels):
        return " | ".join(f"{i}, {label}" for i, label in enumerate(labels, 1))

    fields = [("record_id", "demographics", "text", "Record ID", "", "", ""),
              ("name", "demographics", "text", "Patient name", "", "", "y"),
              ("dob", "demographics", "text", "Date of birth", "", "date_ymd", "y"),
              ("mrn", "demographics", "text", "Medical record number", "", "", "y"),
              ("visit_date", "visit", "text", "Visit date", "", "date_ymd", ""),
              ("sex", "demographics", "radio", "Sex", "1, Female | 2, Male", "", ""),
              ("race", "demographics", "radio", "Race", choices(_RACES), "", ""),
              ("age_start", "demographics", "text", "Age at lenalidomide start", "", "integer", ""),
              ("indication", "demographics", "checkbox", "Indications",
               choices(vocabulary.INDICATIONS[c] for c in _INDICATIONS), "", ""),
              ("pred_dose", "visit", "text", "Prednisone mg/day", "", "number", ""),
              ("esr", "visit", "text", "ESR mm/h", "", "number", ""),
              ("response", "visit", "dropdown", "Response",
               choices(vocabulary.RESPONSES[c] for c in _RESPONSES), "", ""),
              ("ae_text", "visit", "notes", "Adverse events", "", "", "")]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(WEB_HEADERS)
    for name, form, ftype, label, ch, validation, ident in fields:
        w.writerow([name, form, "", ftype, label, ch, "", validation, "", "", ident] + [""] * 7)
    return buf.getvalue()


def _records(cohort_csv) -> str:
    rows = list(csv.DictReader(open(cohort_csv, encoding="utf-8")))
    head = ["record_id", "redcap_event_name", "name", "dob", "mrn", "visit_date", "sex", "race",
            "age_start", *[f"indication___{i}" for i in range(1, len(_INDICATIONS) + 1)],
            "pred_dose", "esr", "response", "ae_text", "demographics_complete"]
    buf = io.StringIO()
    w = csv.DictWriter(buf, head, lineterminator="\n", restval="")
    w.writeheader()
    for i, r in enumerate(rows, 1):
        race = vocabulary.RACE_WORDS[vocabulary.key(r["race"])]
        codes = r["indications"].split(";") if r["indications"] else []
        w.writerow({"record_id": str(100 + i), "redcap_event_name": "baseline_arm_1",
                    "name": IDENTIFYING_VALUES[i - 1], "dob": IDENTIFYING_VALUES[9 + i],
                    "mrn": IDENTIFYING_VALUES[19 + i], "visit_date": f"2015-03-{i + 1:02d}",
                    "sex": _SEX[r["sex"]], "race": str(_RACES.index(race) + 1), "age_start": r["age_years"],
                    **{f"indication___{k}": "1" if c in codes else "0" for k, c in enumerate(_INDICATIONS, 1)},
                    "pred_dose": r["prednisone_mg_baseline"], "esr": r["esr_mm_hr_baseline"],
                    "demographics_complete": "2"})
        w.writerow({"record_id": str(100 + i), "redcap_event_name": "month_6_arm_1",
                    "visit_date": f"2015-09-{i + 1:02d}", "pred_dose": r["prednisone_mg_6mo"],
                    "esr": r["esr_mm_hr_6mo"], "response": str(_RESPONSES.index(r["response_6mo"]) + 1),
                    "ae_text": r["adverse_events"]})
    return buf.getvalue()


def write_demo_export(folder, cohort_csv=DEFAULT_COHORT) -> tuple[Path, Path, Path]:
    """Write ``records.csv``, ``dictionary.csv`` and ``mapping.yml`` into ``folder``; their paths."""
    folder = Path(folder)
    return (write_atomic(folder / "records.csv", _records(cohort_csv)),
            write_atomic(folder / "dictionary.csv", _dictionary()),
            write_atomic(folder / "mapping.yml", MAPPING))


def main(argv=None) -> int:
    """``python -m cohortstats.inputs.redcap.demo [DIR] [--cohort CSV]``: write the export, print its paths."""
    import argparse

    ap = argparse.ArgumentParser(prog="python -m cohortstats.inputs.redcap.demo",
                                 description=__doc__.split("\n")[0])
    ap.add_argument("folder", nargs="?", default=".", help="where to write the three files (default: .)")
    ap.add_argument("--cohort", default=str(DEFAULT_COHORT), help="the cohort file it holds")
    args = ap.parse_args(argv)
    for p in write_demo_export(args.folder, args.cohort):
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
