"""Render results as the report page: the template does the layout, this module prepares plain data.

The page is ``templates/report.html.j2`` (Jinja2, autoescape on); its style sheet,
``templates/report.css``, and the figures are inlined, so ``results.html`` is one
self-contained file that works offline. Nothing here computes a statistic: every
value comes from :class:`cohortstats.results.Results`; numbers are printed by
:mod:`cohortstats.core.rounding` only.
"""
from __future__ import annotations

import base64
import functools
from pathlib import Path

from cohortstats.report import tables as T
from cohortstats.report.flow import flow_alt, flow_svg
from cohortstats.report.prose import Code, Number, header, methods, notice, results_sentences

__all__ = ["render_html", "compile_template", "TITLE", "page_title", "tables"]

TITLE = "Lenalidomide for refractory cutaneous manifestations of pediatric SLE — reproduced Results"
_TEMPLATES = Path(__file__).resolve().parent / "templates"


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


def _flow(results) -> dict | None:
    """The attrition flow diagram, embedded as an SVG data URI, when the cohort came from a source."""
    if results.source is None:
        return None
    svg = flow_svg(results.source.attrition).encode("utf-8")
    return {"uri": "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii"),
            "alt": flow_alt(results.source.attrition)}


def page_title(results) -> str:
    """The report's title: a reproduction, or Results for a user's cohort."""
    if results.provenance.reconstructed:
        return TITLE
    return ("Lenalidomide for refractory cutaneous manifestations of pediatric SLE — Results for a "
            "user-supplied cohort")


def tables(results) -> dict:
    """Every table of the report (:class:`cohortstats.report.tables.Table`); the Word document uses them too."""
    outcomes = list(results.outcomes.values())
    out = {"table1": T.table1(results.table1, results.provenance.n, outcomes),
           "summary": T.summary_table(outcomes), "tests": T.tests_table(outcomes),
           "variants": [T.variants_table(o) for o in outcomes],
           "loo": T.loo_table(outcomes, results.leave_one_out, results.leave_one_out_not_computed)}
    if results.source is not None:
        out["attrition"] = T.attrition_table(results.source)
        out["values"] = T.values_table(results.source)
    if results.claims.published is not None:
        labels = {name: o.label for name, o in results.outcomes.items()}
        out["claims"] = T.claims_table(results.claims)
        out["consistency"] = T.consistency_table(results.claims, labels)
        out["sources"] = T.sources_tables(results.claims, results.outcomes)
    return out


#: The report page's template, in templates/.
_TEMPLATE = "report.html.j2"


@functools.lru_cache(maxsize=1)
def _environment():
    """One Jinja environment per process: its compiled template is reused (publishing renders the
    page twice, with and without links; compiling it costs about 50 ms), and compiled again if
    the template file changes (Jinja's auto-reload)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
                             autoescape=jinja2.select_autoescape(["html", "j2"]),
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    env.tests["number"] = lambda x: isinstance(x, Number)
    env.tests["verdict"] = lambda x: isinstance(x, T.Verdict)
    env.tests["code"] = lambda x: isinstance(x, Code)
    return env


def compile_template() -> None:
    """Compile the report's template now (about 50 ms), so that the first page rendered later
    does not (the build does it while a notebook still runs)."""
    _environment().get_template(_TEMPLATE)


def render_html(results, figures_dir, links=None) -> str:
    """The report page.

    Parameters
    ----------
    results : cohortstats.results.Results
    figures_dir : str or Path
        Where the figures' files are (embedded as data URIs).
    links : callable or dict, optional
        A :class:`cohortstats.report.prose.Number` -> the URL of the notebook cell that
        computed it (:class:`cohortstats.report.nbpages.Links`), or None for no link; or
        a dict, notebook name -> URL. Without it, numbers are not links.

    Returns
    -------
    str
    """
    env = _environment()
    css = (_TEMPLATES / "report.css").read_text(encoding="utf-8")
    comparison = results.claims.published is not None
    title = page_title(results)
    return env.get_template(_TEMPLATE).render(
        title=title, header=header(results), methods=methods(results), notice=notice(results), r=results, css=css, sentences=results_sentences(results),
        tables=tables(results), comparison=comparison,
        figures=_figures(results, Path(figures_dir)), flow=_flow(results),
        link=links if callable(links) else (lambda n, m=dict(links or {}): m.get(n.source)),
        environment=sorted(results.environment.items()))
