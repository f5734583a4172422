"""How numbers and their names are printed: the one module the prose, tables, figures and Word use.

Every rounding goes through :mod:`cohortstats.core.rounding` (half up); this module
says which rounding each kind of number gets and how it is worded:

- a P: three decimals, ``< 0.001`` below 0.0005 (:func:`p_text`, :func:`p_words`);
- a confidence level: the fewest decimals that print it exactly, ``95% CI``,
  ``99.5% CI`` (:func:`level_text`, :func:`ci_label`);
- an estimate or a bound: at most ``decimals`` decimals, trailing zeros dropped
  (:func:`estimate_text`, :func:`ci_text`);
- an outcome's name: ``Prednisone dose (mg)``, the label alone without a unit
  (:func:`label_unit`).
"""
from __future__ import annotations

from cohortstats.core.rounding import fmt, fmt_short

__all__ = ["NO_VALUE", "number_words", "p_text", "p_words", "level_text", "ci_label", "estimate_text", "ci_text",
           "unit_part", "label_unit"]

#: What a table prints where a value is not defined.
NO_VALUE = "—"


def p_text(p) -> str:
    """A P as tables print it: ``0.008``; ``< 0.001`` below 0.0005; ``—`` when undefined."""
    if p is None:
        return NO_VALUE
    return "< 0.001" if p < 0.0005 else fmt(p, 3)


def p_words(p: float) -> str:
    """A P as sentences print it after "P": ``= 0.008`` or ``< 0.001``."""
    return "< 0.001" if p < 0.0005 else f"= {fmt(p, 3)}"


def level_text(conf_level: float) -> str:
    """``95`` for 0.95, ``99.5`` for 0.995: the fewest decimals (at most 4) that print it exactly."""
    for places in range(4):
        text = fmt(100 * conf_level, places)
        if abs(float(text) - 100 * conf_level) < 1e-9:
            return text
    return fmt(100 * conf_level, 4)


def ci_label(conf_level: float) -> str:
    """``95% CI``."""
    return f"{level_text(conf_level)}% CI"


def estimate_text(value, decimals: int) -> str:
    """An estimate at most ``decimals`` decimals (``13.125``, ``12.5``); ``—`` when undefined."""
    return NO_VALUE if value is None else fmt_short(value, decimals)


def ci_text(ci, decimals: int, sep: str = " to ") -> str:
    """``3.75 to 26.25``; ``—`` when undefined."""
    return NO_VALUE if not ci else f"{fmt_short(ci[0], decimals)}{sep}{fmt_short(ci[1], decimals)}"


def unit_part(unit: str) -> str:
    """`` (mg)``, or nothing when the unit is empty: never ``()``."""
    return f" ({unit})" if unit else ""


def label_unit(label: str, unit: str) -> str:
    """``Prednisone dose (mg)``; the label alone when the unit is empty."""
    return f"{label}{unit_part(unit)}"


_ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
         "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
         "nineteen")
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def number_words(k: int) -> str:
    """A whole number in words, as a sentence must open with one (Chicago Manual of Style 9.5).

    >>> number_words(12), number_words(45), number_words(300), number_words(1234)
    ('twelve', 'forty-five', 'three hundred', 'one thousand two hundred thirty-four')
    """
    if k < 0:
        return "minus " + number_words(-k)
    if k < 20:
        return _ONES[k]
    if k < 100:
        return _TENS[k // 10] + ("" if k % 10 == 0 else "-" + _ONES[k % 10])
    for size, word in ((10 ** 9, "billion"), (10 ** 6, "million"), (1000, "thousand"), (100, "hundred")):
        if k >= size:
            head, rest = divmod(k, size)
            return f"{number_words(head)} {word}" + ("" if rest == 0 else " " + number_words(rest))
    raise AssertionError(k)  # pragma: no cover
