"""GRIM (Brown & Heathers 2016, doi:10.1177/1948550616673876): can a mean be printed from n values on a grid?

Part of :mod:`cohortstats.stats.forensics`.
"""
from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

from cohortstats.stats.forensics._printed import (ROUNDING_RULES, _check_decimals, _grid, _inside,
                                                  _interval, _n, _printed, _prints, _rules)


def _grim_totals(mean_iv, n: int, g: Fraction) -> list[int]:
    """Grid totals K (sum = K * g) whose mean K * g / n prints as the mean (half up)."""
    lo, hi = mean_iv[0], mean_iv[1]
    k_lo = math.floor(lo * n / g)
    k_hi = math.ceil(hi * n / g)
    return [k for k in range(k_lo, k_hi + 1) if _inside(Fraction(k) * g / n, mean_iv)]


def _grim_totals_rule(printed: Decimal, places: int, n: int, g: Fraction, rule: str) -> list[int]:
    """Grid totals K whose mean K * g / n prints as ``printed`` under ``rule``."""
    iv = _interval(printed, places)
    if rule == "half-up":
        return _grim_totals(iv, n, g)
    # A double's printed value differs from the exact one only at a tie, and then by
    # less than one grid step of the total: search one total further on each side.
    k_lo = math.floor(iv[0] * n / g) - 1
    k_hi = math.ceil(iv[1] * n / g) + 1
    return [k for k in range(k_lo, k_hi + 1) if _prints(Fraction(k) * g / n, printed, places, rule)]


def _totals(mean, n, decimals, granularity, rounding):
    """{rule: grid totals} for the rules named by ``rounding``."""
    rules = _rules(rounding)
    _check_decimals(decimals)
    n = _n(n)
    g = _grid(granularity)
    dec, places = _printed(mean, decimals, "mean")
    return {r: _grim_totals_rule(dec, places, n, g, r) for r in rules}


def grim(mean, n, decimals=None, granularity=1.0, *, rounding="either") -> bool:
    """GRIM: can ``n`` values on a grid have a mean that prints as ``mean``?

    Parameters
    ----------
    mean : str or number
        The printed mean. As a string ("23.5") its decimals are read from it;
        as a number, ``decimals`` must be given.
    n : int
        Number of values.
    decimals : int, optional
        Places printed.
    granularity : number, default 1.0
        Every value is a multiple of this (1 for integers, 2.5 for 2.5 mg
        tablets). Give decimals such as 2.5 or 0.1 as a string or as the float
        literal; the float's shortest repr is used.
    rounding : {"either", "half-up", "half-even"}, default "either"
        How ties were printed (module docstring): half up, as R/numpy print a
        double, or either. :func:`grim_rounding` says which rule works.

    Returns
    -------
    bool
        True when some total that is a multiple of ``granularity`` gives a mean
        that prints as the printed one under the rule(s).

    Notes
    -----
    The total is ``K * g`` for an integer ``K``; the mean ``K * g / n`` must lie
    in the printed interval ``[t - h, t + h)``. Only the two or three ``K``
    nearest ``t * n / g`` can qualify, and each is tested exactly.

    References
    ----------
    .. [1] Brown NJL, Heathers JAJ. The GRIM test: a simple technique detects
       numerous anomalies in the reporting of results in psychology. Social
       Psychological and Personality Science 2017;8(4):363-369.
       doi:10.1177/1948550616673876

    Examples
    --------
    >>> grim("5.19", 28)       # 145/28 = 5.179, 146/28 = 5.214
    False
    >>> grim("23.5", 10, granularity=2.5)   # 235 = 94 tablets of 2.5 mg
    True
    >>> grim("2.12", 8), grim("2.12", 8, rounding="half-up")   # 17/8 = 2.125: R prints 2.12
    (True, False)
    """
    return any(_totals(mean, n, decimals, granularity, rounding).values())


def grim_rounding(mean, n, decimals=None, granularity=1.0) -> tuple[str, ...]:
    """The rounding rules under which :func:`grim` finds the mean consistent.

    Same parameters as :func:`grim` (without ``rounding``).

    Returns
    -------
    tuple of str
        A subset of ``ROUNDING_RULES`` = ("half-up", "half-even"), in that order;
        empty when the mean is inconsistent under both.

    Examples
    --------
    >>> grim_rounding("2.12", 8)     # 17/8 = 2.125 prints 2.12 only half to even (R)
    ('half-even',)
    >>> grim_rounding("2.13", 8)     # ... and 2.13 only half up
    ('half-up',)
    >>> grim_rounding("23.5", 10, granularity=2.5)
    ('half-up', 'half-even')
    """
    found = _totals(mean, n, decimals, granularity, "either")
    return tuple(r for r in ROUNDING_RULES if found[r])


def grid_totals(mean, n, decimals=None, granularity=1.0, *, rounding="either") -> list[int]:
    """The grid totals ``K`` (sum of the values = ``K * granularity``) that pass GRIM.

    Same parameters as :func:`grim`; ``grim(...)`` is ``bool(grid_totals(...))``.
    With ``rounding="either"``, the totals that pass under either rule, sorted.

    Examples
    --------
    >>> grid_totals("29", 10)      # sums 285..294 give means 28.5..29.4
    [285, 286, 287, 288, 289, 290, 291, 292, 293, 294]
    """
    found = _totals(mean, n, decimals, granularity, rounding)
    return sorted(set().union(*found.values()))


