"""Hand-worked CDMs for the OMOP rule tests: the vocabulary, a person who qualifies, the rows.

Concept ids here (11, 12, 21, ...) differ from the demo's on purpose: the extraction must find
them by vocabulary and code. The index date I = 2020-01-01 throughout (2020 is a leap year):
    I + 182 = 2020-07-01  (Jan 31 + Feb 29 + Mar 31 + Apr 30 + May 31 + Jun 30 = 182 days)
    I - 30 = 2019-12-02, I - 31 = 2019-12-01, I + 152 = 2020-06-01, I + 212 = 2020-07-31,
    I - 365 = 2019-01-01 (2019 has 365 days).

The CDMs are written into one in-memory DuckDB database, each in its own schema, and extracted
through one ibis connection (``Cdms``): the same SQL the extraction runs on a file.
"""
from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]
I = dt.date(2020, 1, 1)


def day(n: int) -> dt.date:
    return I + dt.timedelta(days=n)


CONCEPTS = [  # (id, vocabulary, code)
    (11, "RxNorm", "342369"), (12, "RxNorm", "999001"),                          # lenalidomide, a capsule
    (21, "RxNorm", "8640"), (22, "RxNorm", "999002"), (23, "RxNorm", "999003"),  # prednisone; 5 mg, 1 mg
    (24, "RxNorm", "999004"),                                                    # a tablet with no strength row
    (31, "SNOMED", "55464009"), (32, "SNOMED", "999005"),                        # SLE, a descendant
    (41, "LOINC", "30341-2"), (42, "LOINC", "4537-7"),                           # the two ESR codes
    (51, "UCUM", "mm/h"), (52, "UCUM", "mg"), (53, "UCUM", "mm"),
    (61, "RxNorm", "8640X"),                                                     # not prednisone
    # the sets of SETS (below): indications, adverse events, the response and its answers
    (71, "SNOMED", "900001"), (72, "SNOMED", "900002"),                          # malar rash, a descendant
    (73, "SNOMED", "900003"), (74, "SNOMED", "900004"),                          # oral ulcers, alopecia
    (81, "SNOMED", "900011"), (82, "SNOMED", "900012"),                          # neutropenia, a descendant
    (83, "SNOMED", "900013"),                                                    # deep vein thrombosis
    (91, "SNOMED", "900021"),                                                    # the response observation
    (93, "SNOMED", "900031"), (94, "SNOMED", "900032"), (95, "SNOMED", "900033"),  # complete, near, partial
    (96, "SNOMED", "900034"), (97, "SNOMED", "900035"),                          # none; an answer of no set
]
ANCESTORS = [(11, 12), (21, 22), (21, 23), (21, 24), (31, 32), (71, 72), (81, 82)]
STRENGTH = [(12, 11, 10.0, 52), (22, 21, 5.0, 52), (23, 21, 1.0, 52)]

#: What a definition adds to name concept sets for indications, adverse events and the response.
SETS = {
    "indications": {"days_before_index": 365, "sets": [
        {"label": "malar_rash", "vocabulary_id": "SNOMED", "concept_codes": ["900001"]},
        {"label": "oral_ulcers", "vocabulary_id": "SNOMED", "concept_codes": ["900003"]},
        {"label": "alopecia", "vocabulary_id": "SNOMED", "concept_codes": ["900004"]}]},
    "adverse_events": {"sets": [
        {"label": "neutropenia", "vocabulary_id": "SNOMED", "concept_codes": ["900011"]},
        {"label": "deep vein thrombosis", "vocabulary_id": "SNOMED", "concept_codes": ["900013"]}]},
    "response": {"window_days": 30,
                 "concepts": {"label": "response to treatment", "vocabulary_id": "SNOMED",
                              "concept_codes": ["900021"]},
                 "values": {code: {"label": code, "vocabulary_id": "SNOMED", "concept_codes": [c]}
                            for code, c in (("complete", "900031"), ("near_complete", "900032"),
                                            ("partial", "900033"), ("none", "900034"))}},
}


def write_definition(path: Path, extra: dict) -> Path:
    """The shipped definition with ``extra`` keys added, written to ``path``."""
    doc = yaml.safe_load((ROOT / "data" / "omop_cohort.yml").read_text())
    doc.update(extra)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def vocab() -> dict:
    return {"concept": [dict(concept_id=c, vocabulary_id=v, concept_code=k) for c, v, k in CONCEPTS],
            "concept_ancestor": [dict(ancestor_concept_id=a, descendant_concept_id=d) for a, d in ANCESTORS],
            "drug_strength": [dict(drug_concept_id=d, ingredient_concept_id=i, amount_value=a,
                                   amount_unit_concept_id=u) for d, i, a, u in STRENGTH]}


def patient(rows: dict, pid: int, age: int = 15, gender: int = 8532, race: int = 8516,
            sle: tuple = (31, -10), obs_end: int = 400, lenalidomide: tuple = (0,)) -> None:
    """A person who qualifies unless told otherwise: SLE at I-10, lenalidomide at I, observed
    I-400 .. I+400, born 2020 - age."""
    rows.setdefault("person", []).append(dict(person_id=pid, gender_concept_id=gender,
                                              year_of_birth=2020 - age, race_concept_id=race,
                                              ethnicity_concept_id=38003564))
    rows.setdefault("observation_period", []).append(dict(
        person_id=pid, observation_period_start_date=day(-400), observation_period_end_date=day(obs_end)))
    if sle:
        condition(rows, pid, sle[0], sle[1])
    for offset in lenalidomide:
        drug(rows, pid, 12, offset, offset + 27, 28, 28)


def condition(rows, pid, concept, offset):
    rows.setdefault("condition_occurrence", []).append(dict(
        person_id=pid, condition_concept_id=concept, condition_start_date=day(offset)))


def drug(rows, pid, concept, start, end, quantity, days_supply):
    rows.setdefault("drug_exposure", []).append(dict(
        person_id=pid, drug_concept_id=concept, drug_exposure_start_date=day(start),
        drug_exposure_end_date=None if end is None else day(end), quantity=quantity,
        days_supply=days_supply))


def esr(rows, pid, offset, value, unit=51, concept=41):
    m = rows.setdefault("measurement", [])
    m.append(dict(measurement_id=len(m) + 1, person_id=pid, measurement_concept_id=concept,
                  measurement_date=day(offset), value_as_number=value, unit_concept_id=unit))


def observation(rows, pid, offset, answer, concept=91):
    o = rows.setdefault("observation", [])
    o.append(dict(observation_id=len(o) + 1, person_id=pid, observation_concept_id=concept,
                  observation_date=day(offset), value_as_concept_id=answer))


def sets_cdm() -> dict:
    """The CDM of test_sets (and of the PostgreSQL test): windows (I = the index date):
    indications [I - 365, I]; adverse events (I, I + 182]; the response the observation closest
    to I + 182 within ± 30 days (equidistant: the earlier; the same day: the larger id)."""
    rows = {}
    for pid in (1, 2, 3, 4):  # S001..S004: the same index date, so ordered by person_id
        patient(rows, pid)
    patient(rows, 5, age=19)  # excluded (age): its conditions and observations are never read
    # 1: malar rash's descendant (72) at I-365, the window's first day; oral ulcers at I itself;
    #    alopecia at I+1, after the index date: not an indication -> "oral_ulcers;malar_rash"
    #    (the abstract's order). Neutropenia at I+1 and DVT at I+182, the window's two edges.
    #    Answers at I+172 (complete) and I+192 (near): equidistant from I+182, the earlier.
    condition(rows, 1, 72, -365), condition(rows, 1, 73, 0), condition(rows, 1, 74, 1)
    condition(rows, 1, 81, 1), condition(rows, 1, 83, 182)
    observation(rows, 1, 172, 93), observation(rows, 1, 192, 94)
    # 2: malar rash at I-366, outside; alopecia at I-10 -> "alopecia". Neutropenia's descendant on
    #    I itself (not after it) and DVT at I+183 (outside) -> "none". An answer of no set at
    #    I+182 (left out, counted) and partial at I+212, the window's last day -> "partial".
    condition(rows, 2, 71, -366), condition(rows, 2, 74, -10)
    condition(rows, 2, 82, 0), condition(rows, 2, 83, 183)
    observation(rows, 2, 182, 97), observation(rows, 2, 212, 95)
    # 3: no condition of a set; complete at I+213 (outside) and an answer to another question
    #    (concept 73) at I+182: not recorded, nothing left out.
    observation(rows, 3, 213, 93), observation(rows, 3, 182, 93, concept=73)
    # 4: malar rash and its descendant -> "malar_rash" once; neutropenia twice -> once. Two
    #    answers on I+182: near (observation_id 7) and none (8): the larger id -> "none".
    condition(rows, 4, 71, -5), condition(rows, 4, 72, -4)
    condition(rows, 4, 81, 10), condition(rows, 4, 82, 20)
    observation(rows, 4, 182, 94), observation(rows, 4, 182, 96)
    condition(rows, 5, 71, -1), observation(rows, 5, 182, 93)
    esr(rows, 1, 0, 10.0), esr(rows, 1, 182, 5.0)  # one pair, for the loader (it needs one)
    return rows


class Cdms:
    """Hand-worked CDMs in one in-memory DuckDB database, one schema each, one ibis connection."""

    def __init__(self):
        import ibis

        self.con = ibis.duckdb.connect()
        self._n = itertools.count(1)

    def write(self, rows: dict, **options) -> str:
        """Write ``rows`` (with :func:`vocab`) into a new schema; returns the schema's name."""
        from cohortstats.inputs.omop.cdmbuild import write_cdm

        schema = f"cdm{next(self._n)}"
        raw = self.con.con
        raw.execute(f"CREATE SCHEMA {schema}")
        raw.execute(f"USE memory.{schema}")
        try:
            write_cdm(raw, {**vocab(), **rows}, **options)
        finally:
            raw.execute("USE memory.main")
        return schema

    def extract(self, rows: dict, definition, **options):
        from cohortstats.inputs.omop import extract

        return extract(self.con, definition, schema=self.write(rows, **options))

    def close(self):
        self.con.disconnect()


def column(extraction, col):
    return [None if v != v else v for v in extraction.cohort[col]]  # NaN -> None
