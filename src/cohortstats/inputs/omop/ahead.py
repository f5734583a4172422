"""Statements compiled ahead: this thread compiles, one worker thread runs them on the connection.

An extraction is a chain of statements (the concepts, each attrition step and each outcome's rows
kept as temporary tables, then the attrition and the cohort). Compiling an ibis expression to SQL
takes Python time, of the order of the engine's own time on a small CDM. :class:`Ahead` lets the
two overlap: :meth:`Ahead.keep` and :meth:`Ahead.fetch` compile a statement here and queue it; a
worker thread runs the queue in order, alone on the connection (the engine works while Python
compiles the next statement, since engines release the GIL while they run a query). A kept
table's rows are named before they exist: its reference is ``ibis.table(schema, name)``, whose
schema is the expression's, and the table is created with those column types (as ibis'
``create_table`` creates it).

The first statement that fails stops the queue: every later one, and every result asked for, is
:class:`Refused`, and the caller runs the plain plan instead (each query on its own, the engine's
reason then shown in one line). That is also what an engine without temporary tables gets.

:func:`aside` runs one query that reads only the CDM's own tables beside the chain, on DuckDB: the
count of persons in the CDM, a distinct count over the largest table the attrition reads, takes the
engine about as long as a step, while the chain's first statements wait on Python.
"""
from __future__ import annotations

import queue
import threading
import uuid
from concurrent.futures import Future

import ibis
import sqlglot as sg
import sqlglot.expressions as sge

__all__ = ["Ahead", "Refused", "aside"]


class Refused(Exception):
    """A statement of the chain failed (or the engine refused a temporary table)."""


class Ahead:
    """Temporary tables and results of one extraction, run by one worker thread in order.

    Use it as a context manager: leaving it stops the worker and drops the tables it made.

    Parameters
    ----------
    con : ibis.BaseBackend
        The connection; only the worker uses it while the context is open.
    """

    def __init__(self, con):
        self.con = con
        self.made: list = []
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._failed = False  # a statement failed: the rest are skipped, every result Refused
        self._worker = threading.Thread(target=self._work, name="cohortstats-omop", daemon=True)

    def __enter__(self):
        self._worker.start()
        return self

    def __exit__(self, kind, exc, tb):
        self._jobs.put(None)
        if kind is None or not issubclass(kind, KeyboardInterrupt):
            self._worker.join()
            self._drop()
        # On Ctrl-C the statement running is not waited for: its session's temporary tables go
        # with the connection.
        return False

    def keep(self, expr, name: str):
        """Queue ``expr`` into a new temporary table; return the table (to build on at once)."""
        table = f"_cohortstats_{name}_{uuid.uuid4().hex[:12]}"
        schema = expr.schema()
        quoted, dialect = self.con.compiler.quoted, self.con.dialect
        target = sg.table(table, quoted=quoted)
        create = sge.Create(kind="TABLE", this=sge.Schema(this=target,
                                                          expressions=schema.to_sqlglot_column_defs(dialect)),
                            properties=sge.Properties(expressions=[sge.TemporaryProperty()]))
        insert = sge.insert(self.con.compiler.to_sqlglot(expr), into=target, copy=False,
                            columns=[sge.to_identifier(c, quoted=quoted) for c in schema.names])
        self.made.append(table)
        self._jobs.put((create.sql(dialect), insert.sql(dialect), None, None))
        return ibis.table(schema, name=table)

    def fetch(self, expr, name: str, order_by=()) -> Future:
        """Queue ``expr`` (kept, then read back whole, in ``order_by``'s order: a table has no
        order of its own, and PostgreSQL does not keep the insert's); the future holds its
        pandas DataFrame."""
        kept = self.keep(expr, name)
        done: Future = Future()
        self._jobs.put((None, None, kept.order_by(list(order_by)) if order_by else kept, done))
        return done

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            create, insert, read, done = job
            if self._failed:
                if done is not None:
                    done.set_exception(Refused())
                continue
            try:
                if read is None:
                    for statement in (create, insert):
                        _close(self.con, self.con.raw_sql(statement))
                else:
                    done.set_result(self.con.execute(read))
            except BaseException:  # the queue stops; the caller runs the plain plan
                self._failed = True
                if done is not None:
                    done.set_exception(Refused())

    def _drop(self) -> None:
        for table in self.made:
            try:
                _close(self.con, self.con.raw_sql(f'DROP TABLE IF EXISTS "{table}"'))
            except Exception:  # a temporary table goes with the session anyway
                pass
        self.made.clear()


def aside(con, expr) -> Future | None:
    """Run ``expr`` (one value, reading only the CDM's tables) at once on a connection of its own.

    DuckDB only: a cursor of an ibis DuckDB connection is another connection to the same database,
    which sees its tables (not the chain's temporary tables). The query runs in a thread, beside
    the chain; the future holds the value. Other engines: None (the caller counts in the chain).
    """
    if getattr(con, "name", None) != "duckdb":
        return None
    sql = con.compile(expr)
    cursor = con.con.cursor()
    done: Future = Future()

    def work():
        try:
            done.set_result(cursor.execute(sql).fetchone()[0])
        except BaseException as exc:  # the caller runs the plain plan
            done.set_exception(Refused(str(exc)))
        finally:
            cursor.close()

    threading.Thread(target=work, name="cohortstats-omop-aside", daemon=True).start()
    return done


def _close(con, result) -> None:
    """Close what ``raw_sql`` handed back: a cursor (PostgreSQL); DuckDB hands back its connection."""
    if result is not None and result is not getattr(con, "con", None) and hasattr(result, "close"):
        result.close()
