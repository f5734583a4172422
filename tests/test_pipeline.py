"""The whole bundle, as a reviewer runs it: make report / make verify.

Each build goes to its own temporary BUILD/REPORTS/FIGURES so the user's reports/
is never touched. Expected verdicts: the shipped cohort was built to reproduce all
13 published numbers (data/README.md); the altered cohort changes one patient's
ESR, which must move exactly the ESR claims it touches.
"""
import html
import json
import subprocess
import sys

import pandas as pd
import pytest

from conftest import RESULTS_STATEMENTS, ROOT, SHIPPED


def make(target, tmp, cohort=None, extra=(), check=True):
    args = ["make", "--no-print-directory", target, f"PY={sys.executable}",
            f"BUILD={tmp}/build", f"REPORTS={tmp}/reports", f"FIGURES={tmp}/figures"]
    if cohort is not None:
        args.append(f"COHORT={cohort}")
    proc = subprocess.run(args + list(extra), cwd=ROOT, capture_output=True, text=True, timeout=600)
    if check and proc.returncode != 0:
        raise AssertionError(f"make {target} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("shipped")
    proc = make("report", tmp)
    return tmp, proc, json.loads((tmp / "reports" / "results.json").read_text())


def test_all_thirteen_claims_reproduced(shipped):
    tmp, proc, results = shipped
    assert len(results["claims"]) == 13
    bad = [c["id"] for c in results["claims"] if not c["reproduced"]]
    assert bad == []
    assert results["claims_summary"] == {"total": 13, "reproduced": 13}
    assert proc.stdout.strip().splitlines()[-1].endswith("13/13 published numbers reproduced (reconstructed cohort)")


def test_results_json_schema(shipped):
    _, _, r = shipped
    assert set(r["cohort"]) >= {"n", "female", "african_american"}
    assert (r["cohort"]["n"], r["cohort"]["female"], r["cohort"]["african_american"]) == (10, 9, 6)
    for name in ("prednisone_mg", "esr_mm_hr"):
        o = r["outcomes"][name]
        assert set(o) >= {"n_pairs", "baseline_mean", "baseline_sd", "followup_mean", "followup_sd",
                          "p_value", "method"}
    for c in r["claims"]:
        assert set(c) >= {"id", "published", "computed", "reproduced"}


def test_numbers_agree_with_pandas(shipped):
    """The report's means and SDs, recomputed independently from the CSV with pandas."""
    _, _, r = shipped
    df = pd.read_csv(SHIPPED)
    for name, (b, f) in {"prednisone_mg": ("prednisone_mg_baseline", "prednisone_mg_6mo"),
                         "esr_mm_hr": ("esr_mm_hr_baseline", "esr_mm_hr_6mo")}.items():
        both = df[[b, f]].dropna()
        o = r["outcomes"][name]
        assert o["n_pairs"] == len(both)
        assert o["baseline_mean"] == pytest.approx(both[b].mean(), rel=1e-12)
        assert o["baseline_sd"] == pytest.approx(both[b].std(ddof=1), rel=1e-12)
        assert o["followup_mean"] == pytest.approx(both[f].mean(), rel=1e-12)
        assert o["followup_sd"] == pytest.approx(both[f].std(ddof=1), rel=1e-12)


def test_outputs_exist(shipped):
    tmp, _, r = shipped
    for nb in ("01-cohort", "02-outcomes", "03-sensitivity"):
        executed = json.loads((tmp / "reports" / "notebooks" / f"{nb}.ipynb").read_text())
        assert any(c.get("outputs") for c in executed["cells"] if c["cell_type"] == "code")
    assert sorted(p.name for p in (tmp / "figures").iterdir()) == ["esr_mm_hr.svg", "prednisone_mg.svg"]


def test_html_reads_like_the_results_section(shipped):
    tmp, _, _ = shipped
    page = (tmp / "reports" / "results.html").read_text()
    for sentence in RESULTS_STATEMENTS:
        assert html.escape(sentence) in page, sentence
    # the abstract's order: girls, indications, response, prednisone, ESR, tolerability
    said = [page.index(s) for s in ("Nine subjects", "Indications for", "Within 6 months",
                                     "Prednisone dose decreased", "Sedimentation rate decreased",
                                     "well tolerated")]
    assert said == sorted(said)
    order = [page.index(h) for h in ("Reconstructed data", 'id="h-results"', 'id="h-table1"', 'id="h-figures"',
                                     'id="h-claims"', 'id="h-consistency"', 'id="h-sensitivity"', 'id="h-methods"')]
    assert order == sorted(order)
    assert "<script" not in page and "http://" not in page and "https://" not in page


def test_noop_rebuild_does_nothing(shipped):
    tmp, _, _ = shipped
    before = (tmp / "reports" / "results.html").stat().st_mtime_ns
    proc = make("report", tmp)
    assert "running" not in proc.stdout
    assert (tmp / "reports" / "results.html").stat().st_mtime_ns == before


@pytest.fixture(scope="module")
def altered(tmp_path_factory):
    """The shipped cohort with one patient's 6-month ESR raised by 40 mm/h, ids renamed
    (A01...) as a user's file would have them."""
    tmp = tmp_path_factory.mktemp("altered")
    df = pd.read_csv(SHIPPED, dtype=str, keep_default_na=False)
    df["patient_id"] = df["patient_id"].str.replace("R", "A")
    df.loc[0, "esr_mm_hr_6mo"] = str(int(float(df.loc[0, "esr_mm_hr_6mo"])) + 40)
    path = tmp / "altered.csv"
    df.to_csv(path, index=False)
    return tmp, path


def test_altered_cohort_flags_the_claims_it_touches(altered):
    tmp, path = altered
    proc = make("report", tmp, cohort=path)
    assert proc.returncode == 0  # a claim that fails is a finding, not a failure
    r = json.loads((tmp / "reports" / "results.json").read_text())
    bad = {c["id"] for c in r["claims"] if not c["reproduced"]}
    # +40 on one of ten 6-month values: the follow-up mean moves by 4 (17 -> 21), the SD
    # moves, and the prednisone and demographic claims cannot move.
    assert {"esr_followup_mean", "esr_followup_sd"} <= bad
    assert not bad & {"n_patients", "n_female", "n_african_american", "prednisone_baseline_mean",
                      "prednisone_baseline_sd", "prednisone_followup_mean", "prednisone_followup_sd",
                      "prednisone_p", "esr_baseline_mean", "esr_baseline_sd"}
    assert r["provenance"]["reconstructed"] is False
    assert r["provenance"]["file"] == "altered.csv"  # no directory of the user's machine
    page = (tmp / "reports" / "results.html").read_text()
    assert "Not reproduced" in page
    v = make("verify", tmp, cohort=path, check=False)
    assert v.returncode != 0  # make reports a failed recipe as 2; the verdict itself exits 1
    assert "verify] Error 1" in v.stderr
    assert "not reproduced: esr_followup_mean" in v.stderr


def test_changing_cohort_between_runs_rebuilds(altered, shipped):
    tmp, path = altered
    make("report", tmp, cohort=path)
    make("report", tmp)  # back to the default cohort, same build dir
    r = json.loads((tmp / "reports" / "results.json").read_text())
    assert r["claims_summary"]["reproduced"] == 13
    assert r["provenance"]["reconstructed"] is True


def test_an_added_outcome_flows_through(tmp_path):
    """An analyst names a new measured pair (complement C3) without editing code."""
    df = pd.read_csv(SHIPPED, dtype=str, keep_default_na=False)
    df["c3_baseline"] = [str(60 + 3 * i) for i in range(len(df))]
    df["c3_6mo"] = [str(70 + 4 * i) for i in range(len(df))]
    path = tmp_path / "with_c3.csv"
    df.to_csv(path, index=False)
    make("report", tmp_path, cohort=path, extra=["OUTCOMES=prednisone_mg,esr_mm_hr,c3"])
    r = json.loads((tmp_path / "reports" / "results.json").read_text())
    c3 = r["outcomes"]["c3"]
    # Hand-worked: baseline 60..87 step 3 -> mean 73.5; follow-up 70..106 step 4 -> mean 88;
    # d = before - after = -10 - i, all negative and distinct: T+ = 0, exact two-sided p = 2/1024.
    assert c3["baseline_mean"] == pytest.approx(73.5)
    assert c3["followup_mean"] == pytest.approx(88.0)
    assert c3["p_value"] == pytest.approx(2 / 1024, rel=1e-9)
    assert (tmp_path / "figures" / "c3.svg").is_file()
    assert "c3" in r["sensitivity"]["variants"]
    page = (tmp_path / "reports" / "results.html").read_text()
    assert "C3 increased from a mean 73.5" in page


def test_minimal_cohort_with_a_missing_value(tmp_path):
    """Only the required columns, one 6-month ESR not recorded: the patient leaves that
    outcome's pairs, is counted, and the report says so."""
    df = pd.read_csv(SHIPPED, dtype=str, keep_default_na=False)
    df = df[["patient_id", "sex", "race", "prednisone_mg_baseline", "prednisone_mg_6mo",
             "esr_mm_hr_baseline", "esr_mm_hr_6mo"]].copy()
    df["patient_id"] = [f"P{i:03d}" for i in range(1, len(df) + 1)]
    df.loc[3, "esr_mm_hr_6mo"] = ""
    path = tmp_path / "minimal.csv"
    df.to_csv(path, index=False)
    make("report", tmp_path, cohort=path)
    r = json.loads((tmp_path / "reports" / "results.json").read_text())
    esr = r["outcomes"]["esr_mm_hr"]
    assert (esr["n_pairs"], esr["n_missing"]) == (9, 1)
    both = pd.read_csv(path).dropna(subset=["esr_mm_hr_baseline", "esr_mm_hr_6mo"])
    assert esr["baseline_mean"] == pytest.approx(both["esr_mm_hr_baseline"].mean(), rel=1e-12)
    assert r["outcomes"]["prednisone_mg"]["n_pairs"] == 10
    page = (tmp_path / "reports" / "results.html").read_text()
    assert "Computed over the 9 patients with both values; 1 with a value not recorded was excluded." in page
    assert "Indications were not recorded in this cohort file." in page
    assert "Built from a user-supplied cohort" in page


def test_kernel_is_the_projects_whatever_the_machine_has(tmp_path):
    """A broken 'python3' kernel in the user's Jupyter data dir must not matter."""
    import os

    kdir = tmp_path / "jupyter" / "kernels" / "python3"
    kdir.mkdir(parents=True)
    (kdir / "kernel.json").write_text(json.dumps({"argv": ["/bin/false", "{connection_file}"],
                                                  "display_name": "broken", "language": "python"}))
    env = {**os.environ, "JUPYTER_DATA_DIR": str(tmp_path / "jupyter"),
           "JUPYTER_PATH": str(tmp_path / "jupyter")}
    args = ["make", "--no-print-directory", "report", f"PY={sys.executable}", f"BUILD={tmp_path}/build",
            f"REPORTS={tmp_path}/reports", f"FIGURES={tmp_path}/figures"]
    proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "13/13" in proc.stdout
