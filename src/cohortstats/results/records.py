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
from cohortstats.results.statistics import (CohortCounts, ClaimCheck, Finding, LeaveOneOut,  # noqa: F401
                                           PCrossCheck, PValueSource, Summary, Variant,
                                           VariantMatch)

__all__ = ["AttritionStep", "ValueCount", "Source", "Figure", "BuildKey", "Provenance",
           "PrimaryTest", "OutcomeResult", "CohortFragment", "OutcomesFragment",
           "SensitivityFragment", "ClaimsFragment", "Results", "FRAGMENTS"]


# --------------------------------------------------------------------------- where the cohort came from


@dataclass(frozen=True)
class AttritionStep:
    """One step of a cohort definition: its words and the persons left after it."""

    label: str
    n: int


@dataclass(frozen=True)
class ValueCount:
    """What the source held for one analysed column.

    Attributes
    ----------
    column : str
        ``prednisone_mg_baseline``.
    found, not_recorded : int
        Analysed patients with a value; without one.
    left_out : int
        Data the source held but the definition does not use (an exposure whose dose
        cannot be computed, a measurement in another unit), counted.
    reason : str
        What ``left_out`` counts.
    """

    column: str
    found: int
    not_recorded: int
    left_out: int
    reason: str


@dataclass(frozen=True)
class Source:
    """Where the cohort table came from, when it was not a cohort file given as such.

    Nothing here identifies a patient or a connection: no URL, no date, no record id.

    Attributes
    ----------
    kind : str
        ``OMOP CDM`` or ``REDCap export``.
    name : str
        The source's own name for itself (the CDM's ``cdm_source_name``), or "".
    files : tuple of (str, str)
        (base name, SHA-256) of the files that define the cohort (definition, records,
        dictionary, mapping).
    attrition : tuple of AttritionStep
        First step: everyone in the source; last: the analysed patients.
    values : tuple of ValueCount
    notes : tuple of str
        Sentences for the report (fields left out as identifiers, missing-data codes…).
    definition : str
        The cohort definition as the Methods show it (YAML), or "".
    """

    kind: str
    name: str
    files: tuple[tuple[str, str], ...]
    attrition: tuple[AttritionStep, ...]
    values: tuple[ValueCount, ...]
    notes: tuple[str, ...]
    definition: str


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
    not_used : tuple of (str, str)
        Columns of the file the analysis does not use, with the reason.
    """

    file: str
    sha256: str
    reconstructed: bool
    n: int
    not_used: tuple[tuple[str, str], ...] = ()


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
    source: Source | None = None


#: Fragment name -> (notebook that writes it, type).
FRAGMENTS = {
    "cohort": (NOTEBOOK_OF["cohort"], CohortFragment),
    "outcomes": (NOTEBOOK_OF["outcomes"], OutcomesFragment),
    "sensitivity": (NOTEBOOK_OF["sensitivity"], SensitivityFragment),
    "claims": (NOTEBOOK_OF["claims"], ClaimsFragment),
}


