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
