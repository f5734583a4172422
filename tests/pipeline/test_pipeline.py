"""The whole bundle as a reviewer runs it: ``make report`` / ``make verify``.

Every test reads one of the session's background builds (conftest.BUILDS) or a
copy of one; a test that builds again does so in a copy, where only publishing
(or nothing) is left to do. Expected values: the shipped cohort was generated to
reproduce all 13 published numbers (data/README.md); everything else is recomputed
here from the CSV with pandas, or worked by hand in the comment beside it.
"""
import hashlib
import os
import html
import json
import re
import shutil

import pandas as pd
import pytest
import yaml

from support import (RESULTS_STATEMENTS, ROOT, SHIPPED, clean_env, one_error_line, run_make,
                      tree_bytes)

pytestmark = pytest.mark.slow

OUTCOME_COLUMNS = {"prednisone_mg": ("prednisone_mg_baseline", "prednisone_mg_6mo"),
                   "esr_mm_hr": ("esr_mm_hr_baseline", "esr_mm_hr_6mo")}


def sha256(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def copy_build(build, dest, parts=("build", "reports", "figures")):
    for part in parts:
        shutil.copytree(build.folder / part, dest / part, symlinks=True, dirs_exist_ok=True)
    (dest / "build" / ".lock").unlink(missing_ok=True)
    return dest


def published_ids():
    doc = yaml.safe_load((ROOT / "data" / "published.yml").read_text(encoding="utf-8"))
    return list(doc["claims"])


# --------------------------------------------------------------------------- the shipped cohort


def test_summary_line_names_verdict_and_cohort(built):
    last = built.stdout.strip().splitlines()[-1]
    assert last == (f"Report: {built.reports / 'results.html'} — 13/13 published numbers reproduced "
                    f"(reconstructed cohort cohort.csv, 10 patients, sha256 {sha256(SHIPPED)[:12]})")


def test_every_published_number_reproduced(built):
    claims = built.results["claims"]
    assert [c["id"] for c in claims["claims"]] == published_ids()
    assert [c["id"] for c in claims["claims"] if not c["reproduced"]] == []
    assert (claims["reproduced"], claims["total"]) == (13, 13)


def test_counts_and_summaries_agree_with_pandas(built):
    """Means, sample SDs and counts recomputed from the CSV with pandas, independently."""
    r = built.results
    df = pd.read_csv(SHIPPED)
    assert (r["cohort"]["n"], r["cohort"]["female"], r["cohort"]["african_american"]) == (
        len(df), int((df["sex"] == "F").sum()), int((df["race"] == "African-American").sum()))
    for name, (b, f) in OUTCOME_COLUMNS.items():
        both = df[[b, f]].dropna()
        o = r["outcomes"][name]
        d = both[b] - both[f]
        assert (o["n_pairs"], o["n_decreased"], o["n_unchanged"], o["n_increased"]) == (
            len(both), int((d > 0).sum()), int((d == 0).sum()), int((d < 0).sum()))
        for when, col in (("baseline", b), ("followup", f)):
            assert o[when]["mean"] == pytest.approx(both[col].mean(), rel=1e-12)
            assert o[when]["sd"] == pytest.approx(both[col].std(ddof=1), rel=1e-12)
        assert o["change"]["mean"] == pytest.approx(d.mean(), rel=1e-12)


@pytest.mark.parametrize("name", OUTCOME_COLUMNS)
def test_p_value_when_every_change_is_a_decrease(built, name):
    # Every non-zero difference is positive (checked here with pandas), so T+ takes its
    # largest value, reached by one sign pattern of 2^m: exact two-sided P = 2 / 2^m,
    # with or without tied ranks (m = 8 prednisone, 9 ESR: 0.0078125, 0.00390625).
    b, f = OUTCOME_COLUMNS[name]
    d = (pd.read_csv(SHIPPED)[b] - pd.read_csv(SHIPPED)[f]).dropna()
    nonzero = d[d != 0]
    assert (nonzero > 0).all()
    t = built.results["outcomes"][name]["test"]
    assert t["n_nonzero"] == len(nonzero)
    assert t["p_value"] == pytest.approx(2 / 2 ** len(nonzero), rel=1e-12)


def test_results_json_reads_back_into_the_same_text(built):
    """results.json is exactly what the contract (cohortstats.results) writes for what it reads."""
    from cohortstats.results import dumps, load_results

    path = built.reports / "results.json"
    assert dumps(load_results(path)) == path.read_text(encoding="utf-8")


def test_page_reads_like_the_results_section(built):
    page = built.page
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    for sentence in RESULTS_STATEMENTS:
        assert sentence in text, sentence
    said = [text.index(s) for s in ("Nine subjects", "Indications for", "Within 6 months",
                                     "Prednisone dose decreased", "Sedimentation rate decreased",
                                     "well tolerated")]
    assert said == sorted(said)  # the abstract's order
    assert "<script" not in page and "http://" not in page and "https://" not in page


def test_every_linked_number_is_the_value_in_results_json(built):
    """Each number printed with a data-key is that path's value in results.json."""
    from cohortstats.results import lookup

    r = built.results
    keys = re.findall(r'data-key="([^"]+)"[^>]*title="([^"(]+) \(computed in ([^)]+)\)"', built.page)
    assert len(keys) >= 10
    for key, shown_value, notebook in keys:
        value = lookup(r, key)
        assert value is not None, key
        assert float(shown_value) == pytest.approx(float(value), rel=1e-12), key
        assert notebook.endswith(".ipynb")


def test_published_files_are_exactly_the_builds(built):
    r = built.results
    listed = {f for o in r["outcomes"].values() for f in o["figure"]["files"]}
    assert {p.name for p in built.figures.iterdir()} == listed
    names = ("01-cohort", "02-outcomes", "03-sensitivity", "04-claims")
    assert sorted(p.name for p in (built.reports / "notebooks").iterdir()) == sorted(
        [f"{n}.ipynb" for n in names] + [f"{n}.html" for n in names])
    for nb in (built.reports / "notebooks").glob("*.ipynb"):
        cells = json.loads(nb.read_text())["cells"]
        assert any(c.get("outputs") for c in cells if c["cell_type"] == "code"), nb.name
    assert not list(built.folder.glob(".*staged*")) and not list(built.folder.glob(".*old*"))


def test_the_notebooks_in_process_and_in_their_kernels_give_the_same_bytes(built, tmp_path):
    """The same inputs in another process give the same figures and results: the notebooks' cells
    run in this process (support.in_process) save the figures' SVG and CSV and the sensitivity
    and claims fragments byte for byte as the build's kernels did. (The cohort and outcomes
    fragments name the figures' formats, which differ: SVG only here.)"""
    from support.in_process import figures_dir, results_in_process

    out = figures_dir(results_in_process(SHIPPED, tmp_path)).parent
    kernel = built.folder / "build" / built.results["build"]
    same = ["figures/prednisone_mg.svg", "figures/prednisone_mg.csv", "figures/esr_mm_hr.svg",
            "figures/esr_mm_hr.csv", "fragments/sensitivity.json", "fragments/claims.json"]
    for part in same:
        assert (out / part).read_bytes() == (kernel / part).read_bytes(), part


def test_noop_rebuild_changes_nothing(built, tmp_path):
    copy_build(built, tmp_path)
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in
              [tmp_path / "reports" / "results.html", *sorted((tmp_path / "figures").iterdir())]}
    proc = run_make("report", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "running" not in proc.stdout
    assert proc.stdout.strip().splitlines()[-1].startswith("Report: ")
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in before} == before


def test_verify_passes_on_the_shipped_cohort(built, tmp_path):
    copy_build(built, tmp_path)
    proc = run_make("verify", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "13/13 published numbers reproduced" in proc.stdout


def test_a_second_build_gives_the_same_bytes_and_a_broken_python3_kernel_does_not_matter(built, tmp_path):
    """Two builds of the same inputs give the same bytes, with kernels forked from the zygote (the
    session build) or started cold (this one, CS_FORK_KERNELS=0); and a user's Jupyter data dir
    with a broken 'python3' kernel does not matter: the build uses its own kernel.

    In a copy of the session build's build/ alone: 04-claims runs again in its own kernel (its
    stamp removed), the notebook pages are rendered, the PDF printed and the Word file written
    again (their kept copies removed), and everything is published into empty reports/ and figures/. Every published
    byte equals the session build's. (The other notebooks' results and figures in another
    process: test_the_notebooks_in_process_and_in_their_kernels_give_the_same_bytes; their
    executed notebooks' pages are among the bytes compared here.)
    """
    copy_build(built, tmp_path, parts=("build",))
    out = tmp_path / "build" / built.results["build"]
    (out / "notebooks" / ".04-claims.source").unlink()
    shutil.rmtree(out / "pages")
    shutil.rmtree(out / "pdf")
    shutil.rmtree(out / "docx", ignore_errors=True)  # where a build keeps its Word file (main since 2026-12-07)
    kdir = tmp_path / "jupyter" / "kernels" / "python3"
    kdir.mkdir(parents=True)
    (kdir / "kernel.json").write_text(json.dumps({"argv": ["/bin/false", "{connection_file}"],
                                                  "display_name": "broken", "language": "python"}))
    env = clean_env(JUPYTER_DATA_DIR=tmp_path / "jupyter", JUPYTER_PATH=tmp_path / "jupyter",
                    CS_FORK_KERNELS="0")
    proc = run_make("report", tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "04-claims" in proc.stdout and "13/13" in proc.stdout
    assert "01-cohort" not in proc.stdout
    first = {**tree_bytes(built.reports), **tree_bytes(built.figures)}
    second = {**tree_bytes(tmp_path / "reports"), **tree_bytes(tmp_path / "figures")}
    assert sorted(second) == sorted(first)
    assert {"results.docx", "results.pdf", "notebooks/02-outcomes.html", "notebooks/04-claims.html",
            "prednisone_mg.png"} <= set(first)
    # The executed .ipynb are not the same bytes here: they hold the build folder's path (two builds
    # in one folder give the same .ipynb bytes; build._scrub removes papermill's random cell id and
    # reprs' memory addresses); their pages, compared here, show the path masked.
    assert [name for name in first if first[name] != second[name] and not name.endswith(".ipynb")] == []


# --------------------------------------------------------------------------- builds side by side


def test_builds_in_two_folders_at_once_keep_their_own_cohort(built, redcap):
    """The session's builds run at the same time, each in its own folder: the shipped cohort's and
    the REDCap export's (its cohort file, written by the build under build/source/, holds other
    bytes: study ids S001.. for R01..). Each report is of its own cohort file.

    (A user's cohort that moves claims, adds outcomes and leaves one unchanged:
    tests/steps/test_user_cohort.py, the notebooks in process.)"""
    extracted = redcap.folder / "build" / "source" / "cohort.csv"
    assert built.results["provenance"]["sha256"] == built.results["key"]["cohort_sha256"] == sha256(SHIPPED)
    assert redcap.results["provenance"]["sha256"] == redcap.results["key"]["cohort_sha256"] == sha256(extracted)
    assert sha256(extracted) != sha256(SHIPPED)
    assert redcap.results["provenance"]["n"] == 10 and not redcap.results["provenance"]["reconstructed"]


def test_a_file_replaced_by_an_older_one_is_read_again(built, tmp_path):
    """cp -p of an older file over the cohort: same path, older mtime; its bytes decide.

    The older file has a bad cell: a build that trusted the path (or the time) would say
    "up to date"; one that hashes the bytes validates them and stops in one line.
    """
    copy_build(built, tmp_path)
    cohort = tmp_path / "cohort.csv"
    shutil.copy2(SHIPPED, cohort)
    assert run_make("report", tmp_path, COHORT=cohort).returncode == 0
    before = {**tree_bytes(tmp_path / "reports"), **tree_bytes(tmp_path / "figures")}
    older = tmp_path / "older.csv"
    older.write_text(SHIPPED.read_text().replace(",20,20,", ",20,twenty,", 1))
    stamp = SHIPPED.stat().st_mtime_ns - 10 ** 12
    os.utime(older, ns=(stamp, stamp))
    shutil.copy2(older, cohort)  # cp -p
    proc = run_make("report", tmp_path, COHORT=cohort)
    assert proc.returncode != 0
    line = one_error_line(proc.stderr, via_make=True)
    assert "cohort.csv" in line and "twenty" in line
    assert {**tree_bytes(tmp_path / "reports"), **tree_bytes(tmp_path / "figures")} == before


def test_a_repointed_symlink_is_followed_to_its_new_bytes(built, tmp_path):
    """COHORT=<link>: the link to the shipped bytes gives the shipped report (nothing runs: its
    build is found up to date); re-pointed to a file with a bad cell, the build reads the new bytes
    and stops in one line naming that cell, the report left as it was. A build that trusted the
    link's path or its own mtime would say "up to date" again."""
    copy_build(built, tmp_path)
    (tmp_path / "in").mkdir()
    link = tmp_path / "in" / "cohort.csv"  # the shipped file's name: the same report
    link.symlink_to(SHIPPED)
    proc = run_make("report", tmp_path, COHORT=link)
    assert proc.returncode == 0, proc.stderr
    assert "running" not in proc.stdout and sha256(SHIPPED)[:12] in proc.stdout
    before = {**tree_bytes(tmp_path / "reports"), **tree_bytes(tmp_path / "figures")}
    assert before["results.json"] == (built.reports / "results.json").read_bytes()
    bad = tmp_path / "bad.csv"
    bad.write_text(SHIPPED.read_text().replace(",20,20,", ",20,twenty,", 1))
    link.unlink()
    link.symlink_to(bad)
    proc = run_make("report", tmp_path, COHORT=link)
    assert proc.returncode != 0
    line = one_error_line(proc.stderr, via_make=True)
    assert "cohort.csv" in line and "twenty" in line
    assert {**tree_bytes(tmp_path / "reports"), **tree_bytes(tmp_path / "figures")} == before


def test_a_republish_makes_only_what_changed(built, tmp_path):
    """The notebook pages and the PDF kept in the build folder are reused while what they are
    made from is the same, and made again when it is not.

    First reports/ is deleted: the same page, so nothing is printed or rendered again. Then an
    executed notebook's text changes (as a rerun that printed something else would) and the
    cohort is given as nice.csv, holding the shipped bytes: that page is rendered again, the PDF
    printed again, and the report names nice.csv (the file given), not cohort.csv (the earlier
    build's name).
    """
    copy_build(built, tmp_path)
    out = tmp_path / "build" / built.results["build"]
    pages = sorted((out / "pages").glob("*.html"))
    kept = {p: p.stat().st_mtime_ns for p in [*pages, out / "pdf" / "results.pdf"]}
    assert len(pages) == 4
    shutil.rmtree(tmp_path / "reports")
    proc = run_make("report", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert {p: p.stat().st_mtime_ns for p in kept} == kept
    for part in ("results.pdf", "notebooks/01-cohort.html"):
        assert (tmp_path / "reports" / part).read_bytes() == (built.reports / part).read_bytes()

    nb = out / "notebooks" / "01-cohort.ipynb"
    nb.write_text(nb.read_text(encoding="utf-8").replace("# 1. The cohort", "# 1. The cohort XYZZY"),
                  encoding="utf-8")
    nice = tmp_path / "nice.csv"
    shutil.copyfile(SHIPPED, nice)
    proc = run_make("report", tmp_path, COHORT=nice)
    assert proc.returncode == 0, proc.stderr
    assert "running" not in proc.stdout
    r = json.loads((tmp_path / "reports" / "results.json").read_text())
    assert r["provenance"]["file"] == "nice.csv"
    assert "cohort nice.csv" in proc.stdout
    assert "XYZZY" in (tmp_path / "reports" / "notebooks" / "01-cohort.html").read_text(encoding="utf-8")
    assert "XYZZY" in (out / "pages" / "01-cohort.html").read_text(encoding="utf-8")
    pdf = tmp_path / "reports" / "results.pdf"
    assert pdf.read_bytes() != (built.reports / "results.pdf").read_bytes()
    assert pdf.read_bytes() == (out / "pdf" / "results.pdf").read_bytes()
    if shutil.which("pdftotext"):
        import subprocess

        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "nice.csv" in text
