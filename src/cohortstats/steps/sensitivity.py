"""The steps of ``03-sensitivity``: does the conclusion rest on one patient?"""
from __future__ import annotations

from cohortstats.report import tables
from cohortstats.results import LeaveOneOut, SensitivityFragment
from cohortstats.stats import sensitivity as _sensitivity
from cohortstats.stats.describe import complete_pairs
from cohortstats.steps.notebook import show

__all__ = ["leave_one_out", "fragment"]


def _leave_one_out(run, outcome) -> LeaveOneOut | str:
    b, a = run.cohort.frame[outcome.baseline], run.cohort.frame[outcome.followup]
    result = _sensitivity.leave_one_out(b, a, method=run.params.method, alpha=run.params.alpha)
    if result is not None:
        return result
    n = complete_pairs(b, a)[0].size
    if n > _sensitivity.LOO_MAX_PAIRS:
        return f"{n} pairs, above {_sensitivity.LOO_MAX_PAIRS}: one patient cannot change the conclusion"
    return f"{n} patient{'' if n == 1 else 's'} with both values; at least 3 are needed"


def _split(loo: dict) -> tuple[dict, dict]:
    return ({k: None if isinstance(v, str) else v for k, v in loo.items()},
            {k: v for k, v in loo.items() if isinstance(v, str)})


def leave_one_out(run) -> dict:
    """Leave-one-patient-out of every outcome (or why it was not computed), shown as one table.

    Returns
    -------
    dict
        Outcome name -> :class:`cohortstats.results.LeaveOneOut`, or the reason (a sentence).
    """
    loo = {o.name: _leave_one_out(run, o) for o in run.outcomes}
    show(tables.loo_table(run.outcomes, *_split(loo)))
    return loo


def fragment(run, loo: dict) -> SensitivityFragment:
    """What ``03-sensitivity`` hands on: outcome -> LeaveOneOut, or the reason it is missing."""
    done, reasons = _split(loo)
    return SensitivityFragment(key=run.key("outcomes", "method", "alpha"), leave_one_out=done,
                               not_computed=reasons)
