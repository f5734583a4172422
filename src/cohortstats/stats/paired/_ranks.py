"""Midranks of the absolute differences and their tie groups.

Part of :mod:`cohortstats.stats.paired` (split along its seams, as scipy splits its files).
"""
from __future__ import annotations

import numpy as np


def _doubled_midranks(values):
    """Return ``2 * rank(values)`` (R's average ranks for ties) as int64.

    Ties are exact floating-point equality, as in R's ``rank``.
    """
    v = np.asarray(values, dtype=float)
    n = v.size
    order = np.argsort(v)     # any order within a tie group gives the same ranks
    sv = v[order]
    # start of each tie group in sorted order
    new = np.empty(n, dtype=bool)
    if n:
        new[0] = True
        new[1:] = sv[1:] != sv[:-1]
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], n)  # exclusive
    # 1-based positions start+1 .. end; midrank*2 = (start+1) + end
    grp2 = (starts + 1 + ends).astype(np.int64)
    sizes = ends - starts
    out = np.empty(n, dtype=np.int64)
    out[order] = np.repeat(grp2, sizes)
    return out


def _tie_group_sizes(values):
    v = np.sort(np.asarray(values, dtype=float))
    if v.size == 0:
        return np.zeros(0, dtype=np.int64)
    new = np.empty(v.size, dtype=bool)
    new[0] = True
    new[1:] = v[1:] != v[:-1]
    starts = np.flatnonzero(new)
    return np.diff(np.append(starts, v.size))


