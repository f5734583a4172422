"""The extraction's expressions compile for other engines (unbound tables, no connection)."""
from __future__ import annotations

from pathlib import Path

import ibis
import pytest

from hand_cdms import SETS, write_definition
from cohortstats.inputs.omop import load_definition
from cohortstats.inputs.omop.cdm import COLUMNS
from cohortstats.inputs.omop.cohort import IDS, build, concept_sets, descendants, resolution


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
    sets = concept_sets(d)
    # the concept sets are resolved first, by vocabulary and code ...
    sql = ibis.to_sql(resolution(tables, sets), dialect=dialect)
    assert all(f"'{code}'" in sql for cs in sets for code in cs.concept_codes), dialect
    assert "concept_ancestor" in ibis.to_sql(descendants(tables, [1, 2]), dialect=dialect)
    # ... by two queries (concept, then concept_ancestor), and the ids they find (here made up:
    # 1000 + the set's number) are the later queries' literals
    tables[IDS] = {cs: (1000 + k,) for k, cs in enumerate(sets)}
    plan = build(tables, d)
    for expr, needs in ((plan.attrition, ("person", "drug_exposure", "condition_occurrence",
                                          "observation_period")),
                        (plan.cohort, tuple(t for t in COLUMNS if t not in ("concept", "concept_ancestor")))):
        sql = ibis.to_sql(expr, dialect=dialect)
        assert "concept_code" not in sql  # resolved once, before
        assert sql.lstrip().upper().startswith(("SELECT", "WITH"))
        for table in needs:
            assert any(f"{q}{table}{q}" in sql for q in '`"'), (dialect, table)
    assert all(str(1000 + k) in sql for k in range(len(sets)))
