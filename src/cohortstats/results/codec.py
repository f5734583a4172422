"""The one encoder and decoder of results: records to JSON values and back, by msgspec.

Records are frozen dataclasses (:mod:`cohortstats.results.records`) whose fields are
annotated with their types; `msgspec <https://jcristharif.com/msgspec/>`_ turns them
into plain JSON values (fields in order, tuples as lists) and rebuilds them from
those annotations. msgspec was chosen over cattrs and pydantic for its import
cost (about 3 ms of its own here, against tens to hundreds) and because it needs
no registry of types.

A NaN or an infinity is refused, naming where it stands: a value that could not be
computed is ``None`` with a reason beside it, never a number.
"""
from __future__ import annotations

import json
import math

import msgspec

from cohortstats.core.errors import OneLineError

__all__ = ["FragmentError", "to_jsonable", "from_jsonable", "dumps"]


class FragmentError(OneLineError, ValueError):
    """A fragment that is missing, unreadable, or from another build; one line for the user."""


def _encode_other(obj):
    item = getattr(obj, "item", None)  # numpy scalars
    if item is not None and type(obj).__module__ == "numpy":
        return item()
    raise TypeError(f"cannot store a {type(obj).__name__} in results")


def _plain(value, where: str):
    """Tuples as lists, every float finite (msgspec keeps tuples and lets NaN through)."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{where} is {value!r}; a value that cannot be computed must be None "
                             "with a reason")
        return value
    if isinstance(value, dict):
        return {k: _plain(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, f"{where}[{i}]") for i, v in enumerate(value)]
    return value


def to_jsonable(obj, where: str = "results"):
    """Records as JSON values: dataclasses by field, tuples as lists.

    Raises
    ------
    ValueError
        A NaN or infinite float, naming its place (``outcomes.esr_mm_hr.baseline.sd``).
    TypeError
        A value of a type JSON cannot hold.
    """
    try:
        data = msgspec.to_builtins(obj, enc_hook=_encode_other, str_keys=True)
    except TypeError as exc:
        raise TypeError(f"{where}: {exc}") from None
    return _plain(data, where)


def from_jsonable(tp, value, where: str = "results"):
    """Rebuild a value of type ``tp`` from :func:`to_jsonable`'s output.

    Raises
    ------
    FragmentError
        One line naming the place that does not fit the record (written by other code).
    """
    try:
        return msgspec.convert(value, tp, strict=False)
    except msgspec.ValidationError as exc:
        raise FragmentError(f"{where}: {exc} (written by another version of the code)") from None


def dumps(obj) -> str:
    """The one JSON text of results: UTF-8, two-space indent, keys in field order, LF."""
    return json.dumps(to_jsonable(obj), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
