"""``make report REDCAP=… REDCAP_DICTIONARY=… REDCAP_MAPPING=…``: a REDCap export of the shipped
cohort's ten patients reproduces 13/13 with the numbers of data/cohort.csv (the ``built`` session
build), and no value of an identifier field or a date appears in any output: html, json, docx,
pdf, executed notebooks, figures' CSV, build/, what the build printed (issue "Their data as it
arrives"). The build is the session's ``redcap`` (support.builds), made in the background beside
the others from the start.

``make report REDCAP_URL=… REDCAP_MAPPING=…``: the same project fetched from the REDCap API,
through make. REDCap is not open source; the build's processes hold no mock: a fake REDCap
(support.redcap_api, the callback the unit tests give ``responses``) answers over real HTTP on
127.0.0.1 (the one place REDCAP_URL may be http://), and the token it was sent appears in no
file and no line the build printed. (The API's fetch, read and keying in the pipeline's process:
tests/pipeline/test_redcap_api_pipeline.py; no second whole build of the same ten patients.)"""
import subprocess
import zipfile

import pytest

from cohortstats.inputs.redcap.demo import IDENTIFYING_VALUES

from support import clean_env, one_error_line, run_make
from support.redcap_api import TOKEN, FakeRedcap, served

pytestmark = pytest.mark.slow


def _texts(folder):
    for p in sorted(folder.rglob("*")):
        if not p.is_file() or "kernels" in p.parts:
            continue
        if p.suffix == ".docx":
            with zipfile.ZipFile(p) as z:
                yield p, " ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()
                                  if n.endswith(".xml"))
        elif p.suffix == ".pdf":
            yield p, subprocess.run(["pdftotext", str(p), "-"], capture_output=True, text=True).stdout
        elif p.suffix in (".json", ".html", ".csv", ".ipynb", ".yml", ".svg", ".txt"):
            yield p, p.read_text(encoding="utf-8", errors="replace")


VISITS = [f"2015-03-{i + 1:02d}" for i in range(1, 11)] + [f"2015-09-{i + 1:02d}" for i in range(1, 11)]


def test_a_redcap_export_reproduces_the_paper_and_leaks_nothing(redcap, built):
    got = redcap.results
    want = built.results
    assert (got["claims"]["reproduced"], got["claims"]["total"]) == (13, 13)
    for name in ("prednisone_mg", "esr_mm_hr"):
        for part in ("baseline", "followup", "change", "test"):
            assert got["outcomes"][name][part] == want["outcomes"][name][part]
    assert got["source"]["kind"] == "REDCap export"
    assert "3 identifier field(s)" in " ".join(got["source"]["notes"])
    # the build's outputs, not the export beside them (which holds every identifier)
    outputs = [t for part in ("build", "reports", "figures") for t in _texts(redcap.folder / part)]
    outputs += [("stdout", redcap.stdout), ("stderr", redcap.stderr)]
    assert len(outputs) > 20
    for path, text in outputs:
        leaked = [v for v in (*IDENTIFYING_VALUES, *VISITS) if v in text]
        assert not leaked, (path, leaked)


def test_the_redcap_api_through_make_over_http_and_the_token_is_nowhere(tmp_path):
    """``make report REDCAP_URL=… REDCAP_MAPPING=…``, the token in the environment, a fake REDCap
    over real HTTP (no mock in the build's process). The project holds a value the bundle cannot
    read (sex code 9), so the build stops in one line after fetching, before any notebook: make
    hands the parameters over, the build's own process fetches with the token, reads what it
    fetched, and neither what it printed nor any file it wrote holds the token.

    What a successful fetch gives is tested in the pipeline's process over the same HTTP
    (tests/pipeline/test_redcap_api_pipeline.py: the export's cohort, the same notes, the
    token in no file, no notebook process given it); the report of that cohort through
    ``make report REDCAP=…`` is the session's ``redcap`` build (above)."""
    fake = FakeRedcap(tmp_path / "project")
    fake.rows[0]["sex"] = "9"
    env = clean_env(REDCAP_API_TOKEN=TOKEN, NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
    out = tmp_path / "out"
    with served(fake) as url:
        proc = run_make("report", out, env=env, REDCAP_URL=url, REDCAP_MAPPING=fake.mapping)
    assert proc.returncode == 2
    line = one_error_line(proc.stderr, via_make=True)
    assert "column 'sex': label '9'" in line
    assert all(f["token"] == [TOKEN] for f in fake.forms) and len(fake.forms) == 3  # one fetch: three requests
    assert "running" not in proc.stdout and not (out / "reports").exists()
    fetched = out / "build" / "source" / "redcap"
    assert sorted(p.name for p in fetched.iterdir()) == ["dictionary.csv", "records.csv"]
    printed = proc.stdout + proc.stderr
    for path, text in [("make's output", printed), *_texts(out)]:
        assert TOKEN[:16].lower() not in text.lower() and TOKEN[16:].lower() not in text.lower(), path
    every = [p for p in out.rglob("*") if p.is_file()]
    assert len(every) >= 2 and not [p for p in every if TOKEN[:16].encode() in p.read_bytes().upper()]
