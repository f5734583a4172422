"""Write small CDMs into DuckDB (the demo, the tests' hand-worked CDMs) and copy a CDM to PostgreSQL.

:data:`DDL` is the part of OMOP CDM v5.4 these CDMs hold: every column the extraction reads and
the other required columns of those tables. :func:`write_cdm` creates the tables from rows given
as plain dicts; its options make a CDM "as found" (upper-case column names, numbers stored as
text, a table left out). :func:`copy_to_postgres` copies any DuckDB CDM into a PostgreSQL schema
with COPY (the same types; used by the tests and the benchmark).
"""
from __future__ import annotations

import os
import tempfile

import duckdb

__all__ = ["DDL", "write_cdm", "copy_to_postgres"]

_B, _D, _V, _F = "BIGINT", "DATE", "VARCHAR", "DOUBLE PRECISION"

#: Table -> ordered (column, type), CDM v5.4 names.
DDL = {
    "person": [("person_id", _B), ("gender_concept_id", _B), ("year_of_birth", _B),
               ("month_of_birth", _B), ("day_of_birth", _B), ("race_concept_id", _B),
               ("ethnicity_concept_id", _B), ("person_source_value", _V)],
    "observation_period": [("observation_period_id", _B), ("person_id", _B),
                           ("observation_period_start_date", _D), ("observation_period_end_date", _D),
                           ("period_type_concept_id", _B)],
    "drug_exposure": [("drug_exposure_id", _B), ("person_id", _B), ("drug_concept_id", _B),
                      ("drug_exposure_start_date", _D), ("drug_exposure_end_date", _D),
                      ("drug_type_concept_id", _B), ("quantity", _F), ("days_supply", _B),
                      ("drug_source_value", _V)],
    "condition_occurrence": [("condition_occurrence_id", _B), ("person_id", _B),
                             ("condition_concept_id", _B), ("condition_start_date", _D),
                             ("condition_type_concept_id", _B)],
    "measurement": [("measurement_id", _B), ("person_id", _B), ("measurement_concept_id", _B),
                    ("measurement_date", _D), ("measurement_type_concept_id", _B),
                    ("value_as_number", _F), ("unit_concept_id", _B), ("unit_source_value", _V),
                    ("unit_source_concept_id", _B), ("measurement_event_id", _B)],
    "observation": [("observation_id", _B), ("person_id", _B), ("observation_concept_id", _B),
                    ("observation_date", _D), ("observation_type_concept_id", _B),
                    ("value_as_number", _F), ("value_as_string", _V), ("value_as_concept_id", _B)],
    "concept": [("concept_id", _B), ("concept_name", _V), ("domain_id", _V), ("vocabulary_id", _V),
                ("concept_class_id", _V), ("standard_concept", _V), ("concept_code", _V),
                ("valid_start_date", _D), ("valid_end_date", _D), ("invalid_reason", _V)],
    "concept_ancestor": [("ancestor_concept_id", _B), ("descendant_concept_id", _B),
                         ("min_levels_of_separation", _B), ("max_levels_of_separation", _B)],
    "drug_strength": [("drug_concept_id", _B), ("ingredient_concept_id", _B), ("amount_value", _F),
                      ("amount_unit_concept_id", _B), ("numerator_value", _F),
                      ("numerator_unit_concept_id", _B), ("denominator_value", _F),
                      ("denominator_unit_concept_id", _B), ("valid_start_date", _D),
                      ("valid_end_date", _D)],
    "cdm_source": [("cdm_source_name", _V), ("cdm_version", _V), ("vocabulary_version", _V)],
}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def write_cdm(con, rows: dict, upper: bool = False, text_numbers: bool = False,
              omit: tuple = (), drop_columns: dict | None = None) -> None:
    """Create the :data:`DDL` tables in a DuckDB connection and insert ``rows``.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
    rows : dict
        Table -> list of dicts (column -> value; a missing column is NULL). Dates as ISO text or
        ``datetime.date``.
    upper : bool
        Name tables and columns in upper case (as some ETLs do).
    text_numbers : bool
        Store every number and date as VARCHAR text.
    omit : tuple of str
        Tables to leave out.
    drop_columns : dict, optional
        Table -> columns to leave out (a CDM of another version, or a broken one).
    """
    drop_columns = drop_columns or {}
    for table, columns in DDL.items():
        if table in omit:
            continue
        cols = [(c, t) for c, t in columns if c not in drop_columns.get(table, ())]
        name = table.upper() if upper else table
        spec = ", ".join(f"{_quote(c.upper() if upper else c)} {_V if text_numbers else t}"
                         for c, t in cols)
        con.execute(f"CREATE OR REPLACE TABLE {_quote(name)} ({spec})")
        values = [[None if r.get(c) is None else (str(r[c]) if text_numbers else r[c]) for c, _ in cols]
                  for r in rows.get(table, [])]
        row = "(" + ", ".join("?" for _ in cols) + ")"
        for i in range(0, len(values), 500):  # a few hundred rows per statement: 20x executemany
            chunk = values[i:i + 500]
            con.execute(f"INSERT INTO {_quote(name)} VALUES " + ", ".join([row] * len(chunk)),
                        [v for r in chunk for v in r])


_PG_TYPES = {"BIGINT": "bigint", "INTEGER": "integer", "DATE": "date", "VARCHAR": "text",
             "DOUBLE": "double precision", "FLOAT": "real", "TIMESTAMP": "timestamp",
             "BOOLEAN": "boolean", "SMALLINT": "smallint"}


def _pg_type(duck_type: str) -> str:
    if duck_type.startswith("DECIMAL"):
        return "numeric" + duck_type[len("DECIMAL"):]
    return _PG_TYPES.get(duck_type, "text")


def copy_to_postgres(duckdb_path, url: str, schema: str, tables=None) -> None:
    """Copy a DuckDB CDM's tables into a PostgreSQL schema (created if missing), with COPY.

    Parameters
    ----------
    duckdb_path : str or os.PathLike
        The DuckDB file.
    url : str
        ``postgresql://user@host:port/db`` (psycopg's conninfo).
    schema : str
        Target schema; its tables of the same names are replaced.
    tables : iterable of str, optional
        The tables to copy (default: all of the file's main schema).
    """
    import psycopg

    src = duckdb.connect(os.fspath(duckdb_path), read_only=True)
    try:
        names = list(tables) if tables else [r[0] for r in src.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "ORDER BY table_name").fetchall()]
        with psycopg.connect(url, autocommit=True) as pg, tempfile.TemporaryDirectory() as tmp:
            pg.execute(f"CREATE SCHEMA IF NOT EXISTS {_quote(schema)}")
            for name in names:
                cols = src.execute("SELECT column_name, data_type FROM information_schema.columns "
                                   "WHERE table_schema = 'main' AND table_name = ? "
                                   "ORDER BY ordinal_position", [name]).fetchall()
                target = f"{_quote(schema)}.{_quote(name)}"
                pg.execute(f"DROP TABLE IF EXISTS {target}")
                pg.execute(f"CREATE TABLE {target} ("
                           + ", ".join(f"{_quote(c)} {_pg_type(t)}" for c, t in cols) + ")")
                csv = os.path.join(tmp, "t.csv")
                src.execute(f"COPY {_quote(name)} TO '{csv}' (FORMAT csv, HEADER false)")
                with pg.cursor() as cur, cur.copy(f"COPY {target} FROM STDIN (FORMAT csv)") as copy, \
                        open(csv, "rb") as fh:
                    while chunk := fh.read(1 << 20):
                        copy.write(chunk)
    finally:
        src.close()
