"""Consistency checks on printed summary statistics: GRIM, GRIMMER, signed-rank support.

Each check asks whether *some* data set of the stated size could have produced
the numbers as printed. They need no patient data, only the printed numbers,
their precision and the measurement grid (2.5 mg prednisone tablets, whole
mm/hour for the sedimentation rate).

Rounding rules
--------------
A printed number ``t`` with ``d`` decimals stands for every exact value ``x``
that prints as ``t``. Software does not agree on how a tie prints, so two rules
are known and, by default (``rounding="either"``), a value is consistent when
*either* makes it so; every check takes ``rounding`` to name one, and
:func:`grim_rounding` / :func:`grimmer_rounding` say which rules made a value
consistent.

``"half-up"``
    Ties away from zero, on the exact value: for ``t >= 0`` the half-open
    interval ``t - h <= x < t + h`` with ``h = 0.5 * 10**-d`` ("23.5" covers
    [23.45, 23.55)). SPSS, Excel, hand rounding, :mod:`cohortstats.core.rounding`.
``"half-even"``
    As R (``sprintf``, ``format``, ``round``) and numpy/Python print a double:
    the exact value is first the nearest double, whose exact binary value is
    rounded, ties to even. An exactly representable tie goes to the even digit
    (``sprintf("%.2f", 17/8)`` is "2.12"); a tie that is not representable goes
    where its double lies (``sprintf("%.2f", 3/40)`` is "0.07", the double of
    0.075 being a little below it). An SD is ``sqrt`` of the double of the exact
    variance, correctly rounded (R's ``sd`` may differ from that by an ulp of its
    own arithmetic, which only matters within ~1e-16 of a tie).

All arithmetic is exact — the printed text is read as a :class:`decimal.Decimal`,
every mean, variance and p-value is a :class:`fractions.Fraction` — so no float
tolerance is involved anywhere except where "half-even" models R's doubles.

Functions
---------
grim, grimmer, signed_rank_support
    The three checks; pure functions of plain numbers.
grim_rounding, grimmer_rounding
    Which rounding rules make the printed numbers consistent.
consistency
    Plain-words findings per outcome of ``data/published.yml``.
"""
from cohortstats.stats.forensics._printed import ROUNDING_RULES, rounds_to, rounds_to_sd
from cohortstats.stats.forensics.grim import grid_totals, grim, grim_rounding
from cohortstats.stats.forensics.grimmer import (grimmer, grimmer_rounding, grimmer_witness,
                                                 sumsq_window)
from cohortstats.stats.forensics.signed_rank_support import signed_rank_pvalue, signed_rank_support

__all__ = [
    "grim", "grid_totals", "grim_rounding", "grimmer", "grimmer_witness", "grimmer_rounding",
    "sumsq_window", "signed_rank_support", "signed_rank_pvalue", "rounds_to", "rounds_to_sd",
    "ROUNDING_RULES",
]

