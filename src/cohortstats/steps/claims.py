"""The steps of ``04-claims``: the published numbers against the computed ones, and their consistency."""
from __future__ import annotations

from cohortstats.core.outcomes import describe
from cohortstats.report import tables
from cohortstats.results import ClaimsFragment
from cohortstats.stats.claims import (check_claims, load_published, load_source, p_value_sources,
                                      paper_n)
from cohortstats.stats.consistency import consistency as _consistency
from cohortstats.steps.notebook import say, show

__all__ = ["evaluate", "verdict_sentence", "compare", "consistency"]


def evaluate(run, upstream: dict):
    """The fragment of ``04-claims``: every published number against the computed one.

    Parameters
    ----------
    run : cohortstats.steps.notebook.Run
        ``run.published`` names ``published.yml`` (None: nothing to compare).
    upstream : dict
        The fragments ``cohort``, ``outcomes`` and ``sensitivity`` of the same build
        (:func:`cohortstats.results.load_fragments`).

    Returns
    -------
    cohortstats.results.ClaimsFragment
    """
    key = run.key("outcomes", "method", "conf_level", "alpha", "published")
    if run.published is None:
        return ClaimsFragment(key=key, published=None, source={}, paper_n=None, claims=(),
                              reproduced=0, total=0, p_value_sources=(), consistency=())
    published = load_published(run.published)
    computed = {"cohort": upstream["cohort"].counts, "outcomes": upstream["outcomes"].outcomes}
    checks = tuple(check_claims(published, computed))
    n = paper_n(published)
    names = sorted({c.computed.split(".")[1] for c in published
                    if c.computed.startswith("outcomes.") and c.computed.count(".") >= 2})
    findings = _consistency(published, n, {name: describe(name) for name in names}) if n else ()
    return ClaimsFragment(key=key, published=run.published.name, source=load_source(run.published),
                          paper_n=n, claims=checks, reproduced=sum(c.reproduced for c in checks),
                          total=len(checks), p_value_sources=p_value_sources(published, computed["outcomes"]),
                          consistency=tuple(findings))


def verdict_sentence(fragment) -> str:
    """``**13/13 published numbers reproduced.**`` (Markdown), or that nothing was compared."""
    if fragment.published is None:
        return "No published numbers were given (`published` is empty): nothing to compare."
    return f"**{fragment.reproduced}/{fragment.total} published numbers reproduced.**"


def compare(run, upstream: dict) -> ClaimsFragment:
    """Every published number against the computed one: the verdict, said and shown as a table."""
    verdict = evaluate(run, upstream)
    say(verdict_sentence(verdict))
    show(tables.claims_table(verdict))
    return verdict


def consistency(verdict: ClaimsFragment, upstream: dict) -> None:
    """Show the checks of the published numbers alone: GRIM, GRIMMER, which test prints each P."""
    show(tables.consistency_table(verdict))
    for t in tables.sources_tables(verdict, upstream["outcomes"].outcomes):
        show(t)
