"""The one rounding rule for printed numbers in the bundle.

Every number the bundle prints, and every comparison of a computed value with a
printed one, goes through this module, so that one value is never printed two
ways.

The rule
--------
*Round half up* (half away from zero), decided on the **decimal** value of the
number, not on its binary float:

* ``0.125`` is a tie and prints at two decimals as ``"0.13"``; ``2.675`` (stored
  as 2.67499999999999982236431605997495353221893310546875) prints as ``"2.68"``.
* A float is first read at 12 significant digits, so that arithmetic noise does
  not decide a tie: ``23.449999999999996`` (what ``(23.4 + 23.5) / 2`` style
  arithmetic gives for 23.45) is read as 23.45 and prints at one decimal as
  ``"23.5"``, as a person rounding by hand would print it.
* Negative ties go away from zero: ``fmt(-0.5, 0) == "-1"``. A value that rounds
  to zero prints without a sign (``fmt(-0.001, 2) == "0.00"``).
* ``None``, NaN and infinities raise ``ValueError``: what to print for a missing
  value is the caller's decision.

This is *not* what Python's ``round``/``format`` or R's ``sprintf`` do: they round
the binary value, and exact binary ties go to the even digit (``f"{0.125:.2f}"``
is ``"0.12"``, ``round(12.5)`` is 12). Code that judges numbers printed by others
(:mod:`cohortstats.stats.forensics`) accepts either convention; code that prints
numbers uses this one.

Functions
---------
round_half_up(x, decimals) -> decimal.Decimal
fmt(x, decimals) -> str
pct(k, n, decimals=0) -> str
decimals_of(text) -> int
printed_interval(text, kind="value") -> (low, high)
prints_as(x, text, kind="value") -> bool
"""
from __future__ import annotations

import math
import numbers
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

__all__ = ["SIGNIFICANT_DIGITS", "KINDS", "round_half_up", "fmt", "pct", "decimals_of",
           "printed_interval", "prints_as"]

#: Significant digits at which a float is read before it is rounded.
SIGNIFICANT_DIGITS = 12

#: How a printed number is compared: a count exactly, anything else by rounding.
KINDS = ("count", "mean", "sd", "p", "value")

_BOUND = re.compile(r"^\s*(?:[Pp]\s*)?(<|≤|<=)\s*([0-9]*\.?[0-9]+)\s*$")
_NUMBER = re.compile(r"^\s*(?:[Pp]\s*=\s*)?(-?[0-9]*\.?[0-9]+)\s*$")


def _iv_decimals(decimals) -> int:
    if isinstance(decimals, bool) or not isinstance(decimals, numbers.Integral):
        raise TypeError(f"`decimals` must be an integer; not {type(decimals).__name__}.")
    if decimals < 0:
        raise ValueError(f"`decimals` must be >= 0; not {decimals!r}.")
    return int(decimals)


def _as_decimal(x) -> Decimal:
    """The decimal value of ``x`` (floats at 12 significant digits)."""
    if x is None:
        raise ValueError("`x` must be a number; not None (the caller decides how to print a "
                         "missing value).")
    if isinstance(x, bool):
        raise TypeError("`x` must be a number; not bool.")
    if isinstance(x, Decimal):
        d = x
    elif isinstance(x, numbers.Integral):
        d = Decimal(int(x))
    elif isinstance(x, Fraction):
        return _fraction_to_decimal(x)
    elif isinstance(x, numbers.Real):
        f = float(x)
        if not math.isfinite(f):
            raise ValueError(f"`x` must be a finite number; not {f!r}.")
        d = Decimal(f"{f:.{SIGNIFICANT_DIGITS}g}")
    else:
        raise TypeError(f"`x` must be a real number; not {type(x).__name__}.")
    if not d.is_finite():
        raise ValueError(f"`x` must be a finite number; not {x!r}.")
    return d


def _fraction_to_decimal(q: Fraction) -> Decimal:
    # Exact for the purpose of rounding: enough digits that no tie is misjudged
    # (a Fraction with a terminating expansion is exact; otherwise it is never a tie).
    return Decimal(q.numerator) / Decimal(q.denominator)


def round_half_up(x, decimals: int) -> Decimal:
    """Round to ``decimals`` places, ties away from zero, on the decimal value.

    Parameters
    ----------
    x : int, float, decimal.Decimal or fractions.Fraction
        A float is read at 12 significant digits first (see Notes).
    decimals : int
        Places after the decimal point, ``>= 0``.

    Returns
    -------
    decimal.Decimal
        With exactly ``decimals`` places (``Decimal("0.13")``).

    Raises
    ------
    ValueError
        ``x`` is None, NaN or infinite, or ``decimals`` is negative.
    TypeError
        ``x`` is not a real number, or ``decimals`` is not an integer.

    Notes
    -----
    A float ``x`` is replaced by the decimal number its ``"%.12g"`` text shows, and
    that decimal is rounded half up (``decimal.ROUND_HALF_UP``, which rounds ties
    away from zero). So ``2.675`` is the tie 2.675 and goes to 2.68 (its binary
    value is a little below 2.675, so ``round(2.675, 2)`` gives 2.67), and float
    noise such as ``23.449999999999996`` is read as the 23.45 it stands for.

    Examples
    --------
    >>> round_half_up(0.125, 2)
    Decimal('0.13')
    >>> round_half_up(2.675, 2)
    Decimal('2.68')
    >>> round_half_up(-0.5, 0)
    Decimal('-1')
    """
    places = _iv_decimals(decimals)
    d = _as_decimal(x)
    q = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if q == 0:
        q = abs(q)  # -0.00 prints as 0.00
    return q


def fmt(x, decimals: int) -> str:
    """The printed text of ``x`` at ``decimals`` places (round half up).

    Parameters
    ----------
    x : int, float, decimal.Decimal or fractions.Fraction
    decimals : int
        Places after the decimal point, ``>= 0``.

    Returns
    -------
    str
        Fixed-point text, no exponent, no thousands separator, ``-`` for negatives;
        zero has no sign.

    Raises
    ------
    ValueError
        ``x`` is None, NaN or infinite (callers decide what to print for those).

    Examples
    --------
    >>> fmt(12.5, 0)
    '13'
    >>> fmt(0.0045, 3)
    '0.005'
    >>> fmt(23.449999999999996, 1)
    '23.5'
    >>> fmt(-0.5, 0)
    '-1'
    """
    return format(round_half_up(x, decimals), "f")


def pct(k: int, n: int, decimals: int = 0) -> str:
    """The percentage ``100 k / n`` printed at ``decimals`` places, half up.

    Computed exactly with fractions, so a tie is a tie: 3 of 24 is 12.5 % and
    prints as ``"13"`` (``f"{100 * 3 / 24:.0f}"`` gives ``"12"``, half to even).

    Parameters
    ----------
    k : int
        The count, ``0 <= k <= n``.
    n : int
        The denominator, ``n >= 1``.
    decimals : int, optional
        Places after the decimal point (default 0).

    Returns
    -------
    str
        Without the percent sign.

    Examples
    --------
    >>> pct(3, 24)
    '13'
    >>> pct(1, 3, 1)
    '33.3'
    >>> pct(9, 10)
    '90'
    """
    for name, v in (("k", k), ("n", n)):
        if isinstance(v, bool) or not isinstance(v, numbers.Integral):
            raise TypeError(f"`{name}` must be an integer; not {type(v).__name__}.")
    places = _iv_decimals(decimals)
    if n < 1:
        raise ValueError(f"`n` must be >= 1; not {n!r}.")
    if not 0 <= k <= n:
        raise ValueError(f"`k` must be in [0, n] = [0, {n}]; not {k!r}.")
    scaled = Fraction(100 * int(k) * 10 ** places, int(n))
    units = math.floor(scaled + Fraction(1, 2))  # non-negative: half up
    return format(Decimal(units).scaleb(-places), "f")


def _parse(text):
    """(is_bound, Decimal) of a printed number; ValueError when unreadable."""
    if not isinstance(text, str):
        raise TypeError(f"`text` must be a str; not {type(text).__name__}.")
    m = _BOUND.match(text)
    if m:
        return True, Decimal(m.group(2))
    m = _NUMBER.match(text)
    if m:
        try:
            return False, Decimal(m.group(1))
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            pass
    raise ValueError(f"cannot read the printed number {text!r}")


def decimals_of(text: str) -> int:
    """How many decimals a printed number shows.

    Parameters
    ----------
    text : str
        "23.5", "0.008", "29", "P = 0.008", "< 0.001".

    Returns
    -------
    int

    Examples
    --------
    >>> decimals_of("23.5"), decimals_of("0.008"), decimals_of("29"), decimals_of("P < 0.05")
    (1, 3, 0, 2)
    """
    _, value = _parse(text)
    return max(0, -value.as_tuple().exponent)


def _iv_kind(kind):
    if kind not in KINDS:
        raise ValueError(f"`kind` must be one of {set(KINDS)}; not {kind!r}.")


def printed_interval(text: str, kind: str = "value") -> tuple[float, float]:
    """The values that print as ``text``.

    Parameters
    ----------
    text : str
        "23.5", "12.25", "0.008", "P = 0.008", "< 0.001", "P < 0.05".
    kind : {'value', 'mean', 'sd', 'p', 'count'}
        ``count`` demands the exact integer.

    Returns
    -------
    (low, high) : tuple of float
        For a number printed at *k* decimals, ``value ± 0.5 * 10**-k``: values
        with ``low <= x < high`` print as ``text`` when it is non-negative
        (``low < x <= high`` when it is negative: ties go away from zero). For a
        bound ``"< b"``, ``(0, b)``. For a count, ``low == high``.

    Examples
    --------
    >>> printed_interval("23.5")
    (23.45, 23.55)
    >>> printed_interval("< 0.001", "p")
    (0.0, 0.001)
    """
    _iv_kind(kind)
    is_bound, value = _parse(text)
    if is_bound:
        return (0.0, float(value))
    if kind == "count":
        if value != value.to_integral_value():
            raise ValueError(f"a count must be a whole number; not {text!r}")
        return (float(value), float(value))
    half = Decimal(1).scaleb(value.as_tuple().exponent) / 2
    return (float(value - half), float(value + half))


def prints_as(x, text: str, kind: str = "value") -> bool:
    """Whether ``x`` prints as ``text`` under the bundle's rule.

    Parameters
    ----------
    x : number or None
        None and NaN print as nothing: False.
    text : str
        As printed ("23.5", "P = 0.008", "< 0.001", "10").
    kind : {'value', 'mean', 'sd', 'p', 'count'}
        A count must equal the printed integer exactly; a bound ``"< b"`` is met
        by ``0 <= x < b``; any other number by ``fmt(x, decimals_of(text)) ==``
        the printed number.

    Returns
    -------
    bool

    Examples
    --------
    >>> prints_as(23.449999999999996, "23.5", "mean")
    True
    >>> prints_as(23.55, "23.5", "mean")
    False
    >>> prints_as(0.0004, "P < 0.001", "p")
    True
    """
    _iv_kind(kind)
    is_bound, value = _parse(text)
    if x is None:
        return False
    xf = float(x)
    if not math.isfinite(xf):
        return False
    if is_bound:
        return 0 <= _as_decimal(x) < value
    if kind == "count":
        return xf == float(value)
    places = max(0, -value.as_tuple().exponent)
    return round_half_up(x, places) == value


def fmt_short(x, max_decimals: int) -> str:
    """Round half up at ``max_decimals`` and drop trailing zeros: for values on a grid.

    Hodges–Lehmann estimates are Walsh averages, exact at a few decimals; printed at
    a fixed width they gain noise zeros (``13.125``, ``3.75``, not ``3.750``).

    >>> fmt_short(3.75, 3), fmt_short(26.0, 2), fmt_short(12.63865, 3)
    ('3.75', '26', '12.639')
    """
    text = fmt(x, max_decimals)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
