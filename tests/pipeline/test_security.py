"""Parameters are data (issue 15): no value given to make ever runs a command or reaches the
terminal raw, and a bad one stops with one line.

Each case runs the real ``make`` with the value on its command line, cwd the repository,
BUILD/REPORTS/FIGURES in a temporary folder. None of them gets as far as a notebook: the
cohort files here do not exist or cannot be used, so each case takes well under a second.
The whole-build case (a file name full of shell, built into a report) is
``test_robustness.test_a_file_name_full_of_shell_is_only_a_name``.
"""
import pytest

from support import ROOT, one_error_line, run_make

pytestmark = pytest.mark.slow

INJECTIONS = [
    "x`touch PWNED`.csv",
    "$(shell touch PWNED2).csv",
    "$$(touch PWNED3).csv",
    "x;touch PWNED4;.csv",
    "x' \"; touch PWNED5; echo \".csv",
    "-rf PWNED6.csv",
    "a b:c$HOME.csv",
    "x\ntouch PWNED7\n.csv",
]


def _no_pwned(*folders):
    found = [p for f in folders for p in f.rglob("PWNED*")] + list(ROOT.glob("PWNED*")) + \
        list((ROOT / "notebooks").glob("PWNED*"))
    assert found == []


@pytest.mark.parametrize("name", INJECTIONS)
def test_cohort_name_never_runs_a_command(tmp_path, name):
    proc = run_make("report", tmp_path, COHORT=tmp_path / name, timeout=60)
    assert proc.returncode == 2
    line = one_error_line(proc.stderr, via_make=True)
    assert "no such file" in line
    _no_pwned(tmp_path)


@pytest.mark.parametrize("variable, value", [
    ("OUTCOMES", 'x"'), ("OUTCOMES", "$(shell touch PWNED8)"), ("METHOD", "`touch PWNED9`"),
    ("CONF_LEVEL", "$(touch PWNED10)"), ("BUILD", "$(shell touch PWNED11)/b"),
    ("PUBLISHED", "`touch PWNED12`.yml"),
])
def test_any_parameter_never_runs_a_command(tmp_path, variable, value):
    params = {variable: value}
    if variable == "BUILD":
        params["BUILD"] = f"{tmp_path}/{value}"
    proc = run_make("report", tmp_path, COHORT=tmp_path / "missing.csv", timeout=60, **params)
    assert proc.returncode == 2
    one_error_line(proc.stderr, via_make=True)
    _no_pwned(tmp_path)


@pytest.mark.parametrize("variable, value, words", [
    ("OUTCOMES", "../x", "../x"),
    ("OUTCOMES", "pred mg", "pred mg"),
    ("JOBS", "0", "jobs"),
    ("JOBS", "abc", "abc"),
    ("METHOD", "Exact", "'exact'"),
    ("CONF_LEVEL", "2", "conf_level"),
    ("ALPHA", "nan", "alpha"),
])
def test_bad_parameter_one_line_exit_2(tmp_path, variable, value, words):
    proc = run_make("report", tmp_path, timeout=60, **{variable: value})
    assert proc.returncode == 2
    line = one_error_line(proc.stderr, via_make=True)
    assert words.lower() in line.lower()
    assert not (tmp_path / "reports").exists()


@pytest.mark.parametrize("name", ["\x1b[31mred\x1b[0m.csv", "evil\u202eusc.csv", "bell\x07.csv",
                                  "cr\rfake.csv"])
def test_control_characters_in_a_name_never_reach_the_terminal_raw(tmp_path, name):
    proc = run_make("report", tmp_path, COHORT=tmp_path / name, timeout=60)
    assert proc.returncode == 2
    for stream in (proc.stdout, proc.stderr):
        for ch in ("\x1b", "\u202e", "\x07", "\r"):
            assert ch not in stream, (repr(ch), stream)
    one_error_line(proc.stderr, via_make=True)


def test_cohort_file_with_control_characters_in_a_name_inside(tmp_path):
    """A bad cell whose text holds an escape sequence: the line shows it escaped."""
    path = tmp_path / "cells.csv"
    text = (ROOT / "data" / "cohort.csv").read_text().replace(",20,20,", ",20,\x1b[2J\u202e,", 1)
    path.write_text(text)
    proc = run_make("report", tmp_path, COHORT=path, timeout=60)
    assert proc.returncode == 2
    assert "\x1b" not in proc.stderr and "\u202e" not in proc.stderr
    assert "cells.csv" in one_error_line(proc.stderr, via_make=True)
