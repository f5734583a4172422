"""Re-resolve requirements.lock from the pins in environment.yml (``make lock``).

environment.yml is the declared environment (conda-forge); requirements.lock
holds the same pins plus every resolved dependency, for the .venv/ that make
builds where conda is absent. tests/test_environment.py checks they agree.
"""
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: pip extras the venv needs that conda-forge's packages carry by themselves: psycopg's compiled
#: libpq (conda-forge's psycopg depends on libpq; PyPI's needs the binary extra on a machine
#: without libpq), ibis's DuckDB backend (pyarrow-hotfix and the backend's own pins).
EXTRAS = {"psycopg": "binary", "ibis-framework": "duckdb"}


def pins(environment_yml: Path) -> dict:
    """``{name: version}`` of the conda dependencies pinned with ``=`` (python excluded)."""
    out = {}
    for line in environment_yml.read_text().splitlines():
        m = re.match(r"^\s*-\s*([A-Za-z0-9_.-]+)\s*=\s*([^=\s#]+)\s*(#.*)?$", line)
        if m and m.group(1) != "python":
            out[m.group(1).lower()] = m.group(2)
    return out


def main() -> int:
    spec = pins(ROOT / "environment.yml")
    uv = ROOT / ".venv" / "bin" / "uv"
    with tempfile.NamedTemporaryFile("w", suffix=".in", delete=False) as fh:
        fh.write("".join(f"{k}{'[' + EXTRAS[k] + ']' if k in EXTRAS else ''}=={v}\n"
                         for k, v in spec.items()))
    # Resolved for the oldest Python 3.11 (3.11.0), so the lock installs on any 3.11 —
    # Debian's python3 is 3.11.2 — not only on the interpreter that ran `make lock`.
    cmd = [str(uv), "pip", "compile", fh.name, "-o", str(ROOT / "requirements.lock"), "--python",
           str(ROOT / ".venv" / "bin" / "python"), "--python-version", "3.11", "-q", "--no-header",
           "--no-annotate"]
    return subprocess.call(cmd)


if __name__ == "__main__":
    sys.exit(main())
