"""Published numbers against computed ones.

Each number of the abstract is held in ``data/published.yml`` as printed. A
computed value *reproduces* it when it rounds to the printed text at the printed
precision (round half up): "23.5" is reproduced by any value in [23.45, 23.55),
"0.008" by [0.0075, 0.0085), "P < 0.001" by [0, 0.001), a count only by itself.
"""
from __future__ import annotations

from dataclasses import dataclass, asdict
from pathlib import Path

import yaml

from cohortstats.core import rounding as _rounding
from cohortstats.results.statistics import ClaimCheck, PCrossCheck, VariantMatch, PValueSource  # noqa: F401 (the records it returns)
from cohortstats.results import lookup as _lookup
from cohortstats.stats.forensics import signed_rank_pvalue

__all__ = ["PublishedClaim", "ClaimCheck", "load_published", "load_source",
           "check_claims", "lookup", "PCrossCheck", "crosscheck_p", "VariantMatch", "PValueSource",
           "p_value_sources", "paper_n"]

_KINDS = ("count", "mean", "sd", "p", "value")


@dataclass(frozen=True)
class PublishedClaim:
    """One printed number.

    Attributes
    ----------
    id : str
    text : str
        As printed ("23.5", "0.008", "< 0.001").
    kind : str
        One of count, mean, sd, p, value.
    computed : str
        Dotted path of the value in ``results.json`` ("outcomes.esr_mm_hr.p_value").
    statement : str
        The words of the abstract it stands in.
    unit : str
    """

    id: str
    text: str
    kind: str
    computed: str
    statement: str = ""
    unit: str = ""


def load_published(path) -> list[PublishedClaim]:
    """Read ``published.yml``.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    list of PublishedClaim
        In file order (the abstract's order).
    """
    path = Path(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"{path}: no such file") from None
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("claims"), dict):
        raise ValueError(f"{path}: expected a mapping with a `claims` mapping")
    out = []
    for cid, spec in doc["claims"].items():
        if not isinstance(spec, dict) or "text" not in spec or "computed" not in spec:
            raise ValueError(f"{path}: claim {cid!r} needs `text` and `computed`")
        kind = spec.get("kind", "value")
        if kind not in _KINDS:
            raise ValueError(f"{path}: claim {cid!r}: `kind` must be one of {set(_KINDS)}; not {kind!r}")
        text = str(spec["text"])
        _rounding.printed_interval(text, kind)  # validate now, not at report time
        out.append(PublishedClaim(id=str(cid), text=text, kind=kind,
                                  computed=str(spec["computed"]),
                                  statement=str(spec.get("statement", "")),
                                  unit=str(spec.get("unit", ""))))
    return out


def lookup(results, dotted: str):
    """The value at a dotted path in results (mappings or records); None when absent."""
    return _lookup(results, dotted)


def check_claims(claims: list[PublishedClaim], results: dict) -> list[ClaimCheck]:
    """Judge every published claim against the computed results.

    Parameters
    ----------
    claims : list of PublishedClaim
    results : dict
        The ``results.json`` mapping (``cohort``, ``outcomes``, ...).

    Returns
    -------
    list of ClaimCheck
    """
    out = []
    for c in claims:
        value = lookup(results, c.computed)
        value = None if value is None else float(value)
        out.append(ClaimCheck(id=c.id, published=c.text, kind=c.kind, statement=c.statement,
                              unit=c.unit, computed=value, interval=_rounding.printed_interval(c.text, c.kind),
                              reproduced=_rounding.prints_as(value, c.text, c.kind)))
    return out


def crosscheck_p(outcome: str, statistic: float, n_nonzero: int, p_reported: float) -> PCrossCheck:
    """Recompute a two-sided signed-rank P from T+ and n with the no-ties table.

    With tied |d| the exact conditional P differs from the no-ties table by
    design; that is said in the note, not flagged as an error.

    Parameters
    ----------
    outcome : str
    statistic : float
        T+ as reported.
    n_nonzero : int
    p_reported : float

    Returns
    -------
    PCrossCheck
    """
    total = n_nonzero * (n_nonzero + 1) / 2
    w = min(statistic, total - statistic)
    if n_nonzero > 60:
        return PCrossCheck(outcome, w, n_nonzero, p_reported, None, None,
                           "n above 60: the exact table is not used for a cross-check")
    if w != int(w):
        return PCrossCheck(outcome, w, n_nonzero, p_reported, None, None,
                           "W is not a whole number (tied differences get midranks): no table value")
    p = float(signed_rank_pvalue(int(n_nonzero), int(w)))
    agrees = abs(p - p_reported) <= 1e-9
    note = ("the reported P is the exact no-ties P for this n and W" if agrees else
            "differs from the no-ties table: tied differences (exact conditional) or the normal "
            "approximation was used")
    return PCrossCheck(outcome, w, n_nonzero, p_reported, p, agrees, note)


# --------------------------------------------------------------------------- which test prints the P


def load_source(path) -> dict:
    """The ``source:`` mapping of ``published.yml`` (citation, doi, pmid), as text."""
    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return {str(k): str(v) for k, v in (doc.get("source") or {}).items()}


def paper_n(claims: list[PublishedClaim]) -> int | None:
    """The paper's number of patients: its count claim on ``cohort.n``."""
    for c in claims:
        if c.computed == "cohort.n" and c.kind == "count":
            return int(_rounding.printed_interval(c.text, "count")[0])
    return None


def p_value_sources(claims: list[PublishedClaim], outcomes: dict) -> tuple:
    """For each published P of an outcome: which test variants print it.

    Parameters
    ----------
    claims : list of PublishedClaim
    outcomes : dict
        Outcome name -> :class:`cohortstats.results.OutcomeResult`.
    """
    out = []
    for c in claims:
        parts = c.computed.split(".")
        if c.kind != "p" or len(parts) < 2 or parts[0] != "outcomes" or parts[1] not in outcomes:
            continue
        o = outcomes[parts[1]]
        rows = tuple(VariantMatch(v.key, v.label, v.pvalue,
                                  v.pvalue is not None and _rounding.prints_as(v.pvalue, c.text, "p"))
                     for v in o.variants)
        check = None
        if o.test is not None:
            check = crosscheck_p(o.name, o.test.statistic, o.test.n_nonzero, o.test.p_value)
        out.append(PValueSource(claim=c.id, outcome=o.name, published=c.text, variants=rows,
                                crosscheck=check))
    return tuple(out)
