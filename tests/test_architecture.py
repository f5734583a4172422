"""The package's shape: one direction of imports, small modules, short functions.

The layers are declared once, as an import-linter contract in pyproject.toml
(``[tool.importlinter]``); the sizes are the limits the project keeps (a module of
at most 600 lines, a function of at most 80 lines of code, its docstring aside).
"""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

from support import ROOT

PACKAGE = ROOT / "src" / "cohortstats"
MODULES = sorted(PACKAGE.rglob("*.py"))


def test_imports_go_one_way_only():
    """import-linter's layers contract holds (it fails on a circle too: a circle crosses a layer)."""
    lint = Path(sys.executable).parent / "lint-imports"
    proc = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "1 kept, 0 broken" in proc.stdout


def test_the_contract_can_fail(tmp_path):
    """The same check on a copy of the package with one upward import reports it broken."""
    import shutil

    copy = tmp_path / "src"
    shutil.copytree(PACKAGE, copy / "cohortstats")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    bad = copy / "cohortstats" / "core" / "rounding.py"
    bad.write_text(bad.read_text() + "\nfrom cohortstats.report import tables  # noqa\n")
    lint = Path(sys.executable).parent / "lint-imports"
    proc = subprocess.run([str(lint), "--no-cache"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120, env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 1 and "cohortstats.core is not allowed to import cohortstats.report" \
        in proc.stdout, proc.stdout[-2000:] + proc.stderr[-2000:]


def _code_lines(node) -> int:
    """Lines of a function, its docstring left out."""
    lines = node.end_lineno - node.lineno + 1
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
            and isinstance(body[0].value.value, str):
        lines -= body[0].end_lineno - body[0].lineno + 1
    return lines


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_modules_are_small_and_functions_short(path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 600, f"{path.name}: {len(text.splitlines())} lines (at most 600)"
    long = [f"{n.name} ({_code_lines(n)} lines)" for n in ast.walk(ast.parse(text))
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and _code_lines(n) > 80]
    assert not long, f"{path.name}: functions over 80 lines: {', '.join(long)}"
