"""The steps of ``01-cohort``: who the patients were, and Table 1.

Each function is one cell of the notebook (and what the tests call): it computes,
shows what it computed, and returns it.
"""
from __future__ import annotations

from cohortstats.results import CohortFragment
from cohortstats.stats import describe
from cohortstats.steps.notebook import environment, provenance, say, show

__all__ = ["counts", "table1", "fragment"]


def counts(run) -> describe.CohortCounts:
    """Count the cohort (sex, race, indications, response, adverse events, age), and say the first two."""
    c = describe.count_cohort(run.cohort)
    say(f"{c.female} of {c.n} patients are girls; {c.african_american} are African-American.")
    return c


def table1(run, counts: describe.CohortCounts):
    """Table 1 as formatted cells (a pandas DataFrame), shown with its caption."""
    t = describe.table1(counts)
    show(t, describe.table1_caption(counts))
    return t


def fragment(run, counts, table1) -> CohortFragment:
    """What ``01-cohort`` hands on to the report.

    Parameters
    ----------
    run : cohortstats.steps.notebook.Run
    counts : cohortstats.results.CohortCounts
    table1 : pandas.DataFrame
        Formatted cells, as :func:`table1` returns them.
    """
    rows = tuple(tuple(str(v) for v in row) for row in table1.itertuples(index=False))
    return CohortFragment(key=run.key("outcomes"), provenance=provenance(run.cohort),
                          counts=counts, table1=(tuple(str(c) for c in table1.columns),) + rows,
                          environment=environment())
