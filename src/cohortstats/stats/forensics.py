"""Consistency checks on printed summary statistics: GRIM, GRIMMER, signed-rank support.

Each check asks whether *some* data set of the stated size could have produced
the numbers as printed. They need no patient data, only the printed numbers,
their precision and the measurement grid (2.5 mg prednisone tablets, whole
mm/hour for the sedimentation rate).

Rounding rules
--------------
A printed number ``t`` with ``d`` decimals stands for every exact value ``x``
that prints as ``t``. Software does not agree on how a tie prints, so two rules
are known and, by default (``rounding="either"``), a value is consistent when
*either* makes it so; every check takes ``rounding`` to name one, and
:func:`grim_rounding` / :func:`grimmer_rounding` say which rules made a value
consistent.

``"half-up"``
    Ties away from zero, on the exact value: for ``t >= 0`` the half-open
    interval ``t - h <= x < t + h`` with ``h = 0.5 * 10**-d`` ("23.5" covers
    [23.45, 23.55)). SPSS, Excel, hand rounding, :mod:`cohortstats.core.rounding`.
``"half-even"``
    As R (``sprintf``, ``format``, ``round``) and numpy/Python print a double:
    the exact value is first the nearest double, whose exact binary value is
    rounded, ties to even. An exactly representable tie goes to the even digit
    (``sprintf("%.2f", 17/8)`` is "2.12"); a tie that is not representable goes
    where its double lies (``sprintf("%.2f", 3/40)`` is "0.07", the double of
    0.075 being a little below it). An SD is ``sqrt`` of the double of the exact
    variance, correctly rounded (R's ``sd`` may differ from that by an ulp of its
    own arithmetic, which only matters within ~1e-16 of a tie).

All arithmetic is exact — the printed text is read as a :class:`decimal.Decimal`,
every mean, variance and p-value is a :class:`fractions.Fraction` — so no float
tolerance is involved anywhere except where "half-even" models R's doubles.

Functions
---------
grim, grimmer, signed_rank_support
    The three checks; pure functions of plain numbers.
grim_rounding, grimmer_rounding
    Which rounding rules make the printed numbers consistent.
consistency
    Plain-words findings per outcome of ``data/published.yml``.
"""
from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache

__all__ = [
    "grim", "grid_totals", "grim_rounding", "grimmer", "grimmer_witness", "grimmer_rounding",
    "sumsq_window", "signed_rank_support", "signed_rank_pvalue", "rounds_to", "rounds_to_sd",
    "ROUNDING_RULES",
]

#: The rounding rules a printed number may have been made with (see the module docstring).
ROUNDING_RULES = ("half-up", "half-even")
_ROUNDING = ("either",) + ROUNDING_RULES


# --------------------------------------------------------------------------- rounding

def _printed(value, decimals, name):
    """The printed number as an exact Decimal with ``decimals`` places."""
    if isinstance(value, bool):
        raise TypeError(f"`{name}` must be a printed string or a number; not {value!r}.")
    if isinstance(value, str):
        text = value.strip()
        try:
            dec = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"`{name}` must be a printed number; not {value!r}.") from None
        if not dec.is_finite():
            raise ValueError(f"`{name}` must be finite; not {value!r}.")
        places = max(0, -dec.as_tuple().exponent)
        if decimals is None:
            return dec, places
        if places > decimals:
            raise ValueError(f"`{name}` {value!r} has more than `decimals` = {decimals} places.")
        return dec, decimals
    if isinstance(value, (int, float, Decimal, Fraction)):
        if decimals is None:
            raise ValueError(f"`decimals` is required when `{name}` is a number; "
                             f"got {name}={value!r}. Pass the printed string to infer it.")
        # The number is the printed value: take a float's shortest repr (0.1, not
        # 0.1000000000000000055...), then keep `decimals` places.
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"`{name}` must be finite; not {value!r}.")
        if isinstance(value, Fraction):
            dec = Decimal(value.numerator) / Decimal(value.denominator)
        else:
            dec = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        return dec.quantize(Decimal(1).scaleb(-decimals)), decimals
    raise TypeError(f"`{name}` must be a printed string or a number; not {type(value).__name__}.")


def _check_decimals(decimals, name="decimals"):
    if decimals is None:
        return
    if isinstance(decimals, bool) or not isinstance(decimals, int):
        raise TypeError(f"`{name}` must be an int; not {type(decimals).__name__}.")
    if decimals < 0:
        raise ValueError(f"`{name}` must be >= 0; not {decimals}.")


def _interval(printed: Decimal, decimals: int):
    """(low, high, low_closed, high_closed) of exact values printing as ``printed``."""
    half = Fraction(1, 2 * 10 ** decimals)
    t = Fraction(printed)
    if t > 0:
        return t - half, t + half, True, False
    if t < 0:
        return t - half, t + half, False, True
    return -half, half, False, False


def _inside(x: Fraction, interval) -> bool:
    lo, hi, lo_closed, hi_closed = interval
    above = x >= lo if lo_closed else x > lo
    below = x <= hi if hi_closed else x < hi
    return above and below


def _rules(rounding) -> tuple[str, ...]:
    """The rules named by ``rounding`` ("either" is both)."""
    if not isinstance(rounding, str):
        raise TypeError(f"`rounding` must be a str, one of {set(_ROUNDING)}; "
                        f"not {type(rounding).__name__}.")
    if rounding not in _ROUNDING:
        raise ValueError(f"`rounding` must be one of {{'either', 'half-up', 'half-even'}}; "
                         f"not {rounding!r}.")
    return ROUNDING_RULES if rounding == "either" else (rounding,)


def _float_prints(f: float, printed: Decimal, decimals: int) -> bool:
    """Whether the double ``f`` prints as ``printed`` (R's sprintf / Python's format)."""
    return Decimal(format(f, f".{decimals}f")) == printed


def _prints(x: Fraction, printed: Decimal, decimals: int, rule: str) -> bool:
    """Whether the exact value ``x`` prints as ``printed`` under ``rule``."""
    if rule == "half-up":
        return _inside(x, _interval(printed, decimals))
    return _float_prints(float(x), printed, decimals)


def _prints_sd(variance: Fraction, printed: Decimal, decimals: int, rule: str) -> bool:
    """Whether ``sqrt(variance)`` prints as the SD ``printed`` under ``rule``."""
    if rule == "half-up":
        return _inside(variance, _var_interval_dec(printed, decimals))
    if variance < 0:
        return False
    return _float_prints(math.sqrt(float(variance)), printed, decimals)


def rounds_to(x, printed, decimals=None, *, rounding="either") -> bool:
    """Whether the exact value ``x`` prints as ``printed`` (under either rounding rule by default).

    Parameters
    ----------
    x : int, Fraction, Decimal or float
        The exact value (a float is taken at its exact binary value).
    printed : str or number
        The printed value; a string carries its own decimals.
    decimals : int, optional
        Places printed; required when ``printed`` is a number.
    rounding : {"either", "half-up", "half-even"}
        The rule(s) accepted (module docstring).

    Examples
    --------
    >>> rounds_to(Fraction(235, 10), "23.5")
    True
    >>> rounds_to(Fraction(4, 512), "0.008")
    True
    >>> rounds_to(Fraction(17, 8), "2.12"), rounds_to(Fraction(17, 8), "2.12", rounding="half-up")
    (True, False)
    """
    rules = _rules(rounding)
    _check_decimals(decimals)
    dec, places = _printed(printed, decimals, "printed")
    return any(_prints(Fraction(x), dec, places, r) for r in rules)


def rounds_to_sd(variance, printed, decimals=None, *, rounding="either") -> bool:
    """Whether ``sqrt(variance)`` prints as the SD ``printed``, decided without a square root.

    Parameters
    ----------
    variance : int, Fraction, Decimal or float
        The exact sample variance.
    printed : str or number
        The printed SD.
    decimals : int, optional
    rounding : {"either", "half-up", "half-even"}

    Examples
    --------
    >>> rounds_to_sd(Fraction(1600, 9), "13.3")   # SS 1600 over 9: SD 13.333...
    True
    """
    rules = _rules(rounding)
    _check_decimals(decimals)
    dec, places = _printed(printed, decimals, "sd")
    if dec < 0:
        raise ValueError(f"`sd` must be >= 0; not {printed!r}.")
    return any(_prints_sd(Fraction(variance), dec, places, r) for r in rules)


def _grid(granularity):
    g = _exact(granularity, "granularity")
    if g <= 0:
        raise ValueError(f"`granularity` must be > 0; not {granularity!r}.")
    return g


def _exact(x, name):
    if isinstance(x, bool) or not isinstance(x, (int, float, str, Decimal, Fraction)):
        raise TypeError(f"`{name}` must be a number; not {type(x).__name__}.")
    return Fraction(Decimal(repr(x)) if isinstance(x, float) else x)


def _bounds(bounds):
    if bounds is None:
        return None, None
    if not isinstance(bounds, (tuple, list)) or len(bounds) != 2:
        raise TypeError(f"`bounds` must be a (low, high) pair; not {bounds!r}.")
    lo = None if bounds[0] is None else _exact(bounds[0], "bounds")
    hi = None if bounds[1] is None else _exact(bounds[1], "bounds")
    if lo is not None and hi is not None and lo > hi:
        raise ValueError(f"`bounds` must have low <= high; not {bounds!r}.")
    return lo, hi


def _n(n):
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"`n` must be an int; not {type(n).__name__}.")
    if n < 1:
        raise ValueError(f"`n` must be >= 1; not {n}.")
    return n


# --------------------------------------------------------------------------- GRIM

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


# --------------------------------------------------------------------------- GRIMMER

def _var_interval(sd, decimals_sd):
    sd_dec, sd_places = _printed(sd, decimals_sd, "sd")
    if sd_dec < 0:
        raise ValueError(f"`sd` must be >= 0; not {sd!r}.")
    return _var_interval_dec(sd_dec, sd_places)


def _var_interval_dec(sd_dec, sd_places):
    """Half-up interval of the variance whose square root prints as ``sd_dec``."""
    sd_lo, sd_hi, sd_lo_closed, sd_hi_closed = _interval(sd_dec, sd_places)
    # The SD interval squared (SD >= 0).
    return (max(sd_lo, 0) ** 2, sd_hi ** 2, sd_lo_closed or sd_lo <= 0, sd_hi_closed)


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


# --------------------------------------------------------------------------- signed rank

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
