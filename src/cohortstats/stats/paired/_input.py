"""Checking the inputs, and near-ties merged as R's ``digits.rank`` does.

Part of :mod:`cohortstats.stats.paired` (split along its seams, as scipy splits its files).
"""
from __future__ import annotations

import numbers

import numpy as np

from cohortstats.stats.paired._result import TIE_RTOL, _ALTERNATIVES, _METHODS, _ZERO_METHODS


def _as_vector(name, value):
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"`{name}` must be a 1-D array of real numbers; "
                        f"not {type(value).__name__}.")
    try:
        arr = np.asarray(value)
    except Exception as exc:  # pragma: no cover - exotic inputs
        raise TypeError(f"`{name}` must be a 1-D array of real numbers; "
                        f"could not convert: {exc}") from exc
    if arr.dtype == object:
        try:
            arr = arr.astype(float)
        except (TypeError, ValueError):
            raise TypeError(f"`{name}` must contain real numbers only "
                            f"(None/NaN allowed for missing); got dtype "
                            f"object with non-numeric entries.") from None
    if arr.dtype.kind == "b" or arr.dtype.kind not in "iuf":
        raise TypeError(f"`{name}` must contain real numbers; "
                        f"not dtype {arr.dtype}.")
    if arr.ndim != 1:
        raise ValueError(f"`{name}` must be 1-D; not shape {arr.shape}.")
    arr = arr.astype(float)
    if np.isinf(arr).any():
        raise ValueError(f"`{name}` must not contain infinite values; "
                         f"found {int(np.isinf(arr).sum())}.")
    return arr


def _iv_tie_rtol(tie_rtol):
    if (isinstance(tie_rtol, (bool, np.bool_))
            or not isinstance(tie_rtol, numbers.Real)):
        raise TypeError(f"`tie_rtol` must be a real number; "
                        f"not {type(tie_rtol).__name__}.")
    tie_rtol = float(tie_rtol)
    if not 0.0 <= tie_rtol < 1e-3:
        raise ValueError(f"`tie_rtol` must be in [0, 1e-3); not {tie_rtol!r}.")
    return tie_rtol


def _iv(before, after, zero_method, method, correction, alternative,
        conf_level, tie_rtol=TIE_RTOL):
    """Validate and normalise the inputs of :func:`paired_signed_rank`."""
    for name, val, allowed in (("zero_method", zero_method, _ZERO_METHODS),
                               ("method", method, _METHODS),
                               ("alternative", alternative, _ALTERNATIVES)):
        if not isinstance(val, str):
            raise TypeError(f"`{name}` must be a str, one of "
                            f"{{{', '.join(map(repr, allowed))}}}; "
                            f"not {type(val).__name__}.")
        if val not in allowed:
            raise ValueError(f"`{name}` must be one of "
                             f"{{{', '.join(map(repr, allowed))}}}; "
                             f"not {val!r}.")
    if not isinstance(correction, (bool, np.bool_)):
        raise TypeError(f"`correction` must be a bool; "
                        f"not {type(correction).__name__}.")
    if conf_level is not None:
        if (isinstance(conf_level, (bool, np.bool_))
                or not isinstance(conf_level, numbers.Real)):
            raise TypeError(f"`conf_level` must be a real number or None; "
                            f"not {type(conf_level).__name__}.")
        conf_level = float(conf_level)
        if not (0.0 < conf_level < 1.0):
            raise ValueError(f"`conf_level` must be strictly between 0 and 1;"
                             f" not {conf_level!r}.")
    tie_rtol = _iv_tie_rtol(tie_rtol)
    x = _as_vector("before", before)
    y = _as_vector("after", after)
    if x.shape != y.shape:
        raise ValueError(f"`before` and `after` must have the same length; "
                         f"got {x.size} and {y.size}.")
    ok = ~(np.isnan(x) | np.isnan(y))
    n_dropped = int(x.size - ok.sum())
    d = merge_near_ties(x[ok], y[ok], tie_rtol)
    if d.size == 0:
        raise ValueError("no complete pairs: every pair has a NaN in "
                         "`before` or `after`" if x.size else
                         "`before` and `after` are empty.")
    if not np.any(d != 0):
        raise ValueError(f"all {d.size} complete differences "
                         f"`before - after` are zero; the signed-rank test "
                         f"needs at least one non-zero difference.")
    return (d, n_dropped, zero_method, method, bool(correction), alternative,
            conf_level)


def merge_near_ties(before, after, tie_rtol=TIE_RTOL):
    """The differences ``before - after`` with floating-point near-ties merged.

    Differences that are equal in decimal often differ in binary
    (``0.3 - 0.2`` and ``0.4 - 0.3`` are two different doubles), so exact
    equality, as R's ``rank`` uses by default, splits what is one tie group.
    This plays the role of R's ``digits.rank`` with a relative tolerance:

    * ``d_i`` is zero when ``|d_i| <= tie_rtol * max(|before_i|, |after_i|)``;
    * the non-zero ``|d|``, sorted, are cut into groups wherever two neighbours
      differ by more than ``tie_rtol`` times the larger; every member of a group
      with more than one distinct value is replaced (keeping its sign) by one
      representative, the group's median read at 12 significant digits.
      Groups are chained, so a group can span slightly more than ``tie_rtol``.

    Values not near another value are returned unchanged (bit for bit), so
    with distinct data the result is ``before - after``.  ``tie_rtol=0`` gives
    exact equality (R's default ``digits.rank = Inf``).

    Parameters
    ----------
    before, after : ndarray of float
        Complete pairs (no NaN).
    tie_rtol : float, default ``TIE_RTOL`` = 1e-9

    Returns
    -------
    ndarray of float

    Examples
    --------
    >>> d = merge_near_ties(np.array([0.3, 0.4, 1.1]), np.array([0.2, 0.3, 1.0]))
    >>> d.tolist(), (np.array([0.3, 0.4, 1.1]) - [0.2, 0.3, 1.0]).tolist()
    ([0.1, 0.1, 0.1], [0.09999999999999998, 0.10000000000000003, 0.10000000000000009])
    """
    before = np.asarray(before, dtype=float)
    after = np.asarray(after, dtype=float)
    d = before - after
    if tie_rtol == 0 or d.size == 0:
        return d
    scale = np.maximum(np.abs(before), np.abs(after))
    d = np.where(np.abs(d) <= tie_rtol * scale, 0.0, d)
    nz = np.flatnonzero(d)
    if nz.size < 2:
        return d
    mag = np.abs(d[nz])
    sm = np.sort(mag)                    # the values alone first: most data have nothing to merge
    gap = np.diff(sm)
    near = gap <= tie_rtol * sm[1:]
    if not np.any(near & (gap > 0)):
        return d                         # only exact ties: nothing to merge
    order = np.argsort(mag, kind="stable")  # mag[order] == sm
    new = np.empty(sm.size, dtype=bool)
    new[0] = True
    new[1:] = ~near
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], sm.size)
    rep = sm.copy()
    for s0, e0 in zip(starts, ends):
        if e0 - s0 > 1 and sm[s0] != sm[e0 - 1]:
            rep[s0:e0] = float(f"{float(np.median(sm[s0:e0])):.12g}")
    out = d.copy()
    merged = np.empty(sm.size)
    merged[order] = rep
    out[nz] = np.copysign(merged, d[nz])
    return out


