"""Errors meant for the user, and how a user's value is shown in one.

Every refusal of the bundle is one line: an :class:`OneLineError` shows as its
message (in the terminal and in JupyterLab, never as a traceback), and a value or
file name the user gave is shown with :func:`shown` or :func:`shown_path`: quoted,
escaped, and short.
"""
from __future__ import annotations

__all__ = ["OneLineError", "shown", "shown_path"]


class OneLineError(Exception):
    """An error meant for the user: IPython shows its one-line message, not a traceback."""

    def _render_traceback_(self):  # IPython's hook for custom error display
        return [f"{type(self).__name__}: {self}"]


def shown(value, limit: int = 60) -> str:
    """``repr`` of a user's value, safe for a terminal and short: control and bidi characters escaped."""
    text = repr(value) if isinstance(value, str) else repr(value)
    text = text.encode("ascii", "backslashreplace").decode("ascii")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shown_path(path, limit: int = 120) -> str:
    """A file name as the user gave it, quoted and escaped; a long path keeps its end (the name)."""
    text = shown(str(path), limit=10 * limit)
    return text if len(text) <= limit else "'…" + text[-(limit - 2):]
