"""Prepare JupyterLab for the analyst (``make lab`` runs this first).

- Installs the project's kernel (:data:`cohortstats.pipeline.kernel.KERNEL`, shown as
  "Python (lenalidomide bundle)") into this environment, pointing at this
  interpreter, without ``MPLBACKEND``: plots show inline.
- Turns off JupyterLab's "get notified about official Jupyter news?" prompt for
  this environment (a settings override in ``<env>/share/jupyter/lab/settings``).

Both are written only when they differ, inside the environment (``sys.prefix``),
never in the user's home.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from cohortstats.pipeline import kernel
from cohortstats.pipeline.kernel import KERNEL, KERNEL_DISPLAY

__all__ = ["install_kernel", "quiet_news", "main"]


def _write(path: Path, obj) -> None:
    text = json.dumps(obj, indent=1, sort_keys=True) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_text() != text:
        path.write_text(text)


def install_kernel(prefix=None) -> Path:
    """Install the project's kernel under ``<prefix>/share/jupyter/kernels`` (:mod:`cohortstats.pipeline.kernel`)."""
    return kernel.install(Path(prefix or sys.prefix) / "share" / "jupyter" / "kernels",
                          for_build=False) / "kernel.json"


def quiet_news(prefix=None) -> Path:
    """Settings override: no news prompt, no update checks."""
    path = Path(prefix or sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    _write(path, {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false",
                                                                  "checkForUpdates": False}})
    return path


def main() -> int:
    install_kernel()
    quiet_news()
    print(f"JupyterLab: kernel \"{KERNEL_DISPLAY}\" ({sys.executable}); notebooks in notebooks/, "
          "interactive results in scratch/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
