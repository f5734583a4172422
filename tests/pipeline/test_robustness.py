"""Failures end in one line and lose nothing; degenerate and special inputs give a report or one line.

A failure is judged by what the user sees and keeps: exit status, exactly one line
on stderr starting ``error:`` (make's own closing line aside), and the previous
results.html and figures/ byte-identical afterwards. Most cases fail before any
notebook runs; those that need a build around them start from a copy of the
session's build (``staged``), so only the step under test runs.
"""
import fcntl
import json
import os
import shutil
import signal
import subprocess
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cohortstats.inputs import cohortfile
from support import (HEADER, PY, ROOT, SHELL_NAME, SHIPPED, one_error_line, pipeline_env,
                     run_make, run_pipeline, tree_bytes)
from support.in_process import figures_dir, results_in_process

# --------------------------------------------------------------------------- the loader, fuzzed

CELL = st.one_of(
    st.sampled_from(["", "1", "2.5", "-3", "abc", "F", "M", "X", "nan", "inf", "1e400", "\"a,b\"", "\"",
                     "R01", "African-American", "malar_rash", " 7 ", "0x10", "1,5", "\ufeff"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=6),
)
ROW = st.lists(CELL, min_size=0, max_size=9).map(",".join)
HEADERS = st.sampled_from([HEADER, HEADER + ",indications", "patient_id,sex", "", HEADER + ",name",
                           "\ufeff" + HEADER, HEADER.upper()])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=HEADERS, rows=st.lists(ROW, max_size=6), newline=st.sampled_from(["\n", "\r\n"]))
def test_malformed_csv_gives_one_line_or_a_cohort(tmp_path, header, rows, newline):
    path = tmp_path / "fuzz.csv"
    path.write_text(newline.join([header] + rows) + newline, encoding="utf-8", newline="")
    before = path.read_bytes()
    try:
        cohort = cohortfile.load_cohort(path)
    except cohortfile.CohortError as exc:
        assert "\n" not in str(exc) and "fuzz.csv" in str(exc)
    else:
        assert cohort.n == len(cohort.frame) >= 1
    assert path.read_bytes() == before


# --------------------------------------------------------------------------- around a build


@pytest.fixture
def staged(built, redcap, tmp_path):
    """A folder whose build/ holds the shipped cohort's finished build, and whose reports/ and
    figures/ hold another build's report (the REDCap export's): the "previous" report a failure
    must leave alone. A build of the shipped cohort here has only publishing left to do."""
    shutil.copytree(built.folder / "build", tmp_path / "build", symlinks=True)
    (tmp_path / "build" / ".lock").unlink(missing_ok=True)
    for part in ("reports", "figures"):
        shutil.copytree(redcap.folder / part, tmp_path / part)
    # its figures' CSVs hold the same numbers as the shipped build's: a file only the previous
    # report has, so that a figures/ swapped in would show too
    (tmp_path / "figures" / "previous.txt").write_text("the previous report's figures\n")
    assert tree_bytes(tmp_path / "reports") != tree_bytes(built.reports)
    return tmp_path


def outputs(folder):
    return {"reports": tree_bytes(folder / "reports"), "figures": tree_bytes(folder / "figures")}


def build_dir(built, folder):
    return folder / "build" / built.results["build"]


@pytest.mark.slow
def test_fragment_of_another_cohort_stops_the_build_in_one_line(built, staged):
    """04-claims runs again and finds 01-cohort's fragment made from another cohort file."""
    import json

    out = build_dir(built, staged)
    path = out / "fragments" / "cohort.json"
    doc = json.loads(path.read_text())
    doc["data"]["key"]["cohort_sha256"] = "0" * 64
    path.write_text(json.dumps(doc))
    (out / "notebooks" / ".04-claims.source").unlink()
    before = outputs(staged)
    proc = run_pipeline("report", staged, timeout=180)
    assert proc.returncode == 2
    line = one_error_line(proc.stderr)
    assert "04-claims" in line and "'cohort'" in line and "another cohort file" in line
    assert outputs(staged) == before


def _read_only(paths, on: bool) -> None:
    """Make folders unwritable: by mode for a user; for root (as CI runs), whom modes do not stop,
    by the immutable attribute (chattr +i, ext4 and most Linux file systems)."""
    for p in paths if on else reversed(paths):
        if os.geteuid() == 0:
            proc = subprocess.run(["chattr", "+i" if on else "-i", str(p)], capture_output=True, text=True)
            assert proc.returncode == 0, f"chattr cannot make {p} read-only for root: {proc.stderr}"
        else:
            p.chmod(0o555 if on else 0o755)


@pytest.mark.slow
def test_read_only_reports_folder(staged):
    before = outputs(staged)
    folders = [staged / "reports", staged]
    _read_only(folders, True)
    try:
        proc = run_pipeline("report", staged, timeout=120)
    finally:
        _read_only(folders, False)
    assert proc.returncode == 2
    assert "reports" in one_error_line(proc.stderr)
    assert "running" not in proc.stdout  # from staged, a build only publishes (no notebook runs)
    assert outputs(staged) == before


@pytest.mark.slow
def test_reports_folder_that_cannot_be_made(staged):
    """REPORTS under a regular file (what a read-only folder is to root): one line, figures kept."""
    (staged / "blocker").write_text("not a folder")
    before = tree_bytes(staged / "figures")
    proc = run_pipeline("report", staged, timeout=120, REPORTS=staged / "blocker" / "reports")
    assert proc.returncode == 2
    assert "blocker" in one_error_line(proc.stderr)
    assert "running" not in proc.stdout  # from staged, a build only publishes (no notebook runs)
    assert tree_bytes(staged / "figures") == before
    assert not list(staged.glob(".figures*")) and not list(staged.glob(".reports*"))


def _wait_for(path, text, proc, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in path.read_text() or proc.poll() is not None:
            return
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared in {path}")


def _foreground(args, **kw) -> subprocess.Popen:
    """``Popen`` as a terminal's shell starts a foreground job: with SIGINT at its default.

    pytest-xdist's workers ignore SIGINT, and an ignored signal stays ignored across ``exec``
    (Python then installs no KeyboardInterrupt handler): a build started from a worker as it is
    would never see the Ctrl-C (seen: it ran to the end and exited 0).
    """
    previous = signal.signal(signal.SIGINT, signal.SIG_DFL)
    try:
        return subprocess.Popen(args, **kw)
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.mark.slow
def test_second_build_in_one_folder_and_ctrl_c_during_a_build(built, staged):
    """A build runs a notebook; a second one in the same BUILD folder stops in one line;
    then Ctrl-C (SIGINT to the foreground process group) stops the first: one line, and the
    previous report and figures are as they were. One notebook is run again (02-outcomes, the
    longest): one kernel started, not three."""
    out = build_dir(built, staged)
    (out / "notebooks" / ".02-outcomes.source").unlink()
    before = outputs(staged)
    log = staged / "first.out"
    with open(log, "w") as fh, open(staged / "first.err", "w+") as err:
        first = _foreground([PY, "-m", "cohortstats.pipeline", "report"], cwd=ROOT, stdout=fh,
                            stderr=err, env=pipeline_env(staged), start_new_session=True)
        try:
            _wait_for(log, "running", first)
            # Held (SIGSTOP) while the second build tries: a changed notebook runs in about 2 s,
            # which a second Python can outlast. The SIGINT is pending when the group resumes,
            # so the build gets it before doing any more work, as from a terminal's Ctrl-C (its
            # notebook's driver and kernel, in sessions of their own, may have gone on meanwhile).
            assert first.poll() is None, "the first build ended before it could be interrupted"
            os.killpg(first.pid, signal.SIGSTOP)
            second = run_pipeline("report", staged, timeout=60)
            assert second.returncode == 2
            assert "another build is running" in one_error_line(second.stderr)
            os.killpg(first.pid, signal.SIGINT)
            os.killpg(first.pid, signal.SIGCONT)
            rc = first.wait(timeout=120)
        finally:
            if first.poll() is None:
                os.killpg(first.pid, signal.SIGKILL)  # stopped or not
                first.wait()
        err.seek(0)
        stderr = err.read()
    assert rc == 130, (stderr, log.read_text())
    assert "interrupted" in one_error_line(stderr)
    assert outputs(staged) == before
    assert not list(staged.glob(".reports*")) and not list(staged.glob(".figures*"))


def _processes_of(folder) -> list:
    """The processes whose environment names ``folder`` (a build's CS_BUILD, inherited by its
    drivers, zygotes, launchers and kernels)."""
    mine, found = str(folder).encode(), []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                with open(f"/proc/{entry}/environ", "rb") as fh:
                    if mine in fh.read():
                        found.append(int(entry))
            except OSError:
                pass
    return found


@pytest.mark.slow
def test_a_killed_build_leaves_no_process_behind(built, staged):
    """SIGKILL to the build's own process (no Ctrl-C handler runs, nothing is stopped in order):
    its zygotes see their parent gone and end with their kernels and drivers, whose launchers
    then end too. Within seconds no process of the build is left."""
    out = build_dir(built, staged)
    (out / "notebooks" / ".02-outcomes.source").unlink()
    log = staged / "killed.out"
    tmp = staged / "tmp"  # the build's temporary folders (its zygotes' sockets among them)
    tmp.mkdir()
    with open(log, "w") as fh:
        build = subprocess.Popen([PY, "-m", "cohortstats.pipeline", "report"], cwd=ROOT, stdout=fh,
                                 stderr=subprocess.STDOUT, env={**pipeline_env(staged), "TMPDIR": str(tmp)},
                                 start_new_session=True)
        try:
            _wait_for(log, "running", build)
            deadline = time.monotonic() + 60  # the kernels running: more than the build's one process
            while len(_processes_of(staged / "build")) < 3 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert len(_processes_of(staged / "build")) >= 3
        finally:
            build.kill()
            build.wait()
    deadline = time.monotonic() + 20
    while _processes_of(staged / "build") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_of(staged / "build") == []
    assert not list(tmp.glob("cs-zygote-*"))  # each zygote removed its socket's folder as it ended


@pytest.mark.parametrize("raised", ["KeyboardInterrupt", "ImportError from KeyboardInterrupt"])
def test_ctrl_c_inside_an_import_is_an_interrupt(raised, monkeypatch, capsys):
    """Ctrl-C while a C extension initialises surfaces as ``ImportError: initialization failed``
    raised from the KeyboardInterrupt (seen: matplotlib's ft2font, imported as publishing starts):
    still exit 130 and one line, as any interrupt. An ImportError of its own is not one."""
    from cohortstats.pipeline import main as pipeline

    def build(s, say):
        if raised == "KeyboardInterrupt":
            raise KeyboardInterrupt
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as exc:
            raise ImportError("initialization failed") from exc

    monkeypatch.setattr(pipeline, "build", build)
    monkeypatch.setattr(pipeline, "settings_from_env", lambda: None)
    handler = signal.getsignal(signal.SIGTERM)
    try:
        assert pipeline.main(["report"]) == 130
    finally:
        signal.signal(signal.SIGTERM, handler)
    assert "interrupted" in one_error_line(capsys.readouterr().err)

    monkeypatch.setattr(pipeline, "build", lambda s, say: (_ for _ in ()).throw(ImportError("no module")))
    try:
        with pytest.raises(ImportError):
            pipeline.main(["report"])
    finally:
        signal.signal(signal.SIGTERM, handler)


def test_a_held_lock_stops_a_build_at_once(tmp_path):
    """Another process holds <build>/.lock: one line, exit 2, before anything is read or run."""
    (tmp_path / "build").mkdir()
    with open(tmp_path / "build" / ".lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        proc = run_pipeline("report", tmp_path, timeout=60)
    assert proc.returncode == 2
    line = one_error_line(proc.stderr)
    assert "another build is running" in line and str(tmp_path / "build") in line
    assert not (tmp_path / "reports").exists()


# --------------------------------------------------------------------------- degenerate cohorts


@pytest.mark.slow
def test_one_patient_gives_a_report_saying_what_was_not_computed(tmp_path):
    """n = 1 (prednisone 20 -> 20, ESR 3 -> 2): a report, each missing number with its reason.

    The notebooks' calls in this process (conftest.results_in_process), then the page.
    """
    from cohortstats.report.render import render_html
    from cohortstats.results import dumps

    path = tmp_path / "one-patient.csv"
    path.write_text("\n".join(SHIPPED.read_text().splitlines()[:2]) + "\n")
    results = results_in_process(path, tmp_path)
    r = json.loads(dumps(results))
    assert r["provenance"]["n"] == 1
    pred, esr = r["outcomes"]["prednisone_mg"], r["outcomes"]["esr_mm_hr"]
    assert pred["test"] is None and "no patient's value changed" in pred["test_undefined"]
    # One non-zero difference, positive: T+ = 1 of a possible 1; exact two-sided P = 2 * 1/2 = 1.
    assert esr["test"]["p_value"] == pytest.approx(1.0)
    assert esr["baseline"]["sd"] is None
    assert set(r["leave_one_out_not_computed"]) == {"prednisone_mg", "esr_mm_hr"}
    assert "not computed" in render_html(results, figures_dir(results))


@pytest.mark.slow
def test_a_file_name_full_of_shell_is_only_a_name(copy_of_built):
    """A cohort named with $(shell ...), backticks, quotes, ; and a leading dash, through make,
    given as a link in a folder whose name identifies a patient (St_Marys_Hospital) to a file
    whose name identifies one (John_Smith_MRN12345.csv).

    The shipped bytes under that name: the notebooks of the session build are reused (the
    name is not part of the analysis; they read build/<digest>/input/cohort.csv), and the
    report is published under the base name given, and nothing of the folder or the link's
    target is shown anywhere it publishes or prints.
    """
    folder = copy_of_built
    hospital = folder / "St_Marys_Hospital"
    hospital.mkdir()
    shutil.copyfile(SHIPPED, hospital / "John_Smith_MRN12345.csv")
    path = hospital / SHELL_NAME
    path.symlink_to("John_Smith_MRN12345.csv")
    proc = run_make("report", folder, COHORT=path)
    assert proc.returncode == 0, proc.stderr
    assert "running" not in proc.stdout
    for where in (ROOT, ROOT / "notebooks", folder, folder / "build"):
        assert not list(where.rglob("PWNED*")) if where == folder else \
            not list(where.glob("PWNED*")), where
    results = json.loads((folder / "reports" / "results.json").read_text(encoding="utf-8"))
    assert results["provenance"]["file"] == SHELL_NAME
    published = {**tree_bytes(folder / "reports"), **tree_bytes(folder / "figures")}
    published["stdout"], published["stderr"] = proc.stdout.encode(), proc.stderr.encode()
    assert len(published) > 15
    for name, data in published.items():
        for secret in (b"St_Marys", b"John_Smith", b"MRN12345"):
            assert secret not in data, (name, secret)


def _cohort_with(tmp_path, name, edit):
    import pandas as pd

    df = pd.read_csv(SHIPPED, dtype=str, keep_default_na=False)
    edit(df)
    path = tmp_path / name
    df.to_csv(path, index=False)
    return path


@pytest.mark.slow
@pytest.mark.parametrize("name, edit, words", [
    ("empty_esr.csv", lambda df: df.__setitem__("esr_mm_hr_6mo", ""), "no patient has both"),
    ("huge.csv", lambda df: df.__setitem__("esr_mm_hr_6mo", ["1e308"] + list(df["esr_mm_hr_6mo"][1:])),
     "1e+308"),
])
def test_degenerate_cohort_stops_in_one_line_naming_the_file(tmp_path, name, edit, words):
    path = _cohort_with(tmp_path, name, edit)
    proc = run_make("report", tmp_path, COHORT=path, timeout=120)
    assert proc.returncode == 2
    line = one_error_line(proc.stderr, via_make=True)
    assert name in line and words in line
    assert not (tmp_path / "reports").exists()


@pytest.mark.slow
def test_a_bad_cell_in_a_long_file_stops_at_once_with_sigint_ignored(tmp_path):
    """A build started with SIGINT ignored (nohup, a CI runner, pytest-xdist's workers), whose
    cohort has a bad cell in its last row of 20,000: the check takes long enough for the
    notebooks' driver launchers to be waiting on the drivers' zygote, which imports only once the
    inputs pass. The build stops them by ending that zygote: one line, well within the timeout
    (seen before that: the launchers ignored the build's SIGINT and it waited 20 s for each, 61 s)."""
    rows = SHIPPED.read_text().splitlines()
    lines = [rows[0]]
    for k in range(20_000):  # the shipped rows again and again, each under a patient id of its own
        cells = rows[1 + k % (len(rows) - 1)].split(",")
        lines.append(",".join([f"P{k:05d}", *cells[1:]]))
    last = lines[-1].split(",")
    last[5] = "twenty"  # prednisone_mg_6mo
    lines[-1] = ",".join(last)
    path = tmp_path / "long.csv"
    path.write_text("\n".join(lines) + "\n")
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        proc = run_make("report", tmp_path, COHORT=path, timeout=40)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert proc.returncode == 2
    line = one_error_line(proc.stderr, via_make=True)
    assert "long.csv" in line and "twenty" in line
    assert not (tmp_path / "reports").exists()


# --------------------------------------------------------------------------- special files


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "dangling-link", "directory", "missing"])
def test_special_file_as_cohort_gives_one_line_quickly(tmp_path, kind):
    path = tmp_path / f"{kind}.csv"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "dangling-link":
        path.symlink_to(tmp_path / "gone.csv")
    elif kind == "directory":
        path.mkdir()
    proc = run_make("report", tmp_path, COHORT=path, timeout=30)  # a read of a FIFO would hang
    assert proc.returncode == 2
    line = one_error_line(proc.stderr, via_make=True)
    assert f"{kind}.csv" in line
    assert not (tmp_path / "reports").exists()


def test_a_build_removes_earlier_builds_only(tmp_path):
    """Only folders named as builds are (16 hex digits, pipeline/main.digest): the kernel spec,
    the extracted sources and the bench's cached CDM (build/bench/) stay."""
    from cohortstats.pipeline.main import _remove_other_builds

    for name in ("0123456789abcdef", "fedcba9876543210", "kernels", "source", "bench", "notes"):
        (tmp_path / name).mkdir()
    _remove_other_builds(tmp_path, "0123456789abcdef")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0123456789abcdef", "bench", "kernels", "notes",
                                                         "source"]
