"""The normal approximation with tie and continuity correction (R's ``wilcox.test``).

Part of :mod:`cohortstats.stats.paired` (split along its seams, as scipy splits its files).
"""
from __future__ import annotations

import math

import numpy as np


def _approx(ranks, positive, alternative, correction):
    """z and p as R's ``wilcox.test(..., exact = FALSE, correct = ...)``."""
    # scipy.special where the approximation is used (about 0.2 s to import): a notebook whose
    # tests are all exact (ten patients) never loads it
    from scipy.special import ndtr

    t_plus = float(np.sum(ranks[positive]))
    mean = float(np.sum(ranks)) / 2.0
    var = float(np.sum(ranks * ranks)) / 4.0
    z = t_plus - mean
    if correction:
        corr = {"two-sided": math.copysign(0.5, z) if z != 0 else 0.0,
                "greater": 0.5, "less": -0.5}[alternative]
    else:
        corr = 0.0
    sigma = math.sqrt(var)
    z = (z - corr) / sigma
    if alternative == "less":
        p = float(ndtr(z))
    elif alternative == "greater":
        p = float(ndtr(-z))
    else:
        p = 2.0 * min(float(ndtr(z)), float(ndtr(-z)))
    return z, p


