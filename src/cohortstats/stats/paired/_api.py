"""The test: :func:`paired_signed_rank`.

Part of :mod:`cohortstats.stats.paired` (split along its seams, as scipy splits its files).
"""
from __future__ import annotations

import math

import numpy as np

from cohortstats.stats.paired._asymptotic import _asymptotic_ci
from cohortstats.stats.paired._exact import _exact_pvalue
from cohortstats.stats.paired._input import _iv
from cohortstats.stats.paired._normal import _approx
from cohortstats.stats.paired._ranks import _doubled_midranks, _tie_group_sizes
from cohortstats.stats.paired._result import (EXACT_LIMIT_N, EXACT_MAX_N, SignedRankResult,
                                              TIE_RTOL, WALSH_MAX_N)
from cohortstats.stats.paired._walsh import _exact_walsh_ci


def _ci_words(kind, n, alternative, conf_level, correction=None, reason=None):
    """``ci_method``: how the estimate and interval were computed, in words."""
    if alternative == "two-sided":
        q = f"{(1 - conf_level) / 2:.4g} and {1 - (1 - conf_level) / 2:.4g} quantiles"
    else:
        q = f"{1 - conf_level:.4g} quantile (one-sided, {alternative})"
    q = q.replace("0.025 and 0.975", "2.5% and 97.5%")
    if kind == "exact":
        return (f"exact: median of the Walsh averages of the {n} non-zero differences; "
                f"CI: Walsh averages at the exact signed-rank null's {q} "
                f"(inverting the exact test; R's exact branch)")
    text = (f"asymptotic: R wilcox.test root-finding (normal approximation, "
            f"correct={'TRUE' if correction else 'FALSE'}) on the {n} non-zero "
            f"differences, roots located exactly at the jumps of the statistic")
    if reason:
        text += f"; {reason}"
    return text


def paired_signed_rank(before, after, *, zero_method="wilcox", method="auto",
                       correction=True, alternative="two-sided",
                       conf_level=0.95, tie_rtol=TIE_RTOL):
    r"""Wilcoxon matched-pairs signed-rank test, agreeing with R.

    Parameters
    ----------
    before, after : array_like of float, same length
        Paired measurements; ``d = before - after`` (in the bundle: value at
        drug start minus value at 6 months, so positive = a decrease).  A
        pair with NaN in either value is dropped and counted in
        ``n_dropped`` (as R's ``complete.cases``); infinite values are
        rejected.
    zero_method : {"wilcox", "pratt"}
        ``"wilcox"``: zero differences are dropped before ranking (R's
        ``wilcox.test``; coin's ``zero.method = "Wilcoxon"``).
        ``"pratt"``: ``|d|`` is ranked with the zeros included and the zero
        ranks are then dropped (coin's default ``zero.method = "Pratt"``).
    method : {"auto", "exact", "approx"}
        ``"exact"``: the exact conditional null distribution of ``T+``
        given the observed midranks (valid with ties and zeros), as
        ``coin::wilcoxsign_test(distribution = "exact")`` and
        ``exactRankTests::wilcox.exact``.  ``"approx"``: normal
        approximation with tie correction, as R's ``wilcox.test(...,
        exact = FALSE)``.  ``"auto"``: exact when fewer than
        ``EXACT_MAX_N = 200`` non-zero differences remain, else approx.
        ``"exact"`` accepts at most ``EXACT_LIMIT_N = 10000`` non-zero
        differences (ValueError above: the exact distribution costs
        ~``n**3/4`` additions and ~``n**2`` memory).
    correction : bool
        Continuity correction of 0.5 on ``T+`` for the approximation (R's
        ``correct``); also used by the asymptotic confidence interval.  No
        effect on exact p-values and intervals.  R applies it by default;
        coin never does (for the Pratt test under the normal approximation,
        ``correction=False`` is coin's test).
    alternative : {"two-sided", "greater", "less"}
        ``"greater"``: ``before`` tends to exceed ``after`` (``T+`` large);
        ``"less"``: the reverse.
    conf_level : float in (0, 1) or None
        Level of the confidence interval for the pseudo-median.  None skips
        the estimate and interval.
    tie_rtol : float in [0, 1e-3), default ``TIE_RTOL`` = 1e-9
        Differences equal up to this relative tolerance are tied, and a
        difference this small relative to its pair's values is zero
        (:func:`merge_near_ties`); R's ``digits.rank`` serves the same purpose.
        ``0`` ranks exact doubles, as R's default ``digits.rank = Inf``.

    Returns
    -------
    SignedRankResult
        Frozen dataclass; see :class:`SignedRankResult`.

    Raises
    ------
    TypeError
        Non-numeric data or wrongly typed options.
    ValueError
        Unknown option value, unequal lengths, infinite values, no complete
        pair, no non-zero difference, or ``method="exact"`` with more than
        ``EXACT_LIMIT_N`` non-zero differences.

    Warns
    -----
    RuntimeWarning
        "requested conf_level not achievable", where R warns the same.

    Notes
    -----
    Let ``d_i = before_i - after_i`` over complete pairs, ``r_i`` the
    midranks of ``|d_i|`` (among the non-zero ``|d|`` for "wilcox"; among
    all ``|d|``, zeros included, for "pratt"), and keep the ``n`` non-zero
    ``d_i``.  The statistic is

    .. math:: T^+ = \sum_{d_i > 0} r_i, \qquad T^- = \sum_{d_i < 0} r_i.

    **Exact.**  Under H0 the signs are i.i.d. fair coin flips given
    ``|d|``, so with integer scores ``a_i = 2 r_i``

    .. math:: P(2T^+ = s) = 2^{-n} [z^s] \prod_{i=1}^{n} (1 + z^{a_i}),

    computed exactly (up to double rounding, all terms positive) by
    shift-and-add of the factors, truncated at the needed tail, using the
    symmetry of the distribution about ``sum(a)/2`` and a meet-in-the-middle
    split of the factors into two halves whose distributions are combined by
    one dot product (see :func:`_prob_le`; for large problems the two halves
    run in two threads).  Counts are rescaled by exact powers of two, so
    ``n`` in the thousands neither overflows nor loses relative accuracy in
    the far tails (checked against exact integer counts in the tests); cost
    is about ``n * sum(2 r_i) / 4`` additions, ~0.03-0.1 s for ``n = 1000``.
    One-sided p-values are ``P(T+ <= t)`` ("less") and ``P(T+ >= t)``
    ("greater"); two-sided is ``min(1, 2 min(P(T+ <= t), P(T+ >= t)))``,
    which equals coin's and exactRankTests' ``P(|T+ - E T+| >= |t - E T+|)``
    because the null is symmetric.

    **Approximate.**  ``E T^+ = \sum r_i / 2``, ``Var T^+ = \sum r_i^2 / 4``
    (conditional moments; for "wilcox" this is R's
    ``n(n+1)(2n+1)/24 - \sum (t^3 - t)/48`` over tie groups of size ``t``),

    .. math:: z = (T^+ - E T^+ - c) / \sqrt{Var T^+},

    with ``c = sign(T^+ - E T^+)/2`` (two-sided), ``+1/2`` ("greater"),
    ``-1/2`` ("less") if ``correction`` else 0, exactly as R.  For "pratt"
    the same formula is applied to the Pratt ranks: with
    ``correction=False`` this is coin's asymptotic Wilcoxon-Pratt test.

    **Estimate and CI belong to the test.**  With the exact method the
    Hodges-Lehmann estimate is the median of the ``N = n(n+1)/2`` Walsh
    averages ``(d_i + d_j)/2, i <= j`` of the ``n`` non-zero differences
    (zeros dropped, as the "wilcox" test drops them), and the interval is
    bounded by the Walsh averages at the exact null's quantiles
    (``qsignrank``): the ``k``-th smallest and ``k``-th largest, ``k =
    qsignrank(alpha/2, n)`` (two-sided).  This is R's ``wilcox.test(exact =
    TRUE, conf.int = TRUE)`` computation; R uses it only without ties and
    zeros, and falls back to its asymptotic procedure otherwise, which is
    not the estimate of the exact test.  Here it is used with ties and
    zeros too: for every shift ``mu`` that is not a Walsh average,
    ``T+(d - mu)`` is the number of Walsh averages above ``mu`` (equal values
    of ``d`` share a sign, so how they are ranked does not matter), hence the
    interval is the set of shifts that the exact test with the untied null
    does not reject.  The attained level is that of the untied null (what R
    reports).  Walsh averages are formed on the distinct values with their
    counts, so data on a grid are cheap at any ``n``; above ``WALSH_MAX_N =
    5000`` *distinct* non-zero differences the asymptotic procedure is used
    and ``ci_method`` says so.

    With the approximate method, R's asymptotic procedure is reproduced
    (``wilcox.test(exact = FALSE, conf.int = TRUE)``): zero differences
    are dropped, the bounds are the shifts ``mu`` where the tie-corrected
    normal statistic ``W(mu)`` of ``d - mu`` (with continuity correction if
    ``correction``) crosses the normal quantiles, and the estimate is where
    ``W`` without correction crosses 0.  R finds these roots with
    ``uniroot(tol = 1e-4)``, replicated here iterate for iterate, and then
    they are located exactly: ``W`` is a step function that jumps at Walsh
    averages, so each root is snapped to the jump it approximates (the
    estimate, if ``W`` is 0 on a whole interval, to its midpoint).  The
    values are therefore within 1e-4 of R's but free of solver noise, the
    estimate does not depend on ``alternative``, and it lies in its own
    interval (R 4.2 can return an estimate outside its interval, or an upper
    bound below the lower bound, under heavy ties).  ``W`` is evaluated on
    the distinct differences with their counts (``O(k log k)`` per
    evaluation for ``k`` distinct differences).  ``zero_method`` does not
    change the estimate or interval.

    For ``conf_level >= 0.5`` the estimate lies in its interval for every
    ``alternative`` and both methods.

    The effect size is the matched-pairs rank-biserial correlation
    ``(T+ - T-)/(T+ + T-)`` (Kerby 2014), in [-1, 1].

    References
    ----------
    .. [1] Wilcoxon F. Individual comparisons by ranking methods.
       Biometrics Bulletin 1945;1(6):80-83. doi:10.2307/3001968
    .. [2] Pratt JW. Remarks on zeros and ties in the Wilcoxon signed rank
       procedures. J Am Stat Assoc 1959;54(287):655-667.
       doi:10.1080/01621459.1959.10501526
    .. [3] Hodges JL, Lehmann EL. Estimates of location based on rank tests.
       Ann Math Stat 1963;34(2):598-611. doi:10.1214/aoms/1177704172
    .. [4] Bauer DF. Constructing confidence sets using rank statistics.
       J Am Stat Assoc 1972;67(339):687-690. doi:10.1080/01621459.1972.10481279
    .. [5] Streitberg B, Roehmel J. Exact distributions for permutation and
       rank tests. Statistical Software Newsletter 1986;12(1):10-17.
    .. [6] Hothorn T, Hornik K, van de Wiel MA, Zeileis A. Implementing a
       class of permutation tests: the coin package. J Stat Softw
       2008;28(8):1-23. doi:10.18637/jss.v028.i08
    .. [7] Kerby DS. The simple difference formula: an approach to teaching
       nonparametric correlation. Comprehensive Psychology 2014;3:11.IT.3.1.
       doi:10.2466/11.IT.3.1
    .. [8] Brent RP. Algorithms for Minimization without Derivatives.
       Prentice-Hall 1973 (R's ``zeroin``).

    Examples
    --------
    >>> r = paired_signed_rank([35, 7.5, 12.5, 30], [30, 7.5, 5, 10], conf_level=None)
    >>> r.statistic, r.n_zero, r.method
    (6.0, 1, 'exact')
    >>> r = paired_signed_rank([1, -1, 1], [0, 0, 0], conf_level=0.5)
    >>> r.estimate                     # Walsh averages -1, 0, 0, 1, 1, 1
    0.5
    """
    (d, n_dropped, zero_method, method, correction, alternative,
     conf_level) = _iv(before, after, zero_method, method, correction,
                       alternative, conf_level, tie_rtol)
    nonzero = d != 0
    n_zero = int(d.size - nonzero.sum())
    if zero_method == "wilcox":
        dn = d[nonzero]
        ranks2 = _doubled_midranks(np.abs(dn))
    else:
        ranks2 = _doubled_midranks(np.abs(d))[nonzero]
        dn = d[nonzero]
    n = int(dn.size)
    pos = dn > 0
    s_obs = int(ranks2[pos].sum())
    total = int(ranks2.sum())
    t_plus = s_obs / 2.0
    t_minus = (total - s_obs) / 2.0
    sizes = _tie_group_sizes(np.abs(dn))
    n_ties = int(np.sum(sizes > 1))

    used = method
    if method == "auto":
        used = "exact" if n < EXACT_MAX_N else "approx"
    if used == "exact":
        if n > EXACT_LIMIT_N:
            raise ValueError(
                f"`method='exact'` supports up to EXACT_LIMIT_N = "
                f"{EXACT_LIMIT_N} non-zero pairs (cost grows as n**3, memory "
                f"as n**2); got {n}.  Use method='approx' or 'auto'.")
        p = _exact_pvalue(ranks2, s_obs, alternative)
        z = None
    else:
        z, p = _approx(ranks2 / 2.0, pos, alternative, correction)

    estimate = ci = level = ci_method = None
    if conf_level is not None:
        k_distinct = int(np.unique(dn).size)
        if used == "exact" and k_distinct <= WALSH_MAX_N:
            estimate, ci, level = _exact_walsh_ci(dn, alternative, conf_level)
            ci_method = _ci_words("exact", n, alternative, conf_level)
        else:
            reason = None
            if used == "exact":
                reason = (f"the exact Walsh-average interval is limited to WALSH_MAX_N = "
                          f"{WALSH_MAX_N} distinct differences (here {k_distinct})")
            estimate, ci, level = _asymptotic_ci(dn, alternative, conf_level,
                                                 correction)
            if ci is None:
                reason = ("CI undefined: every non-zero difference is the same value "
                          "(the statistic is 0/0 at both ends; R returns NaN)")
            ci_method = _ci_words("asymptotic", n, alternative, conf_level,
                                  correction, reason)
        estimate = float(estimate)
        if ci is not None:
            ci = (float(ci[0]), float(ci[1]))

    return SignedRankResult(
        statistic=t_plus, pvalue=float(p), n_pairs=int(d.size),
        n_dropped=n_dropped, n_nonzero=n, n_zero=n_zero, n_ties=n_ties,
        method=used, zero_method=zero_method, alternative=alternative,
        estimate=estimate, conf_int=ci, conf_level=level,
        effect_size=(t_plus - t_minus) / (t_plus + t_minus),
        z=None if z is None else float(z), ci_method=ci_method)
