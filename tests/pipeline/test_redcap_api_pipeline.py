"""``make report REDCAP_URL=… REDCAP_MAPPING=…`` in the pipeline's own process, HTTP mocked with
``responses`` as PyCap's tests mock REDCap (support.redcap_api): the parameters, the errors (one
line, never the token), the build keyed by what was fetched, no token in a notebook's environment.
Through make, over real HTTP: tests/pipeline/test_redcap_report.py (a REDCap export's whole build,
and the API's parameters, fetch and one line through make)."""
import hashlib
import signal

import pytest

from cohortstats.core.parameters import check_parameters
from cohortstats.inputs.redcap.api import TOKEN_VARIABLE
from cohortstats.pipeline import main as pipeline
from cohortstats.pipeline.sources import from_redcap

from support.redcap_api import TOKEN, URL, FakeRedcap, mocked, served


@pytest.fixture
def fake(tmp_path):
    return FakeRedcap(tmp_path / "project")


@pytest.fixture
def env(monkeypatch, tmp_path, fake):
    """CS_* for a REDCap API build in tmp_path, the token in the environment."""
    for name in ("COHORT", "OUTCOMES", "METHOD", "CONF_LEVEL", "ALPHA", "PUBLISHED", "JOBS", "QUIET", "CDM",
                 "REDCAP", "REDCAP_DICTIONARY", "REDCAP_MAPPING", "REDCAP_URL"):
        monkeypatch.delenv(f"CS_{name}", raising=False)
    for name, value in (("BUILD", "build"), ("REPORTS", "reports"), ("FIGURES", "figures")):
        monkeypatch.setenv(f"CS_{name}", str(tmp_path / value))
    monkeypatch.setenv("CS_REDCAP_URL", URL)
    monkeypatch.setenv("CS_REDCAP_MAPPING", str(fake.mapping))
    monkeypatch.setenv(TOKEN_VARIABLE, TOKEN)
    return monkeypatch


def _main(capsys):
    handler = signal.getsignal(signal.SIGTERM)
    try:
        rc = pipeline.main(["report"])
    finally:
        signal.signal(signal.SIGTERM, handler)
    return (rc, *capsys.readouterr())


@pytest.mark.parametrize("change, words", [
    ({"CS_REDCAP": "records.csv", "CS_REDCAP_DICTIONARY": "dictionary.csv"},
     "give REDCAP= (a REDCap export's files) or REDCAP_URL= (the REDCap API), not both."),
    ({"CS_COHORT": "data/cohort.csv"}, "give one of COHORT= (a cohort file), CDM= (an OMOP CDM), REDCAP="),
    ({"CS_REDCAP_MAPPING": ""}, "REDCAP_URL= needs REDCAP_MAPPING="),
    ({"CS_REDCAP_DICTIONARY": "dictionary.csv"}, "with REDCAP_URL= the data dictionary is fetched from the API"),
    ({TOKEN_VARIABLE: None}, "needs the project's API token in the environment variable REDCAP_API_TOKEN"),
    ({"CS_REDCAP_URL": "http://redcap.example.org/api/"}, "`REDCAP_URL` must start with https://"),
    ({"CS_REDCAP_URL": f"https://x:{TOKEN}@redcap.example.org/api/"}, "`REDCAP_URL` holds credentials"),
    ({TOKEN_VARIABLE: "0" * 32},  # a token REDCap does not know: its 403
     "the REDCap API at redcap.example.org answered 403 Forbidden: You do not have permissions to use the API"),
])
def test_a_bad_request_is_one_line_and_leaves_no_report(env, fake, capsys, tmp_path, change, words):
    for name, value in change.items():
        env.delenv(name, raising=False) if value is None else env.setenv(name, value)
    with mocked(fake, fired=False):
        rc, out, err = _main(capsys)
    assert rc == 2 and out == "" and "Traceback" not in err
    assert err.count("\n") == 1 and err.startswith("error: ") and words in err, err
    assert TOKEN not in err and not (tmp_path / "reports").exists()


def test_the_build_is_keyed_by_what_was_fetched(fake, tmp_path, monkeypatch):
    """The same project fetched twice gives the same cohort file and source record (so the same
    build); one value changed in REDCap gives another cohort file and source record, so another
    build: the report is never stale. The source names the fetched files with their SHA-256s."""
    monkeypatch.setenv(TOKEN_VARIABLE, TOKEN)

    def fetch(folder):
        with mocked(fake):
            csv, source = from_redcap("", "", fake.mapping, tmp_path / folder, say=lambda _: None, url=URL)
        sha = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
               for p in (csv, tmp_path / folder / "source.json", *(tmp_path / folder / "redcap").iterdir())}
        return sha, source

    params = check_parameters()
    key = lambda sha: pipeline.digest(sha["cohort.csv"], params, None, "v", sha["source.json"])  # noqa: E731
    first, source = fetch("a")
    assert fetch("b")[0] == first
    assert dict(source.files) == {"records.csv": first["records.csv"], "dictionary.csv": first["dictionary.csv"],
                                  "mapping.yml": hashlib.sha256(fake.mapping.read_bytes()).hexdigest()}
    assert source.notes[0].startswith("Fetched from the REDCap API at redcap.example.org (PyCap)")
    assert "10 records; events baseline_arm_1, month_6_arm_1 joined" in source.notes[1]
    row = next(r for r in fake.rows if r["record_id"] == "101" and r["redcap_event_name"] == "month_6_arm_1")
    row["esr"] = str(int(row["esr"]) + 1)  # one follow-up ESR changed in REDCap
    changed, _ = fetch("c")
    assert changed["records.csv"] != first["records.csv"] and changed["cohort.csv"] != first["cohort.csv"]
    assert key(changed) != key(first)


def test_no_notebook_process_holds_the_token():
    environ = {TOKEN_VARIABLE: TOKEN, "MAKEFLAGS": f" -- {TOKEN_VARIABLE}={TOKEN}", "HOME": "/root",
               "CS_REDCAP_URL": URL}
    assert pipeline._without_token(environ) == {"HOME": "/root", "CS_REDCAP_URL": URL}


def test_over_http_the_api_gives_the_exports_cohort_and_the_token_is_in_no_file(fake, tmp_path, monkeypatch):
    """The project fetched over real HTTP (the fake served on 127.0.0.1, no mock in ``requests``)
    gives the cohort file the export's own files give, byte for byte, and the same notes after
    the API's own: so its report is the session ``redcap`` build's, which ``make report REDCAP=…``
    makes end to end, but for that first note. The token was sent with every request and is in no
    file written and no line said."""
    from cohortstats.inputs.redcap.demo import write_demo_export

    monkeypatch.setenv(TOKEN_VARIABLE, TOKEN)
    said = []
    with served(fake) as url:
        csv, source = from_redcap("", "", fake.mapping, tmp_path / "api", say=said.append, url=url)
    host = url.split("/")[2]
    records, dictionary, mapping = write_demo_export(tmp_path / "export")
    csv_files, source_files = from_redcap(records, dictionary, mapping, tmp_path / "files", say=lambda _: None)
    assert csv.read_bytes() == csv_files.read_bytes()
    assert source.notes[0].startswith(f"Fetched from the REDCap API at {host} (PyCap)")
    assert source.notes[1:] == source_files.notes
    assert "3 identifier field(s)" in source.notes[2]
    fetched = tmp_path / "api" / "redcap"
    assert [f[0] for f in source.files] == ["records.csv", "dictionary.csv", "mapping.yml"]
    assert [f[1] for f in source.files[:2]] == [hashlib.sha256((fetched / n).read_bytes()).hexdigest()
                                                for n in ("records.csv", "dictionary.csv")]
    assert said[0] == f"  fetched 10 records from the REDCap API at {host}"
    assert all(f["token"] == [TOKEN] for f in fake.forms) and len(fake.forms) == 3  # one fetch: three requests
    written = [p for p in (tmp_path / "api").rglob("*") if p.is_file()]
    assert len(written) == 4  # cohort.csv, source.json, redcap/records.csv, redcap/dictionary.csv
    assert not [p for p in written if TOKEN.encode() in p.read_bytes().upper()]
    assert not [s for s in said if TOKEN in s]


def test_no_notebook_process_is_given_the_token(env, fake, capsys, monkeypatch):
    """The build started with the token in its environment (and in MAKEFLAGS, as when given on
    make's command line) starts its notebooks' drivers without it: the environment the build
    hands each driver, caught at ``Driver.start``, the build stopped there."""
    from cohortstats.pipeline import schedule

    env.setenv("MAKEFLAGS", f" -- {TOKEN_VARIABLE}={TOKEN}")
    given = []

    def start(name, out_dir, params, build_dir, gated, environ):
        given.append((name, environ))
        raise KeyboardInterrupt  # the build stops here, as on Ctrl-C

    monkeypatch.setattr(schedule.Driver, "start", staticmethod(start))
    with mocked(fake):
        rc, out, err = _main(capsys)
    assert rc == 130 and given, err
    for name, environ in given:
        assert TOKEN_VARIABLE not in environ and "MAKEFLAGS" not in environ, name
        assert not [k for k, v in environ.items() if TOKEN in v], name
        assert environ.get("CS_REDCAP_URL") == URL  # the rest of the environment is handed over
