"""Are the published numbers possible? Findings in plain words, from the paper's numbers alone.

For each outcome of ``published.yml``: GRIM (Brown & Heathers 2016,
doi:10.1177/1948550616673876) on each printed mean and GRIMMER (Anaya 2016,
doi:10.7287/peerj.preprints.2400v1) on each mean with its SD, on the recording
grids ``data/outcomes.yml`` gives; and which numbers of non-zero pairs and
signed-rank statistics print the published P exactly (the no-ties table). The
computations are :mod:`cohortstats.stats.forensics`; this module words them.

Everything uses the *paper's* number of patients, never the analysed cohort's,
so the section is the same whatever cohort is analysed, and it takes
milliseconds.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from cohortstats.stats import forensics
from cohortstats.core.vocabulary import count_word, join_words
from cohortstats.results.statistics import Finding  # noqa: F401 (the records it returns)

__all__ = ["Finding", "consistency"]

_TIMES = (("baseline", "baseline"), ("followup", "6-month"))


def _fmt(x) -> str:
    x = Fraction(x)
    if x.denominator == 1:
        return str(x.numerator)
    d = (Decimal(x.numerator) / Decimal(x.denominator)).normalize()
    text = format(d, "f")
    return text if len(text) < 12 else f"{float(x):.4g}"


def _by_outcome(claims) -> dict:
    """Outcome name -> {"baseline.mean": claim, ..., "p": claim} from the claims' ``computed`` paths."""
    out: dict = {}
    for c in claims:
        parts = c.computed.split(".")
        if len(parts) < 3 or parts[0] != "outcomes":
            continue
        field = "p" if c.kind == "p" else ".".join(parts[2:])
        out.setdefault(parts[1], {})[field] = c
    return out


def _support_text(label, noun, p_t, n, support, n_range) -> str:
    if not support:
        return (f"{label} P = {p_t} is not the exact no-ties p of any number of non-zero "
                f"pairs from {min(n_range)} to {max(n_range)}: ties among the changes or a "
                f"normal approximation must have been used.")
    ordered = sorted(support, reverse=True)
    parts = [f"{k} non-zero pair{'' if k == 1 else 's'} with W = {w}" for k, w in ordered]
    unchanged = sorted({n - k for k, _ in support if k <= n})
    if unchanged and unchanged[0] == 0 and len(unchanged) > 1:
        how_many = f"at most {count_word(unchanged[-1])}"
    else:
        how_many = join_words([count_word(u) for u in unchanged], "or")
    many = unchanged != [1] and not how_many.endswith(" one")
    text = (f"{label} P = {p_t} is the exact no-ties p for {', or '.join(parts)}: so "
            f"{how_many} patient{'s' if many else ''} had an unchanged {noun}.")
    ws = {w for _, w in support}
    if 1 in ws:
        text += (f" With W = 1 one patient's {noun} rose, by a change smaller than every other "
                 f"(a tie for the smallest change gives midrank 1.5 and another p)")
        text += ("; with W = 0 every non-zero change is a fall, and the p is the same whatever the "
                 "ties." if 0 in ws else ".")
    elif ws - {0}:
        text += " With W > 0 the rises have rank sum W; tied changes would alter the p."
    else:
        text += " Every non-zero change is a fall, and the p is the same whatever the ties."
    return text


def consistency(claims, n: int, outcomes: dict, *, n_range=None) -> list[Finding]:
    """Plain-words findings on each outcome's printed means, SDs and P together.

    Parameters
    ----------
    claims : list of cohortstats.stats.claims.PublishedClaim
        The published numbers; an outcome's are those whose ``computed`` path is
        ``outcomes.<name>.baseline.mean`` (``.baseline.sd``, ``.followup.mean``,
        ``.followup.sd``) and its P claim (kind ``p``).
    n : int
        The paper's number of patients.
    outcomes : dict
        Outcome name -> :class:`cohortstats.core.outcomes.Outcome` (label, unit, noun, grids).
    n_range : iterable of int, optional
        Numbers of non-zero pairs to consider; default 1..n.

    Returns
    -------
    list of Finding
        Per outcome: GRIM and GRIMMER for each time point and grid, the
        signed-rank support of the P, and a "structure" finding that sums up.
    """
    n_range = range(1, n + 1) if n_range is None else n_range
    out: list[Finding] = []
    for name, printed in _by_outcome(claims).items():
        o = outcomes[name]
        label, u = o.label, f" {o.unit}"
        ok_grids = []
        for grid in o.grids:
            g = Fraction(str(grid))
            grid_ok = True
            for key, when in _TIMES:
                mean_c, sd_c = printed.get(f"{key}.mean"), printed.get(f"{key}.sd")
                if mean_c is None:
                    continue
                totals = forensics.grid_totals(mean_c.text, n, granularity=g)
                where = f"{label} {when} mean {mean_c.text}{u} with n = {n} on a {_fmt(g)}{u} grid"
                if totals:
                    k = min(totals, key=lambda k: (abs(k * g / n - Fraction(mean_c.text)), k))
                    rules = forensics.grim_rounding(mean_c.text, n, granularity=g)
                    how = ("either rounding rule" if len(rules) == 2 else
                           f"rounding {rules[0]} only" if rules else "")
                    text = (f"{where}: consistent (a total of {_fmt(k * g)}{u} = {k} × {_fmt(g)} "
                            f"gives {_fmt(k * g / n)}; printed so under {how}).")
                else:
                    text = (f"{where}: inconsistent (no total that is a multiple of {_fmt(g)} gives "
                            f"a mean rounding to {mean_c.text}).")
                out.append(Finding(name, "grim", bool(totals), text))
                grid_ok &= bool(totals)
                if sd_c is None:
                    continue
                where = (f"{label} {when} mean {mean_c.text} and SD {sd_c.text}{u} with n = {n} on a "
                         f"{_fmt(g)}{u} grid")
                if not totals:
                    out.append(Finding(name, "grimmer", False,
                                       f"{where}: inconsistent (the mean already fails GRIM)."))
                    continue
                witness = forensics.grimmer_witness(mean_c.text, sd_c.text, n, granularity=g,
                                                    bounds=(0, None))
                if witness is not None:
                    text = (f"{where} (values ≥ 0): consistent, e.g. "
                            f"{', '.join(_fmt(v) for v in sorted(witness))}.")
                else:
                    text = (f"{where} (values ≥ 0): inconsistent (no sum of squares on the grid "
                            f"gives an SD rounding to {sd_c.text}).")
                out.append(Finding(name, "grimmer", witness is not None, text))
                grid_ok &= witness is not None
            if grid_ok:
                ok_grids.append(f"{_fmt(g)}{u}")
        p_c = printed.get("p")
        if p_c is None:
            continue
        support = forensics.signed_rank_support(p_c.text, n_range=n_range)
        out.append(Finding(name, "signed_rank", bool(support),
                           _support_text(label, o.noun, p_c.text, n, support, n_range)))
        structures = [f"{k} non-zero pairs (W = {w})" for k, w in support]
        text = (f"{label}: consistent structures: grid {join_words(ok_grids, 'or') or 'none'}; "
                f"{join_words(structures, 'or') or 'no no-ties signed-rank structure'}.")
        out.append(Finding(name, "structure", bool(ok_grids) and bool(support), text))
    return out
