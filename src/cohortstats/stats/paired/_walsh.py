"""The exact Hodges–Lehmann estimate and interval from the Walsh averages (R's exact branch).

Part of :mod:`cohortstats.stats.paired` (split along its seams, as scipy splits its files).
"""
from __future__ import annotations

import math
import warnings
from functools import lru_cache

import numpy as np

from cohortstats.stats.paired._exact import _half_then_mirror
from cohortstats.stats.paired._result import _DBL_EPS


def _r_signif2(x):
    """R's ``signif(x, 2)`` (nmath ``fprec``: scale, round half even)."""
    if x == 0 or not math.isfinite(x):
        return x
    sgn = -1.0 if x < 0 else 1.0
    x = abs(x)
    e10 = 2 - 1 - math.floor(math.log10(x))
    if e10 > 0:
        p10 = 10.0 ** e10
        return sgn * (round(x * p10) / p10)
    p10 = 10.0 ** -e10
    return sgn * (round(x / p10) * p10)


@lru_cache(maxsize=8)
def _psignrank_cdf(n):
    """R's ``psignrank(q, n)`` for ``q = 0..n(n+1)/2`` (read-only array).

    Counts of the untied statistic by shift-and-add; for ``n < 1000`` summed
    with R's factor ``exp(-n log 2)``, as R's ``psignrank`` does.
    """
    c, e = _half_then_mirror(np.arange(1, n + 1), n * (n + 1) // 2)
    if e == 0 and n < 1000:
        pmf = c * math.exp(-n * math.log(2.0))
    else:
        pmf = np.ldexp(c, e - n)
    cdf = np.cumsum(pmf)
    cdf.setflags(write=False)
    return cdf


class _Walsh:
    """Order statistics of the Walsh averages ``(x_i + x_j) / 2, i <= j``.

    Built on the ``k`` distinct values of ``x`` with their counts: the pair
    of distinct values ``(u_a, u_b)``, ``a < b``, stands for ``c_a c_b``
    Walsh averages and ``(u_a, u_a)`` for ``c_a (c_a + 1) / 2``, so heavily
    tied data (a dose grid) cost ``k**2 / 2``, not ``n**2 / 2``.  Without
    ties the ``n (n + 1) / 2`` sums are partitioned as R sorts them.  Each
    average is ``(x_i + x_j) / 2`` in floating point, exactly as R's
    ``outer(x, x, "+") / 2``.
    """

    def __init__(self, x):
        u, c = np.unique(np.asarray(x, dtype=float), return_counts=True)
        k = u.size
        n = int(c.sum())
        self.size = n * (n + 1) // 2
        self.sums = np.concatenate([u[i] + u[i:] for i in range(k)])
        self.cum = None                  # cumulative multiplicities, if tied
        if c.max() > 1:
            c = c.astype(np.int64)
            w = [c[i] * c[i:] for i in range(k)]
            for i in range(k):
                w[i][0] = c[i] * (c[i] + 1) // 2
            weights = np.concatenate(w)
            order = np.argsort(self.sums, kind="stable")
            self.sums = self.sums[order]
            self.cum = np.cumsum(weights[order])

    def at(self, ks):
        """The ``k``-th smallest Walsh averages (0-based ``k``)."""
        ks = np.atleast_1d(np.asarray(ks, dtype=np.int64))
        if self.cum is None:
            part = np.partition(self.sums, ks)
            return part[ks] / 2.0
        return self.sums[np.searchsorted(self.cum, ks, side="right")] / 2.0

    def median(self):
        """R's ``median(sort(diffs) / 2)``."""
        m = self.size
        if m % 2:
            return float(self.at(m // 2)[0])
        lo, hi = self.at([m // 2 - 1, m // 2])
        return float((lo + hi) / 2.0)


def _qsignrank(cdf, nn2, p):
    """R's ``qsignrank(p, n)`` from the cdf (``nn2 = n (n + 1) / 2``)."""
    if p <= 0.5:                          # first q with cdf >= p - 10 eps
        return int(np.argmax(cdf >= p - 10 * _DBL_EPS))
    xx = 1 - p + 10 * _DBL_EPS
    return nn2 - int(np.argmax(cdf > xx))


def _psignrank(cdf, nn2, q):
    """R's ``psignrank(q, n)`` (lower tail)."""
    q = math.floor(q + 1e-7 + 0.5) if q >= 0 else q
    if q < 0:
        return 0.0
    if q >= nn2:
        return 1.0
    if q <= nn2 / 2:
        return float(cdf[q])
    return 1.0 - float(cdf[nn2 - q - 1])


def _exact_walsh_ci(x, alternative, conf_level):
    """R's exact branch on the non-zero differences ``x``, ties or not.

    The estimate is the median of the ``N = n (n + 1) / 2`` Walsh averages;
    the bounds are Walsh averages at the positions given by the untied
    null's quantiles (``qsignrank``): for every shift ``mu`` that is not a
    Walsh average, ``T+`` of ``x - mu`` is the number of Walsh averages above
    ``mu`` whatever the ties among equal values of ``x``, so the interval is
    the set of shifts the exact signed-rank test does not reject.
    """
    n = x.size
    nn2 = n * (n + 1) // 2
    walsh = _Walsh(x)
    estimate = walsh.median()
    cdf = _psignrank_cdf(n)
    alpha = 1.0 - conf_level
    if alternative == "two-sided":
        qu = _qsignrank(cdf, nn2, alpha / 2) or 1
        ql = nn2 - qu
        achieved = 2 * _psignrank(cdf, nn2, qu - 1)
        lo, hi = walsh.at([qu - 1, ql])
        ci = (float(lo), float(hi))
    elif alternative == "greater":
        qu = _qsignrank(cdf, nn2, alpha) or 1
        achieved = _psignrank(cdf, nn2, qu - 1)
        ci = (float(walsh.at(qu - 1)[0]), math.inf)
    else:
        qu = _qsignrank(cdf, nn2, alpha) or 1
        ql = nn2 - qu
        achieved = _psignrank(cdf, nn2, qu - 1)
        ci = (-math.inf, float(walsh.at(ql)[0]))
    level = conf_level
    if achieved - alpha > alpha / 2:
        warnings.warn("requested conf_level not achievable", RuntimeWarning,
                      stacklevel=3)
        level = 1 - _r_signif2(achieved)
    return estimate, ci, level


