"""``make report CDM=…`` end to end: the demo CDM of the shipped cohort's ten patients (plus five
the definition excludes) reproduces the paper, in DuckDB and in a real PostgreSQL, with the same
results.json bytes, and nothing identifying in any output.

Expected values: the shipped cohort's own build (``built``, data/cohort.csv) — the demo CDM
holds the same ten patients (inputs/omop/demo.py writes each one's doses, ESRs, indications and
responses from it). The builds use the shipped definition with the concept sets naming the demo's
local concepts (demo.demo_sets), so indications, response and adverse events are in the report.
"""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from support import PY, ROOT, pipeline_env

pytestmark = pytest.mark.slow


def _report(folder: Path, env_extra=None, **params):
    env = pipeline_env(folder, **params)
    env.update(env_extra or {})
    return subprocess.run([PY, "-m", "cohortstats.pipeline", "report"], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, env=env)


@pytest.fixture(scope="module")
def definition(tmp_path_factory):
    from hand_cdms import write_definition
    from cohortstats.inputs.omop.demo import demo_sets

    return write_definition(tmp_path_factory.mktemp("def") / "omop_cohort_sets.yml", demo_sets())


@pytest.fixture(scope="module")
def duck(demo_cdm, definition, tmp_path_factory):
    folder = tmp_path_factory.mktemp("cdm-duck")
    proc = _report(folder, CDM=f"duckdb://{demo_cdm}", CDM_DEFINITION=str(definition))
    assert proc.returncode == 0, proc.stderr
    return folder, proc


def _text_outputs(folder: Path) -> dict:
    """Every text output a person or a program could read: JSON, HTML, CSV, notebooks, YAML."""
    return {p: p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.rglob("*"))
            if p.is_file() and p.suffix in (".json", ".html", ".csv", ".ipynb", ".yml", ".svg")
            and "kernels" not in p.relative_to(folder).parts}  # ipykernel's own logo, not an output


def test_the_demo_cdm_reproduces_the_paper_with_the_shipped_numbers(duck, built):
    folder, proc = duck
    got = json.loads((folder / "reports" / "results.json").read_text())
    assert (got["claims"]["reproduced"], got["claims"]["total"]) == (13, 13)
    assert "(13/13 numbers print as published)" in proc.stdout
    want = json.loads((built.reports / "results.json").read_text())
    for name in ("prednisone_mg", "esr_mm_hr"):
        for part in ("baseline", "followup", "change", "test"):
            assert got["outcomes"][name][part] == want["outcomes"][name][part], (name, part)
    assert [s["n"] for s in got["source"]["attrition"]] == [15, 14, 12, 11, 10, 10]
    assert got["source"]["kind"] == "OMOP CDM" and "reconstructed" in got["source"]["name"]
    for key in ("indications", "n_indications_recorded", "responses", "n_response_recorded",
                "adverse_events", "n_adverse_recorded"):
        assert got["cohort"][key] == want["cohort"][key], key


def test_indications_response_and_events_in_the_page_and_the_word_file(duck, built):
    folder, _ = duck
    page = (folder / "reports" / "results.html").read_text()
    for words in ("Indications for lenalidomide treatment included", "Extensive malar rash",
                  "all patients demonstrated complete or near resolution", "well tolerated"):
        assert words in page, words
    from docx import Document

    doc = Document(str(folder / "reports" / "results.docx"))
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert {"Extensive malar rash", "Near resolution", "None"} <= cells


def test_the_flow_diagram_is_in_the_page_the_word_file_and_the_pdf(duck):
    folder, _ = duck
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


def test_postgresql_gives_the_same_results_json(duck, definition, pg_demo, tmp_path):
    folder, _ = duck
    url = pg_demo.url.replace(f":{pg_demo.password}@", "@")  # the password in PGPASSWORD only
    proc = _report(tmp_path, {"PGPASSWORD": pg_demo.password}, CDM=url, CDM_SCHEMA="omop_demo",
                   CDM_DEFINITION=str(definition))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "reports" / "results.json").read_bytes() == \
        (folder / "reports" / "results.json").read_bytes()
    outputs = _text_outputs(tmp_path)
    assert outputs and not [p for p, t in outputs.items() if pg_demo.password in t]
    assert pg_demo.password not in proc.stdout + proc.stderr


def test_no_person_id_source_value_or_date_in_any_output(duck):
    folder, _ = duck
    date = re.compile(r"\b(19|20)\d\d-\d\d-\d\d\b")
    for path, text in _text_outputs(folder).items():
        if path.suffix == ".ipynb":  # the kernel's metadata is not patient data; its outputs are checked
            text = json.dumps([c.get("outputs", []) for c in json.loads(text)["cells"]])
        assert "demo-" not in text, path  # person_source_value of the demo CDM
        assert "person_id" not in text, path
        assert not date.search(text), (path, date.search(text).group(0))
