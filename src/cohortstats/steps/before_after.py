"""The steps of ``02-outcomes``: each outcome before and after, its signed-rank test, other tests, figures.

Each function is one cell of the notebook (and what the tests call): it computes,
shows what it computed, and returns it. A change is the decrease d = value at
drug start − value at 6 months (positive = lower at 6 months).
"""
from __future__ import annotations

from cohortstats.core.parameters import METHOD_WORDS
from cohortstats.report import plots, tables
from cohortstats.results import OutcomeResult, OutcomesFragment, PrimaryTest
from cohortstats.stats import describe, sensitivity
from cohortstats.stats.describe import complete_pairs
from cohortstats.steps.notebook import figure, show

__all__ = ["summaries", "tests", "variants", "figures", "results", "fragment", "primary",
           "outcome_result"]


def summaries(run) -> dict:
    """Each outcome at drug start and at 6 months over the complete pairs, shown as one table."""
    out = {o.name: describe.summarize_outcome(run.cohort, o) for o in run.outcomes}
    show(tables.summary_table(out.values()))
    return out


def _primary_test(run, outcome):
    b, a, _ = complete_pairs(run.cohort.frame[outcome.baseline], run.cohort.frame[outcome.followup])
    if b.size == 0:
        return "no patient has both values"
    result = sensitivity.primary_test(b, a, method=run.params.method, conf_level=run.params.conf_level)
    if result is None:
        return ("no patient's value changed: the signed-rank test needs at least one non-zero "
                "difference")
    return result


def tests(run, summaries: dict) -> dict:
    """The primary test of every outcome (or why it cannot be computed), shown as one table.

    Returns
    -------
    dict
        Outcome name -> :class:`cohortstats.stats.paired.SignedRankResult`, or the reason (a sentence).
    """
    out = {o.name: _primary_test(run, o) for o in run.outcomes}
    show(tables.tests_table([outcome_result(o, summaries[o.name], out[o.name], (), None,
                                            run.params.conf_level) for o in run.outcomes]))
    return out


def variants(run, summaries: dict) -> dict:
    """The same pairs under other tests (:func:`cohortstats.stats.sensitivity.test_variants`), one table each."""
    out = {o.name: sensitivity.test_variants(run.cohort.frame[o.baseline], run.cohort.frame[o.followup],
                                             method=run.params.method, conf_level=run.params.conf_level)
           for o in run.outcomes}
    for o in run.outcomes:
        show(tables.variants_table(outcome_result(o, summaries[o.name], "", out[o.name], None,
                                                  run.params.conf_level)))
    return out


def _figure_estimate(test, conf_level: float) -> dict:
    if isinstance(test, str) or test.estimate is None:
        return {"estimate": None, "conf_int": None, "conf_level": conf_level, "ci_label": ""}
    ci = None if test.conf_int is None else tuple(float(v) for v in test.conf_int)
    how = (getattr(test, "ci_method", None) or "").split(":", 1)[0] or test.method
    return {"estimate": float(test.estimate), "conf_int": ci, "conf_level": conf_level,
            "ci_label": f"Hodges–Lehmann, {how}"}


def figures(run, tests: dict) -> dict:
    """The before/after figure of every outcome, saved in ``run.figures_dir`` and shown.

    Saved in the formats ``run.figure_formats`` names (the parameter ``figure_formats``).

    Returns
    -------
    dict
        Outcome name -> :class:`cohortstats.results.Figure`.
    """
    out = {}
    for o in run.outcomes:
        out[o.name] = plots.outcome_figure(run.cohort, o, run.figures_dir, formats=run.figure_formats,
                                           **_figure_estimate(tests[o.name], run.params.conf_level))
        if "svg" in run.figure_formats:
            figure(run.figures_dir / out[o.name].svg)
    return out


def primary(result, conf_level: float) -> PrimaryTest:
    """The primary test's record from a :class:`cohortstats.stats.paired.SignedRankResult`."""
    ci = None if result.conf_int is None else tuple(float(v) for v in result.conf_int)
    return PrimaryTest(method=METHOD_WORDS.get(result.method, result.method),
                       statistic=float(result.statistic), n_nonzero=int(result.n_nonzero),
                       p_value=float(result.pvalue),
                       estimate=None if result.estimate is None else float(result.estimate),
                       conf_int=ci, conf_level=float(conf_level),
                       ci_method=str(getattr(result, "ci_method", "") or ""),
                       effect_size=None if result.effect_size is None else float(result.effect_size))


def outcome_result(outcome, summary, test, variants, figure, conf_level: float) -> OutcomeResult:
    """Everything computed for one outcome, as the report reads it.

    ``test`` is the primary test's result, or why it could not be computed (a sentence).
    """
    defined = not isinstance(test, str)
    return OutcomeResult(
        name=outcome.name, label=outcome.label, unit=outcome.unit, decimals=outcome.decimals,
        described=outcome.described, n_pairs=summary.n_pairs, n_missing=summary.n_missing,
        n_decreased=summary.n_decreased, n_unchanged=summary.n_unchanged,
        n_increased=summary.n_increased, baseline=summary.baseline, followup=summary.followup,
        change=summary.change, test=primary(test, conf_level) if defined else None,
        test_undefined=None if defined else test, variants=tuple(variants), figure=figure)


def results(run, summaries: dict, tests: dict, variants: dict, figures: dict | None) -> dict:
    """Outcome name -> :class:`cohortstats.results.OutcomeResult`, in the order of the outcomes."""
    figures = figures or {}
    return {o.name: outcome_result(o, summaries[o.name], tests[o.name], variants[o.name],
                                   figures.get(o.name), run.params.conf_level)
            for o in run.outcomes}


def fragment(run, results: dict) -> OutcomesFragment:
    """What ``02-outcomes`` hands on: outcome name -> :class:`OutcomeResult`, in order."""
    return OutcomesFragment(key=run.key("outcomes", "method", "conf_level"), outcomes=dict(results))
