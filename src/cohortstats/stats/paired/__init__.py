"""Exact Wilcoxon matched-pairs signed-rank test that agrees with R.

The public entry point is :func:`paired_signed_rank`; :func:`signed_rank_null`
gives the exact null distribution of ``2 * T+`` for any (doubled, integer)
rank scores and is meant to be reused (e.g. by ``cohortstats.stats.forensics``).

Why not :func:`scipy.stats.wilcoxon`?  With tied ``|d|`` or zero differences
scipy (<= 1.17) either refuses the exact distribution or computes it for the
untied ranks, so its "exact" p-value is not the exact *conditional* p-value that
``coin::wilcoxsign_test(distribution = "exact")`` and
``exactRankTests::wilcox.exact`` report.  This module computes the conditional
distribution given the observed midranks, with numpy only, fast enough for
``n`` in the thousands (see ``bench/bench_signed_rank.py``).

The engine is split along its seams: ``_input`` (checks, near-ties), ``_ranks``,
``_exact`` (the conditional null), ``_normal``, ``_walsh`` (the exact Hodges–Lehmann
interval), ``_asymptotic`` (R's root-finding, roots located exactly), ``_api``.
"""
from cohortstats.stats.paired._api import paired_signed_rank
from cohortstats.stats.paired._exact import signed_rank_null
from cohortstats.stats.paired._input import merge_near_ties
from cohortstats.stats.paired._result import (EXACT_LIMIT_N, EXACT_MAX_N, SIGN_CONVENTION, TIE_RTOL,
                                             WALSH_MAX_N, SignedRankResult)

__all__ = ["SignedRankResult", "paired_signed_rank", "signed_rank_null",
           "EXACT_MAX_N", "EXACT_LIMIT_N", "WALSH_MAX_N", "TIE_RTOL", "SIGN_CONVENTION",
           "merge_near_ties"]
