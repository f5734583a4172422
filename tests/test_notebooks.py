"""Notebooks are committed stripped, valid, thin, with a typed, commented parameters cell."""
import ast
import json

import nbformat
import pytest

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_numbered_in_run_order():
    assert [p.name for p in NOTEBOOKS] == ["01-cohort.ipynb", "02-outcomes.ipynb", "03-sensitivity.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_valid_nbformat(path):
    nbformat.validate(nbformat.read(path, as_version=4))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_cell_typed_and_commented(path):
    nb = json.loads(path.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    first = code[0]
    assert "parameters" in first["metadata"].get("tags", [])
    lines = [l for l in "".join(first["source"]).splitlines() if l.strip()]
    names = []
    for line in lines:
        node = ast.parse(line).body[0]
        assert isinstance(node, ast.AnnAssign), f"untyped parameter: {line}"
        assert "#" in line, f"parameter without a comment: {line}"
        names.append(node.target.id)
    assert names[:2] == ["cohort", "output_dir"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_thin(path):
    """Logic lives in cohortstats: no function or class is defined in a notebook."""
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            tree = ast.parse("".join(cell["source"]))
            assert not any(isinstance(n, (ast.FunctionDef, ast.ClassDef)) for n in ast.walk(tree))
            assert len("".join(cell["source"]).splitlines()) <= 8
    assert sum(c["cell_type"] == "markdown" for c in nb["cells"]) >= 3


def test_papermill_help_notebook_lists_the_parameters():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "papermill", "--help-notebook",
                          str(ROOT / "notebooks" / "02-outcomes.ipynb")],
                         capture_output=True, text=True, timeout=120).stdout
    for name in ("cohort", "output_dir", "outcomes", "method", "conf_level"):
        assert name in out
    assert "one row per patient" in out  # the comment beside the default


def test_runs_top_to_bottom_as_in_jupyterlab(tmp_path):
    """No papermill, no environment variables: working directory notebooks/, defaults only.

    The defaults write to ../build; run copies of the notebooks from a scratch
    notebooks/ folder beside a link to data/ so the repository's build/ is not touched.
    """
    import os
    import shutil

    from nbclient import NotebookClient

    work = tmp_path / "bundle"
    (work / "notebooks").mkdir(parents=True)
    os.symlink(ROOT / "data", work / "data")
    env_backup = dict(os.environ)
    try:
        for var in ("MPLBACKEND", "PYTHONHASHSEED", "JUPYTER_PATH"):
            os.environ.pop(var, None)
        for path in NOTEBOOKS:
            shutil.copy(path, work / "notebooks" / path.name)
            nb = nbformat.read(work / "notebooks" / path.name, as_version=4)
            NotebookClient(nb, timeout=300, kernel_name="python3",
                           resources={"metadata": {"path": str(work / "notebooks")}}).execute()
            errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
                      if o.output_type == "error"]
            assert not errors, (path.name, errors)
    finally:
        os.environ.clear()
        os.environ.update(env_backup)
    assert (work / "build" / "fragments" / "outcomes.json").is_file()
    assert (work / "build" / "figures" / "prednisone_mg.svg").is_file()
