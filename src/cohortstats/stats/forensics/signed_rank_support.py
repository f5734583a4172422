"""Which (n, W) make a printed exact signed-rank P (no ties): its support.

Part of :mod:`cohortstats.stats.forensics`.
"""
from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

from cohortstats.stats.forensics._printed import _check_decimals, _n, _printed, _prints, _rules


@lru_cache(maxsize=None)
def _signed_rank_counts(n: int) -> tuple[int, ...]:
    """Number of subsets of {1..n} with each sum 0..n(n+1)/2 (the T+ null, times 2^n)."""
    counts = [1] + [0] * (n * (n + 1) // 2)
    for r in range(1, n + 1):
        for s in range(len(counts) - 1, r - 1, -1):
            counts[s] += counts[s - r]
    return tuple(counts)


def signed_rank_pvalue(n: int, w: int) -> Fraction:
    """Exact two-sided p of the no-ties signed-rank test: ``min(1, 2 P(T <= W))``.

    Parameters
    ----------
    n : int
        Number of non-zero pairs.
    w : int
        ``W = min(T+, T-)``.

    Returns
    -------
    Fraction

    Examples
    --------
    >>> signed_rank_pvalue(9, 1)   # {} and {1}: 2 of 512 sign patterns, doubled
    Fraction(1, 128)
    """
    n = _n(n)
    if isinstance(w, bool) or not isinstance(w, int):
        raise TypeError(f"`w` must be an int; not {type(w).__name__}.")
    total = n * (n + 1) // 2
    if not 0 <= w <= total:
        raise ValueError(f"`w` must be in [0, {total}]; not {w}.")
    counts = _signed_rank_counts(n)
    tail = sum(counts[: w + 1])
    return min(Fraction(1), Fraction(2 * tail, 2 ** n))


def signed_rank_support(p, decimals=None, n_range=range(1, 31), *,
                        rounding="either") -> list[tuple[int, int]]:
    """The (n_nonzero, W) pairs whose exact no-ties two-sided p prints as ``p``.

    Parameters
    ----------
    p : str or number
        The printed p-value ("0.008").
    decimals : int, optional
        Places printed; required when ``p`` is a number.
    n_range : iterable of int
        Numbers of non-zero pairs to consider.
    rounding : {"either", "half-up", "half-even"}

    Returns
    -------
    list of (int, int)
        ``(n_nonzero, W)`` with ``W = min(T+, T-)`` from 0 to ``n(n+1)/4``,
        sorted by ``n`` then ``W``.

    Notes
    -----
    Under the null each of the ``2^n`` sign patterns is equally likely; the
    number with ``T+ = t`` is the number of subsets of {1..n} summing to ``t``
    (a subset-sum count). ``p = min(1, 2 * #{T+ <= W} / 2^n)``, exactly as
    R's ``wilcox.test(exact = TRUE)`` without ties. With tied absolute changes
    the exact conditional p differs except at ``W = 0``, where it is ``2 / 2^n``
    whatever the ties.

    Examples
    --------
    >>> signed_rank_support("0.008", n_range=range(1, 11))
    [(8, 0), (9, 1)]
    """
    rules = _rules(rounding)
    _check_decimals(decimals)
    dec, places = _printed(p, decimals, "p")
    out = []
    for n in n_range:
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"`n_range` must hold ints; not {n!r}.")
        if n < 1:
            continue
        for w in range(0, n * (n + 1) // 4 + 1):
            pv = signed_rank_pvalue(n, w)
            if any(_prints(pv, dec, places, r) for r in rules):
                out.append((n, w))
    return sorted(out)
