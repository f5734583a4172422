"""The extraction's expressions compile for other engines (unbound tables, no connection)."""
from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Plan:
    """The extraction's expressions on unbound tables: built once, compiled for each dialect."""

    sets: tuple
    resolution: object
    descendants: object
    attrition: object
    cohort: object


@pytest.fixture(scope="module")
def plan(tmp_path_factory) -> Plan:
    # the shipped definition with concept sets for indications, adverse events and the response
    # (hand_cdms.SETS), so every table and every rule is in the query; ibis expressions name no
    # engine, so one plan serves every dialect
    d = load_definition(write_definition(tmp_path_factory.mktemp("sets") / "sets.yml", SETS))
    tables = {name: ibis.table(cols, name=name) for name, cols in COLUMNS.items()}
    sets = concept_sets(d)
    resolved, below = resolution(tables, sets), descendants(tables, [1, 2])
    # the ids the two first queries find (here made up: 1000 + the set's number) are the later
    # queries' literals
    tables[IDS] = {cs: (1000 + k,) for k, cs in enumerate(sets)}
    built = build(tables, d)
    return Plan(tuple(sets), resolved, below, built.attrition, built.cohort)


@pytest.mark.slow
@pytest.mark.parametrize("dialect", ["pyspark", "bigquery", "snowflake", "trino", "postgres", "duckdb"])
def test_compiles_for(dialect, plan):
    # the concept sets are resolved first, by vocabulary and code ...
    sql = ibis.to_sql(plan.resolution, dialect=dialect)
    assert all(f"'{code}'" in sql for cs in plan.sets for code in cs.concept_codes), dialect
    assert "concept_ancestor" in ibis.to_sql(plan.descendants, dialect=dialect)
    # ... by two queries (concept, then concept_ancestor), and the ids they find are literals of
    # the attrition and cohort queries
    for expr, needs in ((plan.attrition, ("person", "drug_exposure", "condition_occurrence",
                                          "observation_period")),
                        (plan.cohort, tuple(t for t in COLUMNS if t not in ("concept", "concept_ancestor")))):
        sql = ibis.to_sql(expr, dialect=dialect)
        assert "concept_code" not in sql  # resolved once, before
        assert sql.lstrip().upper().startswith(("SELECT", "WITH"))
        for table in needs:
            assert any(f"{q}{table}{q}" in sql for q in '`"'), (dialect, table)
    assert all(str(1000 + k) in sql for k in range(len(plan.sets)))
