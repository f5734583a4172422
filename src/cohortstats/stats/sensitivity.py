"""How much the paired comparison depends on the choice of test.

The paper names the Wilcoxon matched-pairs signed-rank test but not its variant.
Dose and laboratory data have ties and unchanged values, where the variants
differ: this module computes them side by side, and which of them prints the
published P.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, asdict

import numpy as np

from cohortstats.stats.paired import (EXACT_MAX_N, TIE_RTOL, merge_near_ties,
                     paired_signed_rank)
from cohortstats.results.statistics import Variant, LeaveOneOut  # noqa: F401 (the records it returns)
from cohortstats.stats.describe import complete_pairs

__all__ = ["Variant", "test_variants", "LeaveOneOut", "leave_one_out", "LOO_MAX_PAIRS",
           "SIDEDNESS"]

#: Leave-one-patient-out is computed up to this many pairs.
LOO_MAX_PAIRS = 200

#: How each ``alternative`` reads in a label (d = drug start − 6 months).
SIDEDNESS = {"two-sided": "two-sided",
             "greater": "one-sided (alternative: a decrease)",
             "less": "one-sided (alternative: an increase)"}

_METHODS = ("auto", "exact", "approx")
_ALTERNATIVES = tuple(SIDEDNESS)

NO_NONZERO = "no non-zero difference: the signed-rank test needs at least one"


def _iv_options(method, alternative, conf_level=0.95, alpha=None):
    """Validate the options shared by :func:`test_variants` and :func:`leave_one_out`."""
    for name, val, allowed in (("method", method, _METHODS),
                               ("alternative", alternative, _ALTERNATIVES)):
        if not isinstance(val, str):
            raise TypeError(f"`{name}` must be a str, one of "
                            f"{{{', '.join(map(repr, allowed))}}}; not {type(val).__name__}.")
        if val not in allowed:
            raise ValueError(f"`{name}` must be one of {{{', '.join(map(repr, allowed))}}}; "
                             f"not {val!r}.")
    for name, val in (("conf_level", conf_level), ("alpha", alpha)):
        if val is None:
            continue
        if isinstance(val, (bool, np.bool_)) or not isinstance(val, numbers.Real):
            raise TypeError(f"`{name}` must be a real number; not {type(val).__name__}.")
        if not 0.0 < float(val) < 1.0:
            raise ValueError(f"`{name}` must be strictly between 0 and 1; not {val!r}.")


def _complete(before, after):
    b, a, _ = complete_pairs(before, after)
    return b, a


def _undefined(key, label, n, method, alternative, correction, reason, primary=False):
    return Variant(key=key, label=label, n=int(n), statistic=None, pvalue=None, method=method,
                   alternative=alternative, correction=correction, estimate=None, conf_int=None,
                   ci_method=None, effect_size=None, reason=reason, primary=primary)


def _from_signed_rank(key, label, res, correction, primary=False):
    return Variant(key=key, label=label, n=int(res.n_nonzero), statistic=float(res.statistic),
                   pvalue=float(res.pvalue), method=res.method, alternative=res.alternative,
                   correction=bool(correction) if res.method == "approx" else None,
                   estimate=None if res.estimate is None else float(res.estimate),
                   conf_int=None if res.conf_int is None else tuple(float(v) for v in res.conf_int),
                   ci_method=res.ci_method,
                   effect_size=None if res.effect_size is None else float(res.effect_size),
                   primary=primary)


def _constant_reason(b, a):
    """Why a paired t-test of ``b - a`` is undefined, or None."""
    d = b - a
    if d.size < 2:
        return f"{d.size} pair{'' if d.size == 1 else 's'}: the t-test needs at least 2"
    merged = merge_near_ties(b, a, TIE_RTOL)
    mean = float(np.mean(d))
    stderr = float(np.std(d, ddof=1)) / math.sqrt(d.size)
    # R's t.test: stop if stderr < 10 * .Machine$double.eps * abs(mean)
    if np.all(merged == merged[0]) or stderr < 10 * np.finfo(float).eps * abs(mean):
        what = "zero" if np.all(merged == 0) else "the same"
        return (f"every difference is {what} (up to {TIE_RTOL:g} relative): the t-test is "
                f"undefined (R: data are essentially constant)")
    return None


def _paired_t(key, label, b, a, alternative, conf_level):
    from scipy import stats

    reason = _constant_reason(b, a)
    if reason:
        return _undefined(key, label, b.size, "t", alternative, None, reason)
    d = b - a
    res = stats.ttest_rel(b, a, alternative=alternative)
    ci = res.confidence_interval(conf_level)
    sd = float(np.std(d, ddof=1))
    how = "t" if alternative == "two-sided" else f"one-sided ({alternative}) t"
    return Variant(key=key, label=label, n=int(d.size), statistic=float(res.statistic),
                   pvalue=float(res.pvalue), method="t", alternative=alternative, correction=None,
                   estimate=float(d.mean()), conf_int=(float(ci.low), float(ci.high)),
                   ci_method=f"mean difference ± {how} quantile × standard error (Student)",
                   effect_size=float(d.mean() / sd) if sd > 0 else None)


def _scipy_default(b, a, nz_count, alternative):
    """scipy.stats.wilcoxon with its defaults (zeros dropped, no continuity correction)."""
    from scipy import stats

    label = f"scipy.stats.wilcoxon default (zeros dropped, no continuity correction), " \
            f"{SIDEDNESS[alternative]}"
    if not nz_count:
        return _undefined("scipy_default", label, 0, "scipy", alternative, None, NO_NONZERO)
    res = stats.wilcoxon(b, a, alternative=alternative)
    return Variant(key="scipy_default", label=label, n=int(nz_count),
                   statistic=float(res.statistic), pvalue=float(res.pvalue), method="scipy",
                   alternative=alternative, correction=None, estimate=None, conf_int=None,
                   ci_method=None, effect_size=None)


def test_variants(before, after, *, method: str = "auto", alternative: str = "two-sided",
                  conf_level: float = 0.95) -> list[Variant]:
    """Run the signed-rank variants and paired t-tests on the same pairs.

    Parameters
    ----------
    before, after : array_like of float
        Values at drug start and at 6 months (d = before − after, positive = a
        decrease); incomplete pairs are dropped.
    method : {"auto", "exact", "approx"}
        ``method`` of the primary test (see :func:`cohortstats.stats.paired.paired_signed_rank`).
    alternative : {"two-sided", "greater", "less"}
        Sidedness of every variant ("greater": a decrease). Every label says it.
    conf_level : float in (0, 1)

    Returns
    -------
    list of Variant
        Always the same eight keys, in this order:

        ``primary``
            Wilcoxon zero handling (zeros dropped), exact conditional null (or as
            ``method``); estimate and CI of the exact test (median of Walsh averages).
        ``pratt``
            Pratt zero handling; exact conditional, or above the exact size the normal
            approximation *without* continuity correction (coin's test; R has no Pratt).
        ``approx_cc``, ``approx``
            Normal approximation with and without continuity correction (R's
            ``wilcox.test(exact = FALSE, correct = TRUE/FALSE)``).
        ``r_wilcox_test``
            R's ``wilcox.test(paired = TRUE, conf.int = TRUE)`` default: exact only for
            n < 50 without ties or zeros, else the corrected normal approximation, with
            R's asymptotic Hodges–Lehmann estimate (located exactly; see ``ci_method``).
        ``scipy_default``
            ``scipy.stats.wilcoxon`` defaults.
        ``t``, ``t_changed``
            Paired t-test; the same excluding unchanged patients.

        A variant that is undefined (no non-zero difference; a t-test on constant
        differences) stays in the list with ``reason`` set and no numbers.

    Raises
    ------
    ValueError, TypeError
        A bad option (checked before anything is computed), or the primary test's
        own limits (``method="exact"`` above its size limit).

    Notes
    -----
    Differences are ``d = before − after`` throughout (cohortstats.stats.paired.SIGN_CONVENTION).
    """

    _iv_options(method, alternative, conf_level)
    b, a = _complete(before, after)
    d = merge_near_ties(b, a, TIE_RTOL)
    nz = d[d != 0]
    side = SIDEDNESS[alternative]
    out = []
    kw = dict(conf_level=conf_level, alternative=alternative)

    def add(key, label, primary=False, **options):
        correction = options.get("correction", True)
        if not nz.size:
            out.append(_undefined(key, label, 0, options.get("method", method), alternative,
                                  None, NO_NONZERO, primary))
            return
        res = paired_signed_rank(b, a, **options, **kw)
        out.append(_from_signed_rank(key, label, res, correction, primary))

    # The exact variants stay exact only while that is cheap (as method="auto").
    exact = "exact" if method == "exact" or (method == "auto" and nz.size < EXACT_MAX_N) else "approx"
    primary_null = exact if method == "auto" else method
    words = {"exact": "exact conditional null",
             "approx": "normal approximation with continuity correction"}
    add("primary", f"Wilcoxon signed-rank, zeros dropped, {words[primary_null]}, {side}",
        primary=True, method=method)
    pratt_words = ("exact conditional null" if exact == "exact" else
                   "normal approximation without continuity correction (coin)")
    add("pratt", f"Wilcoxon signed-rank, Pratt zero handling, {pratt_words}, {side}",
        method=exact, zero_method="pratt", correction=False)
    add("approx_cc", f"Wilcoxon signed-rank, zeros dropped, normal approximation with continuity "
        f"correction, {side}", method="approx", correction=True)
    add("approx", f"Wilcoxon signed-rank, zeros dropped, normal approximation without continuity "
        f"correction, {side}", method="approx", correction=False)
    # R: wilcox.test(x, y, paired = TRUE) is exact only for n < 50 without ties or
    # zeros (exact ties of doubles, R's default digits.rank = Inf); otherwise the
    # normal approximation with continuity correction, and then its Hodges-Lehmann
    # estimate comes from the asymptotic root-finding.
    raw = b - a
    raw_nz = raw[raw != 0]
    r_exact = raw_nz.size < 50 and np.unique(np.abs(raw_nz)).size == raw_nz.size == raw.size
    r_words = ("exact null, Hodges–Lehmann from the Walsh averages" if r_exact else
               "normal approximation with continuity correction, Hodges–Lehmann by R's "
               "asymptotic root-finding")
    add("r_wilcox_test", f"R wilcox.test default ({r_words}), {side}",
        method="exact" if r_exact else "approx", correction=True, tie_rtol=0.0)
    out.append(_scipy_default(b, a, int(nz.size), alternative))
    for key, label, keep in (("t", f"Paired t-test, {side}", np.ones(b.size, bool)),
                             ("t_changed", f"Paired t-test, unchanged patients excluded, {side}",
                              d != 0)):
        out.append(_paired_t(key, label, b[keep], a[keep], alternative, conf_level))
    return out


def leave_one_out(before, after, *, method: str = "auto", alpha: float = 0.05) -> LeaveOneOut | None:
    """Leave-one-patient-out sensitivity of the primary test.

    Parameters
    ----------
    before, after : array_like of float
        Values at drug start and at 6 months (d = before − after).
    method : {"auto", "exact", "approx"}
        Checked before anything is computed.
    alpha : float in (0, 1)

    Returns
    -------
    LeaveOneOut or None
        None above :data:`LOO_MAX_PAIRS` pairs or below 3. An analysis that is
        undefined without one patient (no non-zero difference left) is recorded as
        undefined with its reason, never as P = 1.

    Raises
    ------
    ValueError, TypeError
        A bad ``method`` or ``alpha``.
    """
    _iv_options(method, "two-sided", None, alpha)
    b, a = _complete(before, after)
    n = b.size
    if n < 3 or n > LOO_MAX_PAIRS:
        return None
    d = merge_near_ties(b, a, TIE_RTOL)
    ps, reasons = [], []
    for i in range(n):
        keep = np.arange(n) != i
        if not np.any(d[keep] != 0):
            ps.append(None)
            reasons.append(NO_NONZERO)
            continue
        ps.append(float(paired_signed_rank(b[keep], a[keep], method=method, conf_level=None).pvalue))
        reasons.append(None)
    defined = [p for p in ps if p is not None]
    return LeaveOneOut(n_pairs=int(n), p_min=min(defined) if defined else None,
                       p_max=max(defined) if defined else None,
                       n_below=int(sum(p < alpha for p in defined)), alpha=float(alpha),
                       pvalues=tuple(ps), reasons=tuple(reasons),
                       n_undefined=int(n - len(defined)), method=method)


def primary_test(before, after, *, method: str = "auto", conf_level: float = 0.95):
    """The report's primary test, or None when it is undefined (no non-zero difference).

    Parameters
    ----------
    before, after : array_like of float
    method, conf_level
        As :func:`cohortstats.stats.paired.paired_signed_rank`.

    Returns
    -------
    SignedRankResult or None
    """
    _iv_options(method, "two-sided", conf_level)
    b, a = _complete(before, after)
    if not np.any(merge_near_ties(b, a, TIE_RTOL) != 0):
        return None
    return paired_signed_rank(b, a, method=method, conf_level=conf_level)
