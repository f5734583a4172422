"""Bad input, failures and determinism: nothing lost, nothing leaked.

- Malformed CSVs (hypothesis) end in a CohortError or a valid cohort, never a traceback.
- A bad cohort or a failing notebook stops `make report` with a one-line error and
  leaves the previous report byte-for-byte in place.
- Two clean builds give byte-identical results.json, figures and results.html.
"""
import hashlib
import shutil
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cohortstats import cohortfile
from conftest import HEADER, ROOT, SHIPPED
from test_pipeline import make

CELL = st.one_of(
    st.sampled_from(["", "1", "2.5", "-3", "abc", "F", "M", "X", "nan", "inf", "1e400", "\"a,b\"", "\"",
                     "R01", "African-American", "malar_rash", " 7 ", "0x10", "1,5", "\ufeff"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=6),
)
ROW = st.lists(CELL, min_size=0, max_size=9).map(",".join)
HEADERS = st.sampled_from([HEADER, HEADER + ",indications", "patient_id,sex", "", HEADER + ",name",
                           "\ufeff" + HEADER, HEADER.upper()])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=HEADERS, rows=st.lists(ROW, max_size=6), newline=st.sampled_from(["\n", "\r\n"]))
def test_malformed_csv_never_tracebacks(tmp_path, header, rows, newline):
    path = tmp_path / "fuzz.csv"
    path.write_text(newline.join([header] + rows) + newline, encoding="utf-8", newline="")
    before = path.read_bytes()
    try:
        cohort = cohortfile.load_cohort(path)
    except cohortfile.CohortError as exc:
        assert "\n" not in str(exc) and str(exc).startswith(str(path))
    else:
        assert cohort.n == len(cohort.frame) >= 1
    assert path.read_bytes() == before


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("robust")
    make("report", tmp)
    return tmp


def _digest(tmp):
    files = [tmp / "reports" / "results.json", tmp / "reports" / "results.html",
             *sorted((tmp / "figures").iterdir())]
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}


def _tree(tmp):
    return {p.relative_to(tmp).as_posix(): p.read_bytes() for p in sorted((tmp / "reports").rglob("*"))
            if p.is_file()}


def test_bad_cohort_fails_cleanly_and_keeps_previous_report(built, tmp_path):
    before = _tree(built)
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "\nA1,F,W,1,2,3,4\nA2,F,W,1,two,3,4\n")
    proc = make("report", built, cohort=bad, check=False)
    assert proc.returncode != 0
    last = proc.stderr.strip().splitlines()
    assert any(l.startswith("error: ") and "row 3" in l and "prednisone_mg_6mo" in l for l in last[-3:])
    assert "Traceback" not in proc.stderr
    assert _tree(built) == before


def test_failing_notebook_names_notebook_cell_and_exception(built, tmp_path):
    """A notebook that raises: the last lines name it, and the previous report stays."""
    before = _tree(built)
    # A cohort that passes validation but makes the outcomes notebook fail: its
    # outcome list names a column pair that validation checks, so instead break
    # the method parameter, which only the signed-rank engine rejects.
    proc = make("report", built, extra=["METHOD=bogus"], check=False)
    assert proc.returncode != 0
    tail = "\n".join(proc.stderr.strip().splitlines()[-4:])
    assert "notebooks/02-outcomes.ipynb" in tail or "notebooks/03-sensitivity.ipynb" in tail
    assert "cell" in tail and "ValueError" in tail
    assert _tree(built) == before
    assert not list((built / "build" / "notebooks").glob(".*.partial.ipynb"))


def test_two_clean_builds_are_byte_identical(built, tmp_path):
    make("report", tmp_path)
    assert _digest(tmp_path) == _digest(built)


def test_inputs_never_modified(built):
    assert hashlib.sha256(SHIPPED.read_bytes()).hexdigest() == cohortfile.load_cohort(SHIPPED).sha256
    status = subprocess.run(["git", "status", "--porcelain", "data", "notebooks"], cwd=ROOT,
                            capture_output=True, text=True).stdout
    assert status == "" or not shutil.which("git")


def test_no_identifier_reaches_the_report(built):
    page = (built / "reports" / "results.html").read_text()
    # patient ids never appear in the report (counts only)
    for pid in ("R01", "R02", "R10"):
        assert pid not in page


def test_data_is_escaped(tmp_path):
    """Text from the data (an adverse event here) is HTML-escaped."""
    src = SHIPPED.read_text().replace(",none\n", ",<script>alert(1)</script> & rash\n", 1)
    path = tmp_path / "escape.csv"
    path.write_text(src)
    make("report", tmp_path, cohort=path)
    page = (tmp_path / "reports" / "results.html").read_text()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; rash" in page


def test_report_step_failure_keeps_previous_report(built, tmp_path):
    """The report step itself failing (a fragment missing) writes nothing."""
    from cohortstats import report

    before = _tree(built)
    empty = tmp_path / "empty-build"
    (empty / "fragments").mkdir(parents=True)
    with pytest.raises(FileNotFoundError, match="cohort.json"):
        report.build_report(empty, ROOT / "data" / "published.yml", built / "reports", built / "figures")
    assert _tree(built) == before
    assert not (built / ".reports.new").exists()


def test_publish_replaces_the_whole_directory(tmp_path):
    from cohortstats.report import _publish_dir

    old, new = tmp_path / "reports", tmp_path / ".reports.new"
    old.mkdir(); (old / "stale.txt").write_text("old")
    new.mkdir(); (new / "results.json").write_text("{}")
    _publish_dir(new, old)
    assert sorted(p.name for p in old.iterdir()) == ["results.json"]
    assert not new.exists()
