"""Assemble ``results.json`` and the self-contained ``results.html``.

The notebooks write fragments (``cohort.json``, ``outcomes.json``,
``sensitivity.json``) and figures into a build directory; :func:`build_report`
reads them, checks every published number, and writes the report. Every file is
written aside and renamed into place, so a failed build leaves the previous
report as it was. Nothing from the data reaches the HTML unescaped.
"""
from __future__ import annotations

import base64
import html
import json
import os
import shutil
import sys
from pathlib import Path

from . import claims as _claims
from .vocabulary import INDICATIONS

__all__ = ["write_json", "read_json", "build_results", "render_html", "build_report",
           "results_statements"]

FRAGMENTS = ("cohort.json", "outcomes.json", "sensitivity.json")
_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def write_json(obj, path) -> Path:
    """Write ``obj`` as JSON (keys in insertion order, which is deterministic; LF, UTF-8), atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(obj, indent=2, ensure_ascii=False, allow_nan=False,
                              default=_json_default) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def _json_default(obj):
    import numpy as np

    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return float(obj)
    if isinstance(obj, tuple):
        return list(obj)
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def read_json(path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _clean(obj):
    """NaN → None, recursively (JSON has no NaN)."""
    if isinstance(obj, float):
        return None if obj != obj else obj
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    return obj


# --------------------------------------------------------------------------- results


def build_results(build_dir, published_path) -> dict:
    """Merge the notebooks' fragments and judge the published claims.

    Parameters
    ----------
    build_dir : str or Path
        Holds ``fragments/*.json`` written by the notebooks.
    published_path : str or Path
        ``published.yml``.

    Returns
    -------
    dict
        The ``results.json`` mapping: ``cohort``, ``outcomes``, ``claims``,
        ``claims_summary``, ``p_value_sources``, ``consistency``, ``sensitivity``,
        ``provenance``, ``environment``.
    """
    build_dir = Path(build_dir)
    frag = {}
    for name in FRAGMENTS:
        path = build_dir / "fragments" / name
        if not path.is_file():
            raise FileNotFoundError(f"{path}: missing; the notebook that writes it did not run")
        frag[name] = read_json(path)
    cohort = frag["cohort.json"]
    outcomes = frag["outcomes.json"]
    results = {
        "cohort": cohort["cohort"],
        "table1": cohort["table1"],
        "provenance": cohort["provenance"],
        "environment": cohort["environment"],
        "outcomes": outcomes["outcomes"],
        "figures": outcomes["figures"],
        "sensitivity": {"variants": outcomes["variants"],
                        "leave_one_out": frag["sensitivity.json"]["leave_one_out"]},
    }
    published = _claims.load_published(published_path)
    checks = _claims.check_claims(published, results)
    results["claims"] = [{"id": c.id, "published": c.published, "computed": c.computed,
                          "reproduced": c.reproduced, "interval": list(c.interval),
                          "kind": c.kind, "statement": c.statement, "unit": c.unit,
                          "computed_from": next(p.computed for p in published if p.id == c.id)}
                         for c in checks]
    results["claims_summary"] = {"total": len(checks),
                                 "reproduced": sum(c.reproduced for c in checks)}
    results["p_value_sources"] = _p_value_sources(published, results)
    import yaml

    doc = yaml.safe_load(Path(published_path).read_text(encoding="utf-8"))  # validated above
    results["consistency"] = _consistency(doc, results)
    results["published_source"] = {k: str(v) for k, v in (doc.get("source") or {}).items()}
    return _clean(results)


def _p_value_sources(published, results) -> list:
    """For each published P: which test variant prints it."""
    out = []
    for c in published:
        if c.kind != "p" or not c.computed.startswith("outcomes."):
            continue
        name = c.computed.split(".")[1]
        variants = results["sensitivity"].get("variants", {}).get(name)
        if not variants:
            continue
        rows = [{"key": v["key"], "label": v["label"], "pvalue": v["pvalue"],
                 "matches": _claims.reproduces(v["pvalue"], c.text, "p")} for v in variants]
        o = results["outcomes"][name]
        check = None
        if o.get("statistic") is not None and o.get("p_value") is not None:
            check = _claims.crosscheck_p(name, o["statistic"], o["n_nonzero"], o["p_value"]).to_dict()
        out.append({"claim": c.id, "outcome": name, "published": c.text, "variants": rows,
                    "crosscheck": check})
    return out


def _consistency(doc: dict, results) -> list:
    """Plain-words consistency findings (GRIM/GRIMMER/signed-rank support)."""
    try:
        from . import forensics
    except ImportError:  # pragma: no cover - forensics ships with the package
        return []
    n = int(results["cohort"]["n"])
    try:
        grids = (doc.get("design") or {}).get("measurement_grids") or {}
        findings = forensics.consistency(doc["claims"], n, grids)
    except Exception as exc:  # a finding that cannot be computed is reported, not fatal
        return [{"outcome": "", "check": "error", "passed": False,
                 "text": f"Consistency checks could not be computed: {exc}"}]
    return [f.to_dict() if hasattr(f, "to_dict") else dict(f.__dict__) for f in findings]


# --------------------------------------------------------------------------- words


def _count_word(k: int, capital: bool = False) -> str:
    w = _WORDS[k] if 0 <= k <= 10 else str(k)
    return w[:1].upper() + w[1:] if capital else w


def _claim_map(results) -> dict:
    return {c["id"]: c for c in results["claims"]}


def _fmt_like(value, text: str | None, default_decimals: int = 1) -> str:
    """Format ``value`` at the precision of a printed ``text``."""
    if value is None:
        return "n/a"
    if text is not None:
        m = _claims._NUMBER.match(text)
        if m and "." in m.group(1):
            return f"{value:.{len(m.group(1).split('.')[1])}f}"
        if m:
            return f"{value:.0f}"
    return f"{value:.{default_decimals}f}"


def _fmt_p(p, text: str | None) -> str:
    if p is None:
        return "n/a"
    decimals = 3
    if text is not None:
        m = _claims._NUMBER.match(text)
        if m and "." in m.group(1):
            decimals = len(m.group(1).split(".")[1])
    if p < 10 ** -decimals:
        return f"< {10 ** -decimals:.{decimals}f}"
    return f"= {p:.{decimals}f}"


def _join(items):
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]


def results_statements(results) -> list[dict]:
    """The Results section, sentence by sentence, every number computed.

    Returns
    -------
    list of dict
        ``{"text": str, "claims": [claim ids]}`` in the abstract's order.
    """
    c = results["cohort"]
    claims = _claim_map(results)
    out = []
    n = c["n"]
    out.append({"text": f"The cohort comprises {n} patients.", "claims": ["n_patients"]})
    out.append({"text": f"{_count_word(c['female'], True)} subjects were girls and "
                        f"{_count_word(c['african_american'])} were African-American.",
                "claims": ["n_female", "n_african_american"]})
    ind = c.get("indications")
    if ind:
        present = [code for code in INDICATIONS if ind.get(code)]
        words = [INDICATIONS[code] for code in present]
        if "nasal_ulcers" in present and "oral_ulcers" in present:
            i = present.index("nasal_ulcers")
            words[i] = "nasal and oral ulcers"
            words.pop(present.index("oral_ulcers"))
        text = ("Indications for lenalidomide treatment included " + _join(words) + "."
                if words else "No indication was recorded.")
        out.append({"text": text, "claims": []})
    else:
        out.append({"text": "Indications were not recorded in this cohort file.", "claims": []})
    resp = c.get("responses")
    if resp is not None:
        good = resp.get("complete", 0) + resp.get("near_complete", 0)
        recorded = c.get("n_response_recorded", 0)
        if good == n and recorded == n:
            text = ("Within 6 months, all patients demonstrated complete or near resolution "
                    "based on physician report.")
        else:
            text = (f"Within 6 months, {good} of {n} patients demonstrated complete or near "
                    f"resolution based on physician report ({n - recorded} not recorded).")
        out.append({"text": text, "claims": []})
    for name, o in results["outcomes"].items():
        prefix = {"prednisone_mg": "prednisone", "esr_mm_hr": "esr"}.get(name, name)
        ids = [f"{prefix}_{k}" for k in ("baseline_mean", "baseline_sd", "followup_mean",
                                          "followup_sd", "p")]
        t = [claims[i]["published"] if i in claims else None for i in ids]
        unit = f" {o['unit']}" if o.get("unit") else ""
        bm, bs, fm, fs = o["baseline_mean"], o["baseline_sd"], o["followup_mean"], o["followup_sd"]
        if bm is None or fm is None:
            out.append({"text": f"{o['label']}: no patient has both values.", "claims": []})
            continue
        verb = "decreased" if fm < bm else ("increased" if fm > bm else "did not change")
        text = (f"{o['label']} {verb} from a mean {_fmt_like(bm, t[0])}{unit} "
                f"(SD± {_fmt_like(bs, t[1])}) to {_fmt_like(fm, t[2])}{unit} "
                f"(SD± {_fmt_like(fs, t[3])}) (P {_fmt_p(o['p_value'], t[4])}).")
        if o.get("n_missing"):
            text += (f" Computed over the {o['n_pairs']} patients with both values; "
                     f"{o['n_missing']} with a value not recorded {'was' if o['n_missing'] == 1 else 'were'} excluded.")
        out.append({"text": text, "claims": [i for i in ids if i in claims]})
    ae = c.get("adverse_events")
    if ae is not None:
        events = {k: v for k, v in ae.items() if k not in ("none", "none reported", "no")}
        if not events and c.get("n_adverse_recorded", 0) == n:
            text = "Lenalidomide was well tolerated: no adverse event was recorded."
        elif not events:
            text = (f"No adverse event was recorded ({n - c.get('n_adverse_recorded', 0)} "
                    f"patients with no entry).")
        else:
            parts = [f"{k} ({v})" for k, v in events.items()]
            text = "Adverse events recorded: " + _join(parts) + "."
        out.append({"text": text, "claims": []})
    return out


# --------------------------------------------------------------------------- HTML

_CSS = """
:root { --fg: #1a1a1a; --muted: #555; --line: #c8c8c8; --ok: #0f5f2c; --bad: #9b1c1c; }
* { box-sizing: border-box; }
body { font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: var(--fg); max-width: 60rem; margin: 0 auto; padding: 1.5rem; background: #fff; }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; } h2 { font-size: 1.3rem; margin-top: 2.2rem;
  border-bottom: 1px solid var(--line); padding-bottom: .2rem; } h3 { font-size: 1.08rem; }
.notice { border: 2px solid #8a6d00; background: #fff8db; padding: .8rem 1rem; margin: 1rem 0; }
.notice strong { display: block; }
dl.prov { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .5rem 0; }
dl.prov dt { font-weight: 600; } dl.prov dd { margin: 0; overflow-wrap: anywhere; }
code, .mono { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .9em; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1.2rem; font-size: .95rem; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tbody th { background: none; font-weight: normal; }
.table-wrap { overflow-x: auto; margin: .6rem 0 1.2rem; }
.table-wrap > table { margin: 0; }
.table-wrap:focus-visible { outline: 2px solid #1a55a8; outline-offset: 2px; }
.verdict-ok { color: var(--ok); font-weight: 600; } .verdict-bad { color: var(--bad); font-weight: 600; }
.verdict-ok, .verdict-bad { white-space: nowrap; }
.results p { margin: .4rem 0; }
figure { margin: 1rem 0; break-inside: avoid; page-break-inside: avoid; }
figure img { max-width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: .92rem; }
.figs { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(22rem, 100%), 1fr)); gap: 1rem; }
.summary { font-size: 1.1rem; font-weight: 600; }
footer { margin-top: 3rem; color: var(--muted); font-size: .85rem; }
@media (max-width: 36rem) {
  body { padding: 1rem; }
  dl.prov { grid-template-columns: 1fr; } dl.prov dd { margin-bottom: .3rem; }
  /* many columns: scroll sideways rather than squeeze text to a word a line */
  .table-wrap > table:has(thead th:nth-child(4)) { min-width: 40rem; }
  .table-wrap > table:has(thead th:nth-child(8)) { min-width: 56rem; }
}
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  h2, h3, caption { break-after: avoid; page-break-after: avoid; }
  p:has(+ .table-wrap), p:has(+ p + .table-wrap) { break-after: avoid; page-break-after: avoid; }
  table, figure, .notice, tr { break-inside: avoid; page-break-inside: avoid; }
  table { font-size: 9pt; }
  .table-wrap { overflow: visible; }
  .table-wrap > table { min-width: 0; }
  section > p, .notice, dl.prov { break-inside: avoid; page-break-inside: avoid; }
  .figs { display: block; }
  a { color: inherit; text-decoration: none; }
}
@page { margin: 18mm 15mm; }
"""


def _e(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _num(x, digits: int = 4) -> str:
    if x is None:
        return "n/a"
    if isinstance(x, int) or (isinstance(x, float) and x.is_integer() and abs(x) < 1e12):
        return f"{int(x)}" if float(x).is_integer() else f"{x}"
    if abs(x) < 1e-3:
        return f"{x:.3g}"
    return f"{x:.{digits}f}".rstrip("0").rstrip(".")


def _p(x) -> str:
    if x is None:
        return "n/a"
    return f"{x:.2e}" if x < 1e-4 else f"{x:.6f}".rstrip("0").rstrip(".") if x < 1 else "1"


def _table(caption, headers, rows, num_cols=()) -> str:
    num = ' class="num"'
    head = "".join(f'<th scope="col"{num if i in num_cols else ""}>{_e(h)}</th>'
                   for i, h in enumerate(headers))
    body = []
    for r in rows:
        cells = []
        for i, v in enumerate(r):
            raw = isinstance(v, tuple)  # (html, ) for pre-escaped markup
            content = v[0] if raw else _e(v)
            tag = "th scope=\"row\"" if i == 0 else "td"
            cls = ' class="num"' if i in num_cols else ""
            cells.append(f"<{tag}{cls}>{content}</{tag.split()[0]}>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    # A focusable, labelled region: a table wider than a phone scrolls sideways
    # inside it (and can be scrolled with the keyboard) instead of the whole page.
    return (f'<div class="table-wrap" role="region" tabindex="0" aria-label="{_e(caption)}">'
            f"<table><caption>{_e(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")


def _ci(ci) -> str:
    if not ci:
        return "n/a"
    return f"{_num(ci[0], 3)} to {_num(ci[1], 3)}"


_FIELDS = {"baseline_mean": "mean at drug start", "baseline_sd": "SD at drug start",
           "followup_mean": "mean at 6 months", "followup_sd": "SD at 6 months", "p_value": "P"}
_COHORT_FIELDS = {"n": "Patients", "female": "Girls", "african_american": "African-American"}


def _claim_label(claim: dict, results: dict) -> str:
    """Words for what a claim counts or measures, from where its value stands."""
    path = claim.get("computed_from", "").split(".")
    if len(path) == 2 and path[0] == "cohort":
        return _COHORT_FIELDS.get(path[1], path[1])
    if len(path) == 3 and path[0] == "outcomes" and path[1] in results["outcomes"]:
        return f"{results['outcomes'][path[1]]['label']}, {_FIELDS.get(path[2], path[2])}"
    return claim["id"]


def render_html(results: dict, figures_dir) -> str:
    """Render the report as one self-contained HTML page.

    Parameters
    ----------
    results : dict
        From :func:`build_results`.
    figures_dir : str or Path
        Where the figures named in ``results["figures"]`` are; they are embedded
        as data URIs.

    Returns
    -------
    str
    """
    figures_dir = Path(figures_dir)
    c = results["cohort"]
    prov = results["provenance"]
    summ = results["claims_summary"]
    src = results.get("published_source", {})
    parts = []
    title = "Lenalidomide for refractory cutaneous manifestations of pediatric SLE — reproduced Results"
    parts.append(f"<header><h1>{_e(title)}</h1>")
    parts.append(f"<p>Reproduction of the Results of {_e(src.get('citation', ''))}, "
                 f"doi:{_e(src.get('doi', ''))}, PMID {_e(src.get('pmid', ''))}.</p>")
    if prov["reconstructed"]:
        parts.append('<div class="notice" role="note"><strong>Reconstructed data — not patient '
                     'records.</strong> The patients\' chart data are not public. This report is built '
                     'from a reconstructed cohort, generated by code to be consistent with every '
                     'number published in the abstract. It shows that the analysis reproduces the '
                     'published numbers; it says nothing new about any patient.</div>')
    else:
        parts.append('<div class="notice" role="note"><strong>Built from a user-supplied cohort.</strong> '
                     'This is not the bundle\'s reconstructed cohort; its numbers are compared with '
                     'the published ones below.</div>')
    parts.append('<dl class="prov">'
                 f"<dt>Cohort file</dt><dd><code>{_e(prov['file'])}</code></dd>"
                 f"<dt>SHA-256</dt><dd><code>{_e(prov['sha256'])}</code></dd>"
                 f"<dt>Reconstructed cohort</dt><dd>{'yes' if prov['reconstructed'] else 'no'}</dd>"
                 f"<dt>Patients</dt><dd>{_e(c['n'])}</dd>"
                 f"<dt>Verdict</dt><dd class=\"summary\">{summ['reproduced']} of {summ['total']} "
                 f"published numbers reproduced</dd></dl></header>")
    parts.append("<main>")
    # Results
    parts.append('<section class="results" aria-labelledby="h-results"><h2 id="h-results">Results</h2>')
    for s in results_statements(results):
        parts.append(f"<p>{_e(s['text'])}</p>")
    parts.append("</section>")
    # Table 1
    rows = [(r["section"] + ": " + r["characteristic"] if r["section"] != "Patients" else "Patients",
             r["value"]) for r in results["table1"]]
    parts.append('<section aria-labelledby="h-table1"><h2 id="h-table1">Table 1. Patient characteristics</h2>')
    parts.append(_table(f"Characteristics of the {c['n']} patients; n (%)",
                        ["Characteristic", "Value"], rows, num_cols=(1,)))
    parts.append("</section>")
    # Outcomes
    parts.append('<section aria-labelledby="h-outcomes"><h2 id="h-outcomes">Paired outcomes</h2>')
    orows = []
    for name, o in results["outcomes"].items():
        for when in ("baseline", "followup"):
            s = o[when]
            orows.append((f"{o['label']} ({o['unit']}), {'drug start' if when == 'baseline' else '6 months'}",
                          s["n"], _num(s["mean"], 2), _num(s["sd"], 2), _num(s["median"], 2),
                          f"{_num(s['q1'], 2)}–{_num(s['q3'], 2)}"))
    parts.append(_table("Summary over patients with both values (sample SD; IQR by linear interpolation)",
                        ["Outcome", "n", "Mean", "SD", "Median", "IQR"], orows, num_cols=(1, 2, 3, 4)))
    trows = []
    for name, o in results["outcomes"].items():
        trows.append((o["label"], o["n_pairs"], o["n_nonzero"], _num(o["statistic"], 2), _p(o["p_value"]),
                      o["method"], _num(o["estimate"], 3), _ci(o["conf_int"]), _num(o["effect_size"], 3)))
    parts.append(_table("Wilcoxon matched-pairs signed-rank test, d = drug start − 6 months "
                        "(primary analysis)",
                        ["Outcome", "Pairs", "Non-zero", "T+", "P", "Method", "HL estimate",
                         "95% CI", "Rank-biserial r"], trows, num_cols=(1, 2, 3, 4, 6, 8)))
    parts.append("</section>")
    # Figures
    parts.append('<section aria-labelledby="h-figures"><h2 id="h-figures">Figures</h2><div class="figs">')
    for i, fig in enumerate(results["figures"], 1):
        data = (figures_dir / fig["file"]).read_bytes()
        mime = "image/svg+xml" if fig["file"].endswith(".svg") else "image/png"
        uri = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
        parts.append(f'<figure><img src="{uri}" alt="{_e(fig["alt"])}" width="{fig.get("width", 480)}" '
                     f'height="{fig.get("height", 400)}"><figcaption>Figure {i}. {_e(fig["caption"])}'
                     "</figcaption></figure>")
    parts.append("</div></section>")
    # Claims
    crows = []
    for cl in results["claims"]:
        lo, hi = cl["interval"]
        interval = f"= {_num(lo)}" if cl["kind"] == "count" else f"[{_num(lo, 6)}, {_num(hi, 6)})"
        ok = cl["reproduced"]
        verdict = ('<span class="verdict-ok">✓ Reproduced</span>' if ok
                   else '<span class="verdict-bad">✗ Not reproduced</span>')
        crows.append((_claim_label(cl, results), cl["statement"] or cl["id"], cl["published"],
                      _p(cl["computed"]) if cl["kind"] == "p" else _num(cl["computed"], 4),
                      interval, (verdict,)))
    parts.append('<section aria-labelledby="h-claims"><h2 id="h-claims">Published vs reproduced</h2>')
    parts.append(f"<p class=\"summary\">{summ['reproduced']} of {summ['total']} published numbers "
                 "reproduced.</p><p>A number is reproduced when the value computed from the data rounds "
                 "to the published text at its printed precision (half up): the interval column gives "
                 "every value that prints as published. Counts must match exactly.</p>")
    parts.append(_table("Every number of the abstract's Results",
                        ["Number", "Published statement", "Published", "Computed",
                         "Prints as published if in", "Verdict"], crows, num_cols=(2, 3)))
    parts.append("</section>")
    # Consistency
    parts.append('<section aria-labelledby="h-consistency"><h2 id="h-consistency">Consistency of the '
                 "published numbers</h2>")
    parts.append("<p>These checks use only the published numbers, not the data: are the means, SDs and "
                 "P-values possible for 10 patients measured on the stated scales, and what cohort "
                 "structures do they imply?</p>")
    if results.get("consistency"):
        frows = [(f.get("outcome", ""), f.get("check", ""), "consistent" if f.get("passed") else "inconsistent",
                  f.get("text", "")) for f in results["consistency"]]
        parts.append(_table("GRIM, GRIMMER and signed-rank support", ["Outcome", "Check", "Result", "Finding"],
                            frows))
    for src_p in results.get("p_value_sources", []):
        rows = [(v["label"], _p(v["pvalue"]), "yes" if v["matches"] else "no") for v in src_p["variants"]]
        o = results["outcomes"][src_p["outcome"]]
        parts.append(_table(f"{o['label']}: which test prints the published P = {src_p['published']}?",
                            ["Test", "P", "Rounds to published"], rows, num_cols=(1,)))
        cc = src_p.get("crosscheck")
        if cc:
            table = "no table value" if cc["p_table"] is None else _p(cc["p_table"])
            parts.append(f"<p>Cross-check ({_e(o['label'])}): from T+ and n = {cc['n_nonzero']} non-zero "
                         f"pairs, W = {_num(cc['w'], 1)}; the no-ties exact table gives P = {table}; "
                         f"{_e(cc['note'])}.</p>")
    parts.append("</section>")
    # Sensitivity
    sens = results["sensitivity"]
    parts.append('<section aria-labelledby="h-sensitivity"><h2 id="h-sensitivity">Sensitivity analyses</h2>')
    for name, variants in sens.get("variants", {}).items():
        o = results["outcomes"][name]
        rows = [(v["label"] + (" (primary)" if v.get("primary") else ""), v["n"], _num(v["statistic"], 3),
                 _p(v["pvalue"]), _num(v["estimate"], 3), _ci(v["conf_int"]), _num(v["effect_size"], 3))
                for v in variants]
        parts.append(_table(f"{o['label']} ({o['unit']}): the same pairs under other tests",
                            ["Test", "n", "Statistic", "P", "Estimate", "95% CI", "Effect size"], rows,
                            num_cols=(1, 2, 3, 4, 6)))
        loo = sens.get("leave_one_out", {}).get(name)
        if loo:
            parts.append(f"<p>{_e(o['label'])}, leave-one-patient-out: P ranges from {_p(loo['p_min'])} to "
                         f"{_p(loo['p_max'])}; {loo['n_below']} of {loo['n_pairs']} analyses have "
                         f"P &lt; {loo['alpha']}.</p>")
    parts.append("<p>Estimate: Hodges–Lehmann pseudo-median of the differences (signed-rank) or mean "
                 "difference (t-test). Effect size: matched-pairs rank-biserial correlation (Kerby 2014) "
                 "or Cohen's d<sub>z</sub>.</p></section>")
    # Methods
    env = results["environment"]
    parts.append('<section aria-labelledby="h-methods"><h2 id="h-methods">Methods and environment</h2>')
    parts.append("<p>Differences are d = value at drug start − value at 6 months, over patients with both "
                 "values. The primary test is the Wilcoxon matched-pairs signed-rank test with the exact "
                 "conditional null distribution given the observed midranks (zeros dropped before "
                 "ranking), as R's <code>coin::wilcoxsign_test(distribution = \"exact\")</code>; above "
                 "the exact threshold the normal approximation with tie and continuity correction, as R's "
                 "<code>wilcox.test</code>. Means and sample SDs (n − 1) as published.</p>")
    erows = [("cohort file", prov["file"]), ("cohort SHA-256", prov["sha256"]),
             ("reconstructed cohort", "yes" if prov["reconstructed"] else "no")]
    erows += [(k, v) for k, v in sorted(env.items())]
    parts.append(_table("Software and inputs", ["Item", "Version or value"], erows))
    parts.append("</section></main>")
    parts.append("<footer>Generated by the reproducible bundle (cohortstats). Self-contained: no script, "
                 "font or style is loaded from the network.</footer>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
            + "\n".join(parts) + "</body></html>\n")


# --------------------------------------------------------------------------- build


def _atomic_copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(dst.name + ".tmp")
    shutil.copyfile(src, tmp)
    tmp.replace(dst)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one step (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _publish_dir(staged: Path, target: Path) -> None:
    """Put ``staged`` where ``target`` is: atomically where the system allows."""
    if target.is_dir() and _exchange(staged, target):
        shutil.rmtree(staged)  # now holds the previous report
        return
    if target.exists():
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
        staged.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staged.rename(target)


def build_report(build_dir, published_path, reports_dir, figures_out) -> dict:
    """Write ``results.json``, ``results.html``, the executed notebooks and figures.

    Everything is computed and written into a staging directory beside
    ``reports_dir`` first; only then does it replace ``reports_dir`` in one step
    (directories exchanged atomically on Linux), so a failed or interrupted
    build leaves the previous report whole. Figures are copied into
    ``figures_out`` one file at a time, each written aside and renamed.

    Returns
    -------
    dict
        The results.
    """
    build_dir, reports_dir, figures_out = Path(build_dir), Path(reports_dir), Path(figures_out)
    results = build_results(build_dir, published_path)
    page = render_html(results, build_dir / "figures")
    payload = json.dumps(results, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    reports_dir.parent.mkdir(parents=True, exist_ok=True)
    staged = reports_dir.with_name(f".{reports_dir.name}.new")
    shutil.rmtree(staged, ignore_errors=True)
    (staged / "notebooks").mkdir(parents=True)
    for nb in sorted((build_dir / "notebooks").glob("*.ipynb")):
        shutil.copyfile(nb, staged / "notebooks" / nb.name)
    (staged / "results.json").write_text(payload, encoding="utf-8")
    (staged / "results.html").write_text(page, encoding="utf-8")
    for fig in results["figures"]:
        _atomic_copy(build_dir / "figures" / fig["file"], figures_out / fig["file"])
    _publish_dir(staged, reports_dir)
    return results


def main(argv=None) -> int:
    import argparse

    p = argparse.ArgumentParser(prog="python -m cohortstats.report",
                                description="Assemble the report from a build directory.")
    b = p
    b.add_argument("--build", default="build")
    b.add_argument("--published", default="data/published.yml")
    b.add_argument("--reports", default="reports")
    b.add_argument("--figures", default="figures")
    args = p.parse_args(argv)
    try:
        build_report(args.build, args.published, args.reports, args.figures)
    except (FileNotFoundError, ValueError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
