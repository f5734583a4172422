"""Manuscript outputs (issue 14): traceable numbers, notebook pages, Word, PDF, citation.

The traceability walk knows nothing of the package: it reads results.html and
results.json with the standard library only (html.parser, json, decimal) and
finds every number printed in <section id="results"> inside an element whose
data-key names a value of results.json that prints as shown (half up), linked
to a code cell of an executed notebook's page.
"""
from __future__ import annotations

import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import types
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from support import ROOT

CHROMIUM = Path("/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
NUMBER = re.compile(r"\d+(?:\.\d+)?|\b(?:" + "|".join(WORDS) + r")\b", re.I)


# --------------------------------------------------------------------------- builds


def _shared(request, name):
    """The suite's shared background build (conftest), or None where conftest has none."""
    try:
        return request.getfixturevalue(name)
    except pytest.FixtureLookupError:
        return None


def _own_build(folder: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CS_")}
    env.update(MPLBACKEND="agg", CS_BUILD=str(folder / "build"), CS_REPORTS=str(folder / "reports"),
               CS_FIGURES=str(folder / "figures"))
    for _ in range(3):  # a notebook may meet newer code while src/ is being edited
        proc = subprocess.run([sys.executable, "-m", "cohortstats.pipeline", "report"], cwd=ROOT,
                              capture_output=True, text=True, timeout=600, env=env)
        if proc.returncode == 0 or "code version" not in proc.stderr:
            break
    assert proc.returncode == 0, proc.stderr
    return types.SimpleNamespace(folder=folder, reports=folder / "reports",
                                 figures=folder / "figures", stdout=proc.stdout)


@pytest.fixture(scope="module")
def build(request, tmp_path_factory):
    """A clean build of the shipped cohort (conftest's ``built`` when there is one)."""
    return _shared(request, "built") or _own_build(tmp_path_factory.mktemp("manuscript"))


def _out_dir(b) -> Path:
    dirs = [d for d in (b.folder / "build").iterdir() if d.is_dir() and d.name != "kernels"]
    assert len(dirs) == 1, dirs
    return dirs[0]


@pytest.fixture(scope="module")
def results(build):
    from cohortstats.results import load_results

    return load_results(build.reports / "results.json")


# --------------------------------------------------------------------------- an HTML walker


class Walk(html.parser.HTMLParser):
    """Text of <section id="results"> as (text, data-key, href) runs; every id of the page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.runs: list[tuple[str, str | None, str | None]] = []
        self.ids: dict[str, str] = {}
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids[a["id"]] = a.get("class") or ""
        if a.get("data-key") is not None:
            self.links.append((a["data-key"], a.get("href")))
        if tag not in ("br", "img", "meta", "link", "input", "hr"):
            self.stack.append((tag, a))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not any(t == "section" and a.get("id") == "results" for t, a in self.stack):
            return
        keyed = next((a for _, a in reversed(self.stack) if "data-key" in a), None)
        self.runs.append((data, keyed.get("data-key") if keyed else None,
                          keyed.get("href") if keyed else None))


def walk(text: str) -> Walk:
    w = Walk()
    w.feed(text)
    return w


def value_at(doc, dotted: str):
    node = doc
    for part in dotted.split("."):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return None
    return node


def prints_as(value, text: str, before: str) -> bool:
    """Does ``value`` print as ``text`` (half up at the printed decimals; ``< text`` bounds)?"""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if text.lower() in WORDS:
        return value == WORDS[text.lower()]
    shown = Decimal(text)
    if before.rstrip().endswith("<"):
        return value < shown
    places = -shown.as_tuple().exponent
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) == shown


def design_constants(doc) -> list[str]:
    """Numbers of the text that are the study's design or a parameter, not computed.

    "6 months": the paper's follow-up time point; "95% CI": the CONF_LEVEL parameter.
    """
    conf = Decimal(repr(doc["key"]["parameters"]["conf_level"])) * 100
    return ["6 months", f"{conf.normalize():f}% CI"]


def untraced_and_wrong(page: str, doc: dict, reports: Path):
    w = walk(page)
    assert w.runs, 'no <section id="results"> with text'
    allowed = design_constants(doc)
    untraced, wrong = [], []
    before = ""
    pages: dict[str, dict] = {}
    for text, key, href in w.runs:
        if key is None:
            rest = text
            for phrase in allowed:
                rest = rest.replace(phrase, "")
            untraced += [m.group(0) for m in NUMBER.finditer(rest)]
        else:
            value = value_at(doc, key)
            if not (NUMBER.fullmatch(text.strip()) and prints_as(value, text.strip(), before)):
                wrong.append((key, text, value))
            target, _, anchor = (href or "").partition("#")
            if not (target and anchor):
                wrong.append((key, text, f"no cell link: {href!r}"))
            else:
                if target not in pages:
                    path = reports / target
                    pages[target] = walk(path.read_text(encoding="utf-8")).ids if path.is_file() else {}
                cls = pages[target].get(anchor)
                if cls is None or "jp-CodeCell" not in cls:
                    wrong.append((key, text, f"{href} is not a code cell of an existing page"))
        before = text
    return untraced, wrong, w


# --------------------------------------------------------------------------- unit tests


def test_walker_reads_numbers_as_a_reader_would():
    page = ('<section id="results"><p>The <a data-key="a.n" href="x.html#c">ten</a> had '
            '<a data-key="a.m" href="x.html#c">23.50</a> mg for 6 months (P &lt; <a data-key="a.p" '
            'href="x.html#c">0.001</a>) and 7 more.</p></section>')
    w = walk(page)
    keyed = [(t, k) for t, k, _ in w.runs if k]
    assert keyed == [("ten", "a.n"), ("23.50", "a.m"), ("0.001", "a.p")]
    assert prints_as(10, "ten", "") and prints_as(23.5, "23.50", "") and prints_as(0.0003, "0.001", "P < ")
    assert not prints_as(23.49, "23.50", "") and not prints_as(0.002, "0.001", "P < ")
    assert prints_as(13.291601358251256, "13.29", "") and prints_as(0.0078125, "0.008", "= ")
    loose = [m.group(0) for t, k, _ in w.runs if k is None for m in NUMBER.finditer(t)]
    assert loose == ["6", "7"]


def test_every_results_key_maps_to_one_cell():
    from cohortstats.report.nbpages import cell_of

    assert cell_of("cohort.female") == ("01-cohort", "counts")
    assert cell_of("outcomes.prednisone_mg.baseline.mean") == ("02-outcomes", "summaries")
    assert cell_of("outcomes.esr_mm_hr.followup.sd") == ("02-outcomes", "summaries")
    assert cell_of("outcomes.esr_mm_hr.n_pairs") == ("02-outcomes", "summaries")
    assert cell_of("outcomes.test.test.p_value") == ("02-outcomes", "test")  # an outcome named "test"
    assert cell_of("outcomes.esr_mm_hr.test.conf_int.0") == ("02-outcomes", "test")
    assert cell_of("claims.claims.0.computed") == ("04-claims", "claims")
    assert cell_of("leave_one_out.esr_mm_hr") == ("03-sensitivity", "loo")
    with pytest.raises(ValueError, match="`key` must start with one of"):
        cell_of("environment.python")


def test_links_refuse_a_number_from_another_notebook(tmp_path):
    from cohortstats.report.nbpages import Links
    from cohortstats.report.prose import Number

    (tmp_path / "02-outcomes.ipynb").write_text(json.dumps(
        {"cells": [{"id": "summaries", "cell_type": "code"}], "metadata": {}, "nbformat": 4,
         "nbformat_minor": 5}))
    links = Links(tmp_path)
    ok = Number("outcomes.x.baseline.mean", "1.0", 1.0, "02-outcomes")
    assert links(ok) == "notebooks/02-outcomes.html#cell-id=summaries"
    with pytest.raises(ValueError, match="names 01-cohort"):
        links(Number("outcomes.x.baseline.mean", "1.0", 1.0, "01-cohort"))
    with pytest.raises(ValueError, match="has no cell 'test'"):
        links(Number("outcomes.x.test.p_value", "0.1", 0.1, "02-outcomes"))


def test_pdf_normalize_keeps_length_and_fixes_dates_and_nodes():
    from cohortstats.report.pdf import normalize

    a = (b"%PDF-1.4\n<</CreationDate (D:20261201094455+00'00')\n/ModDate (D:20261201094455+00'00')>>"
         b"/ID (node00000107)>> /Headers [(node00000107) (node00000111)]")
    b = a.replace(b"20261201094455", b"20261202101010").replace(b"0107", b"0068").replace(b"0111", b"0072")
    assert normalize(a) == normalize(b)
    assert len(normalize(a)) == len(a)
    assert b"D:19800101000000" in normalize(a)
    assert b"(node00000001) (node00000002)" in normalize(a)


def test_pdf_skipped_without_chromium(tmp_path, monkeypatch):
    from cohortstats.report.pdf import print_pdf

    monkeypatch.setenv("CS_CHROMIUM", str(tmp_path / "no-chromium"))
    why = print_pdf("<p>x</p>", tmp_path / "x.pdf")
    assert why.startswith("chromium not found") and not (tmp_path / "x.pdf").exists()


def test_docx_zip_has_fixed_timestamps():
    import io

    from cohortstats.report.word import fixed_zip

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.xml", "<a/>")
        z.writestr("b.xml", "<b/>")
    out = fixed_zip(buf.getvalue())
    infos = zipfile.ZipFile(io.BytesIO(out)).infolist()
    assert [i.filename for i in infos] == ["a.xml", "b.xml"]
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert fixed_zip(out) == out


def test_citation_cff_fields():
    import yaml

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    for field in ("message", "title", "authors", "license", "type"):
        assert cff.get(field), field
    assert cff["type"] == "software"
    assert all(a.get("family-names") or a.get("name") for a in cff["authors"])
    ref = cff["references"][0]  # the paper it reproduces (data/published.yml)
    assert ref["type"] == "article" and ref["journal"] == "Lupus" and ref["year"] == 2017
    assert ref["doi"] == "10.1177/0961203316676377"
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    assert cff["license"] == "MIT"


#: The Citation File Format 1.2.0 schema, as cffconvert 2.0.0 ships it
#: (cffconvert/schemas/1.2.0/schema.json in its PyPI wheel; $id
#: https://citation-file-format.github.io/1.2.0/schema.json; sha256 0b8d2214…169b).
CFF_SCHEMA = ROOT / "tests" / "reference" / "cff-1.2.0.schema.json"


def _cff_errors(text: str) -> list[str]:
    """What ``cffconvert --validate`` checks, as cffconvert 2.0.0 does it.

    cffconvert (behavior_1_2_x/citation.py) loads the YAML safely with timestamps
    kept as strings, then calls ``jsonschema.validate(instance, schema,
    format_checker=jsonschema.FormatChecker())`` with the schema above.
    """
    import jsonschema
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("tag:yaml.org,2002:timestamp", Loader.construct_yaml_str)
    cff = yaml.load(text, Loader=Loader)  # noqa: S506 (a SafeLoader)
    schema = json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(cff)]


def test_citation_cff_valid_against_the_cff_schema():
    assert _cff_errors((ROOT / "CITATION.cff").read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("edit, where", [
    (lambda t: t.replace("cff-version: 1.2.0", "cff-version: 1.2"), "cff-version"),
    (lambda t: t.replace("doi: 10.1177/0961203316676377", "doi: 0961203316676377"), "references/0/doi"),
    (lambda t: t.replace("type: software", "type: program"), "type"),
    (lambda t: t + "colour: blue\n", "Additional properties"),
], ids=["version", "doi", "type", "unknown-key"])
def test_cff_validation_refuses_a_broken_citation(edit, where):
    """The check can fail: each edit breaks one rule of the schema."""
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert edit(text) != text
    errors = _cff_errors(edit(text))
    assert errors and any(where in e for e in errors), errors


# --------------------------------------------------------------------------- a built report


@pytest.mark.slow
def test_every_results_number_is_traced(build):
    page = (build.reports / "results.html").read_text(encoding="utf-8")
    doc = json.loads((build.reports / "results.json").read_text(encoding="utf-8"))
    untraced, wrong, w = untraced_and_wrong(page, doc, build.reports)
    assert untraced == [], f"numbers without a data-key in the Results: {untraced}"
    assert wrong == []
    keys = [k for _, k, _ in w.runs if k]
    assert {"cohort.n", "cohort.female", "outcomes.prednisone_mg.baseline.mean",
            "outcomes.esr_mm_hr.test.p_value"} <= set(keys)


@pytest.mark.slow
def test_every_number_of_the_page_links_to_a_code_cell(build):
    """Not only the Results: the numbers in tables too."""
    w = walk((build.reports / "results.html").read_text(encoding="utf-8"))
    assert w.links
    ids = {}
    for key, href in w.links:
        target, _, anchor = (href or "").partition("#")
        assert target.startswith("notebooks/") and anchor.startswith("cell-id="), (key, href)
        if target not in ids:
            ids[target] = walk((build.reports / target).read_text(encoding="utf-8")).ids
        assert "jp-CodeCell" in ids[target].get(anchor, ""), (key, href)


@pytest.mark.slow
def test_notebook_pages_are_self_contained(build):
    pages = sorted((build.reports / "notebooks").glob("*.html"))
    assert [p.stem for p in pages] == ["01-cohort", "02-outcomes", "03-sensitivity", "04-claims"]
    for p in pages:
        text = p.read_text(encoding="utf-8")
        assert "<script" not in text, p.name
        assert not re.search(r"""\s(?:src|srcset)=["'](?!data:|#)""", text), p.name
        assert not re.search(r"""<link[^>]+href=["'](?!data:|#)""", text), p.name
        assert not re.search(r"url\((?!['\"]?data:)", text), p.name
        assert "cell-id=injected-parameters" in text and "&lt;build&gt;/" in text
        assert "/tmp/" not in text and str(build.folder) not in text, p.name


def _docx_text(path: Path):
    import docx

    d = docx.Document(str(path))
    return d, [p.text for p in d.paragraphs]


@pytest.mark.slow
def test_docx_holds_results_and_table1(build, results):
    from cohortstats.report.prose import Number, plain, results_sentences
    from cohortstats.report.render import tables

    doc = json.loads((build.reports / "results.json").read_text(encoding="utf-8"))
    d, paragraphs = _docx_text(build.reports / "results.docx")
    sentences = results_sentences(results)
    start = paragraphs.index("Results") + 1
    assert paragraphs[start:start + len(sentences)] == [plain(s) for s in sentences]
    for s in sentences:
        for part in s:
            if isinstance(part, Number):  # the number as printed, from results.json's value
                assert prints_as(value_at(doc, part.key), part.text, "<" if part.value < 0.0005 and
                                 part.key.endswith("p_value") else ""), part
    assert any(p.startswith("Reconstructed data — not patient records.") for p in paragraphs)
    t1 = tables(results)["table1"]
    word = d.tables[0]
    assert [c.text for c in word.rows[0].cells] == list(t1.headers)
    got = [[c.text for c in r.cells] for r in word.rows[1:]]
    assert got == [[str(c.text if isinstance(c, Number) else c) for c in row] for row in t1.rows]
    assert len(d.inline_shapes) == len([o for o in results.outcomes.values() if o.figure])
    claims = d.tables[1]
    assert len(claims.rows) - 1 == doc["claims"]["total"]
    assert d.core_properties.created.year == 1980


@pytest.mark.slow
def test_docx_of_a_handmade_results(build, results, tmp_path):
    """A user's cohort without published numbers: its notice, no comparison table."""
    import dataclasses

    from cohortstats.report.word import write_docx

    mine = dataclasses.replace(results, provenance=dataclasses.replace(results.provenance,
                                                                        reconstructed=False),
                               claims=dataclasses.replace(results.claims, published=None))
    out = write_docx(mine, build.figures, tmp_path / "mine.docx")
    d, paragraphs = _docx_text(out)
    assert any(p.startswith("A user-supplied cohort.") for p in paragraphs)
    assert "Published vs reproduced" not in paragraphs and len(d.tables) == 1
    assert write_docx(mine, build.figures, tmp_path / "again.docx").read_bytes() == out.read_bytes()


@pytest.mark.slow
def test_pdf_has_the_results_as_text(build):
    pdf = build.reports / "results.pdf"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    assert b"/ToUnicode" in data  # text, not a picture of text
    assert b"D:19800101000000" in data
    if not shutil.which("pdftotext"):
        if os.environ.get("CI") == "true":
            pytest.fail("pdftotext (poppler-utils) is missing: tools/setup-browser.sh installs it")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = " ".join(text.split())
    for s in ("Nine subjects were girls and six were African-American.",
              "Prednisone dose decreased from a mean 23.50 mg (SD± 13.29) to 12.25 mg (SD± 9.16) (P = 0.008).",
              "Reconstructed data — not patient records."):
        assert s in flat, s


@pytest.mark.slow
def test_summary_says_what_was_written(build, tmp_path, monkeypatch):
    """publish_build reports the PDF skipped without Chromium, and still publishes the rest.

    From a copy of the build's folder: a publish keeps its Word file there, and other workers
    copy the session's build while this test runs."""
    import shutil

    from cohortstats.pipeline.publish import publish_build

    monkeypatch.setenv("CS_CHROMIUM", "")
    out = tmp_path / "build" / _out_dir(build).name
    shutil.copytree(_out_dir(build), out)
    doc = publish_build(out, "x", tmp_path / "reports", tmp_path / "figures")
    assert doc["outputs"]["pdf"].startswith("skipped: chromium not found")
    assert doc["outputs"]["docx"] == "results.docx"
    assert not (tmp_path / "reports" / "results.pdf").exists()
    assert (tmp_path / "reports" / "results.docx").is_file()
    assert len(list((tmp_path / "reports" / "notebooks").glob("*.html"))) == 4
    assert "outputs" not in json.loads((tmp_path / "reports" / "results.json").read_text())


# --------------------------------------------------------------------------- in a browser


@pytest.mark.slow
def test_links_open_their_cells_in_a_browser(build):
    """Each Results number's link, followed in Chromium (network blocked), lands on its cell."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        if IN_CI:
            pytest.fail("CI=true: chromium is missing")
        pytest.skip("chromium is not installed")
    from playwright.sync_api import sync_playwright

    blocked = []

    def gate(route):
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.route("**/*", gate)
            page.goto((build.reports / "results.html").as_uri())
            links = page.eval_on_selector_all(
                "section#results a[data-key]", "els => els.map(e => [e.dataset.key, e.href])")
            assert len(links) >= 10
            for href in sorted({h for _, h in links}):
                page.goto(href)
                found = page.evaluate("""() => {
                    const el = document.getElementById(decodeURIComponent(location.hash.slice(1)));
                    return el && {code: el.classList.contains('jp-CodeCell'),
                                  top: el.getBoundingClientRect().top,
                                  text: el.innerText.length};
                }""")
                assert found and found["code"] and found["text"] > 0, href
                assert -5 < found["top"] < 900, (href, "the cell is not in view", found)
        finally:
            browser.close()
    assert blocked == [], blocked


@pytest.mark.slow
def test_word_file_kept_for_the_same_results_and_figures(build, tmp_path, monkeypatch):
    """A publish of the same results and figures reuses the build's Word file (publish._write_word);
    a figure that changed has it written again."""
    import shutil

    from cohortstats.pipeline.publish import publish_build
    from cohortstats.report import word

    monkeypatch.setenv("CS_CHROMIUM", "")  # no PDF: this is about the Word file
    out = tmp_path / "build" / _out_dir(build).name
    shutil.copytree(_out_dir(build), out)
    shutil.rmtree(out / "docx", ignore_errors=True)
    publish_build(out, "x", tmp_path / "r1", tmp_path / "f1")

    def written_again(*args, **kwargs):
        raise AssertionError("the Word file was written again")

    monkeypatch.setattr(word, "write_docx", written_again)
    publish_build(out, "x", tmp_path / "r2", tmp_path / "f2")
    assert (tmp_path / "r2" / "results.docx").read_bytes() == (tmp_path / "r1" / "results.docx").read_bytes()
    png = sorted((out / "figures").glob("*.png"))[0]
    png.write_bytes(png.read_bytes() + b"\0")
    with pytest.raises(AssertionError, match="written again"):
        publish_build(out, "x", tmp_path / "r3", tmp_path / "f3")
    assert not (tmp_path / "r3").exists()  # a failed publish leaves nothing
