"""A CDM as found: connect by URL or connection, find tables and columns in either case, cast.

:func:`open_cdm` connects (DuckDB files read-only, PostgreSQL or any ibis backend by URL) and
lists the tables once; :meth:`Cdm.table` gives one CDM table with the columns the extraction
uses, named in lower case and cast to the types it needs (numbers stored as text become numbers,
dates stored as text or timestamps become dates). Extra tables and columns are ignored; a missing
table or column is one line naming it. Nothing is read into Python here: these are expressions.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import ibis
import ibis.expr.datatypes as dt

from .errors import OmopError, mask_url, one_line

__all__ = ["Cdm", "open_cdm", "COLUMNS"]

_I, _F, _D, _S = "int64", "float64", "date", "string"

#: The columns read from each CDM table (the same in CDM v5.3 and v5.4), and their types.
COLUMNS = {
    "person": {"person_id": _I, "gender_concept_id": _I, "year_of_birth": _I,
               "race_concept_id": _I, "ethnicity_concept_id": _I},
    "observation_period": {"person_id": _I, "observation_period_start_date": _D,
                           "observation_period_end_date": _D},
    "drug_exposure": {"person_id": _I, "drug_concept_id": _I, "drug_exposure_start_date": _D,
                      "drug_exposure_end_date": _D, "quantity": _F, "days_supply": _F},
    "condition_occurrence": {"person_id": _I, "condition_concept_id": _I, "condition_start_date": _D},
    "measurement": {"person_id": _I, "measurement_id": _I, "measurement_concept_id": _I,
                    "measurement_date": _D, "value_as_number": _F, "unit_concept_id": _I},
    "observation": {"person_id": _I, "observation_id": _I, "observation_concept_id": _I,
                    "observation_date": _D, "value_as_concept_id": _I},
    "concept": {"concept_id": _I, "vocabulary_id": _S, "concept_code": _S},
    "concept_ancestor": {"ancestor_concept_id": _I, "descendant_concept_id": _I},
    "drug_strength": {"drug_concept_id": _I, "ingredient_concept_id": _I, "amount_value": _F,
                      "amount_unit_concept_id": _I},
}


@dataclass(frozen=True)
class Cdm:
    """An open CDM.

    Attributes
    ----------
    con : ibis.BaseBackend
        The connection.
    url : str
        Where it is, with any password masked (safe to print).
    schema : str or None
        The schema (PostgreSQL) or database holding the CDM tables.
    names : dict
        Lower-case table name -> the name as the CDM spells it.
    """

    con: object = field(repr=False)
    url: str
    schema: str | None
    names: dict = field(repr=False)

    def where(self) -> str:
        """The CDM named for a message: masked URL and schema."""
        return self.url + (f" (schema {self.schema})" if self.schema else "")

    def table(self, name: str):
        """The CDM table ``name`` with :data:`COLUMNS` ``[name]``, lower-case and cast.

        Raises
        ------
        OmopError
            When the CDM has no such table, or the table lacks a column (one line naming it).
        """
        if name not in self.names:
            raise OmopError(f"{self.where()}: the CDM has no table `{name}`.")
        try:
            t = self.con.table(self.names[name], database=self.schema)
        except Exception as exc:  # a driver's error: shown in one line, scrubbed
            raise OmopError(f"{self.where()}: cannot read table `{name}`: {one_line(exc)}") from None
        lower = {}
        for col in t.columns:
            lower.setdefault(col.lower(), col)
        out = {}
        for col, kind in COLUMNS[name].items():
            if col not in lower:
                raise OmopError(f"{self.where()}: table `{name}` has no column `{col}`.")
            out[col] = _cast(t[lower[col]], kind)
        return t.select(**out)


def _cast(col, kind: str):
    """``col`` as ``kind``: text is stripped and '' read as missing before a number or date."""
    have = col.type()
    want = dt.dtype(kind)
    if have == want or (kind == _I and have.is_integer()):
        return col
    if have.is_string() and kind != _S:
        return col.strip().nullif("").cast(want)
    return col.cast(want)


def _connect(url: str):
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme == "duckdb" or (not scheme and url.endswith((".duckdb", ".db"))):
        path = url.split("://", 1)[1] if scheme else url
        if not path or path == ":memory:" or not Path(path).is_file():
            raise OmopError(f"{mask_url(url)}: no such DuckDB file.")
        return ibis.duckdb.connect(path, read_only=True)
    if not scheme:
        raise OmopError(f"{mask_url(url)}: not a connection URL (expected duckdb:///path/cdm.duckdb, "
                        "postgresql://user@host:5432/db, or another ibis backend's URL).")
    return ibis.connect(url)


def open_cdm(con_or_url, schema: str | None = None) -> Cdm:
    """Connect to a CDM and list its tables.

    Parameters
    ----------
    con_or_url : str, os.PathLike or ibis.BaseBackend
        ``duckdb:///path/cdm.duckdb`` (opened read-only), ``postgresql://user@host:5432/db``, any
        URL ``ibis.connect`` knows, or an open ibis connection.
    schema : str, optional
        The schema (database, in ibis' words) holding the CDM tables.

    Returns
    -------
    Cdm

    Raises
    ------
    OmopError
        One line, with any password masked, when the connection or the listing fails.
    """
    if isinstance(con_or_url, (str, os.PathLike)):
        url = os.fspath(con_or_url)
        shown = mask_url(url)
        try:
            con = _connect(url)
        except OmopError:
            raise
        except Exception as exc:  # the driver's reason, scrubbed of every secret
            raise OmopError(f"{shown}: cannot connect: {one_line(exc, url)}") from None
    else:
        con, url, shown = con_or_url, "", f"{getattr(con_or_url, 'name', 'ibis')}:(connection)"
    try:
        listed = con.list_tables(database=schema) if schema else con.list_tables()
    except Exception as exc:
        where = shown + (f" (schema {schema})" if schema else "")
        raise OmopError(f"{where}: cannot list the tables: {one_line(exc, url)}") from None
    names = {}
    for name in sorted(listed):
        names.setdefault(name.lower(), name)
    return Cdm(con=con, url=shown, schema=schema or None, names=names)
