"""``make report CDM=…`` end to end: the demo CDM of the shipped cohort's ten patients (plus five
the definition excludes) reproduces the paper, in DuckDB and in a real PostgreSQL, with the same
results.json bytes, and nothing identifying in any output.

Expected values: the shipped cohort's own build (``built``, data/cohort.csv) — the demo CDM
holds the same ten patients (inputs/omop/demo.py writes each one's doses, ESRs, indications and
responses from it). The builds use the shipped definition with the concept sets naming the demo's
local concepts (demo.demo_sets), so indications, response and adverse events are in the report.

The DuckDB build is the session's background build ``omop`` (support.builds). The PostgreSQL
report runs in a copy of its folders: a build is keyed by the extracted cohort file's SHA-256
and the source record's (pipeline/main.py ``digest``), so only when PostgreSQL extracts the same
bytes does the build find its report up to date and run no notebook; one byte more and the
notebooks would run ("running" printed) and results.json would record another build id.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from support import PY, ROOT, pipeline_env
from support.builds import copy_build

pytestmark = pytest.mark.slow


def _report(folder: Path, env_extra=None, **params):
    env = pipeline_env(folder, **params)
    env.update(env_extra or {})
    return subprocess.run([PY, "-m", "cohortstats.pipeline", "report"], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, env=env)


def _text_outputs(folder: Path) -> dict:
    """Every text output a person or a program could read: JSON, HTML, CSV, notebooks, YAML
    (in build/, reports/ and figures/: not the test's own demo CDM and definition beside them)."""
    found = sorted(p for part in ("build", "reports", "figures") for p in (folder / part).rglob("*"))
    return {p: p.read_text(encoding="utf-8", errors="replace") for p in found
            if p.is_file() and p.suffix in (".json", ".html", ".csv", ".ipynb", ".yml", ".svg")
            and "kernels" not in p.relative_to(folder).parts}  # ipykernel's own logo, not an output


def test_the_demo_cdm_reproduces_the_paper_with_the_shipped_numbers(omop, built):
    got = omop.results
    assert (got["claims"]["reproduced"], got["claims"]["total"]) == (13, 13)
    assert "(13/13 numbers print as published)" in omop.stdout
    assert "running" in omop.stdout  # a whole build: what the PostgreSQL run below must not need
    want = json.loads((built.reports / "results.json").read_text())
    for name in ("prednisone_mg", "esr_mm_hr"):
        for part in ("baseline", "followup", "change", "test"):
            assert got["outcomes"][name][part] == want["outcomes"][name][part], (name, part)
    assert [s["n"] for s in got["source"]["attrition"]] == [15, 14, 12, 11, 10, 10]
    assert got["source"]["kind"] == "OMOP CDM" and "reconstructed" in got["source"]["name"]
    for key in ("indications", "n_indications_recorded", "responses", "n_response_recorded",
                "adverse_events", "n_adverse_recorded"):
        assert got["cohort"][key] == want["cohort"][key], key


def test_indications_response_and_events_in_the_page_and_the_word_file(omop, built):
    folder = omop.folder
    page = (folder / "reports" / "results.html").read_text()
    for words in ("Indications for lenalidomide treatment included", "Extensive malar rash",
                  "all patients demonstrated complete or near resolution", "well tolerated"):
        assert words in page, words
    from docx import Document

    doc = Document(str(folder / "reports" / "results.docx"))
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert {"Extensive malar rash", "Near resolution", "None"} <= cells


def test_the_flow_diagram_is_in_the_page_the_word_file_and_the_pdf(omop):
    folder = omop.folder
    page = (folder / "reports" / "results.html").read_text()
    assert 'id="h-source"' in page and "Flow of persons through the cohort definition" in page
    from docx import Document

    doc = Document(str(folder / "reports" / "results.docx"))
    assert any(p.text.startswith("Where the cohort came from") for p in doc.paragraphs)
    assert any(s.attrib.get("descr", "").startswith("Flow of persons")
               for s in doc.element.body.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"))
    pdf = folder / "reports" / "results.pdf"
    if pdf.is_file():  # Chromium is installed by make test (tools/setup-browser.sh)
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "Where the cohort came from" in text


def _identifying(text: str) -> list:
    """What must never be written or printed: the demo's person_source_values ("demo-…"),
    the column name person_id, a date."""
    date = re.compile(r"\b(19|20)\d\d-\d\d-\d\d\b")
    found = [w for w in ("demo-", "person_id") if w in text]
    return found + ([date.search(text).group(0)] if date.search(text) else [])


def _leaks(folder: Path) -> dict:
    """Every text output of ``folder`` holding something identifying (notebooks: their outputs)."""
    leaks = {}
    for path, text in _text_outputs(folder).items():
        if path.suffix == ".ipynb":  # the kernel's metadata is not patient data; its outputs are checked
            text = json.dumps([c.get("outputs", []) for c in json.loads(text)["cells"]])
        if _identifying(text):
            leaks[path] = _identifying(text)
    return leaks


def test_postgresql_gives_the_same_cohort_and_results_json(omop, pg_demo, tmp_path):
    folder = copy_build(omop, tmp_path)
    source = Path("build") / "source"
    shutil.rmtree(folder / source)  # written again, by the extraction from PostgreSQL
    url = pg_demo.url.replace(f":{pg_demo.password}@", "@")  # the password in PGPASSWORD only
    proc = _report(folder, {"PGPASSWORD": pg_demo.password}, CDM=url, CDM_SCHEMA="omop_demo",
                   CDM_DEFINITION=omop.params["CDM_DEFINITION"])
    assert proc.returncode == 0, proc.stderr
    assert f"extracted 10 patients from postgresql://postgres@127.0.0.1:{pg_demo.port}/" in proc.stdout
    # the same extracted cohort and source record, byte for byte: hence the same build id ...
    for name in ("cohort.csv", "source.json"):
        assert (folder / source / name).read_bytes() == (omop.folder / source / name).read_bytes(), name
    # ... so the DuckDB build's report is this one's: no notebook ran, the same results.json bytes
    assert "running" not in proc.stdout
    assert (folder / "reports" / "results.json").read_bytes() == \
        (omop.reports / "results.json").read_bytes()
    outputs = _text_outputs(folder)
    assert outputs and not [p for p, t in outputs.items() if pg_demo.password in t]
    assert _leaks(folder) == {}
    printed = proc.stdout + proc.stderr
    assert pg_demo.password not in printed and _identifying(printed) == []


def test_no_person_id_source_value_or_date_in_any_output(omop):
    assert _text_outputs(omop.folder)
    assert _leaks(omop.folder) == {}
    assert _identifying(omop.stdout + omop.stderr) == []
