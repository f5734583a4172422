"""A real PostgreSQL server (conftest.postgres): the same CSV bytes as DuckDB, schemas, secrets."""
from __future__ import annotations

from pathlib import Path

import pytest

from cohortstats.inputs.omop import OmopError, cohort_csv_text, extract, load_definition
from cohortstats.inputs.omop.__main__ import main
from cohortstats.inputs.omop.demo import load_demo_postgres

ROOT = Path(__file__).resolve().parents[3]
DEF = load_definition(ROOT / "data" / "omop_cohort.yml")
pytestmark = pytest.mark.slow
PASSWORD = ""  # the server's, set by pg_demo


@pytest.fixture(scope="module", autouse=True)
def _password(pg_demo):
    global PASSWORD
    PASSWORD = pg_demo.password


def test_postgres_gives_duckdbs_bytes(pg_demo, demo_cdm):
    on_pg = extract(pg_demo.url, DEF, schema="omop_demo")
    on_duck = extract(f"duckdb://{demo_cdm}", DEF)
    assert cohort_csv_text(on_pg) == cohort_csv_text(on_duck)
    assert on_pg.attrition == on_duck.attrition and on_pg.outcomes == on_duck.outcomes
    assert PASSWORD not in on_pg.cdm and "***" in on_pg.cdm


def test_concept_sets_give_duckdbs_bytes(pg_demo, tmp_path):
    import duckdb

    from hand_cdms import SETS, sets_cdm, vocab, write_definition
    from cohortstats.inputs.omop.cdmbuild import copy_to_postgres, write_cdm

    d = load_definition(write_definition(tmp_path / "sets.yml", SETS))
    path = tmp_path / "sets.duckdb"
    with duckdb.connect(str(path)) as con:
        write_cdm(con, {**vocab(), **sets_cdm()})
    copy_to_postgres(path, pg_demo.url, "omop_sets")
    on_pg = extract(pg_demo.url, d, schema="omop_sets")
    on_duck = extract(f"duckdb://{path}", d)
    assert cohort_csv_text(on_pg) == cohort_csv_text(on_duck)
    assert on_pg.outcomes == on_duck.outcomes
    # test_sets' hand-worked values, from each engine
    assert list(on_pg.cohort["indications"]) == ["oral_ulcers;malar_rash", "alopecia", "", "malar_rash"]
    assert list(on_pg.cohort["response_6mo"]) == ["complete", "partial", "", "none"]


def test_schema_parameter(pg_demo):
    # the demo's tables are in omop_demo only: the default schema (public) has none of them
    with pytest.raises(OmopError, match="the CDM has no table `person`"):
        extract(pg_demo.url, DEF)
    with pytest.raises(OmopError, match=r"\(schema nowhere\): the CDM has no table `person`"):
        extract(pg_demo.url, DEF, schema="nowhere")


def test_password_never_in_messages(pg_demo, tmp_path, capsys):
    wrong = f"postgresql://postgres:{PASSWORD}X@127.0.0.1:{pg_demo.port}/postgres"
    with pytest.raises(OmopError) as err:
        extract(wrong, DEF, schema="omop_demo")
    assert "password authentication failed" in str(err.value)
    assert PASSWORD not in str(err.value) and "postgres:***@" in str(err.value)
    with pytest.raises(OmopError) as err:
        extract(pg_demo.url, DEF, schema="nowhere")
    assert PASSWORD not in str(err.value)
    out = tmp_path / "c.csv"
    assert main(["--cdm", wrong, "--schema", "omop_demo", "--out", str(out)]) == 1
    assert main(["--cdm", pg_demo.url, "--schema", "omop_demo", "--out", str(out),
                 "--attrition", str(tmp_path / "a.json")]) == 0
    captured = capsys.readouterr()
    assert PASSWORD not in captured.out + captured.err
    assert PASSWORD not in out.read_text() + (tmp_path / "a.json").read_text()


def test_password_from_pgpassword(pg_demo, monkeypatch):
    # no password in the URL: psycopg reads PGPASSWORD; a wrong one never shows either
    monkeypatch.setenv("PGPASSWORD", PASSWORD + "Y")
    with pytest.raises(OmopError) as err:
        extract(f"postgresql://postgres@127.0.0.1:{pg_demo.port}/postgres", DEF, schema="omop_demo")
    assert PASSWORD + "Y" not in str(err.value) and "password authentication failed" in str(err.value)
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    e = extract(f"postgresql://postgres@127.0.0.1:{pg_demo.port}/postgres", DEF, schema="omop_demo")
    assert e.n == 10


def test_a_fetched_result_keeps_its_order_on_postgres(pg_demo):
    """ahead.Ahead reads a kept result back in the order asked for: a table has no order, and
    PostgreSQL returned the 10^6-person bench cohort's rows out of the insert's order (make
    bench caught it: the DuckDB and PostgreSQL files differed). Rows kept in a random order
    here come back sorted (without ``order_by`` they do not: this test fails)."""
    import ibis

    from cohortstats.inputs.omop.ahead import Ahead

    con = ibis.connect(pg_demo.url)
    try:
        shuffled = con.sql("SELECT x::bigint AS x FROM generate_series(1, 2000) AS g(x) ORDER BY random()",
                           schema={"x": "int64"})
        with Ahead(con) as ahead:
            kept = ahead.keep(shuffled, "shuffled")
            rows = ahead.fetch(kept.select(y=kept.x * 2), "rows", order_by=["y"]).result()
        assert rows["y"].tolist() == list(range(2, 4001, 2))
    finally:
        con.disconnect()
