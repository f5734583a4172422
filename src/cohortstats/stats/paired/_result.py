"""The result record of the signed-rank test, and the bundle's constants.

Part of :mod:`cohortstats.stats.paired` (split along its seams, as scipy splits its files).
"""
from __future__ import annotations

from cohortstats.core.parameters import EXACT_BELOW, METHODS

from dataclasses import dataclass

import numpy as np


#: ``method="auto"`` uses the exact distribution when fewer than this many
#: non-zero differences are left (GraphPad Prism's rule for exact p with ties).
EXACT_MAX_N = EXACT_BELOW

#: ``method="exact"`` raises ValueError above this many non-zero differences:
#: the exact distribution costs ~``n**3 / 4`` additions and ~``n**2`` doubles
#: of memory (n = 5000: ~10 s, 0.4 GB; n = 10000: ~100 s, 1.5 GB; n = 100000
#: would need ~1 day and ~150 GB).
EXACT_LIMIT_N = 10_000

#: With ``method="exact"`` the Hodges-Lehmann estimate and interval come from
#: the Walsh averages ``(d_i + d_j) / 2`` of the non-zero differences, built on
#: their distinct values: ``k (k + 1) / 2`` sums for ``k`` distinct values
#: (k = 5000: 12.5 million doubles, ~0.2 GB), and from the quantiles of the
#: untied null for ``n`` non-zero differences (``n**3 / 8`` additions, cached per
#: ``n``).  Measured (bench/bench_signed_rank.py): ~0.15 s at n = 1000, ~4.5 s at
#: n = 3000, ~15 s at n = 5000, on continuous data or a 2.5 mg grid alike.  Above
#: this many *distinct* non-zero differences the asymptotic estimate and
#: interval are used instead and ``ci_method`` says so.
WALSH_MAX_N = 5_000

#: Default of ``tie_rtol``: non-zero ``|d|`` equal to this relative tolerance are
#: tied, and a difference this small relative to its pair's values is zero (the
#: role of R's ``digits.rank``; see :func:`paired_signed_rank`).
TIE_RTOL = 1e-9

#: The sign convention of every difference in the bundle.
SIGN_CONVENTION = ("d = value at drug start − value at 6 months "
                   "(positive = a decrease)")

_ZERO_METHODS = ("wilcox", "pratt")
_METHODS = METHODS
_ALTERNATIVES = ("two-sided", "greater", "less")
_DBL_EPS = np.finfo(float).eps


@dataclass(frozen=True)
class SignedRankResult:
    """Result of :func:`paired_signed_rank`.

    Differences are ``d = before - after``; in the bundle ``before`` is the
    value at drug start and ``after`` the value at 6 months, so a positive
    ``d`` is a decrease (:data:`SIGN_CONVENTION`).  No field is NaN: what
    cannot be computed is None.

    Attributes
    ----------
    statistic : float
        ``T+``, the sum of the ranks of ``|d|`` over the positive differences
        (R's ``V``; coin's linear statistic).
    pvalue : float
        p-value for ``alternative``.
    n_pairs : int
        Complete pairs used (neither value NaN).
    n_dropped : int
        Incomplete pairs (NaN in ``before`` or ``after``) that were dropped.
    n_nonzero, n_zero : int
        Complete pairs with ``d != 0`` and ``d == 0`` (zero up to ``tie_rtol``).
    n_ties : int
        Number of tied groups (groups of two or more equal values, up to
        ``tie_rtol``) among the non-zero ``|d|``.  Zeros are not counted here.
    method : str
        ``"exact"`` or ``"approx"``, the one actually used for the p-value.
    zero_method, alternative : str
        As passed.
    estimate : float or None
        Hodges-Lehmann estimate of the pseudo-median of ``d``; None if
        ``conf_level`` is None.  It does not depend on ``alternative``.
        ``method="exact"``: the median of the Walsh averages of the non-zero
        differences; ``method="approx"``: the root of R's asymptotic statistic,
        located exactly (see ``ci_method``).
    conf_int : tuple of float or None
        Confidence interval for the pseudo-median (``-inf``/``inf`` for the
        open side of a one-sided interval); contains ``estimate`` whenever
        ``conf_level >= 0.5``.  None if ``conf_level`` is None or the interval
        is undefined (then ``ci_method`` says why).
    conf_level : float or None
        Confidence level *attained* by ``conf_int``: the requested level unless
        R would warn "requested conf.level not achievable", in which case it
        is R's adjusted level.
    effect_size : float
        Matched-pairs rank-biserial correlation ``(T+ - T-) / (T+ + T-)``.
    z : float or None
        Standardized statistic (with continuity correction if used) when
        ``method == "approx"``; None for the exact method.
    ci_method : str or None
        How ``estimate`` and ``conf_int`` were computed, in words, e.g.
        "exact: median of the Walsh averages of the 8 non-zero differences;
        CI: Walsh averages at the exact signed-rank null's 2.5% and 97.5%
        quantiles (R's exact branch)".  None if ``conf_level`` is None.
    """

    statistic: float
    pvalue: float
    n_pairs: int
    n_dropped: int
    n_nonzero: int
    n_zero: int
    n_ties: int
    method: str
    zero_method: str
    alternative: str
    estimate: float | None
    conf_int: tuple[float, float] | None
    conf_level: float | None
    effect_size: float
    z: float | None = None
    ci_method: str | None = None


