"""What build._scrub removes from an executed notebook, so the same inputs give the same bytes."""
from __future__ import annotations

import json
from pathlib import Path

from cohortstats.pipeline.build import _scrub


def _executed(tmp_path: Path, cell_id: str, address: str) -> Path:
    # the shape papermill and nbclient write: an injected parameters cell (papermill gives it a
    # random 8-hex-digit id) and a styled table displayed with its default text repr
    nb = {"cells": [
        {"cell_type": "code", "id": cell_id, "execution_count": 1, "source": "n = 1",
         "metadata": {"tags": ["injected-parameters"], "papermill": {"duration": 0.01}},
         "outputs": []},
        {"cell_type": "code", "id": "table1", "execution_count": 2, "source": "styled",
         "metadata": {"execution": {"iopub.status.busy": "2026-12-07T17:00:00"}},
         "outputs": [{"output_type": "execute_result", "execution_count": 2, "metadata": {},
                      "data": {"text/html": "<table id='T_table1'></table>",
                               "text/plain": [f"<pandas.io.formats.style.Styler at {address}>"]}}]}],
        "metadata": {"papermill": {"start_time": "x", "duration": 1.0}}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / f"{cell_id}.ipynb"
    path.write_text(json.dumps(nb))
    _scrub(path, Path("notebooks/01-cohort.ipynb"))
    return path


def test_two_runs_give_the_same_bytes(tmp_path):
    a = _executed(tmp_path, "6cb18453", "0x7fea301ddf90")
    b = _executed(tmp_path, "108b3b10", "0x7f52dd4ea790")
    assert a.read_bytes() == b.read_bytes()
    nb = json.loads(a.read_text())
    assert nb["cells"][0]["id"] == "injected-parameters"
    assert nb["cells"][1]["outputs"][0]["data"]["text/plain"] == ["<pandas.io.formats.style.Styler>"]
    assert nb["cells"][1]["outputs"][0]["data"]["text/html"] == "<table id='T_table1'></table>"
    assert "execution" not in nb["cells"][1]["metadata"] and "start_time" not in nb["metadata"]["papermill"]
