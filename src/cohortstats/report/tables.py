"""The tables of the analysis, as formatted cells: one definition for the notebooks and the report.

Each function takes typed results (:mod:`cohortstats.results`) and returns a
:class:`Table` — caption, headers, rows of text. The notebooks show it
(``notebook.show``), the HTML template and the Word document lay it out. Every
number is printed by :mod:`cohortstats.core.rounding`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from cohortstats.core.format import NO_VALUE, ci_label, ci_text, estimate_text, label_unit, p_text
from cohortstats.core.rounding import fmt, fmt_short

__all__ = ["Table", "Verdict", "summary_table", "tests_table", "variants_table",
           "loo_table", "attrition_table", "values_table", "claims_table", "consistency_table", "sources_tables", "table1"]


@dataclass(frozen=True)
class Verdict:
    """A reproduced / not reproduced mark (the template styles it)."""

    ok: bool

    def __str__(self) -> str:
        return "✓ Reproduced" if self.ok else "✗ Not reproduced"


@dataclass(frozen=True)
class Table:
    """A table of formatted cells.

    Attributes
    ----------
    caption : str
    headers : tuple of str
    rows : tuple of tuple
        Cells are text or :class:`Verdict`.
    numeric : tuple of int
        Columns to right-align.
    note : str
        A sentence printed under the table.
    """

    caption: str
    headers: tuple
    rows: tuple
    numeric: tuple = field(default=())
    note: str = ""

    def frame(self):
        """The table as a pandas DataFrame of text (for a notebook)."""
        import pandas as pd

        return pd.DataFrame([[str(c) for c in r] for r in self.rows], columns=list(self.headers))


def _x(value, decimals: int) -> str:
    return NO_VALUE if value is None else fmt(value, decimals)


def _meta(x):
    """Label, unit and decimals of an OutcomeResult or an OutcomeSummary."""
    o = getattr(x, "outcome", x)
    return o.label, o.unit, o.decimals


def summary_table(items) -> Table:
    """Each outcome at drug start and at 6 months (OutcomeResult or OutcomeSummary records)."""
    rows = []
    for x in items:
        label, unit, d = _meta(x)
        for when, s in (("drug start", x.baseline), ("6 months", x.followup)):
            iqr = "—" if s.q1 is None else f"{fmt(s.q1, d)} to {fmt(s.q3, d)}"
            rows.append((f"{label_unit(label, unit)}, {when}", str(s.n), _x(s.mean, d), _x(s.sd, d),
                         _x(s.median, d), iqr))
    return Table("Each outcome over the patients with both values: mean, sample SD (n − 1), median "
                 "and quartiles (linear interpolation)",
                 ("Outcome", "n", "Mean", "SD", "Median", "Q1 to Q3"), tuple(rows), (1, 2, 3, 4, 5))


def tests_table(outcomes) -> Table:
    """The primary test of each outcome (OutcomeResult records)."""
    rows = []
    level = ci_label(0.95)
    for o in outcomes:
        t = o.test
        if t is None:
            rows.append((label_unit(o.label, o.unit), str(o.n_pairs), "—", "—", "not computed", "—", "—",
                         o.test_undefined))
            continue
        level = ci_label(t.conf_level)
        d = o.decimals + 1
        rows.append((label_unit(o.label, o.unit), str(o.n_pairs), str(t.n_nonzero), fmt(t.statistic, 1),
                     p_text(t.p_value), estimate_text(t.estimate, d), ci_text(t.conf_int, d),
                     f"{t.method}. Estimate and CI: {t.ci_method}"))
    return Table("The primary analysis: Wilcoxon matched-pairs signed-rank test on the decrease "
                 "d = value at drug start − value at 6 months (positive = a decrease)",
                 ("Outcome", "Pairs", "Non-zero", "T+", "P", "Decrease (Hodges–Lehmann)",
                  level, "How computed"), tuple(rows), (1, 2, 3, 4, 5, 6))


def variants_table(o) -> Table:
    """One outcome's test variants (an OutcomeResult)."""
    rows = []
    d = o.decimals + 1
    for v in o.variants:
        label = v.label + (" (primary)" if getattr(v, "primary", False) else "")
        reason = getattr(v, "reason", None)
        if reason:
            rows.append((label, "—", "—", "not computed", "—", "—", reason))
            continue
        rows.append((label, str(v.n), _x(v.statistic, 3), p_text(v.pvalue), estimate_text(v.estimate, d),
                     ci_text(v.conf_int, d), getattr(v, "ci_method", None) or ""))
    return Table(f"{label_unit(o.label, o.unit)}: the same pairs under other tests; estimate = "
                 "Hodges–Lehmann decrease (signed-rank) or mean decrease (t-test)",
                 ("Test", "n", "Statistic", "P", "Estimate", "CI", "Estimate computed by"),
                 tuple(rows), (1, 2, 3, 4))


def loo_table(outcomes, leave_one_out: dict, not_computed: dict) -> Table:
    """Leave-one-patient-out, one row per outcome."""
    rows = []
    for o in outcomes:
        r = leave_one_out.get(o.name)
        if r is None:
            rows.append((o.label, "—", "—", "—", f"not computed: {not_computed.get(o.name, '')}"))
            continue
        alpha = fmt_short(r.alpha, 4)
        rows.append((o.label, str(r.n_pairs), p_text(r.p_min), p_text(r.p_max),
                     f"{r.n_below} of {r.n_pairs} (P < {alpha})"))
    return Table("The primary test repeated without each patient in turn: the range of P, and how "
                 "many of those analyses stay below alpha",
                 ("Outcome", "Analyses", "P, lowest", "P, highest", "Below alpha"), tuple(rows),
                 (1, 2, 3))


def claims_table(claims) -> Table:
    """Published against computed (a ClaimsFragment)."""
    rows = []
    for c in claims.claims:
        if c.computed is None:
            computed = "not computed"
        elif c.kind == "count":
            computed = fmt(c.computed, 0)
        else:
            computed = f"{c.computed:.6g}"
        lo, hi = c.interval
        interval = f"= {fmt(lo, 0)}" if c.kind == "count" else f"[{lo:.6g}, {hi:.6g})"
        rows.append((c.id, c.statement or c.id, c.published, computed, interval, Verdict(c.reproduced)))
    return Table("Every number of the abstract's Results: published, computed from this cohort, and "
                 "the values that print as published (half up at the printed precision)",
                 ("Number", "Published statement", "Published", "Computed",
                  "Prints as published if in", "Verdict"), tuple(rows), (2, 3))


def consistency_table(claims, labels: dict | None = None) -> Table:
    """GRIM, GRIMMER and signed-rank findings (a ClaimsFragment); ``labels``: outcome name -> label."""
    labels = labels or {}
    rows = tuple((labels.get(f.outcome, f.outcome), f.check,
                  "consistent" if f.passed else "inconsistent", f.text) for f in claims.consistency)
    return Table("GRIM, GRIMMER and signed-rank support of the published numbers, with the paper's "
                 f"n = {claims.paper_n}", ("Outcome", "Check", "Result", "Finding"), rows)


def sources_tables(claims, outcomes: dict) -> list[Table]:
    """Which test prints each published P, with the statcheck-style cross-check as the note."""
    out = []
    for src in claims.p_value_sources:
        o = outcomes[src.outcome]
        rows = tuple((v.label, p_text(v.pvalue), "yes" if v.matches else "no") for v in src.variants)
        cc = src.crosscheck
        note = ""
        if cc is not None:
            table_p = "no table value" if cc.p_table is None else p_text(cc.p_table)
            note = (f"Cross-check ({o.label}): from T+ and n = {cc.n_nonzero} non-zero pairs, "
                    f"W = {fmt(cc.w, 1)}; the no-ties exact table gives P = {table_p}; {cc.note}.")
        out.append(Table(f"{o.label}: which test prints the published P = {src.published}?",
                         ("Test", "P", "Prints as published"), rows, (1,), note))
    return out


def table1(header_and_rows, n: int, outcomes=()) -> Table:
    """Table 1 from the cells notebook 01 saved (first row: the headers).

    ``outcomes`` (OutcomeResult records): when a patient lacks a value, the note says that
    Table 1 describes every recorded value while the Results use the complete pairs.
    """
    header, *rows = header_and_rows
    names = {"section": "Variable", "characteristic": "Characteristic",
             "value": f"All patients (n = {n})"}
    return Table(f"Characteristics of the {n} patients; n (%), with the denominator where it is not "
                 "all patients", tuple(names.get(h, h) for h in header), tuple(tuple(r) for r in rows),
                 tuple(range(2, len(header))), _pairs_note(outcomes))


def _pairs_note(outcomes) -> str:
    incomplete = [o for o in outcomes if o.n_missing]
    if not incomplete:
        return ""
    pairs = "; ".join(f"{o.label}, {o.n_pairs} of {o.n_pairs + o.n_missing} patients"
                      for o in incomplete)
    return ("The outcome rows describe every value recorded at that time point; the Results and the "
            f"paired analyses use the patients with both values ({pairs}).")


def attrition_table(source) -> Table:
    """The cohort definition's steps: persons left after each, and those it excluded (a Source)."""
    rows, before = [], None
    for s in source.attrition:
        rows.append((s.label, f"{s.n:,}", "" if before is None else f"{before - s.n:,}"))
        before = s.n
    return Table(f"Who was selected from the {source.kind}, step by step (STROBE flow)",
                 ("Step", "Persons", "Excluded"), tuple(rows), (1, 2))


def values_table(source) -> Table:
    """For each analysed column: values found, not recorded, and data left out with the reason."""
    rows = tuple((v.column, str(v.found), str(v.not_recorded), str(v.left_out), v.reason)
                 for v in source.values)
    return Table(f"What the {source.kind} held for each analysed value, over the analysed patients",
                 ("Value", "Found", "Not recorded", "Left out", "Left out because"), rows, (1, 2, 3))
