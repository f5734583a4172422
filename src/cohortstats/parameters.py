"""The analysis parameters, checked once, the same way for ``make`` and for every notebook.

A bad value stops at once with one line naming the parameter, what is allowed
and what was given — in the terminal (``make report METHOD=Exact``) and in
JupyterLab (the first cell after the parameters), where :class:`ParameterError`
shows as that one line instead of a traceback.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["ParameterError", "OneLineError", "Parameters", "check_parameters", "METHODS",
           "shown", "shown_path"]

#: Null distributions of the signed-rank test (see :func:`cohortstats.paired.paired_signed_rank`).
METHODS = ("auto", "exact", "approx")


class OneLineError(Exception):
    """An error meant for the user: IPython shows its one-line message, not a traceback."""

    def _render_traceback_(self):  # IPython's hook for custom error display
        return [f"{type(self).__name__}: {self}"]


class ParameterError(OneLineError, ValueError):
    """A parameter with a value the analysis cannot use."""


def shown(value, limit: int = 60) -> str:
    """``repr`` of a user's value, safe for a terminal and short: control and bidi characters escaped."""
    text = repr(value) if isinstance(value, str) else repr(value)
    text = text.encode("ascii", "backslashreplace").decode("ascii")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shown_path(path, limit: int = 120) -> str:
    """A file name as the user gave it, quoted and escaped; a long path keeps its end (the name)."""
    text = shown(str(path), limit=10 * limit)
    return text if len(text) <= limit else "'…" + text[-(limit - 2):]


@dataclass(frozen=True)
class Parameters:
    """Checked analysis parameters.

    Attributes
    ----------
    outcomes : tuple of str
        Outcome names (columns ``<name>_baseline`` and ``<name>_6mo``).
    method : str
        ``auto``, ``exact`` or ``approx``.
    conf_level : float
        Confidence level of the Hodges–Lehmann interval, in (0, 1).
    alpha : float
        Threshold counted by the leave-one-out summary, in (0, 1).
    """

    outcomes: tuple
    method: str = "auto"
    conf_level: float = 0.95
    alpha: float = 0.05


def _fraction(name: str, value) -> float:
    msg = f"`{name}` must be a number between 0 and 1 (exclusive), e.g. 0.95; not {shown(value)}."
    if isinstance(value, bool):
        raise ParameterError(msg)
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ParameterError(msg) from None
    if not (math.isfinite(x) and 0 < x < 1):
        raise ParameterError(msg)
    return x


def check_parameters(outcomes=None, method="auto", conf_level=0.95, alpha=0.05) -> Parameters:
    """Check the analysis parameters.

    Parameters
    ----------
    outcomes : None, str or sequence of str
        Outcome names, or one comma-separated string (``make report OUTCOMES=a,b``).
    method : str
    conf_level, alpha : float or str

    Returns
    -------
    Parameters

    Raises
    ------
    ParameterError
        One line naming the parameter, the allowed values and the bad one.
    """
    from .outcomes import parse_outcomes

    try:
        names = tuple(o.name for o in parse_outcomes(outcomes))
    except (TypeError, ValueError) as exc:
        raise ParameterError(str(exc)) from None
    if not isinstance(method, str) or method not in METHODS:
        raise ParameterError(f"`method` must be one of {{{', '.join(repr(m) for m in METHODS)}}}; "
                             f"not {shown(method)}.")
    return Parameters(outcomes=names, method=method, conf_level=_fraction("conf_level", conf_level),
                      alpha=_fraction("alpha", alpha))
