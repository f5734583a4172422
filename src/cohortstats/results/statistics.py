"""The records of the statistics: summaries, counts, tests, leave-one-out, claims, consistency.

Frozen dataclasses that :mod:`cohortstats.stats` returns and the fragments hold
(:mod:`cohortstats.results.records`); they import nothing of the package.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Summary", "CohortCounts", "Variant", "LeaveOneOut", "ClaimCheck", "PCrossCheck", "VariantMatch", "PValueSource", "Finding"]


@dataclass(frozen=True)
class Summary:
    """Summary of one sample.

    Attributes
    ----------
    n : int
        Values summarised (NaN left out).
    mean, sd : float or None
        Arithmetic mean and sample standard deviation (ddof = 1). ``mean`` is
        None when ``n == 0``; ``sd`` when ``n < 2``.
    median, q1, q3, min, max : float or None
        Quartiles by linear interpolation (R's type 7, numpy's default); None
        when ``n == 0``.
    """

    n: int
    mean: float | None
    sd: float | None
    median: float | None
    q1: float | None
    q3: float | None
    min: float | None
    max: float | None


@dataclass(frozen=True)
class CohortCounts:
    """Counts of a cohort, as plain values (JSON-able; never NaN).

    Attributes
    ----------
    n, female, male, african_american : int
    race : dict
        Race → count, in vocabulary order (:data:`cohortstats.core.vocabulary.RACES`),
        values outside it next (alphabetical), ``"Not recorded"`` (an empty cell
        or the word) last; only races present.
    n_race_recorded : int
        Patients with a race other than not recorded.
    indications, responses, adverse_events : dict or None
        Code → count; ``None`` when the column is absent. ``indications`` counts
        patients with each indication, every code in vocabulary order (zeros
        too); ``responses`` likewise; ``adverse_events`` counts each entry
        (lower case), most frequent first.
    n_indications_recorded, n_response_recorded, n_adverse_recorded : int
        Patients with a non-empty cell in that column (the denominators).
    age : dict or None
        ``{"n", "n_not_recorded", "median", "q1", "q3", "min", "max"}`` of
        ``age_years`` when the column has a value.
    ethnicity : dict or None
        Ethnicity → count (OMB categories, "Not recorded" last); None without the column.
    outcomes : dict
        Outcome name → ``{"label", "unit", "decimals", "baseline", "followup"}``;
        ``baseline`` and ``followup`` are :class:`Summary` fields as a dict plus
        ``n_not_recorded``, over the values recorded at that time point (not
        only complete pairs).
    """

    n: int
    female: int
    male: int
    african_american: int
    race: dict[str, int]
    indications: dict | None
    n_indications_recorded: int
    responses: dict | None
    n_response_recorded: int
    adverse_events: dict | None
    n_adverse_recorded: int
    age: dict | None
    n_race_recorded: int = 0
    outcomes: dict | None = None
    ethnicity: dict[str, int] | None = None


@dataclass(frozen=True)
class Variant:
    """One test of the same pairs.

    Differences are ``d = value at drug start − value at 6 months`` (positive = a
    decrease) for every variant. No field is NaN: what is undefined is None, and
    ``reason`` says why.

    Attributes
    ----------
    key : str
        Stable identifier ("primary", "pratt", "approx_cc", "approx", "r_wilcox_test",
        "scipy_default", "t", "t_changed").
    label : str
        Words for the report; names the test, its zero handling or exclusions, the
        null distribution, the continuity correction and the sidedness.
    n : int
        Pairs entering the test (after dropping what the variant drops).
    statistic : float or None
        T+ for the signed-rank variants (scipy's default: its own statistic,
        min(T+, T−) two-sided), t for the t-tests; None when undefined.
    pvalue : float or None
    method : str
        "exact", "approx" (normal approximation), "scipy" or "t".
    alternative : str
        "two-sided", "greater" (a decrease) or "less" (an increase).
    correction : bool or None
        Whether a continuity correction was applied to the normal approximation;
        None where none applies (exact null distributions, t-tests).
    estimate : float or None
        Hodges–Lehmann estimate of the decrease (signed-rank) or mean decrease (t-test).
    conf_int : tuple of float or None
    ci_method : str or None
        How the estimate and CI were computed, in words.
    effect_size : float or None
        Matched-pairs rank-biserial correlation (signed-rank), Cohen's d_z (t-test).
    reason : str or None
        Why the variant is undefined (then statistic, pvalue and estimate are None);
        None when it was computed.
    primary : bool
        The analysis the report's Results use.
    """

    key: str
    label: str
    n: int
    statistic: float | None
    pvalue: float | None
    method: str
    alternative: str
    correction: bool | None
    estimate: float | None
    conf_int: tuple[float, float] | None
    ci_method: str | None
    effect_size: float | None
    reason: str | None = None
    primary: bool = False


@dataclass(frozen=True)
class LeaveOneOut:
    """The primary test repeated with each patient left out in turn.

    Attributes
    ----------
    n_pairs : int
    p_min, p_max : float or None
        Range of the p-values over the defined analyses (None if none is defined).
    n_below : int
        How many of them are below ``alpha``.
    alpha : float
    pvalues : tuple of (float or None)
        In row order of the complete pairs; None where the analysis without that
        patient is undefined.
    reasons : tuple of (str or None)
        Why each undefined analysis is undefined; None where it was computed.
    n_undefined : int
    method : str
        ``method`` of the primary test, as passed.
    """

    n_pairs: int
    p_min: float | None
    p_max: float | None
    n_below: int
    alpha: float
    pvalues: tuple[float | None, ...]
    reasons: tuple[str | None, ...] = ()
    n_undefined: int = 0
    method: str = "auto"


@dataclass(frozen=True)
class ClaimCheck:
    """The verdict on one printed number.

    Attributes
    ----------
    id, published, kind, statement, unit : str
    computed : float or None
        The value computed from the data (None when it could not be computed).
    interval : tuple of float
        [low, high): computed values that print as the published text.
    reproduced : bool
    """

    id: str
    published: str
    kind: str
    statement: str
    unit: str
    computed: float | None
    interval: tuple[float, float]
    reproduced: bool


@dataclass(frozen=True)
class PCrossCheck:
    """A reported P recomputed from its statistic and n (statcheck-style).

    Attributes
    ----------
    outcome : str
    w : float
        W = min(T+, T−), from the reported T+ and n.
    n_nonzero : int
    p_reported : float
        The P the analysis reported.
    p_table : float or None
        Exact two-sided P of the no-ties signed-rank table for (n, W); None when W
        is not a whole number (tied midranks) or n > 60 (table not used).
    agrees : bool or None
        Whether the two agree to 1e-9; None when there is no table value.
    note : str
    """

    outcome: str
    w: float
    n_nonzero: int
    p_reported: float
    p_table: float | None
    agrees: bool | None
    note: str


@dataclass(frozen=True)
class VariantMatch:
    """One test variant's P against a published P.

    Attributes
    ----------
    key, label : str
        The variant (:class:`cohortstats.stats.sensitivity.Variant`).
    pvalue : float or None
        None when the variant is undefined for these data.
    matches : bool
        Whether it prints as the published P.
    """

    key: str
    label: str
    pvalue: float | None
    matches: bool


@dataclass(frozen=True)
class PValueSource:
    """Which of the test variants print a published P, and a statcheck-style cross-check.

    Attributes
    ----------
    claim, outcome, published : str
    variants : tuple of VariantMatch
    crosscheck : PCrossCheck or None
    """

    claim: str
    outcome: str
    published: str
    variants: tuple[VariantMatch, ...]
    crosscheck: PCrossCheck | None


@dataclass(frozen=True)
class Finding:
    """One consistency finding in plain words.

    Attributes
    ----------
    outcome : str
        Outcome name (``prednisone_mg``).
    check : str
        "grim", "grimmer", "signed_rank" or "structure".
    passed : bool
        Whether the printed numbers pass (for "signed_rank": some structure exists).
    text : str
        The sentence for a reader.
    """

    outcome: str
    check: str
    passed: bool
    text: str


