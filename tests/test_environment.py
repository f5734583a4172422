"""environment.yml (the declared environment) and requirements.lock (what .venv/
is built from) must hold the same pins."""
import re
import sys

from support import ROOT

sys.path.insert(0, str(ROOT / "tools"))
from lock import pins  # noqa: E402


def lock_pins():
    out = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.-]+)==([^\s;]+)", line)
        if m:
            out[m.group(1).lower().replace("_", "-")] = m.group(2)
    return out


def test_every_direct_dependency_is_pinned_in_environment_yml():
    declared = pins(ROOT / "environment.yml")
    for core in ("jupyterlab", "pandas", "scipy", "matplotlib", "seaborn", "papermill", "ipykernel",
                 "numpy", "pyyaml", "pytest"):
        assert core in declared, f"{core} is not pinned in environment.yml"


def test_lock_agrees_with_environment_yml():
    declared = pins(ROOT / "environment.yml")
    locked = lock_pins()
    disagree = {k: (v, locked.get(k)) for k, v in declared.items() if locked.get(k) != v}
    assert not disagree, f"environment.yml vs requirements.lock (run `make lock`): {disagree}"


def test_pyproject_dependencies_are_in_the_lock():
    text = (ROOT / "pyproject.toml").read_text()
    deps = re.search(r"dependencies = \[(.*?)\]", text, re.S).group(1)
    locked = lock_pins()
    for name in re.findall(r'"([A-Za-z0-9_.-]+)', deps):
        assert name.lower() in locked, f"{name} (pyproject.toml) is not in requirements.lock"
