"""The four notebooks run in this process: their own code cells, executed in order, no kernel.

What the report is made of, for tests of rendering and of the results contract,
without starting a kernel: each notebook's code cells are read from
``notebooks/*.ipynb`` and executed top to bottom in a fresh namespace, the
parameters overridden after the ``parameters`` cell as papermill does. No test
repeats a notebook's sequence of calls, so the notebooks and these tests cannot
drift apart. The same inputs give the same Results, computed once per process; and
each notebook's outputs (its fragment, its figures) are kept for the run, keyed on
the inputs it reads, so a notebook runs once per run whatever the worker
(``support.builds.run_folder``): a call that changes only ``published`` runs
04-claims alone.
"""
from __future__ import annotations

import ast
import fcntl
import hashlib
import json
import shutil
import tempfile
from pathlib import Path

from cohortstats.core.notebooks import LAST, NOTEBOOKS, notebook_path
from cohortstats.results import assemble, load_fragments

from support import ROOT
from support.builds import run_folder

_CACHE: dict = {}
_FIGURES: dict = {}
#: The test being run (tests/conftest.py's ``pytest_runtest_setup`` sets it).
running = None


def _only_in_slow_tests(what: str) -> None:
    """A test that runs the notebooks (here, in process) is marked ``slow``: ``make test-fast``
    is the unit tests alone, no notebook (README, pyproject's markers)."""
    if running is not None and running.get_closest_marker("slow") is None:
        import pytest

        pytest.fail(f"{running.nodeid} runs the notebooks in process ({what}): mark it slow",
                    pytrace=False)


def _cells(name: str) -> tuple[list, set]:
    """Notebook ``name``'s code cells, and the names its ``parameters`` cell declares."""
    nb = json.loads(notebook_path(name).read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    declared = {n.target.id for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])
                for n in ast.parse("".join(c["source"])).body if isinstance(n, ast.AnnAssign)}
    return cells, declared


def run_notebook(name: str, **parameters) -> dict:
    """Execute notebook ``name``'s code cells here; its namespace after the last cell.

    The working directory is not changed: paths in ``parameters`` must be absolute.
    """
    _only_in_slow_tests(f"notebook {name}")
    cells, declared = _cells(name)
    ns: dict = {"__name__": f"notebook_{name.replace('-', '_')}"}
    for cell in cells:
        exec(compile("".join(cell["source"]), f"{name}.ipynb#{cell.get('id')}", "exec"), ns)
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            ns.update({k: v for k, v in parameters.items() if k in declared})
    return ns


def _files(folder: Path) -> set:
    return {p.relative_to(folder) for p in folder.rglob("*") if p.is_file()}


def _run_kept(name: str, out: Path, params: dict) -> None:
    """Notebook ``name`` into ``out``: run here, or its outputs copied from this run's earlier
    run of it on the same inputs (every parameter it declares but ``output_dir``, a file by its
    name and bytes; the last notebook, which reads the others' outputs, on every parameter)."""
    _, declared = _cells(name)
    if name == LAST:  # it reads what the others saved too: keyed on every parameter
        declared = declared | set(params)
    read = {}
    for k in sorted(declared - {"output_dir"}):
        v = params.get(k)
        read[k] = (Path(v).name, hashlib.sha256(Path(v).read_bytes()).hexdigest()) \
            if k in ("cohort", "published") and v else v
    key = hashlib.sha256(json.dumps([name, read], default=str).encode()).hexdigest()[:20]
    kept = run_folder() / "in-process" / f"{name}-{key}"
    kept.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{kept}.lock", "a") as lock:  # another worker may be running it: wait for it
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (kept / ".done").is_file():
            before = _files(out)
            run_notebook(name, **params)
            shutil.rmtree(kept, ignore_errors=True)
            for rel in sorted(_files(out) - before):
                (kept / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(out / rel, kept / rel)
            (kept / ".done").touch()
        else:
            shutil.copytree(kept, out, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".done"))


def results_in_process(cohort, output_dir=None, outcomes=None, method="auto", conf_level=0.95,
                       alpha=0.05, published=ROOT / "data" / "published.yml"):
    """The Results the four notebooks make of these inputs (figures saved as SVG only).

    Returns
    -------
    cohortstats.results.Results
    """
    _only_in_slow_tests("results_in_process")
    key = (Path(cohort).read_bytes(), Path(cohort).name, tuple(outcomes or ()), method, conf_level,
           alpha, Path(published).read_bytes() if published else None)
    if key not in _CACHE:
        out = Path(tempfile.mkdtemp(prefix="in-process-", dir=output_dir))
        params = {"cohort": str(Path(cohort).resolve()), "output_dir": str(out), "method": method,
                  "conf_level": conf_level, "alpha": alpha,
                  "published": str(Path(published).resolve()) if published else "",
                  "figure_formats": ["svg"]}
        if outcomes:
            params["outcomes"] = list(outcomes)
        for name in NOTEBOOKS:
            _run_kept(name, out, params)
        _CACHE[key] = assemble(load_fragments(out), build="in-process")
        _FIGURES[id(_CACHE[key])] = out / "figures"
    return _CACHE[key]


def figures_dir(results) -> Path:
    """Where the notebooks saved the figures of ``results`` (made by :func:`results_in_process`)."""
    return _FIGURES[id(results)]
