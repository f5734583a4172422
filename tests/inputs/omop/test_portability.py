"""The extraction's expressions compile for other engines (unbound tables, no connection)."""
from __future__ import annotations

from pathlib import Path

import ibis
import pytest

from hand_cdms import SETS, write_definition
from cohortstats.inputs.omop import load_definition
from cohortstats.inputs.omop.cdm import COLUMNS
from cohortstats.inputs.omop.cohort import build


class _SparkOptions(ibis.config.Config):
    """What ibis' PySpark backend registers on import (it needs pyspark itself, not installed
    here): the compiler reads this option, and only this one."""

    treat_nan_as_null: bool = False


@pytest.fixture(autouse=True)
def spark_options(monkeypatch):
    if ibis.options.pyspark is None:
        monkeypatch.setattr(ibis.options, "pyspark", _SparkOptions())


@pytest.mark.slow
@pytest.mark.parametrize("dialect", ["pyspark", "bigquery", "snowflake", "trino", "postgres", "duckdb"])
def test_compiles_for(dialect, tmp_path):
    # the shipped definition with concept sets for indications, adverse events and the response
    # (hand_cdms.SETS), so every table and every rule is in the query
    d = load_definition(write_definition(tmp_path / "sets.yml", SETS))
    tables = {name: ibis.table(cols, name=name) for name, cols in COLUMNS.items()}
    plan = build(tables, d)
    for expr, needs in ((plan.attrition, ("person", "drug_exposure", "condition_occurrence",
                                          "observation_period", "concept", "concept_ancestor")),
                        (plan.cohort, tuple(COLUMNS))):
        sql = ibis.to_sql(expr, dialect=dialect)
        assert sql.lstrip().upper().startswith(("SELECT", "WITH"))
        for table in needs:
            assert any(f"{q}{table}{q}" in sql for q in '`"'), (dialect, table)
        assert "342369" in sql and "55464009" in sql  # concepts resolved by code in the query
    assert "900034" in sql and "900013" in sql
