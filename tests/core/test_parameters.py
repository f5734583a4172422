"""Parameters are checked once, the same way for make and the notebooks: one line naming the
parameter, what is allowed and what was given (messages shaped as scipy's ``_iv``)."""
import pytest

from cohortstats.pipeline import main as pipeline
from cohortstats.core.parameters import ParameterError, check_parameters, shown


def test_defaults():
    p = check_parameters(outcomes="prednisone_mg,esr_mm_hr")
    assert (p.outcomes, p.method, p.conf_level, p.alpha) == (("prednisone_mg", "esr_mm_hr"), "auto",
                                                            0.95, 0.05)


@pytest.mark.parametrize("given, expected", [
    ("prednisone_mg", ("prednisone_mg",)),
    (" esr_mm_hr , prednisone_mg ", ("esr_mm_hr", "prednisone_mg")),
    (["c3"], ("c3",)),
])
def test_outcomes_accepted(given, expected):
    assert check_parameters(outcomes=given).outcomes == expected


def test_empty_outcomes_mean_every_pair_in_the_file():
    """issue 21: "a c3_baseline/c3_6mo pair vanishes unless OUTCOMES= names it"."""
    assert check_parameters(outcomes="").outcomes == () == check_parameters(outcomes=",").outcomes


@pytest.mark.parametrize("kwargs, words", [
    ({"outcomes": "../x"}, "'../x'"),
    ({"outcomes": "pred mg"}, "'pred mg'"),
    ({"method": "Exact"}, "`method` must be one of {'auto', 'exact', 'approx'}; not 'Exact'."),
    ({"conf_level": 2}, "`conf_level` must be a number between 0 and 1 (exclusive), e.g. 0.95; not 2."),
    ({"conf_level": "0.95x"}, "not '0.95x'"),
    ({"conf_level": True}, "not True"),
    ({"alpha": "nan"}, "`alpha`"),
    ({"alpha": 0}, "`alpha`"),
])
def test_bad_value_names_parameter_and_value(kwargs, words):
    with pytest.raises(ParameterError) as info:
        check_parameters(**{"outcomes": "prednisone_mg", **kwargs})
    assert words in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("value, expected", [
    ("a\x1b[31mb", r"'a\x1b[31mb'"),      # ANSI escape shown escaped
    ("evil\u202ecsv", r"'evil\u202ecsv'"),  # RTL override shown escaped
    ("x" * 100, "'" + "x" * 58 + "…"),     # clipped to 60 characters
])
def test_shown_is_safe_for_a_terminal(value, expected):
    assert shown(value) == expected


# --------------------------------------------------------------------------- the build command


@pytest.fixture
def env(monkeypatch, tmp_path):
    """CS_* for a build in tmp_path; a cohort that does not exist, so a check that lets a bad
    value through ends in "no such file" at once instead of running a build."""
    for name in ("COHORT", "OUTCOMES", "METHOD", "CONF_LEVEL", "ALPHA", "PUBLISHED", "JOBS", "BUILD",
                 "REPORTS", "FIGURES", "QUIET"):
        monkeypatch.delenv(f"CS_{name}", raising=False)
    monkeypatch.setenv("CS_BUILD", str(tmp_path / "build"))
    monkeypatch.setenv("CS_REPORTS", str(tmp_path / "reports"))
    monkeypatch.setenv("CS_FIGURES", str(tmp_path / "figures"))
    monkeypatch.setenv("CS_COHORT", str(tmp_path / "absent.csv"))
    return monkeypatch


def test_settings_from_environment(env, tmp_path):
    env.setenv("CS_OUTCOMES", "esr_mm_hr")
    env.setenv("CS_JOBS", "3")
    env.setenv("CS_PUBLISHED", "")
    s = pipeline.settings_from_env()
    assert (s.params.outcomes, s.jobs, s.published, s.build_dir) == (("esr_mm_hr",), 3, None,
                                                                     tmp_path / "build")


@pytest.mark.parametrize("name, value, words", [
    ("OUTCOMES", "../x", "../x"),
    ("OUTCOMES", "pred mg", "pred mg"), ("JOBS", "0", "jobs"), ("JOBS", "abc", "jobs"),
    ("METHOD", "Exact", "method"), ("CONF_LEVEL", "2", "conf_level"), ("COHORT", " ", "cohort"),
])
def test_main_bad_parameter_one_line_exit_2(env, capsys, name, value, words):
    import signal

    env.setenv(f"CS_{name}", value)
    handler = signal.getsignal(signal.SIGTERM)
    try:
        rc = pipeline.main(["report"])
    finally:
        signal.signal(signal.SIGTERM, handler)
    out, err = capsys.readouterr()
    assert rc == 2
    # The line names the parameter (as make spells it, or as the notebooks do) and the value.
    assert err.count("\n") == 1 and err.startswith("error: ") and words in err.lower()
    assert "Traceback" not in err and out == ""


def test_main_unknown_command(capsys):
    assert pipeline.main(["publish"]) == 2
    assert "usage:" in capsys.readouterr().err


def test_digest_changes_with_every_input():
    p = check_parameters(outcomes="prednisone_mg")
    base = pipeline.digest("a" * 64, p, None, "v1")
    assert base == pipeline.digest("a" * 64, p, None, "v1")
    others = {pipeline.digest("b" * 64, p, None, "v1"), pipeline.digest("a" * 64, p, "c" * 64, "v1"),
              pipeline.digest("a" * 64, p, None, "v2"),
              pipeline.digest("a" * 64, check_parameters(outcomes="prednisone_mg", alpha=0.1), None, "v1"),
              pipeline.digest("a" * 64, check_parameters(outcomes="prednisone_mg", method="exact"), None, "v1")}
    assert base not in others and len(others) == 5


def test_make_help_names_every_target_and_parameter():
    """`make help` lists each target documented with `## ` in the Makefile under its own name (the
    Makefile is the reference: its targets read back), and every parameter of PARAMETERS."""
    import re
    import subprocess

    from cohortstats.core.parameters import PARAMETERS
    from cohortstats.core.paths import ROOT

    documented = re.findall(r"(?m)^([a-zA-Z_-]+):.*## ", (ROOT / "Makefile").read_text())
    out = subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), "help"], capture_output=True,
                         text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    listed = re.findall(r"(?m)^  ([a-zA-Z_-]+)\s", out.stdout.split("Parameters")[0])
    assert len(documented) > 10 and listed == documented
    for p in PARAMETERS:
        assert p.make is None or f"\n  {p.make}=" in out.stdout, p.make
