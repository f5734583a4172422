"""Notebooks: committed stripped, valid, thin, numbered in run order, with a typed, commented
parameters cell; run as in JupyterLab they write to scratch/, never into a build."""
import ast
import json
import os
import shutil
import subprocess

import nbformat
import pytest

from support import PY, ROOT, tree_bytes, run_make

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def parameters(path) -> dict:
    """The parameters cell as {name: (annotation, default, comment)}."""
    nb = json.loads(path.read_text())
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code")
    assert "parameters" in cell["metadata"].get("tags", []), path.name
    out = {}
    for line in "".join(cell["source"]).splitlines():
        if not line.strip():
            continue
        node = ast.parse(line).body[0]
        assert isinstance(node, ast.AnnAssign), f"{path.name}: untyped parameter: {line}"
        assert "#" in line, f"{path.name}: parameter without a comment: {line}"
        out[node.target.id] = (ast.unparse(node.annotation), ast.literal_eval(node.value),
                               line.split("#", 1)[1].strip())
    return out


def test_numbered_in_run_order_as_the_pipeline_runs_them():
    from cohortstats.core.notebooks import EVERY_NOTEBOOK, NOTEBOOKS as ORDER

    assert [p.stem for p in NOTEBOOKS] == list(EVERY_NOTEBOOK)
    assert list(EVERY_NOTEBOOK[-len(ORDER):]) == list(ORDER)  # 00-extract comes before the analysis


def test_parameters_cells_are_written_from_the_one_declaration():
    """Every notebook's parameters cell is what cohortstats.core.parameters.PARAMETERS says."""
    from cohortstats.core.parameters import main

    assert main(["cells", "--check"]) == 0


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_valid_nbformat(path):
    nbformat.validate(nbformat.read(path, as_version=4))


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if not p.stem.startswith("00-")], ids=lambda p: p.name)
def test_parameters_are_what_the_pipeline_passes(path):
    """Every parameter the pipeline hands a notebook is declared there (papermill would warn and
    inject it anyway), and each default writes to ../scratch, never to ../build."""
    from cohortstats.pipeline.main import Settings, _notebook_parameters
    from cohortstats.core.parameters import check_parameters

    declared = parameters(path)
    s = Settings(cohort="data/cohort.csv", params=check_parameters(outcomes="prednisone_mg"),
                 published="data/published.yml", jobs=1, build_dir=ROOT / "build",
                 reports=ROOT / "reports", figures=ROOT / "figures")
    passed = _notebook_parameters(s, ROOT / "data" / "cohort.csv", ROOT / "build" / "x",
                                  ROOT / "data" / "published.yml")
    used = {name for name in passed if name in declared}
    assert {"cohort", "output_dir", "outcomes"} <= used
    assert declared["output_dir"][1] == "../scratch"
    assert declared["cohort"][1] == "../data/cohort.csv"
    assert (ROOT / "notebooks" / declared["cohort"][1]).resolve() == (ROOT / "data" / "cohort.csv")


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


@pytest.mark.slow
def test_lab_run_with_defaults_then_make_report_gives_the_same_report(built, tmp_path):
    """01-cohort run as JupyterLab runs it (cwd notebooks/, its defaults, the machine's python3
    kernel, no MPLBACKEND), then `make report`: the report is byte-identical to the one before,
    and the lab run wrote under scratch/ only.

    The lab run is in a copy of notebooks/ and data/ (their defaults are relative: ../data,
    ../scratch), so the suite never overwrites what an analyst keeps in the repository's scratch/.
    """
    for part in ("build", "reports", "figures"):
        shutil.copytree(built.folder / part, tmp_path / part, symlinks=True)
    before = {**tree_bytes(tmp_path / "reports"), **tree_bytes(tmp_path / "figures")}
    lab = tmp_path / "lab"
    for part in ("notebooks", "data"):
        shutil.copytree(ROOT / part, lab / part)
    repo_scratch = tree_bytes(ROOT / "scratch") if (ROOT / "scratch").is_dir() else None
    env = {k: v for k, v in os.environ.items() if k not in ("MPLBACKEND", "JUPYTER_PATH")
           and not k.startswith("CS_")}
    code = ("import papermill, sys; papermill.execute_notebook(sys.argv[1], sys.argv[2], "
            "kernel_name='python3', cwd=sys.argv[3], progress_bar=False)")
    proc = subprocess.run([PY, "-c", code, str(lab / "notebooks" / "01-cohort.ipynb"),
                           str(tmp_path / "lab-01.ipynb"), str(lab / "notebooks")],
                          capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (lab / "scratch" / "fragments" / "cohort.json").is_file()
    assert sorted(p.name for p in lab.iterdir()) == ["data", "notebooks", "scratch"]  # no build/
    assert (tree_bytes(ROOT / "scratch") if (ROOT / "scratch").is_dir() else None) == repo_scratch
    again = run_make("report", tmp_path)
    assert again.returncode == 0, again.stderr
    assert "running" not in again.stdout
    assert {**tree_bytes(tmp_path / "reports"), **tree_bytes(tmp_path / "figures")} == before
