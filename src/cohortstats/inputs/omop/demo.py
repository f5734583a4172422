"""A small demonstration CDM holding the shipped cohort's ten patients, and patients to exclude.

``write_demo_cdm("data/cohort.csv", "build/cdm.duckdb")`` writes a DuckDB CDM in which the
definition of ``data/omop_cohort.yml`` finds exactly the cohort file's patients with their sex,
race, age, prednisone mg/day and ESR at index and index + 182 days — plus five persons it must
exclude (one per attrition step) and noise it must ignore (an ESR in mm, ESRs outside the
windows). Concept ids are illustrative; the extraction finds them by vocabulary and code.

Command line: ``python -m cohortstats.inputs.omop.demo --out cdm.duckdb [--cohort data/cohort.csv]``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

import duckdb

from cohortstats.core.vocabulary import INDICATIONS, RESPONSES
from cohortstats.inputs.cohortfile import load_cohort

from .cdmbuild import copy_to_postgres, write_cdm
from .errors import OmopError

__all__ = ["write_demo_cdm", "demo_rows", "demo_sets", "load_demo_postgres", "CONCEPTS", "LOCAL", "main"]

# (concept_id, name, domain, vocabulary, class, code)
CONCEPTS = [
    (19026972, "lenalidomide", "Drug", "RxNorm", "Ingredient", "342369"),
    (19026973, "lenalidomide 10 MG Oral Capsule", "Drug", "RxNorm", "Clinical Drug", "597975"),
    (1551099, "prednisone", "Drug", "RxNorm", "Ingredient", "8640"),
    (1551101, "prednisone 5 MG Oral Tablet", "Drug", "RxNorm", "Clinical Drug", "312617"),
    (1551102, "prednisone 2.5 MG Oral Tablet", "Drug", "RxNorm", "Clinical Drug", "312615"),
    (257628, "Systemic lupus erythematosus", "Condition", "SNOMED", "Clinical Finding", "55464009"),
    (4063581, "Systemic lupus erythematosus with organ involvement", "Condition", "SNOMED",
     "Clinical Finding", "239887007"),
    (3013707, "Erythrocyte sedimentation rate by Westergren method", "Measurement", "LOINC",
     "Lab Test", "30341-2"),
    (3015183, "Erythrocyte sedimentation rate", "Measurement", "LOINC", "Lab Test", "4537-7"),
    (8752, "millimeter per hour", "Unit", "UCUM", "Unit", "mm/h"),
    (8576, "milligram", "Unit", "UCUM", "Unit", "mg"),
    (8588, "millimeter", "Unit", "UCUM", "Unit", "mm"),
]
#: The demo's own (local) concepts for what OMOP has no agreed coding of: each indication code,
#: the physician's response at follow-up and its answers, and one adverse event. OMOP keeps
#: concept ids from 2,000,000,000 up for a site's local concepts; the vocabulary is "cohortstats".
LOCAL_VOCABULARY = "cohortstats"
LOCAL = {code: 2_000_000_001 + i for i, code in enumerate(
    [*INDICATIONS, "response", *(f"response {r}" for r in RESPONSES), "neutropenia"])}
CONCEPTS += [(cid, code.replace("_", " "), "Observation" if code.startswith("response") else "Condition",
              LOCAL_VOCABULARY, "Local", code) for code, cid in LOCAL.items()]
_ANCESTORS = [(19026972, 19026973, 1), (1551099, 1551101, 1), (1551099, 1551102, 1),
              (257628, 4063581, 1)]
_STRENGTH = [(19026973, 19026972, 10.0, 8576), (1551101, 1551099, 5.0, 8576),
             (1551102, 1551099, 2.5, 8576)]
_RACE_IDS = {"African-American": 8516, "Black or African American": 8516, "White": 8527, "Asian": 8515,
             "American Indian or Alaska Native": 8657, "Native Hawaiian or Other Pacific Islander": 8557,
             "": 0, "Not recorded": 0, "Hispanic": 0, "Other": 0}
_SEX_IDS = {"F": 8532, "M": 8507}
_FIRST_INDEX = dt.date(2015, 3, 2)


class _Rows:
    """Accumulates rows per table, numbering each table's ids."""

    def __init__(self):
        self.tables = {t: [] for t in ("person", "observation_period", "drug_exposure",
                                       "condition_occurrence", "measurement", "observation")}

    def add(self, table: str, **row):
        rows = self.tables[table]
        row.setdefault(f"{table}_id" if table != "condition_occurrence" else "condition_occurrence_id",
                       len(rows) + 1)
        rows.append(row)


def _prednisone(r: _Rows, pid: int, start: dt.date, days: int, dose: float) -> None:
    """Exposures active from ``start`` for ``days`` days giving exactly ``dose`` mg/day.

    Whole 5 mg tablets as one exposure and a 2.5 mg tablet as a second, overlapping one when the
    dose is not a multiple of 5 (the two are summed): quantity = tablets/day × days.
    """
    fives, rest = divmod(round(dose / 2.5), 2)
    end = start + dt.timedelta(days=days - 1)
    for concept, per_day in ((1551101, fives), (1551102, rest)):
        if per_day:
            r.add("drug_exposure", person_id=pid, drug_concept_id=concept, drug_exposure_start_date=start,
                  drug_exposure_end_date=end, quantity=float(per_day * days), days_supply=days,
                  drug_type_concept_id=32838)


def _patient(r: _Rows, pid: int, index: dt.date, p: dict, variant: str = "") -> None:
    """One person; ``variant`` makes the one exclusion that person stands for."""
    day = dt.timedelta
    age = 19 if variant == "age 19" else int(p["age_years"])
    r.add("person", person_id=pid, gender_concept_id=_SEX_IDS[p["sex"]], year_of_birth=index.year - age,
          race_concept_id=_RACE_IDS[p["race"]], ethnicity_concept_id=38003564,
          person_source_value=f"demo-{pid}")
    end = index + day(181 if variant == "observation too short" else 400)
    r.add("observation_period", person_id=pid, observation_period_start_date=index - day(400),
          observation_period_end_date=end, period_type_concept_id=32817)
    if variant != "no SLE":
        when = index + day(10) if variant == "SLE after index" else index - day(200)
        concept = 4063581 if pid % 2 else 257628  # half are coded with the descendant
        r.add("condition_occurrence", person_id=pid, condition_concept_id=concept,
              condition_start_date=when, condition_type_concept_id=32817)
    if variant != "no lenalidomide":
        for offset in (0, 28):  # the first is the index date
            r.add("drug_exposure", person_id=pid, drug_concept_id=19026973,
                  drug_exposure_start_date=index + day(offset), drug_exposure_end_date=index + day(offset + 27),
                  quantity=28.0, days_supply=28, drug_type_concept_id=32838)
    _prednisone(r, pid, index - day(20), 31, p["prednisone_mg_baseline"])   # active index-20..index+10
    _prednisone(r, pid, index + day(170), 30, p["prednisone_mg_6mo"])       # active index+170..+199
    esr = 3013707 if pid % 2 else 3015183
    for offset, value, unit in ((-3, p["esr_mm_hr_baseline"], 8752),        # baseline: latest in [-30, 0]
                                (-40, p["esr_mm_hr_baseline"] + 50, 8752),  # noise: before the window
                                (180, p["esr_mm_hr_6mo"], 8752),            # 6 months: closest to +182
                                (182, 999.0, 8588),                         # noise: mm, not mm/h
                                (220, p["esr_mm_hr_6mo"] + 50, 8752)):      # noise: after +212
        r.add("measurement", person_id=pid, measurement_concept_id=esr, measurement_date=index + day(offset),
              value_as_number=float(value), unit_concept_id=unit, measurement_type_concept_id=32856)
    _findings(r, pid, index, p)


def _findings(r: _Rows, pid: int, index: dt.date, p: dict) -> None:
    """The local concepts of :func:`demo_sets`: each indication 30 days before index, the response
    at index + 182, and noise outside their windows (an indication 400 days before, an answer at
    index + 240, a neutropenia at index + 200: after the adverse-event window)."""
    day = dt.timedelta
    for code in filter(None, (c.strip() for c in str(p.get("indications") or "").split(";"))):
        r.add("condition_occurrence", person_id=pid, condition_concept_id=LOCAL[code],
              condition_start_date=index - day(30), condition_type_concept_id=32817)
    if pid % 2:
        r.add("condition_occurrence", person_id=pid, condition_concept_id=LOCAL["alopecia"],
              condition_start_date=index - day(400), condition_type_concept_id=32817)
        r.add("condition_occurrence", person_id=pid, condition_concept_id=LOCAL["neutropenia"],
              condition_start_date=index + day(200), condition_type_concept_id=32817)
    for offset, answer in ((182, p.get("response_6mo") or ""), (240, "partial")):
        if answer:
            r.add("observation", person_id=pid, observation_concept_id=LOCAL["response"],
                  observation_date=index + day(offset), value_as_concept_id=LOCAL[f"response {answer}"],
                  observation_type_concept_id=32817)


def demo_sets() -> dict:
    """The definition keys naming the demo's local concepts (add them to data/omop_cohort.yml's
    keys to extract indications, response and adverse events from the demo CDM)."""
    def local(label, code):
        return {"label": label, "vocabulary_id": LOCAL_VOCABULARY, "concept_codes": [code]}
    return {"indications": {"days_before_index": 365, "sets": [local(c, c) for c in INDICATIONS]},
            "adverse_events": {"sets": [local("neutropenia", "neutropenia")]},
            "response": {"window_days": 30, "concepts": local("response", "response"),
                         "values": {c: local(c, f"response {c}") for c in RESPONSES}}}


#: The persons the definition must exclude, one per attrition step, in the order of the steps.
EXCLUDED = ("no lenalidomide", "no SLE", "SLE after index", "age 19", "observation too short")


def demo_rows(cohort_csv) -> dict:
    """The demo CDM's rows (table -> list of dicts) for a cohort file's patients."""
    frame = load_cohort(cohort_csv).frame
    r = _Rows()
    patients = frame.to_dict("records")
    for i, p in enumerate(patients):
        _patient(r, 7301 + 3 * i, _FIRST_INDEX + dt.timedelta(days=17 * i), p)
    for j, variant in enumerate(EXCLUDED):
        _patient(r, 9101 + j, _FIRST_INDEX + dt.timedelta(days=5 * j), patients[0], variant)
    day0 = dt.date(1970, 1, 1)
    r.tables["concept"] = [dict(concept_id=c, concept_name=n, domain_id=dom, vocabulary_id=v,
                                concept_class_id=k, standard_concept="S", concept_code=code,
                                valid_start_date=day0, valid_end_date=dt.date(2099, 12, 31))
                           for c, n, dom, v, k, code in CONCEPTS]
    r.tables["concept_ancestor"] = (
        [dict(ancestor_concept_id=c[0], descendant_concept_id=c[0], min_levels_of_separation=0,
              max_levels_of_separation=0) for c in CONCEPTS]
        + [dict(ancestor_concept_id=a, descendant_concept_id=d, min_levels_of_separation=n,
                max_levels_of_separation=n) for a, d, n in _ANCESTORS])
    r.tables["drug_strength"] = [dict(drug_concept_id=d, ingredient_concept_id=i, amount_value=a,
                                      amount_unit_concept_id=u, valid_start_date=day0)
                                 for d, i, a, u in _STRENGTH]
    r.tables["cdm_source"] = [dict(cdm_source_name="cohortstats demo CDM: the bundle's reconstructed cohort, not patient records", cdm_version="v5.4",
                                   vocabulary_version="illustrative")]
    return r.tables


def write_demo_cdm(cohort_csv, path_or_con) -> None:
    """Write the demo CDM for ``cohort_csv`` into a DuckDB file (replaced) or connection.

    Parameters
    ----------
    cohort_csv : str or os.PathLike
        A cohort file (``data/cohort.csv``), read with the project's loader.
    path_or_con : str, os.PathLike or duckdb.DuckDBPyConnection
        The DuckDB file to write (written beside, then renamed), or an open connection.
    """
    rows = demo_rows(cohort_csv)
    if isinstance(path_or_con, duckdb.DuckDBPyConnection):
        write_cdm(path_or_con, rows)
        return
    target = Path(path_or_con)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        with duckdb.connect(os.fspath(tmp)) as con:
            write_cdm(con, rows)
        os.replace(tmp, target)
    except OSError as exc:
        raise OmopError(f"{target}: cannot write the demo CDM ({exc.strerror}).") from None
    finally:
        tmp.unlink(missing_ok=True)


def load_demo_postgres(duckdb_path, url: str, schema: str) -> None:
    """Copy a demo (or any DuckDB) CDM into PostgreSQL schema ``schema``."""
    copy_to_postgres(duckdb_path, url, schema)


def main(argv=None) -> int:
    """``python -m cohortstats.inputs.omop.demo --out cdm.duckdb [--cohort data/cohort.csv]``."""
    ap = argparse.ArgumentParser(prog="python -m cohortstats.inputs.omop.demo", description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="the DuckDB file to write")
    ap.add_argument("--cohort", default="data/cohort.csv", help="the cohort file whose patients it holds")
    args = ap.parse_args(argv)
    try:
        write_demo_cdm(args.cohort, args.out)
    except (OmopError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"demo CDM: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
