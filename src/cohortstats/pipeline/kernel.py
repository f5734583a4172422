"""The project's Jupyter kernel: one spec, written by ipykernel, for papermill and for JupyterLab.

The notebooks' metadata name the kernel :data:`KERNEL`; it runs this environment's
interpreter whatever other kernels the machine has. The build installs it in its
own folder (figures drawn with the ``agg`` backend, a fixed hash seed, only errors
logged, and started by :mod:`cohortstats.pipeline.zygote`'s launcher, which forks it from
the build's warm zygote when there is one); ``make lab`` installs it in the environment
(``sys.prefix``), where plots show inline.
"""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

__all__ = ["KERNEL", "KERNEL_DISPLAY", "KERNEL_ENV", "install"]

#: The project's kernel name, as the notebooks' metadata give it.
KERNEL = "lenalidomide-psle"
#: What JupyterLab shows for it.
KERNEL_DISPLAY = "Python (lenalidomide bundle)"

#: The build's kernels' environment: the zygotes and the notebooks' drivers run in it too.
KERNEL_ENV = {"MPLBACKEND": "agg", "PYTHONHASHSEED": "0"}
_BUILD = {"env": KERNEL_ENV, "extra_arguments": ["--IPKernelApp.log_level=ERROR"]}


def install(kernels_dir, *, for_build: bool) -> Path:
    """Write the kernel spec into ``<kernels_dir>/<KERNEL>/`` (by ``ipykernel.kernelspec``), if it differs.

    Parameters
    ----------
    kernels_dir : str or Path
        A ``kernels`` folder on Jupyter's path (``<prefix>/share/jupyter/kernels``).
    for_build : bool
        The build's kernel (agg backend, fixed hash seed, quiet) or the analyst's.

    Returns
    -------
    Path
        The spec's folder.
    """
    from ipykernel.kernelspec import get_kernel_dict, write_kernel_spec

    import sys

    extra = _BUILD["extra_arguments"] if for_build else None
    overrides = {"display_name": KERNEL_DISPLAY, **({"env": _BUILD["env"]} if for_build else {})}
    if for_build:
        overrides["argv"] = [sys.executable, "-m", "cohortstats.pipeline.zygote", "launch",
                             "-f", "{connection_file}", *extra]
    target = Path(kernels_dir) / KERNEL
    want = {**get_kernel_dict(extra), **overrides}
    try:
        if json.loads((target / "kernel.json").read_text(encoding="utf-8")) == want:
            return target
    except (OSError, ValueError):
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{KERNEL}.") as tmp:
        staged = Path(write_kernel_spec(Path(tmp) / KERNEL, overrides=overrides,
                                        extra_arguments=extra))
        shutil.rmtree(target, ignore_errors=True)
        try:
            staged.rename(target)
        except OSError:  # another notebook's process of the same build put it there first
            if json.loads((target / "kernel.json").read_text(encoding="utf-8")) != want:
                raise
    return target
