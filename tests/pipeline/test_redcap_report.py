"""``make report REDCAP=… REDCAP_DICTIONARY=… REDCAP_MAPPING=…``: a REDCap export of the shipped
cohort's ten patients reproduces 13/13 with the numbers of data/cohort.csv (the ``built`` session
build), and no value of an identifier field or a date appears in any output: html, json, docx,
pdf, executed notebooks, figures' CSV, build/, what the build printed (issue "Their data as it
arrives"). The build is the session's ``redcap`` (support.builds), made in the background beside
the others from the start."""
import json
import subprocess
import zipfile

import pytest

from cohortstats.inputs.redcap.demo import IDENTIFYING_VALUES

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
