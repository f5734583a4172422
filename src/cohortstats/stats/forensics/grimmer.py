"""GRIMMER (Anaya 2016, doi:10.7287/peerj.preprints.2400v1): can a mean and an SD be printed together?

Part of :mod:`cohortstats.stats.forensics`.
"""
from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache

from cohortstats.stats.forensics._printed import (ROUNDING_RULES, _bounds, _check_decimals, _grid,
                                                  _inside, _interval, _n, _printed, _prints_sd,
                                                  _rules, _var_interval, _var_interval_dec)
from cohortstats.stats.forensics.grim import _grim_totals_rule


def _sumsq_candidates(k_total, n, g, var_iv, accept=None):
    """Sums of squares ``Q`` whose variance lies in ``var_iv`` (half up) or, given
    ``accept(variance)``, is accepted by it (the range searched is widened by one)."""
    base = Fraction(k_total * k_total, n)
    q_lo = math.floor(base + var_iv[0] * (n - 1) / g ** 2) - (accept is not None)
    q_hi = math.ceil(base + var_iv[1] * (n - 1) / g ** 2) + (accept is not None)
    out = []
    for q in range(max(q_lo, 0), q_hi + 1):
        if (q - k_total) % 2:
            continue
        var = g ** 2 * (q - base) / (n - 1)
        if var >= 0 and (_inside(var, var_iv) if accept is None else accept(var)):
            out.append(q)
    return out


def sumsq_window(total, sd, n, decimals_sd=None, granularity=1.0, *,
                 rounding="either") -> list[int]:
    """Sums of squares ``Q = sum k_i^2`` (grid units) giving an SD that prints as ``sd``.

    Parameters
    ----------
    total : int
        Grid total ``K = sum k_i`` (from :func:`grid_totals`).
    sd : str or number
        Printed sample SD (ddof = 1).
    n : int
        Number of values (>= 2).
    decimals_sd : int, optional
    granularity : number
    rounding : {"either", "half-up", "half-even"}

    Returns
    -------
    list of int
        Candidate ``Q`` with the parity of ``K`` (necessary, not sufficient:
        see :func:`grimmer`); under "either", those of either rule, sorted.

    Examples
    --------
    >>> sumsq_window(94, "13.3", 10, granularity=2.5)   # 23.5 mg = 94 tablets over 10
    [1138, 1140]
    """
    _check_decimals(decimals_sd, "decimals_sd")
    n = _n(n)
    if n < 2:
        raise ValueError(f"`n` must be >= 2 for a sample SD; not {n}.")
    if isinstance(total, bool) or not isinstance(total, int):
        raise TypeError(f"`total` must be an int; not {type(total).__name__}.")
    rules = _rules(rounding)
    g = _grid(granularity)
    out = set()
    for rule in rules:
        out.update(_sumsq_rule(total, n, g, sd, decimals_sd, rule))
    return sorted(out)


def _sumsq_rule(total, n, g, sd, decimals_sd, rule):
    var_iv = _var_interval(sd, decimals_sd)
    if rule == "half-up":
        return _sumsq_candidates(total, n, g, var_iv)
    dec, places = _printed(sd, decimals_sd, "sd")
    return _sumsq_candidates(total, n, g, var_iv,
                             accept=lambda v: _prints_sd(v, dec, places, rule))


def _min_sumsq(m: int, total: int, lo: int, hi: int):
    """Least sum of squares of ``m`` integers in [lo, hi] with sum ``total`` (None if impossible)."""
    if m == 0:
        return 0 if total == 0 else None
    if not m * lo <= total <= m * hi:
        return None
    q, r = divmod(total, m)
    return (m - r) * q * q + r * (q + 1) * (q + 1)


def _max_sumsq(m: int, total: int, lo: int, hi: int):
    """Greatest sum of squares of ``m`` integers in [lo, hi] with sum ``total``."""
    if m == 0:
        return 0 if total == 0 else None
    if not m * lo <= total <= m * hi:
        return None
    if hi == lo:
        return m * lo * lo
    extra = total - m * lo                  # spread as unevenly as possible
    full, rest = divmod(extra, hi - lo)
    if full >= m:
        return m * hi * hi
    return full * hi * hi + (lo + rest) ** 2 + (m - full - 1) * lo * lo


def _multiset(n: int, total: int, sumsq: int, lo: int, hi: int):
    """A non-increasing tuple of ``n`` integers in [lo, hi] with the given sum and
    sum of squares, or None. Exhaustive depth-first search with exact pruning."""

    @lru_cache(maxsize=None)
    def search(m, s, q, cap):
        if m == 0:
            return () if s == 0 and q == 0 else None
        if (q - s) % 2:                      # x*x and x have the same parity
            return None
        q_min = _min_sumsq(m, s, lo, cap)
        q_max = _max_sumsq(m, s, lo, cap)
        if q_min is None or not q_min <= q <= q_max:
            return None
        # The largest remaining value v: at least ceil(s / m), at most cap.
        for v in range(min(cap, s - (m - 1) * lo), -(-s // m) - 1, -1):
            rest = search(m - 1, s - v, q - v * v, v)
            if rest is not None:
                return (v,) + rest
        return None

    return search(n, total, sumsq, hi)


def _grimmer_search(mean, sd, n, decimals_mean, decimals_sd, granularity, bounds,
                    rule="half-up"):
    _check_decimals(decimals_mean, "decimals_mean")
    _check_decimals(decimals_sd, "decimals_sd")
    n = _n(n)
    g = _grid(granularity)
    mean_dec, mean_places = _printed(mean, decimals_mean, "mean")
    var_iv = _var_interval(sd, decimals_sd)
    b_lo, b_hi = _bounds(bounds)
    if n == 1:   # the sample SD of one value is undefined
        return None
    totals = _grim_totals_rule(mean_dec, mean_places, n, g, rule)
    var_hi = var_iv[1]
    for k_total in totals:
        mean_k = Fraction(k_total, n)
        # Grid units k_i; SS in units = Q - K^2/n; variance = g^2 * SS / (n - 1).
        ss_max = var_hi * (n - 1) / g ** 2
        spread = math.isqrt(math.floor(ss_max)) + 1  # |k_i - mean| <= sqrt(SS)
        lo = math.floor(mean_k) - spread
        hi = math.ceil(mean_k) + spread
        if b_lo is not None:
            lo = max(lo, math.ceil(b_lo / g))
        if b_hi is not None:
            hi = min(hi, math.floor(b_hi / g))
        if lo > hi:
            continue
        for q in _sumsq_rule(k_total, n, g, sd, decimals_sd, rule):
            found = _multiset(n, k_total, q, lo, hi)
            if found is not None:
                return tuple(Fraction(k) * g for k in found)
    return None


def grimmer_witness(mean, sd, n, decimals_mean=None, decimals_sd=None, granularity=1.0,
                    *, bounds=None, rounding="either"):
    """A multiset that :func:`grimmer` accepts, or None (same parameters).

    Returns
    -------
    tuple of Fraction or None
        ``n`` values on the grid, largest first, whose mean and sample SD print
        as given under one rule (half up tried first): the first found, trying
        grid totals from the smallest and, for each, sums of squares from the
        smallest.
    """
    for rule in _rules(rounding):
        found = _grimmer_search(mean, sd, n, decimals_mean, decimals_sd, granularity, bounds,
                                rule)
        if found is not None:
            return found
    return None


def grimmer_rounding(mean, sd, n, decimals_mean=None, decimals_sd=None, granularity=1.0,
                     *, bounds=None) -> tuple[str, ...]:
    """The rounding rules under which :func:`grimmer` finds mean and SD consistent.

    Same parameters as :func:`grimmer` (without ``rounding``). Mean and SD are
    judged under the same rule: one program printed both.

    Returns
    -------
    tuple of str
        A subset of ("half-up", "half-even"); empty when inconsistent under both.

    Examples
    --------
    >>> grimmer_rounding("23.5", "13.3", 10, granularity=2.5)
    ('half-up', 'half-even')
    """
    return tuple(r for r in ROUNDING_RULES
                 if _grimmer_search(mean, sd, n, decimals_mean, decimals_sd, granularity, bounds,
                                    r) is not None)


def grimmer(mean, sd, n, decimals_mean=None, decimals_sd=None, granularity=1.0,
            *, bounds=None, rounding="either") -> bool:
    """GRIMMER: can ``n`` values on a grid have both the printed mean and the printed SD?

    Parameters
    ----------
    mean, sd : str or number
        The printed mean and sample standard deviation (ddof = 1). Strings
        carry their own decimals; numbers need ``decimals_mean``/``decimals_sd``.
    n : int
        Number of values (>= 2).
    decimals_mean, decimals_sd : int, optional
        Places printed.
    granularity : number, default 1.0
        Grid of the measurement (2.5 for 2.5 mg tablets).
    bounds : (low, high), optional
        Inclusive range of a single value, in the measurement's unit. Without
        it, any value on the grid is allowed (negative ones included), which is
        the classic test; with it the test also asks for plausibility.
    rounding : {"either", "half-up", "half-even"}, default "either"
        How ties were printed; mean and SD under the same rule (module docstring).
        :func:`grimmer_rounding` says which rule works.

    Returns
    -------
    bool
        True when such a multiset exists. The answer is exact: a witness is
        constructed (see :func:`grimmer_witness`).

    Notes
    -----
    Write each value as ``x_i = g * k_i`` with integer ``k_i``. For every grid
    total ``K = sum k_i`` that passes GRIM, the sample variance is
    ``g^2 (Q - K^2/n) / (n - 1)`` with ``Q = sum k_i^2``, so the printed SD
    interval ``[s - h, s + h)`` becomes a short range of integers ``Q``. A
    candidate ``Q`` must

    1. have the parity of ``K`` (``k^2 - k`` is even for every integer),
    2. lie between the least sum of squares (values as equal as possible) and
       the greatest (values as far apart as the bounds allow), and
    3. be realised by an actual multiset: an exhaustive depth-first search over
       non-increasing ``k_i`` with the bounds of (2) and the parity test of (1)
       applied at every level, memoised on (count left, sum left, squares left,
       cap). (1) and (2) are necessary but not sufficient — for three integers
       summing to 0, ``Q = 4`` is even and above the minimum yet unreachable —
       so (3) makes the test exact rather than a screen.

    The values are bounded by ``|k_i - K/n| <= sqrt(SS)``, so the search is
    finite even without ``bounds``.

    References
    ----------
    .. [1] Anaya J. The GRIMMER test: a method for testing the validity of
       reported measures of variability. PeerJ Preprints 2016;4:e2400v1.
       doi:10.7287/peerj.preprints.2400v1

    Examples
    --------
    >>> grimmer("23.5", "13.3", 10, granularity=2.5)
    True
    >>> grimmer("5.0", "0.0", 3)   # 3 equal integers: SD exactly 0
    True
    >>> grimmer("5.0", "0.3", 3)   # SD^2 = (Q - 75)/2 is 0, 1, 2 ...: 0.3^2 impossible
    False
    """
    return grimmer_witness(mean, sd, n, decimals_mean, decimals_sd, granularity,
                           bounds=bounds, rounding=rounding) is not None


