"""Make each notebook's fragment from what the analysis modules return.

The notebooks call :mod:`describe`, :mod:`sensitivity` and :mod:`plots`; these
functions turn their results into the typed records of :mod:`cohortstats.results`
(and into the display tables the notebooks show), so each notebook stays one call
a step.
"""
from __future__ import annotations

import platform
import subprocess

from .paths import ROOT
from .results import (CohortFragment, OutcomeResult, OutcomesFragment, PrimaryTest, Provenance,
                      SensitivityFragment)

__all__ = ["environment", "provenance", "cohort_fragment", "primary", "outcome_result",
           "outcomes_fragment", "sensitivity_fragment", "primary_test", "leave_one_out",
           "figure_estimate", "split_leave_one_out", "METHOD_WORDS"]

#: How the primary test's P was computed, in words, by the method actually used.
METHOD_WORDS = {
    "exact": "Wilcoxon matched-pairs signed-rank test, exact conditional null (zeros dropped), two-sided",
    "approx": "Wilcoxon matched-pairs signed-rank test, normal approximation with tie and continuity "
              "correction (zeros dropped), two-sided",
}


def environment() -> dict:
    """Versions of the software that computed the results, and the commit."""
    import importlib.metadata as md

    env = {"python": platform.python_version()}
    for pkg in ("cohortstats", "numpy", "pandas", "scipy", "matplotlib", "seaborn", "papermill",
                "ipykernel"):
        try:
            env[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            env[pkg] = "not installed"
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True,
                                text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    env["commit"] = commit or "unknown (not a git checkout)"
    return env


def provenance(cohort) -> Provenance:
    """Where the data came from: the file's base name as given (never its folders), its hash."""
    from pathlib import PurePath

    from .parameters import shown

    name = PurePath(str(cohort.path)).name
    if not name.isprintable():
        name = shown(name)[1:-1]
    return Provenance(file=name, sha256=cohort.sha256, reconstructed=bool(cohort.reconstructed),
                      n=int(cohort.n))


def cohort_fragment(run, counts, table1) -> CohortFragment:
    """The fragment of ``01-cohort``.

    Parameters
    ----------
    run : cohortstats.notebook.Run
    counts : cohortstats.describe.CohortCounts
    table1 : pandas.DataFrame
        Formatted cells, as :func:`cohortstats.describe.table1` returns them.
    """
    rows = tuple(tuple(str(v) for v in row) for row in table1.itertuples(index=False))
    return CohortFragment(key=run.key("outcomes"), provenance=provenance(run.cohort),
                          counts=counts, table1=(tuple(str(c) for c in table1.columns),) + rows,
                          environment=environment())


def primary(result, conf_level: float) -> PrimaryTest:
    """The primary test's record from a :class:`cohortstats.paired.SignedRankResult`."""
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

    Parameters
    ----------
    outcome : cohortstats.outcomes.Outcome
    summary : cohortstats.describe.OutcomeSummary
    test : SignedRankResult or str
        The primary test, or why it could not be computed.
    variants : sequence of cohortstats.sensitivity.Variant
    figure : cohortstats.results.Figure or None
    conf_level : float
    """
    defined = not isinstance(test, str)
    return OutcomeResult(
        name=outcome.name, label=outcome.label, unit=outcome.unit, decimals=outcome.decimals,
        described=outcome.described, n_pairs=summary.n_pairs, n_missing=summary.n_missing,
        n_decreased=summary.n_decreased, n_unchanged=summary.n_unchanged,
        n_increased=summary.n_increased, baseline=summary.baseline, followup=summary.followup,
        change=summary.change, test=primary(test, conf_level) if defined else None,
        test_undefined=None if defined else test, variants=tuple(variants), figure=figure)


def outcomes_fragment(run, results: dict) -> OutcomesFragment:
    """The fragment of ``02-outcomes``: outcome name -> :class:`OutcomeResult`, in order."""
    return OutcomesFragment(key=run.key("outcomes", "method", "conf_level"), outcomes=dict(results))


def split_leave_one_out(loo: dict) -> tuple[dict, dict]:
    """``{name: LeaveOneOut or reason}`` -> (``{name: LeaveOneOut or None}``, ``{name: reason}``)."""
    return ({k: None if isinstance(v, str) else v for k, v in loo.items()},
            {k: v for k, v in loo.items() if isinstance(v, str)})


def sensitivity_fragment(run, loo: dict) -> SensitivityFragment:
    """The fragment of ``03-sensitivity``: outcome -> LeaveOneOut, or the reason it is missing."""
    done, reasons = split_leave_one_out(loo)
    return SensitivityFragment(key=run.key("outcomes", "method", "alpha"), leave_one_out=done,
                               not_computed=reasons)


def primary_test(run, outcome):
    """The primary test of one outcome, or why it cannot be computed (a sentence).

    Parameters
    ----------
    run : cohortstats.notebook.Run
    outcome : cohortstats.outcomes.Outcome

    Returns
    -------
    cohortstats.paired.SignedRankResult or str
    """
    from .describe import complete_pairs
    from .sensitivity import primary_test as _primary

    b, a, _ = complete_pairs(run.cohort.frame[outcome.baseline], run.cohort.frame[outcome.followup])
    if b.size == 0:
        return "no patient has both values"
    result = _primary(b, a, method=run.params.method, conf_level=run.params.conf_level)
    if result is None:
        return ("no patient's value changed: the signed-rank test needs at least one non-zero "
                "difference")
    return result


def leave_one_out(run, outcome):
    """Leave-one-patient-out of one outcome, or why it was not computed (a sentence)."""
    from .sensitivity import LOO_MAX_PAIRS, leave_one_out as _loo

    b, a = run.cohort.frame[outcome.baseline], run.cohort.frame[outcome.followup]
    result = _loo(b, a, method=run.params.method, alpha=run.params.alpha)
    if result is None:
        from .describe import complete_pairs

        n = complete_pairs(b, a)[0].size
        if n > LOO_MAX_PAIRS:
            return f"{n} pairs, above {LOO_MAX_PAIRS}: one patient cannot change the conclusion"
        return f"{n} patient{'' if n == 1 else 's'} with both values; at least 3 are needed"
    return result


def figure_estimate(test, conf_level: float) -> dict:
    """The estimate and CI a figure draws beside the changes (keyword arguments of ``plots.outcome_figure``)."""
    if isinstance(test, str) or test.estimate is None:
        return {"estimate": None, "conf_int": None, "conf_level": conf_level, "ci_label": ""}
    ci = None if test.conf_int is None else tuple(float(v) for v in test.conf_int)
    how = (getattr(test, "ci_method", None) or "").split(":", 1)[0] or test.method
    return {"estimate": float(test.estimate), "conf_int": ci, "conf_level": conf_level,
            "ci_label": f"Hodges–Lehmann, {how}"}
