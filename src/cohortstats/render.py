"""Render results as the report page: the template does the layout, this module prepares plain data.

The page is ``templates/report.html.j2`` (Jinja2, autoescape on); its style sheet,
``templates/report.css``, and the figures are inlined, so ``results.html`` is one
self-contained file that works offline. Nothing here computes a statistic: every
value comes from :class:`cohortstats.results.Results`; numbers are printed by
:mod:`cohortstats.rounding` only.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass, field
from pathlib import Path

from .prose import Number, p_words, results_sentences
from .rounding import fmt

__all__ = ["Table", "render_html", "TITLE", "tables"]

TITLE = "Lenalidomide for refractory cutaneous manifestations of pediatric SLE — reproduced Results"
_TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class Verdict:
    """A reproduced / not reproduced mark (the template styles it)."""

    ok: bool


@dataclass(frozen=True)
class Table:
    """A table as the template prints it: cells are text, :class:`Verdict` or :class:`Number`."""

    caption: str
    headers: tuple
    rows: tuple
    numeric: tuple = field(default=())
    intro: str = ""


def _p(p) -> str:
    return "—" if p is None else p_words(p).replace("= ", "")


def _x(value, decimals: int) -> str:
    return "—" if value is None else fmt(value, decimals)


def _ci(ci, decimals: int) -> str:
    return "—" if not ci else f"{fmt(ci[0], decimals)} to {fmt(ci[1], decimals)}"


def _summary_table(results) -> Table:
    rows = []
    for o in results.outcomes.values():
        for when, s in (("drug start", o.baseline), ("6 months", o.followup)):
            d = o.decimals
            iqr = "—" if s.q1 is None else f"{fmt(s.q1, d)} to {fmt(s.q3, d)}"
            rows.append((f"{o.label} ({o.unit}), {when}", str(s.n), _x(s.mean, d), _x(s.sd, d),
                         _x(s.median, d), iqr))
    return Table("Each outcome over the patients with both values: mean, sample SD (n − 1), median "
                 "and interquartile range (quartiles by linear interpolation)",
                 ("Outcome", "n", "Mean", "SD", "Median", "Q1 to Q3"), tuple(rows), (1, 2, 3, 4, 5))


def _tests_table(results) -> Table:
    rows = []
    for o in results.outcomes.values():
        t = o.test
        if t is None:
            rows.append((f"{o.label} ({o.unit})", str(o.n_pairs), "—", "—", "not computed", "—", "—",
                         o.test_undefined))
            continue
        d = o.decimals + 1
        rows.append((f"{o.label} ({o.unit})", str(o.n_pairs), str(t.n_nonzero), fmt(t.statistic, 1),
                     _p(t.p_value), _x(t.estimate, d), _ci(t.conf_int, d),
                     f"{t.method}. Estimate and CI: {t.ci_method}"))
    level = next((f"{o.test.conf_level:.0%}" for o in results.outcomes.values() if o.test), "95%")
    return Table("The primary analysis: Wilcoxon matched-pairs signed-rank test on the decrease "
                 "d = value at drug start − value at 6 months (positive = a decrease)",
                 ("Outcome", "Pairs", "Non-zero", "T+", "P", "Decrease (Hodges–Lehmann)",
                  f"{level} CI", "How computed"), tuple(rows), (1, 2, 3, 4, 5, 6))


def _variants_tables(results) -> list[Table]:
    out = []
    for o in results.outcomes.values():
        rows = []
        for v in o.variants:
            reason = getattr(v, "reason", None)
            label = v.label + (" (primary)" if getattr(v, "primary", False) else "")
            if reason:
                rows.append((label, "—", "—", "not computed", "—", "—", reason))
                continue
            d = o.decimals + 1
            rows.append((label, str(v.n), _x(v.statistic, 3), _p(v.pvalue), _x(v.estimate, d),
                         _ci(v.conf_int, d), getattr(v, "ci_method", None) or ""))
        out.append(Table(f"{o.label} ({o.unit}): the same pairs under other tests; estimate = "
                         "Hodges–Lehmann decrease (signed-rank) or mean decrease (t-test)",
                         ("Test", "n", "Statistic", "P", "Estimate", "CI", "Estimate computed by"),
                         tuple(rows), (1, 2, 3, 4)))
    return out


def _loo_sentences(results) -> list[str]:
    out = []
    for name, o in results.outcomes.items():
        loo = results.leave_one_out.get(name)
        if loo is None:
            reason = results.leave_one_out_not_computed.get(name, "not computed")
            out.append(f"{o.label}, leave-one-patient-out: not computed ({reason}).")
            continue
        out.append(f"{o.label}, leave-one-patient-out: the primary test repeated {loo.n_pairs} times, "
                   f"each time without one patient, gives P from {_p(loo.p_min)} to {_p(loo.p_max)}; "
                   f"{loo.n_below} of {loo.n_pairs} analyses have P < {fmt(loo.alpha, 3).rstrip('0')}.")
    return out


def _claims_table(results) -> Table:
    rows = []
    for c in results.claims.claims:
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
                 ("Number", "Published statement", "Published", "Computed", "Prints as published if in",
                  "Verdict"), tuple(rows), (2, 3))


def _consistency_table(results) -> Table:
    rows = tuple((results.outcomes[f.outcome].label if f.outcome in results.outcomes else f.outcome,
                  f.check, "consistent" if f.passed else "inconsistent", f.text)
                 for f in results.claims.consistency)
    return Table(f"GRIM, GRIMMER and signed-rank support of the published numbers, with the paper's "
                 f"n = {results.claims.paper_n}", ("Outcome", "Check", "Result", "Finding"), rows)


def _sources_tables(results) -> list[tuple[Table, str]]:
    out = []
    for src in results.claims.p_value_sources:
        o = results.outcomes[src.outcome]
        rows = tuple((v.label, _p(v.pvalue), "yes" if v.matches else "no") for v in src.variants)
        table = Table(f"{o.label}: which test prints the published P = {src.published}?",
                      ("Test", "P", "Prints as published"), rows, (1,))
        cc = src.crosscheck
        note = ""
        if cc is not None:
            table_p = "no table value" if cc.p_table is None else _p(cc.p_table)
            note = (f"Cross-check ({o.label}): from T+ and n = {cc.n_nonzero} non-zero pairs, "
                    f"W = {fmt(cc.w, 1)}; the no-ties exact table gives P = {table_p}; {cc.note}.")
        out.append((table, note))
    return out


def _table1(results) -> Table:
    header, *rows = results.table1
    return Table(f"Characteristics of the {results.provenance.n} patients", tuple(header),
                 tuple(tuple(r) for r in rows), tuple(range(2, len(header))))


def _figures(results, figures_dir: Path) -> list[dict]:
    out = []
    for o in results.outcomes.values():
        fig = o.figure
        if fig is None:
            continue
        data = (figures_dir / fig.svg).read_bytes()
        out.append({"uri": "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii"),
                    "alt": fig.alt, "caption": fig.caption, "width": fig.width, "height": fig.height,
                    "others": [f for f in fig.files[1:]]})
    return out


def tables(results) -> dict:
    """Every table of the report as :class:`Table` records (the Word document uses them too)."""
    out = {"table1": _table1(results), "summary": _summary_table(results),
           "tests": _tests_table(results), "variants": _variants_tables(results)}
    if results.claims.published is not None:
        out["claims"] = _claims_table(results)
        out["consistency"] = _consistency_table(results)
    return out


def _environment():
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
                             autoescape=jinja2.select_autoescape(["html", "j2"]),
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    env.tests["number"] = lambda x: isinstance(x, Number)
    env.tests["verdict"] = lambda x: isinstance(x, Verdict)
    env.filters["raw"] = lambda x: x if isinstance(x, (int, float)) else x
    return env


def render_html(results, figures_dir, links: dict | None = None) -> str:
    """The report page.

    Parameters
    ----------
    results : cohortstats.results.Results
    figures_dir : str or Path
        Where the figures' files are (embedded as data URIs).
    links : dict, optional
        Notebook name -> relative URL of its HTML page, for the numbers' links.

    Returns
    -------
    str
    """
    env = _environment()
    css = (_TEMPLATES / "report.css").read_text(encoding="utf-8")
    comparison = results.claims.published is not None
    return env.get_template("report.html.j2").render(
        title=TITLE, r=results, css=css, sentences=results_sentences(results),
        tables=tables(results), loo=_loo_sentences(results),
        sources=_sources_tables(results) if comparison else [], comparison=comparison,
        figures=_figures(results, Path(figures_dir)), links=links or {},
        environment=sorted(results.environment.items()))
