"""The exact conditional null distribution of the signed-rank statistic given the midranks.

Part of :mod:`cohortstats.stats.paired` (split along its seams, as scipy splits its files).
"""
from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np


_THREAD_WORK = 50_000_000  # n * sum(ranks2) above which the halves run in 2 threads
_RESCALE_EVERY = 64      # each factor at most doubles the largest count
_RESCALE_ABOVE = 768     # binary exponent that triggers an exact rescale


def _subset_sum_counts(scores, upto):
    """Counts of ``sum(subset of scores) == s`` for ``s = 0..upto``.

    ``scores`` are positive integers.  Returns ``(c, e)``: float64 array ``c``
    with ``count[s] = c[s] * 2**e``.  Each factor ``(1 + z**a)`` is applied by
    a shift-add on a double buffer, truncated at ``upto``; scores are taken
    in increasing order so the support grows as slowly as possible.  Counts
    are kept in range by exact power-of-two rescaling (no rounding is added
    by the rescaling; values that would drop below 2**-1074 times the
    largest count are lost, which is far below double precision).
    """
    scores = np.sort(np.asarray(scores, dtype=np.int64))
    upto = int(upto)
    f = np.zeros(upto + 1)
    g = np.zeros(upto + 1)
    f[0] = 1.0
    top = 0  # f[top+1:] == 0 and g[top+1:] == 0 (invariant)
    e = 0
    for k, a in enumerate(scores.tolist(), 1):
        if a <= upto:
            newtop = min(top + a, upto)
            # new[s] = old[s] + old[s - a]; g beyond newtop is already zero
            np.add(f[a:newtop + 1], f[:newtop + 1 - a], out=g[a:newtop + 1])
            g[:a] = f[:a]
            f, g = g, f
            top = newtop
        if k % _RESCALE_EVERY == 0:
            m = f[:top + 1].max()
            ex = math.frexp(m)[1]
            if ex > _RESCALE_ABOVE:
                f[:top + 1] *= math.ldexp(1.0, -ex)
                e += ex
    return f, e


def _half_then_mirror(scores, upto):
    """Counts of subset sums of ``scores`` for ``s = 0..min(upto, total)``.

    Uses the symmetry ``count[s] == count[total - s]``: only
    ``0..total//2`` is computed, the rest is mirrored.
    """
    scores = np.asarray(scores, dtype=np.int64)
    total = int(scores.sum())
    upto = min(int(upto), total)
    half = total // 2
    if upto <= half:
        return _subset_sum_counts(scores, upto)
    c, e = _subset_sum_counts(scores, half)
    full = np.empty(upto + 1)
    full[:half + 1] = c
    # full[s] = c[total - s] for s = half+1..upto
    full[half + 1:] = c[total - upto:total - half][::-1]
    return full, e


def signed_rank_null(ranks2, upto=None):
    """Exact null pmf of ``2 * T+`` given doubled rank scores.

    Under H0 each non-zero difference is positive or negative with
    probability 1/2 independently (conditionally on ``|d|``), so
    ``2 T+ = sum_i a_i B_i`` with ``B_i ~ Bernoulli(1/2)`` and generating
    function ``prod_i (1 + z**a_i) / 2``.

    Parameters
    ----------
    ranks2 : array_like of int
        Doubled (mid)ranks ``a_i = 2 * r_i`` of the non-zero ``|d|``
        (positive integers; any positive integer scores are accepted).
    upto : int, optional
        Return only ``pmf[0..upto]`` (cheaper when only a lower tail is
        needed).  Default: the whole support ``0..sum(ranks2)``.

    Returns
    -------
    pmf : ndarray of float64
        ``pmf[s] = P(2 T+ = s)``, ``s = 0..min(upto, sum(ranks2))``.
        Probabilities below ~1e-308 underflow to 0 (this only happens for
        ``len(ranks2) > ~1000`` in the extreme tails).

    Examples
    --------
    >>> signed_rank_null([2, 4, 6]) * 8      # ranks 1, 2, 3
    array([1., 0., 1., 0., 1., 0., 2., 0., 1., 0., 1., 0., 1.])
    """
    a = np.asarray(ranks2)
    if a.ndim != 1 or (a.size and (a.dtype.kind not in "iu"
                                   and not np.all(a == np.round(a)))):
        raise ValueError("`ranks2` must be a 1-D array of positive integers.")
    a = a.astype(np.int64)
    if a.size and a.min() < 1:
        raise ValueError("`ranks2` must be positive integers; "
                         f"got minimum {int(a.min())}.")
    total = int(a.sum())
    upto = total if upto is None else min(int(upto), total)
    if upto < 0:
        return np.zeros(0)
    c, e = _half_then_mirror(a, upto)
    return np.ldexp(c, e - a.size)


def _prob_le(ranks2, L):
    """Exact ``P(2 T+ <= L)`` under H0 for doubled scores ``ranks2``.

    Meet-in-the-middle: the sorted scores are split alternately into two
    halves A and B with nearly equal totals; for each half only the lower
    half of its (symmetric) count distribution is computed by shift-adds and
    mirrored, and ``P(S_A + S_B <= L) = sum_s c_A[s] * C_B[L - s]`` with
    ``C_B`` the cumulative counts of B.  All terms are positive, so the tail
    keeps full relative accuracy; the scales are combined with exact
    power-of-two arithmetic.  Cost ~ n * sum(ranks2) / 4 additions.
    """
    a = np.sort(np.asarray(ranks2, dtype=np.int64))
    n = a.size
    total = int(a.sum())
    L = int(L)
    if L < 0:
        return 0.0
    if L >= total:
        return 1.0
    A, B = a[0::2], a[1::2]
    if n * total >= _THREAD_WORK:
        # the two halves are independent; numpy releases the GIL in add()
        with ThreadPoolExecutor(max_workers=2) as pool:
            fut = pool.submit(_half_then_mirror, B, L)
            cA, eA = _half_then_mirror(A, L)
            cB, eB = fut.result()
    else:
        cA, eA = _half_then_mirror(A, L)
        cB, eB = _half_then_mirror(B, L)
    CB = np.cumsum(cB)
    MB = CB.size - 1                     # = min(L, total_B)
    # normalise both to max <= 1 by exact powers of two, then
    # sum_s cA[s] * CB[min(L - s, MB)], s = 0..min(L, total_A)
    kA = math.frexp(cA.max())[1]
    kB = math.frexp(CB[-1])[1]
    cA = cA * math.ldexp(1.0, -kA)
    CB = CB * math.ldexp(1.0, -kB)
    s0 = max(0, L - MB)                  # s < s0: CB index clipped at MB
    acc = float(np.sum(cA[:s0])) * CB[-1] if s0 else 0.0
    if s0 < cA.size:
        hi = L - s0                      # CB[L - s] for s = s0..len(cA)-1
        lo = L - (cA.size - 1)
        acc += float(np.dot(cA[s0:], CB[lo:hi + 1][::-1]))
    expo = eA + eB + kA + kB - n
    return min(1.0, math.ldexp(acc, expo))


def _exact_pvalue(ranks2, s_obs, alternative):
    """Exact p-value for observed ``2 T+ = s_obs`` (integers)."""
    total = int(np.sum(ranks2))
    if alternative == "less":
        return _prob_le(ranks2, s_obs)
    if alternative == "greater":         # P(S >= s) = P(S <= total - s)
        return _prob_le(ranks2, total - s_obs)
    # two-sided: the null of S is symmetric about total/2, so
    # P(|S - total/2| >= |s - total/2|) = min(1, 2 * P(S <= min(s, total-s)))
    return min(1.0, 2.0 * _prob_le(ranks2, min(s_obs, total - s_obs)))


