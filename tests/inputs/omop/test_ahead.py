"""Statements kept and compiled ahead (inputs/omop/ahead.py), and the plain plan they fall back to.

The conftest fails any test here whose extraction falls back to the plain plan unless it is marked
``one_by_one``; the tests below compare the two plans on the hand-worked CDMs and check what a
failing chain does.
"""
from __future__ import annotations

import sys

import pytest

from hand_cdms import ROOT, SETS, Cdms, drug, esr, patient, sets_cdm, write_definition
from cohortstats.inputs.omop import OmopError, cohort_csv_text, extract, load_definition
from cohortstats.inputs.omop.ahead import Ahead, Refused

DEF = load_definition(ROOT / "data" / "omop_cohort.yml")
EXTRACT = sys.modules["cohortstats.inputs.omop.extract"]


@pytest.fixture(scope="module")
def cdms():
    c = Cdms()
    yield c
    c.close()


def _rows() -> dict:
    rows = {}
    for pid in (1, 2, 3):
        patient(rows, pid)
    drug(rows, 1, 22, -10, 19, 45, 30)   # 45 x 5 / 30 = 7.5 mg/day at I
    drug(rows, 2, 23, -5, 5, 10, 10)     # no strength: not computable at I
    esr(rows, 1, -1, 12.0), esr(rows, 1, 180, 6.0), esr(rows, 3, 183, 9.0, unit=52)
    return rows


def _temporary(con) -> list:
    return [r[0] for r in con.con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_name LIKE '_cohortstats_%'"
    ).fetchall()]


@pytest.mark.one_by_one
def test_plain_plan_gives_the_same_bytes_and_no_kept_table_stays(cdms, tmp_path, monkeypatch):
    # the concept-set definition: the default one's outcomes (dose, ESR) and every set besides
    rows, d = sets_cdm(), load_definition(write_definition(tmp_path / "sets.yml", SETS))
    schema = cdms.write(rows)
    ahead = extract(cdms.con, d, schema=schema)
    assert _temporary(cdms.con) == []

    def refused(*args):
        raise Refused()

    monkeypatch.setattr(EXTRACT, "_kept_ahead", refused)
    plain = extract(cdms.con, d, schema=schema)
    assert cohort_csv_text(plain) == cohort_csv_text(ahead)
    assert plain.attrition == ahead.attrition and plain.outcomes == ahead.outcomes
    assert ahead.n >= 3 and any(o.found for o in ahead.outcomes)  # not an empty cohort


@pytest.mark.one_by_one
def test_a_failing_statement_falls_back_to_one_line(cdms):
    rows = _rows()
    rows["drug_exposure"][0]["quantity"] = "forty-five"  # stored as text, and not a number
    with pytest.raises(OmopError) as err:
        cdms.extract(rows, DEF, text_numbers=True)
    message = str(err.value)
    assert "the query failed" in message and "forty-five" in message and "\n" not in message
    assert _temporary(cdms.con) == []


def test_after_a_failure_nothing_else_runs(cdms):
    con = cdms.con
    bad_sql, good_sql = con.sql("SELECT CAST('x' AS INTEGER) AS x"), con.sql("SELECT 1 AS x")
    with Ahead(con) as ahead:
        bad = ahead.keep(bad_sql, "bad")
        later = ahead.keep(good_sql, "later")
        rows = ahead.fetch(bad.union(later), "rows")
        with pytest.raises(Refused):
            rows.result()
    assert _temporary(con) == []
    assert con.con.execute("SELECT 1").fetchall() == [(1,)]  # the connection is still usable


def test_results_come_back_in_order(cdms):
    con = cdms.con
    values = con.sql("SELECT * FROM (VALUES (3), (1), (2)) AS v(x)")
    with Ahead(con) as ahead:
        first = ahead.keep(values, "first")
        second = ahead.keep(first.filter(first.x > 1), "second")
        counted = ahead.fetch(second.aggregate(n=second.x.count(), total=second.x.sum()), "counted")
        frame = counted.result()
    # the rows above 1 of (3, 1, 2): 3 and 2, two rows summing to 5
    assert frame.to_dict("records") == [{"n": 2, "total": 5}]
    assert _temporary(con) == []


def test_persons_counted_aside_count_each_person_once(cdms):
    # DuckDB counts the persons in the CDM on a cursor of its own (ahead.aside). Person 1 listed
    # twice and person 4 with nothing else: 4 distinct persons (the plain plan's count, the one
    # other engines use, is PostgreSQL's in test_postgres).
    rows = _rows()
    rows["person"].append(dict(rows["person"][0]))
    rows["person"].append(dict(person_id=4, gender_concept_id=8507, year_of_birth=2005,
                               race_concept_id=8527, ethnicity_concept_id=0))
    e = extract(cdms.con, DEF, schema=cdms.write(rows))
    assert e.attrition[0].n == 4 and e.attrition[1].n == 3
