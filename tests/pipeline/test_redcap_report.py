"""``make report REDCAP=… REDCAP_DICTIONARY=… REDCAP_MAPPING=…``: a REDCap export of the shipped
cohort's ten patients reproduces 13/13 with the numbers of data/cohort.csv (the ``built`` session
build), and no value of an identifier field or a date appears in any output: html, json, docx,
pdf, executed notebooks, figures' CSV, build/ (issue "Their data as it arrives")."""
import json
import subprocess
import zipfile

import pytest

from cohortstats.inputs.redcap.demo import IDENTIFYING_VALUES, write_demo_export

from support import run_make

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


def test_a_redcap_export_reproduces_the_paper_and_leaks_nothing(built, tmp_path):
    records, dictionary, mapping = write_demo_export(tmp_path / "export")
    proc = run_make("report", tmp_path / "out", REDCAP=records, REDCAP_DICTIONARY=dictionary,
                    REDCAP_MAPPING=mapping)
    assert proc.returncode == 0, proc.stderr
    got = json.loads((tmp_path / "out" / "reports" / "results.json").read_text())
    want = json.loads((built.reports / "results.json").read_text())
    assert (got["claims"]["reproduced"], got["claims"]["total"]) == (13, 13)
    for name in ("prednisone_mg", "esr_mm_hr"):
        for part in ("baseline", "followup", "change", "test"):
            assert got["outcomes"][name][part] == want["outcomes"][name][part]
    assert got["source"]["kind"] == "REDCap export"
    assert "3 identifier field(s)" in " ".join(got["source"]["notes"])
    visits = [f"2015-03-{i + 1:02d}" for i in range(1, 11)] + [f"2015-09-{i + 1:02d}" for i in range(1, 11)]
    for path, text in _texts(tmp_path / "out"):
        leaked = [v for v in (*IDENTIFYING_VALUES, *visits) if v in text]
        assert not leaked, (path, leaked)
