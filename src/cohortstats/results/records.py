"""The records of the results contract: every value a notebook hands on, as a frozen dataclass.

The statistics modules (:mod:`cohortstats.stats`) return these records and the
report (:mod:`cohortstats.report`) reads them; this module imports nothing of the
package, so the contract depends on no producer and no consumer. Containers are
annotated with their element types (``tuple[Variant, ...]``, ``dict[str,
OutcomeResult]``): the codec (:mod:`cohortstats.results.codec`) rebuilds them from
these annotations alone.

| fragment | notebook | type |
| --- | --- | --- |
| ``cohort`` | 01-cohort | :class:`CohortFragment` |
| ``outcomes`` | 02-outcomes | :class:`OutcomesFragment` |
| ``sensitivity`` | 03-sensitivity | :class:`SensitivityFragment` |
| ``claims`` | 04-claims | :class:`ClaimsFragment` |
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from cohortstats.core.notebooks import NOTEBOOK_OF

__all__ = ["Summary", "CohortCounts", "Variant", "LeaveOneOut", "ClaimCheck", "PCrossCheck",
           "VariantMatch", "PValueSource", "Finding", "Figure", "BuildKey", "Provenance",
           "PrimaryTest", "OutcomeResult", "CohortFragment", "OutcomesFragment",
           "SensitivityFragment", "ClaimsFragment", "Results", "FRAGMENTS"]


# --------------------------------------------------------------------------- statistics

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


# --------------------------------------------------------------------------- fragments and results


@dataclass(frozen=True)
class Figure:
    """One saved figure, as the report embeds it and a journal takes it.

    Attributes
    ----------
    outcome : str
        Outcome name (``prednisone_mg``).
    stem : str
        File name without suffix, shared by every format (``prednisone_mg``).
    files : tuple of str
        File names in the figures folder, SVG first (``prednisone_mg.svg``,
        ``prednisone_mg.pdf``, ``prednisone_mg.png``, ``prednisone_mg.csv``).
    caption : str
        The legend, without the "Figure N." prefix.
    alt : str
        Text alternative for a reader who cannot see it.
    width, height : int
        Display size of the SVG in CSS pixels.
    """

    outcome: str
    stem: str
    files: tuple[str, ...]
    caption: str
    alt: str
    width: int
    height: int

    @property
    def svg(self) -> str:
        return self.files[0]


@dataclass(frozen=True)
class BuildKey:
    """What a fragment was made from.

    Attributes
    ----------
    cohort_sha256 : str
        SHA-256 of the cohort file's bytes.
    parameters : dict
        The notebook's parameters that shape results (not where files go),
        e.g. ``{"outcomes": ["prednisone_mg", "esr_mm_hr"], "method": "auto"}``.
    version : str
        :func:`code_version`.
    """

    cohort_sha256: str
    parameters: dict
    version: str

    def differs(self, other: BuildKey) -> str | None:
        """What differs from ``other`` in words, or None when the two agree."""
        if self.cohort_sha256 != other.cohort_sha256:
            return (f"cohort SHA-256 {self.cohort_sha256[:12]}… vs {other.cohort_sha256[:12]}… "
                    "(another cohort file)")
        if self.version != other.version:
            return f"code version {self.version} vs {other.version}"
        for name in sorted(self.parameters.keys() & other.parameters.keys()):
            a, b = self.parameters[name], other.parameters[name]
            if a != b:
                return f"parameter {name} = {_short(a)} vs {_short(b)}"
        return None


def _short(value) -> str:
    text = json.dumps(value, ensure_ascii=True)
    return text if len(text) <= 60 else text[:57] + "…"


@dataclass(frozen=True)
class Provenance:
    """Where the analysed data came from.

    Attributes
    ----------
    file : str
        The cohort file's base name as the user gave it (never its folders).
    sha256 : str
    reconstructed : bool
        The bundle's reconstruction (not patient records).
    n : int
        Patients (rows).
    """

    file: str
    sha256: str
    reconstructed: bool
    n: int


@dataclass(frozen=True)
class PrimaryTest:
    """The primary analysis of one outcome: the Wilcoxon matched-pairs signed-rank test.

    Differences are d = value at drug start − value at 6 months (positive = a decrease).

    Attributes
    ----------
    method : str
        How the P was computed, in words.
    statistic : float
        T+, the sum of the ranks of the positive differences.
    n_nonzero : int
    p_value : float
    estimate : float or None
        Hodges–Lehmann estimate of the decrease.
    conf_int : tuple of float or None
    conf_level : float
    ci_method : str
        How the estimate and CI were computed, in words.
    effect_size : float or None
        Matched-pairs rank-biserial correlation.
    """

    method: str
    statistic: float
    n_nonzero: int
    p_value: float
    estimate: float | None
    conf_int: tuple[float, float] | None
    conf_level: float
    ci_method: str
    effect_size: float | None


@dataclass(frozen=True)
class OutcomeResult:
    """Everything computed for one outcome.

    Attributes
    ----------
    name, label, unit : str
        From ``data/outcomes.yml`` (:mod:`cohortstats.core.outcomes`).
    decimals : int
        Decimals of its printed means and SDs.
    described : bool
        Whether ``data/outcomes.yml`` describes it.
    n_pairs, n_missing : int
        Patients with both values; patients missing one or both (excluded).
    n_decreased, n_unchanged, n_increased : int
    baseline, followup, change : object
        :class:`cohortstats.stats.describe.Summary` at drug start, at 6 months, and of
        the decrease d = drug start − 6 months.
    test : PrimaryTest or None
    test_undefined : str or None
        Why the primary test could not be computed (when ``test`` is None).
    variants : tuple
        :class:`cohortstats.stats.sensitivity.Variant` rows: the same pairs under other tests.
    figure : Figure or None
    """

    name: str
    label: str
    unit: str
    decimals: int
    described: bool
    n_pairs: int
    n_missing: int
    n_decreased: int
    n_unchanged: int
    n_increased: int
    baseline: Summary
    followup: Summary
    change: Summary
    test: PrimaryTest | None
    test_undefined: str | None
    variants: tuple[Variant, ...]
    figure: Figure | None


@dataclass(frozen=True)
class CohortFragment:
    """What ``01-cohort`` hands on."""

    key: BuildKey
    provenance: Provenance
    counts: CohortCounts
    table1: tuple[tuple[str, ...], ...]
    environment: dict


@dataclass(frozen=True)
class OutcomesFragment:
    """What ``02-outcomes`` hands on: one :class:`OutcomeResult` per outcome, in order."""

    key: BuildKey
    outcomes: dict[str, OutcomeResult]


@dataclass(frozen=True)
class SensitivityFragment:
    """What ``03-sensitivity`` hands on: leave-one-patient-out per outcome.

    Attributes
    ----------
    leave_one_out : dict
        Outcome name -> :class:`cohortstats.stats.sensitivity.LeaveOneOut`, or None with
        the reason in ``not_computed``.
    not_computed : dict
        Outcome name -> why leave-one-out was not computed.
    """

    key: BuildKey
    leave_one_out: dict[str, LeaveOneOut | None]
    not_computed: dict[str, str]


@dataclass(frozen=True)
class ClaimsFragment:
    """What ``04-claims`` hands on: the published numbers against the computed ones.

    Attributes
    ----------
    published : str or None
        Base name of the published-numbers file, or None when none was given
        (``make report PUBLISHED=``): then every other field is empty.
    source : dict
        Citation, DOI, PMID of the paper.
    paper_n : int or None
        The paper's number of patients (the consistency checks use it).
    claims : tuple
        :class:`cohortstats.stats.claims.ClaimCheck`, in the abstract's order.
    reproduced, total : int
    p_value_sources : tuple
        :class:`cohortstats.stats.claims.PValueSource`: which test prints each published P.
    consistency : tuple
        :class:`cohortstats.stats.forensics.Finding`: checks of the published numbers alone.
    """

    key: BuildKey
    published: str | None
    source: dict
    paper_n: int | None
    claims: tuple[ClaimCheck, ...]
    reproduced: int
    total: int
    p_value_sources: tuple[PValueSource, ...]
    consistency: tuple[Finding, ...]


@dataclass(frozen=True)
class Results:
    """One build's results: what ``reports/results.json`` holds and the report prints.

    Dotted paths into it (``outcomes.prednisone_mg.baseline.mean``) name every
    number, in ``data/published.yml`` and in the report's ``data-key`` attributes.
    """

    schema: int
    key: BuildKey
    build: str
    provenance: Provenance
    cohort: CohortCounts
    table1: tuple[tuple[str, ...], ...]
    outcomes: dict[str, OutcomeResult]
    leave_one_out: dict[str, LeaveOneOut | None]
    leave_one_out_not_computed: dict[str, str]
    claims: ClaimsFragment
    environment: dict


#: Fragment name -> (notebook that writes it, type).
FRAGMENTS = {
    "cohort": (NOTEBOOK_OF["cohort"], CohortFragment),
    "outcomes": (NOTEBOOK_OF["outcomes"], OutcomesFragment),
    "sensitivity": (NOTEBOOK_OF["sensitivity"], SensitivityFragment),
    "claims": (NOTEBOOK_OF["claims"], ClaimsFragment),
}


