"""Exact Wilcoxon matched-pairs signed-rank test that agrees with R.

The public entry point is :func:`paired_signed_rank`; :func:`signed_rank_null`
gives the exact null distribution of ``2 * T+`` for any (doubled, integer)
rank scores and is meant to be reused (e.g. by ``cohortstats.stats.forensics``).

Why not :func:`scipy.stats.wilcoxon`?  With tied ``|d|`` or zero differences
scipy (<= 1.17) either refuses the exact distribution or computes it for the
untied ranks, so its "exact" p-value is not the exact *conditional* p-value that
``coin::wilcoxsign_test(distribution = "exact")`` and
``exactRankTests::wilcox.exact`` report.  This module computes the conditional
distribution given the observed midranks, with numpy only, fast enough for
``n`` in the thousands (see ``bench/bench_signed_rank.py``).
"""
from __future__ import annotations

import math
import numbers
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.special import ndtr, ndtri

__all__ = ["SignedRankResult", "paired_signed_rank", "signed_rank_null",
           "EXACT_MAX_N", "EXACT_LIMIT_N", "WALSH_MAX_N", "TIE_RTOL", "SIGN_CONVENTION",
           "merge_near_ties"]

#: ``method="auto"`` uses the exact distribution when fewer than this many
#: non-zero differences are left (GraphPad Prism's rule for exact p with ties).
EXACT_MAX_N = 200

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
_METHODS = ("auto", "exact", "approx")
_ALTERNATIVES = ("two-sided", "greater", "less")
_DBL_EPS = np.finfo(float).eps


# --------------------------------------------------------------------------
# result
# --------------------------------------------------------------------------
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


# --------------------------------------------------------------------------
# input validation
# --------------------------------------------------------------------------
def _as_vector(name, value):
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"`{name}` must be a 1-D array of real numbers; "
                        f"not {type(value).__name__}.")
    try:
        arr = np.asarray(value)
    except Exception as exc:  # pragma: no cover - exotic inputs
        raise TypeError(f"`{name}` must be a 1-D array of real numbers; "
                        f"could not convert: {exc}") from exc
    if arr.dtype == object:
        try:
            arr = arr.astype(float)
        except (TypeError, ValueError):
            raise TypeError(f"`{name}` must contain real numbers only "
                            f"(None/NaN allowed for missing); got dtype "
                            f"object with non-numeric entries.") from None
    if arr.dtype.kind == "b" or arr.dtype.kind not in "iuf":
        raise TypeError(f"`{name}` must contain real numbers; "
                        f"not dtype {arr.dtype}.")
    if arr.ndim != 1:
        raise ValueError(f"`{name}` must be 1-D; not shape {arr.shape}.")
    arr = arr.astype(float)
    if np.isinf(arr).any():
        raise ValueError(f"`{name}` must not contain infinite values; "
                         f"found {int(np.isinf(arr).sum())}.")
    return arr


def _iv_tie_rtol(tie_rtol):
    if (isinstance(tie_rtol, (bool, np.bool_))
            or not isinstance(tie_rtol, numbers.Real)):
        raise TypeError(f"`tie_rtol` must be a real number; "
                        f"not {type(tie_rtol).__name__}.")
    tie_rtol = float(tie_rtol)
    if not 0.0 <= tie_rtol < 1e-3:
        raise ValueError(f"`tie_rtol` must be in [0, 1e-3); not {tie_rtol!r}.")
    return tie_rtol


def _iv(before, after, zero_method, method, correction, alternative,
        conf_level, tie_rtol=TIE_RTOL):
    """Validate and normalise the inputs of :func:`paired_signed_rank`."""
    for name, val, allowed in (("zero_method", zero_method, _ZERO_METHODS),
                               ("method", method, _METHODS),
                               ("alternative", alternative, _ALTERNATIVES)):
        if not isinstance(val, str):
            raise TypeError(f"`{name}` must be a str, one of "
                            f"{{{', '.join(map(repr, allowed))}}}; "
                            f"not {type(val).__name__}.")
        if val not in allowed:
            raise ValueError(f"`{name}` must be one of "
                             f"{{{', '.join(map(repr, allowed))}}}; "
                             f"not {val!r}.")
    if not isinstance(correction, (bool, np.bool_)):
        raise TypeError(f"`correction` must be a bool; "
                        f"not {type(correction).__name__}.")
    if conf_level is not None:
        if (isinstance(conf_level, (bool, np.bool_))
                or not isinstance(conf_level, numbers.Real)):
            raise TypeError(f"`conf_level` must be a real number or None; "
                            f"not {type(conf_level).__name__}.")
        conf_level = float(conf_level)
        if not (0.0 < conf_level < 1.0):
            raise ValueError(f"`conf_level` must be strictly between 0 and 1;"
                             f" not {conf_level!r}.")
    tie_rtol = _iv_tie_rtol(tie_rtol)
    x = _as_vector("before", before)
    y = _as_vector("after", after)
    if x.shape != y.shape:
        raise ValueError(f"`before` and `after` must have the same length; "
                         f"got {x.size} and {y.size}.")
    ok = ~(np.isnan(x) | np.isnan(y))
    n_dropped = int(x.size - ok.sum())
    d = merge_near_ties(x[ok], y[ok], tie_rtol)
    if d.size == 0:
        raise ValueError("no complete pairs: every pair has a NaN in "
                         "`before` or `after`" if x.size else
                         "`before` and `after` are empty.")
    if not np.any(d != 0):
        raise ValueError(f"all {d.size} complete differences "
                         f"`before - after` are zero; the signed-rank test "
                         f"needs at least one non-zero difference.")
    return (d, n_dropped, zero_method, method, bool(correction), alternative,
            conf_level)


def merge_near_ties(before, after, tie_rtol=TIE_RTOL):
    """The differences ``before - after`` with floating-point near-ties merged.

    Differences that are equal in decimal often differ in binary
    (``0.3 - 0.2`` and ``0.4 - 0.3`` are two different doubles), so exact
    equality, as R's ``rank`` uses by default, splits what is one tie group.
    This plays the role of R's ``digits.rank`` with a relative tolerance:

    * ``d_i`` is zero when ``|d_i| <= tie_rtol * max(|before_i|, |after_i|)``;
    * the non-zero ``|d|``, sorted, are cut into groups wherever two neighbours
      differ by more than ``tie_rtol`` times the larger; every member of a group
      with more than one distinct value is replaced (keeping its sign) by one
      representative, the group's median read at 12 significant digits.
      Groups are chained, so a group can span slightly more than ``tie_rtol``.

    Values not near another value are returned unchanged (bit for bit), so
    with distinct data the result is ``before - after``.  ``tie_rtol=0`` gives
    exact equality (R's default ``digits.rank = Inf``).

    Parameters
    ----------
    before, after : ndarray of float
        Complete pairs (no NaN).
    tie_rtol : float, default ``TIE_RTOL`` = 1e-9

    Returns
    -------
    ndarray of float

    Examples
    --------
    >>> d = merge_near_ties(np.array([0.3, 0.4, 1.1]), np.array([0.2, 0.3, 1.0]))
    >>> d.tolist(), (np.array([0.3, 0.4, 1.1]) - [0.2, 0.3, 1.0]).tolist()
    ([0.1, 0.1, 0.1], [0.09999999999999998, 0.10000000000000003, 0.10000000000000009])
    """
    before = np.asarray(before, dtype=float)
    after = np.asarray(after, dtype=float)
    d = before - after
    if tie_rtol == 0 or d.size == 0:
        return d
    scale = np.maximum(np.abs(before), np.abs(after))
    d = np.where(np.abs(d) <= tie_rtol * scale, 0.0, d)
    nz = np.flatnonzero(d)
    if nz.size < 2:
        return d
    mag = np.abs(d[nz])
    order = np.argsort(mag, kind="stable")
    sm = mag[order]
    gap = np.diff(sm)
    near = gap <= tie_rtol * sm[1:]
    if not np.any(near & (gap > 0)):
        return d                         # only exact ties: nothing to merge
    new = np.empty(sm.size, dtype=bool)
    new[0] = True
    new[1:] = ~near
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], sm.size)
    rep = sm.copy()
    for s0, e0 in zip(starts, ends):
        if e0 - s0 > 1 and sm[s0] != sm[e0 - 1]:
            rep[s0:e0] = float(f"{float(np.median(sm[s0:e0])):.12g}")
    out = d.copy()
    merged = np.empty(sm.size)
    merged[order] = rep
    out[nz] = np.copysign(merged, d[nz])
    return out


# --------------------------------------------------------------------------
# ranks
# --------------------------------------------------------------------------
def _doubled_midranks(values):
    """Return ``2 * rank(values)`` (R's average ranks for ties) as int64.

    Ties are exact floating-point equality, as in R's ``rank``.
    """
    v = np.asarray(values, dtype=float)
    n = v.size
    order = np.argsort(v)     # any order within a tie group gives the same ranks
    sv = v[order]
    # start of each tie group in sorted order
    new = np.empty(n, dtype=bool)
    if n:
        new[0] = True
        new[1:] = sv[1:] != sv[:-1]
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], n)  # exclusive
    # 1-based positions start+1 .. end; midrank*2 = (start+1) + end
    grp2 = (starts + 1 + ends).astype(np.int64)
    sizes = ends - starts
    out = np.empty(n, dtype=np.int64)
    out[order] = np.repeat(grp2, sizes)
    return out


def _tie_group_sizes(values):
    v = np.sort(np.asarray(values, dtype=float))
    if v.size == 0:
        return np.zeros(0, dtype=np.int64)
    new = np.empty(v.size, dtype=bool)
    new[0] = True
    new[1:] = v[1:] != v[:-1]
    starts = np.flatnonzero(new)
    return np.diff(np.append(starts, v.size))


# --------------------------------------------------------------------------
# exact null distribution
# --------------------------------------------------------------------------
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


# --------------------------------------------------------------------------
# normal approximation
# --------------------------------------------------------------------------
def _approx(ranks, positive, alternative, correction):
    """z and p as R's ``wilcox.test(..., exact = FALSE, correct = ...)``."""
    t_plus = float(np.sum(ranks[positive]))
    mean = float(np.sum(ranks)) / 2.0
    var = float(np.sum(ranks * ranks)) / 4.0
    z = t_plus - mean
    if correction:
        corr = {"two-sided": math.copysign(0.5, z) if z != 0 else 0.0,
                "greater": 0.5, "less": -0.5}[alternative]
    else:
        corr = 0.0
    sigma = math.sqrt(var)
    z = (z - corr) / sigma
    if alternative == "less":
        p = float(ndtr(z))
    elif alternative == "greater":
        p = float(ndtr(-z))
    else:
        p = 2.0 * min(float(ndtr(z)), float(ndtr(-z)))
    return z, p


# --------------------------------------------------------------------------
# Hodges-Lehmann estimate and CI, as R
# --------------------------------------------------------------------------
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


def _r_zeroin(f, ax, bx, fa, fb, tol, maxit=1000):
    """Brent's root finder exactly as R's ``R_zeroin2`` (``uniroot``)."""
    a, b = ax, bx
    c, fc = a, fa
    maxit += 1
    if fa == 0.0:
        return a
    if fb == 0.0:
        return b
    while maxit:
        maxit -= 1
        prev_step = b - a
        if abs(fc) < abs(fb):
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tol_act = 2 * _DBL_EPS * abs(b) + tol / 2
        new_step = (c - b) / 2
        if abs(new_step) <= tol_act or fb == 0.0:
            return b
        if abs(prev_step) >= tol_act and abs(fa) > abs(fb):
            cb = c - b
            if a == c:
                t1 = fb / fa
                p = cb * t1
                q = 1.0 - t1
            else:
                q = fa / fc
                t1 = fb / fc
                t2 = fb / fa
                p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0))
                q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0)
            if p > 0:
                q = -q
            else:
                p = -p
            if (p < (0.75 * cb * q - abs(tol_act * q) / 2)
                    and p < abs(prev_step * q / 2)):
                new_step = p / q
        if abs(new_step) < tol_act:
            new_step = tol_act if new_step > 0 else -tol_act
        a, fa = b, fb
        b += new_step
        fb = f(b)
        if (fb > 0 and fc > 0) or (fb < 0 and fc < 0):
            c, fc = a, fa
    warnings.warn("root finding did not converge in 1000 iterations",
                  RuntimeWarning, stacklevel=3)
    return b


def _uniroot(f, lower, upper, f_lower, f_upper, tol=1e-4):
    if math.isnan(f_lower) or math.isnan(f_upper):
        raise ValueError("f(lower) or f(upper) is NaN")
    if not (np.sign(f_lower) * np.sign(f_upper) <= 0):
        raise ValueError("f() values at end points not of opposite sign")
    return _r_zeroin(f, lower, upper, f_lower, f_upper, tol)


class _CompressedW:
    """R's uniroot statistic ``W(mu)`` for the differences ``x``, on distinct values.

    ``x`` is stored once as its sorted distinct values ``u`` with counts
    ``c`` (``np.unique``).  ``W(mu)`` is the tie-corrected normal statistic
    of the signed ranks of ``x - mu`` (zeros dropped), exactly as R's
    ``wilcox.test`` computes it inside ``uniroot``, but each evaluation costs
    ``O(k log k)`` in the number ``k`` of distinct differences instead of
    re-ranking all ``n``: ``u - mu`` is non-decreasing, so the magnitudes
    of the negative and of the positive part are two sorted runs; one stable
    argsort merges them (linear for two runs), equal magnitudes are grouped
    (exact float equality, as R's ``rank``), and the doubled midrank of a
    group is ``2 * (#smaller) + t + 1`` from the cumulative counts.  All rank
    sums are exact integers, so the value is identical to ranking the ``n``
    values one by one.
    """

    def __init__(self, x, alternative):
        self.u, c = np.unique(np.asarray(x, dtype=float), return_counts=True)
        self.c = c.astype(np.int64)
        self.untied = bool(c.size == 0 or c.max() == 1)
        self.alternative = alternative

    def __call__(self, mu, correct):
        u, c = self.u, self.c
        v = u - mu                       # elementwise as R's x - d
        i0 = int(np.searchsorted(v, 0.0, side="left"))
        i1 = int(np.searchsorted(v, 0.0, side="right"))
        a = np.concatenate((-v[:i0][::-1], v[i1:]))   # |v|: two sorted runs
        cnt = np.concatenate((c[:i0][::-1], c[i1:]))
        if a.size:
            order = np.argsort(a, kind="stable")
            sa = a[order]
            new = np.empty(sa.size, dtype=bool)
            new[0] = True
            np.not_equal(sa[1:], sa[:-1], out=new[1:])
        if a.size and self.untied and new.all():
            # no ties at all (continuous data): rank = 1-based position
            pos_at = np.flatnonzero(order >= i0)
            s2 = 2 * (int(pos_at.sum()) + pos_at.size)
            nx = a.size
            ties = 0.0
        elif a.size:
            sc = cnt[order]
            starts = np.flatnonzero(new)
            t = np.add.reduceat(sc, starts)          # tie-group sizes
            cum = np.cumsum(t)
            rank2 = 2 * (cum - t) + t + 1            # doubled midranks
            gid = np.cumsum(new) - 1
            ispos = order >= i0
            s2 = int(np.dot(sc[ispos], rank2[gid[ispos]]))
            nx = int(cum[-1])
            tt = t[t > 1].astype(float)
            ties = float(np.sum(tt ** 3 - tt))
        else:
            s2, nx, ties = 0, 0, 0.0
        zd = s2 / 2.0 - nx * (nx + 1) / 4
        with np.errstate(invalid="ignore", divide="ignore"):
            sigma = math.sqrt(nx * (nx + 1) * (2 * nx + 1) / 24 - ties / 48)
        if correct:
            corr = {"two-sided": (0.5 if zd > 0 else -0.5 if zd < 0 else 0.0),
                    "greater": 0.5, "less": -0.5}[self.alternative]
        else:
            corr = 0.0
        num = zd - corr
        if sigma == 0:
            if num == 0:
                return math.nan
            return math.copysign(math.inf, num)
        return num / sigma

    # -- refinement of a root to the exact jump of the step function --------
    def _edge(self, pred, r, lo, hi, step):
        """Adjacent floats ``a < b`` near ``r`` with ``pred(a)`` and not ``pred(b)``.

        ``pred`` must hold at ``lo`` and fail at ``hi``.  Starts from the
        bracket ``r -+ step`` (widened as needed), then bisects in floats; as
        soon as the bracket holds a single Walsh average ``w`` (within rounding)
        the jump is there, and ``(w, w)`` is returned.
        """
        a, b = max(lo, r - step), min(hi, r + step)
        while not pred(a):
            if a <= lo:
                return None              # no bracket (W not monotone here)
            step *= 2
            b, a = a, max(lo, r - step)
        while pred(b):
            if b >= hi:
                return None
            step *= 2
            a, b = b, min(hi, r + step)
        skip = 0
        while True:
            if skip == 0:
                w, total = self._only_walsh(a, b)
                if w is not None:        # the jump in [a, b] can only be at w
                    return w, w
                # Halving the bracket about halves the Walsh averages in it: look again
                # once there may be few enough.
                skip = max(0, int(math.log2(max(total, 1) / 64)))
            else:
                skip -= 1
            m = a + (b - a) / 2
            if m <= a or m >= b:
                return a, b
            if pred(m):
                a = m
            else:
                b = m

    def _only_walsh(self, a, b, most=64):
        """The one Walsh average within rounding of ``[a, b]`` (or None), and how many pairs are there.

        ``W`` jumps only at Walsh averages (up to rounding of ``u - mu``), so a
        bracket of a jump holding a single one names it: :meth:`_snap` would pick
        it once bisection reached adjacent floats. Pairs ``i <= j`` with
        ``(u_i + u_j) / 2`` in the widened bracket are counted by binary search,
        ``O(k log k)`` like one evaluation of ``W``.
        """
        u = self.u
        tol = 64 * _DBL_EPS * max(abs(a), abs(b), abs(float(u[0])), abs(float(u[-1])))
        lo = np.searchsorted(u, 2 * (a - tol) - u, side="left")
        hi = np.searchsorted(u, 2 * (b + tol) - u, side="right")
        lo = np.maximum(lo, np.arange(u.size))       # j >= i
        count = np.maximum(hi - lo, 0)
        total = int(count.sum())
        if total == 0 or total > most:
            return None, total
        i = np.repeat(np.arange(u.size), count)
        j = lo[i] + (np.arange(total) - np.repeat(np.cumsum(count) - count, count))
        w = np.unique((u[i] + u[j]) / 2)
        return (float(w[0]) if w.size == 1 else None), total

    def _snap(self, a, b):
        """The Walsh average ``(u_i + u_j) / 2`` nearest ``[a, b]``, if within
        rounding; else ``b``.  ``W`` is a step function whose jumps lie exactly
        at Walsh averages, so a float bracket around a jump names one."""
        u = self.u
        mid = a + (b - a) / 2
        j = np.searchsorted(u, 2 * mid - u)
        best, dist = b, math.inf
        for jj in (np.clip(j - 1, 0, u.size - 1), np.clip(j, 0, u.size - 1)):
            w = (u + u[jj]) / 2
            dd = np.abs(w - mid)
            k = int(np.argmin(dd))
            if dd[k] < dist:
                best, dist = float(w[k]), float(dd[k])
        scale = max(abs(a), abs(b), abs(float(u[0])), abs(float(u[-1])))
        return best if dist <= (b - a) + 64 * _DBL_EPS * scale else b

    def refine(self, r, zq, correct, lo, hi, step):
        """Location of the jump of ``W - zq`` near the uniroot result ``r``.

        Returns the jump point of ``{W > zq}`` (snapped to a Walsh average;
        ``r`` itself if no sign change brackets it);
        for ``zq == 0`` the midpoint of the jumps of ``{W > 0}`` and
        ``{W >= 0}`` (a flat piece of ``W`` at 0 gives its midpoint).
        """
        e_gt = self._edge(lambda m: self(m, correct) > zq, r, lo, hi, step)
        if e_gt is None:
            return r
        gt = self._snap(*e_gt)
        if zq != 0:
            return gt
        e_ge = self._edge(lambda m: self(m, correct) >= zq, r, lo, hi, step)
        ge = gt if e_ge is None else self._snap(*e_ge)
        return gt + (ge - gt) / 2


def _asymptotic_ci(x, alternative, conf_level, correct, tol_root=1e-4):
    """R's asymptotic branch (``x``: the non-zero differences), roots located exactly.

    Reproduces R's ``uniroot`` iterate for iterate (see :class:`_CompressedW`
    for the fast evaluation of R's statistic ``W``), then locates each root
    exactly: ``W`` is a step function whose jumps lie at Walsh averages, and
    R's roots are only good to ``tol_root`` (absolute), so R prints solver
    noise (12.638651742716734), can return an estimate outside its own
    interval, or a reversed interval under heavy ties.  From R's iterate the
    jump of ``W`` across the quantile is bracketed by float bisection and
    snapped to the Walsh average the bracket contains; the estimate (``W``
    without correction equal to 0) is the midpoint of the flat piece where
    ``W == 0`` if there is one (``d = (1, -1, 1)``: 0.5, where R gives any
    point of [0, 1]), else the jump.  Results are within ``tol_root`` of R's.

    Returns ``(estimate, ci, level)``; ``ci`` and ``level`` are None when the
    interval is undefined (a single distinct value: R returns NaN bounds).
    """
    alpha = 1.0 - conf_level
    Wc = _CompressedW(x, alternative)
    mumin, mumax = float(Wc.u[0]), float(Wc.u[-1])
    W = Wc

    w_min = W(mumin, correct)
    w_max = W(mumax, correct) if math.isfinite(w_min) else math.nan
    if not math.isfinite(w_max):
        # one distinct value: W is 0/0 at both ends; R returns NaN bounds
        return (mumin + mumax) / 2, None, None

    roots = {}                           # which bound came from which quantile

    def root(zq):
        return _uniroot(lambda d: W(d, correct) - zq, mumin, mumax,
                        w_min - zq, w_max - zq, tol_root)

    level = conf_level
    if alternative == "two-sided":
        while True:
            if (w_min - float(ndtri(1 - alpha / 2)) < 0
                    or w_max - float(ndtri(alpha / 2)) > 0):
                alpha *= 2
            else:
                break
        if alpha >= 1 or 1 - conf_level < alpha * 0.75:
            level = 1 - min(1.0, alpha)
            warnings.warn("requested conf_level not achievable",
                          RuntimeWarning, stacklevel=3)
        if alpha < 1:
            zl, zu = float(ndtri(1 - alpha / 2)), float(ndtri(alpha / 2))
            ci = (root(zl), root(zu))
            roots = {0: zl, 1: zu}
        else:                            # level 0: R gives (median(x), median(x))
            ci = (None, None)
    elif alternative == "greater":
        while w_min - float(ndtri(1 - alpha)) < 0:
            alpha *= 2
        if alpha >= 1 or 1 - conf_level < alpha * 0.75:
            level = 1 - min(1.0, alpha)
            warnings.warn("requested conf_level not achievable",
                          RuntimeWarning, stacklevel=3)
        if alpha < 1:
            zl = float(ndtri(1 - alpha))
            lo = root(zl)
            roots = {0: zl}
        else:
            lo = None
        ci = (lo, math.inf)
    else:
        # R 4.2 uses qnorm(alpha/2) in this loop (sic); kept for agreement.
        while w_max - float(ndtri(alpha / 2)) > 0:
            alpha *= 2
        if alpha >= 1 or 1 - conf_level < alpha * 0.75:
            level = 1 - min(1.0, alpha)
            warnings.warn("requested conf_level not achievable",
                          RuntimeWarning, stacklevel=3)
        if alpha < 1:
            zu = float(ndtri(alpha))
            hi = root(zu)
            roots = {1: zu}
        else:
            hi = None
        ci = (-math.inf, hi)
    w0_min, w0_max = W(mumin, False), W(mumax, False)
    est = _uniroot(lambda d: W(d, False), mumin, mumax, w0_min, w0_max,
                   tol_root)

    # Every root of the step function W sits at a jump (a Walsh average) or,
    # for the estimate, on a flat piece where W == 0; R's uniroot stops
    # anywhere within ~tol_root of it.  Locate each exactly from R's iterate.
    step = tol_root
    new = list(ci)
    for i, zq in roots.items():
        new[i] = Wc.refine(ci[i], zq, correct, mumin, mumax, step)
    if math.isfinite(w0_min) and math.isfinite(w0_max) and (
            w0_min > 0 > w0_max):
        est = Wc.refine(est, 0.0, False, mumin, mumax, step)
    # Level 0 (alpha doubled up to 1): R's point interval is median(x); the
    # point that belongs to this estimate is the estimate itself.
    lo, hi = (est if v is None else v for v in new)
    if lo > hi:                          # only if W is not monotone
        lo, hi = hi, lo
    return est, (lo, hi), level


# --------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------
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
