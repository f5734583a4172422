"""The demo CDM of the shipped cohort: the extraction gives data/cohort.csv's values back."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from cohortstats.inputs.cohortfile import load_cohort
from cohortstats.inputs.omop import attrition_dict, extract, load_definition, write_cohort_csv
from cohortstats.inputs.omop.__main__ import main

ROOT = Path(__file__).resolve().parents[3]
DEF = load_definition(ROOT / "data" / "omop_cohort.yml")
VALUES = ["sex", "race", "age_years", "prednisone_mg_baseline", "prednisone_mg_6mo",
          "esr_mm_hr_baseline", "esr_mm_hr_6mo"]


@pytest.fixture(scope="module")
def demo_extracted(demo_cdm):
    """The demo CDM's extraction, from its file (a ``duckdb://`` URL), made once for the module."""
    return extract(f"duckdb://{demo_cdm}", DEF)


def test_round_trip_through_todays_loader(demo_extracted, tmp_path):
    e = demo_extracted
    out = tmp_path / "cohort.csv"
    # The OMB words (the default) are read by the loader as data/cohort.csv's paper words are
    write_cohort_csv(e, out)
    got = load_cohort(out).frame
    want = load_cohort(ROOT / "data" / "cohort.csv").frame
    # patient for patient: R01..R10 have index dates in that order, so they are S001..S010
    assert list(got["patient_id"]) == [f"S{i:03d}" for i in range(1, 11)]
    assert got[VALUES].reset_index(drop=True).equals(want[VALUES].reset_index(drop=True))
    assert set(got["indications"]) == {""} and set(got["response_6mo"]) == {""}


def test_demo_concept_sets_give_the_cohorts_indications_response_and_events(demo_cdm, tmp_path):
    from hand_cdms import write_definition
    from cohortstats.inputs.omop.demo import demo_sets

    # the demo holds each patient's indications (index - 30), response (index + 182) and no
    # adverse event in its local concepts (demo.LOCAL), and noise outside each window
    d = load_definition(write_definition(tmp_path / "demo-sets.yml", demo_sets()))
    e = extract(f"duckdb://{demo_cdm}", d)
    out = tmp_path / "cohort.csv"
    write_cohort_csv(e, out, races="paper")
    got = load_cohort(out).frame
    want = load_cohort(ROOT / "data" / "cohort.csv").frame
    cols = VALUES + ["indications", "response_6mo", "adverse_events"]
    assert got[cols].reset_index(drop=True).equals(want[cols].reset_index(drop=True))
    counts = {o.column: (o.found, o.not_recorded, o.left_out) for o in e.outcomes}
    # every patient also has an answer at index + 240, outside ± 30: neither chosen nor counted
    assert counts["indications"] == (10, 0, 0) and counts["response_6mo"] == (10, 0, 0)
    assert counts["adverse_events"] == (10, 0, 0) and set(got["adverse_events"]) == {"none"}


def test_demo_attrition_and_counts(demo_extracted):
    e = demo_extracted
    # 10 patients + 5 excluded (demo.EXCLUDED): no lenalidomide; no SLE and SLE after index;
    # age 19; observed to index+181 only; nobody without sex
    assert [s.n for s in e.attrition] == [15, 14, 12, 11, 10, 10]
    counts = {o.column: (o.found, o.not_recorded, o.left_out) for o in e.outcomes}
    # every patient has an ESR in mm at index+182 (noise): 10 left out at 6 months
    assert counts == {"prednisone_mg_baseline": (10, 0, 0), "prednisone_mg_6mo": (10, 0, 0),
                      "esr_mm_hr_baseline": (10, 0, 0), "esr_mm_hr_6mo": (10, 0, 10)}
    assert "Black or African American" in set(e.cohort["race"])


def test_command_line_writes_both_files(demo_cdm, tmp_path, capsys):
    out, att = tmp_path / "c.csv", tmp_path / "a.json"
    assert main(["--cdm", f"duckdb://{demo_cdm}", "--out", str(out), "--attrition", str(att),
                 "--definition", str(ROOT / "data" / "omop_cohort.yml")]) == 0
    data = json.loads(att.read_text())
    assert [s["n"] for s in data["attrition"]] == [15, 14, 12, 11, 10, 10]
    assert data["definition_sha256"] == DEF.sha256
    assert out.read_text().splitlines()[0].startswith("patient_id,sex,race,age_years,prednisone_mg_baseline")
    assert "10 patients" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "c.csv"]  # no temp file left


def test_command_line_failure_leaves_earlier_file(tmp_path, capsys):
    out = tmp_path / "c.csv"
    out.write_text("earlier\n")
    assert main(["--cdm", f"duckdb://{tmp_path}/absent.duckdb", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "no such DuckDB file" in err
    assert out.read_text() == "earlier\n" and [p.name for p in tmp_path.iterdir()] == ["c.csv"]


def test_flow_diagram_is_deterministic(demo_extracted):
    from cohortstats.report.flow import flow_svg  # matplotlib: here, not when the suite is collected

    e = demo_extracted
    svg = flow_svg(e.attrition, title="Cohort")
    assert svg == flow_svg(e.attrition, title="Cohort")
    assert svg.startswith("<?xml") and "n = 15" in svg and "excluded: 2" in svg  # 14 -> 12
    assert "<dc:date>" not in svg
    assert attrition_dict(e)["attrition"][-1] == {"label": "analysed (sex recorded as F or M)", "n": 10}


@pytest.mark.slow
def test_notebook_runs_with_its_defaults_on_the_demo(tmp_path):
    import nbformat
    import papermill

    source = ROOT / "notebooks" / "00-extract.ipynb"
    nb = nbformat.read(source, as_version=4)
    assert all(c.get("execution_count") is None and not c.get("outputs") for c in nb.cells
               if c.cell_type == "code")  # committed without outputs
    assert "parameters" in nb.cells[1].metadata.get("tags", [])
    papermill.execute_notebook(str(source), str(tmp_path / "out.ipynb"), cwd=str(ROOT / "notebooks"),
                               parameters={"output_dir": str(tmp_path / "scratch")},
                               kernel_name="python3", progress_bar=False)
    text = (tmp_path / "scratch" / "cohort.csv").read_text()
    assert text.count("\n") == 11 and text.startswith("patient_id,")  # header + the 10 patients
