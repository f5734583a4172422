"""``make report REDCAP=… REDCAP_DICTIONARY=… REDCAP_MAPPING=…``: a REDCap export of the shipped
cohort's ten patients reproduces 13/13 with the numbers of data/cohort.csv (the ``built`` session
build), and no value of an identifier field or a date appears in any output: html, json, docx,
pdf, executed notebooks, figures' CSV, build/, what the build printed (issue "Their data as it
arrives"). The build is the session's ``redcap`` (support.builds), made in the background beside
the others from the start.

``make report REDCAP_URL=… REDCAP_MAPPING=…``: the same project fetched from the REDCap API.
REDCap is not open source; the build's processes hold no mock: a fake REDCap (support.redcap_api,
the callback the unit tests give ``responses``) answers over real HTTP on 127.0.0.1 (the one
place REDCAP_URL may be http://), and the token it was sent appears in no output and no line
the build printed."""
import json
import subprocess
import zipfile

import pytest

from cohortstats.core.files import sha256_file
from cohortstats.inputs.redcap.demo import IDENTIFYING_VALUES

from support import clean_env, run_make
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
    visits = [f"2015-03-{i + 1:02d}" for i in range(1, 11)] + [f"2015-09-{i + 1:02d}" for i in range(1, 11)]
    # the build's outputs, not the export beside them (which holds every identifier)
    outputs = [t for part in ("build", "reports", "figures") for t in _texts(redcap.folder / part)]
    outputs += [("stdout", redcap.stdout), ("stderr", redcap.stderr)]
    assert len(outputs) > 20
    for path, text in outputs:
        leaked = [v for v in (*IDENTIFYING_VALUES, *visits) if v in text]
        assert not leaked, (path, leaked)


def test_the_redcap_api_reproduces_the_paper_and_the_token_is_nowhere(built, tmp_path):
    fake = FakeRedcap(tmp_path / "project")
    env = clean_env(REDCAP_API_TOKEN=TOKEN, NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
    out = tmp_path / "out"
    with served(fake) as url:
        proc = run_make("report", out, env=env, REDCAP_URL=url, REDCAP_MAPPING=fake.mapping)
        again = run_make("report", out, env=env, REDCAP_URL=url, REDCAP_MAPPING=fake.mapping)
    assert proc.returncode == 0, proc.stderr
    assert all(f["token"] == [TOKEN] for f in fake.forms) and len(fake.forms) == 6  # the token was used
    got = json.loads((out / "reports" / "results.json").read_text())
    want = json.loads((built.reports / "results.json").read_text())
    assert (got["claims"]["reproduced"], got["claims"]["total"]) == (13, 13)
    for name in ("prednisone_mg", "esr_mm_hr"):
        for part in ("baseline", "followup", "change", "test"):
            assert got["outcomes"][name][part] == want["outcomes"][name][part]
    source = got["source"]
    host = url.split("/")[2]
    assert source["kind"] == "REDCap export" and source["notes"][0].startswith(f"Fetched from the REDCap API at {host}")
    fetched = out / "build" / "source" / "redcap"
    assert [f[0] for f in source["files"]] == ["records.csv", "dictionary.csv", "mapping.yml"]
    assert [f[1] for f in source["files"][:2]] == [sha256_file(fetched / "records.csv"),
                                                   sha256_file(fetched / "dictionary.csv")]
    assert f"fetched 10 records from the REDCap API at {host}" in proc.stdout
    # fetched again, nothing changed in REDCap: the same build, nothing rerun, the same report
    assert again.returncode == 0 and "running" not in again.stdout, again.stdout + again.stderr
    printed = proc.stdout + proc.stderr + again.stdout + again.stderr
    for path, text in [("make's output", printed), *_texts(out)]:  # docx and pdf as text
        leaked = [v for v in (TOKEN[:16], TOKEN[16:], *IDENTIFYING_VALUES, *VISITS) if v.lower() in text.lower()]
        assert not leaked, (path, leaked)
    every = [p for p in out.rglob("*") if p.is_file()]  # every file's bytes, kernels and images too
    assert len(every) > 30 and not [p for p in every if TOKEN[:16].encode() in p.read_bytes().upper()]
