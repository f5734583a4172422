"""The four notebooks run in this process: their own code cells, executed in order, no kernel.

What the report is made of, for tests of rendering and of the results contract,
without starting a kernel: each notebook's code cells are read from
``notebooks/*.ipynb`` and executed top to bottom in a fresh namespace, the
parameters overridden after the ``parameters`` cell as papermill does. No test
repeats a notebook's sequence of calls, so the notebooks and these tests cannot
drift apart. The same inputs give the same Results, computed once per process.
"""
from __future__ import annotations

import ast
import json
import tempfile
from pathlib import Path

from cohortstats.core.notebooks import NOTEBOOKS, notebook_path
from cohortstats.results import assemble, load_fragments

from support import ROOT

_CACHE: dict = {}
_FIGURES: dict = {}


def run_notebook(name: str, **parameters) -> dict:
    """Execute notebook ``name``'s code cells here; its namespace after the last cell.

    The working directory is not changed: paths in ``parameters`` must be absolute.
    """
    nb = json.loads(notebook_path(name).read_text(encoding="utf-8"))
    ns: dict = {"__name__": f"notebook_{name.replace('-', '_')}"}
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        exec(compile("".join(cell["source"]), f"{name}.ipynb#{cell.get('id')}", "exec"), ns)
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            names = {n.target.id for n in ast.parse("".join(cell["source"])).body
                     if isinstance(n, ast.AnnAssign)}
            ns.update({k: v for k, v in parameters.items() if k in names})
    return ns


def results_in_process(cohort, output_dir=None, outcomes=None, method="auto", conf_level=0.95,
                       alpha=0.05, published=ROOT / "data" / "published.yml"):
    """The Results the four notebooks make of these inputs (figures saved as SVG only).

    Returns
    -------
    cohortstats.results.Results
    """
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
            run_notebook(name, **params)
        _CACHE[key] = assemble(load_fragments(out), build="in-process")
        _FIGURES[id(_CACHE[key])] = out / "figures"
    return _CACHE[key]


def figures_dir(results) -> Path:
    """Where the notebooks saved the figures of ``results`` (made by :func:`results_in_process`)."""
    return _FIGURES[id(results)]
