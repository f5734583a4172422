"""What a printed number stands for: its interval under each rounding rule; argument checks.

Part of :mod:`cohortstats.stats.forensics`.
"""
from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from fractions import Fraction



ROUNDING_RULES = ("half-up", "half-even")
_ROUNDING = ("either",) + ROUNDING_RULES


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
