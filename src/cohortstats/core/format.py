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

__all__ = ["NO_VALUE", "p_text", "p_words", "level_text", "ci_label", "estimate_text", "ci_text",
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
