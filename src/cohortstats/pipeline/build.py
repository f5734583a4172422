"""Run one notebook with papermill, the way ``make`` needs it.

``python -m cohortstats.pipeline.build NOTEBOOK OUTPUT --parameters JSON [--build-dir build]``

:mod:`cohortstats.pipeline.main` calls it once per notebook, with the parameters as a
JSON object (data, never shell text).

- The kernel is this interpreter, whatever kernels the machine has: a kernel spec
  of the project's kernel name (:data:`KERNEL`) naming ``sys.executable`` is
  written under ``<build>/kernels`` and put first on ``JUPYTER_PATH``.
- The executed copy is written aside and renamed on success; on failure nothing
  is left at OUTPUT and the last line on screen names the notebook, the cell and
  the exception.
- Timing, absolute paths, the random id papermill gives its parameters cell and the
  memory addresses of objects' default reprs are removed, so the same
  inputs give the same executed notebook.
- ``--gate``: the driver starts the notebook's kernel, has it import what the
  notebook's ``imports`` cell imports (silently: no output, no execution count, no
  name defined), then waits for ``go`` on its standard input before papermill
  executes the notebook on that kernel; end of input instead of ``go`` stops it
  quietly. The pipeline warms a notebook this way while a core would otherwise
  idle (:mod:`cohortstats.pipeline.schedule`); the executed notebook is the same.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from cohortstats.core.files import atomic_path
from cohortstats.core.imports import without_iri_grammar

from cohortstats.pipeline import kernel, profile
from cohortstats.pipeline.kernel import KERNEL, KERNEL_DISPLAY

#: Seconds a kernel may take to start (papermill's default, 60, is too short on a loaded 2-core machine).
KERNEL_START_TIMEOUT = 300
#: The id of the cell of every analysis notebook that imports what the notebook uses.
IMPORTS_CELL = "imports"
#: What a gated driver reads on its standard input before it executes the notebook.
GO = "go"


#: The memory address in an object's default repr (``<pandas...Styler at 0x7f...>``).
_ADDRESS = re.compile(r" at 0x[0-9a-f]+>")


def _kernel_dir(build_dir: Path) -> Path:
    """The build's own Jupyter data folder, holding the project's kernel."""
    kernel.install(build_dir / "kernels" / "kernels", for_build=True)
    return build_dir / "kernels"


def _scrub(nb_path: Path, source: Path) -> None:
    """Drop timings, absolute paths, kernel-specific metadata, the injected cell's random id and
    memory addresses from an executed notebook: the same inputs give the same bytes."""
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    pm = nb.get("metadata", {}).get("papermill", {})
    for key in ("start_time", "end_time", "duration", "exception"):
        pm.pop(key, None)
    pm["input_path"] = f"notebooks/{source.name}"
    pm["output_path"] = f"reports/notebooks/{source.name}"
    nb["metadata"]["kernelspec"] = {"display_name": KERNEL_DISPLAY, "language": "python",
                                    "name": KERNEL}
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {})
        meta.pop("execution", None)
        if "papermill" in meta:
            for key in ("start_time", "end_time", "duration"):
                meta["papermill"].pop(key, None)
        if "injected-parameters" in meta.get("tags", ()):
            cell["id"] = "injected-parameters"  # papermill gives the cell it adds a random id
        for out in cell.get("outputs", ()):
            plain = out.get("data", {}).get("text/plain")
            if plain is not None:  # an object's default repr names its memory address
                out["data"]["text/plain"] = [_ADDRESS.sub(">", line) for line in plain] \
                    if isinstance(plain, list) else _ADDRESS.sub(">", plain)
    nb_path.write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                       encoding="utf-8")


def _profile_cells(nb_path: Path, source: Path, started: float) -> None:
    """Record each cell's time, where it ran (papermill's times, before they are scrubbed), and
    papermill's own time before the first cell and after the last."""
    if not os.environ.get("CS_PROFILE"):
        return
    from datetime import datetime

    cells = json.loads(nb_path.read_text(encoding="utf-8"))["cells"]
    first = last = None
    for cell in cells:
        pm = cell.get("metadata", {}).get("papermill", {}) or {}
        if cell.get("cell_type") != "code" or pm.get("duration") is None:
            continue
        end = datetime.fromisoformat(pm["end_time"].replace("Z", "+00:00")).timestamp()
        profile.record(f"{source.stem}: cell {cell.get('id')}", pm["duration"], end=end)
        first = end - pm["duration"] if first is None else first
        last = end
    if first is not None:
        profile.record(f"{source.stem}: papermill before the first cell", first - started, end=first)
        profile.record(f"{source.stem}: papermill after the last cell", time.time() - last)


def _describe_failure(exc, source: Path) -> str:
    cell = getattr(exc, "exec_count", None)
    index = getattr(exc, "cell_index", None)
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    where = f"cell {index + 1}" if isinstance(index, int) else "a cell"
    if cell:
        where += f" (execution count {cell})"
    evalue = " ".join(str(evalue).split())
    return f"error: notebooks/{source.name}, {where}: {ename}: {evalue}"


def imports_code(source: Path) -> str:
    """The notebook's ``imports`` cell, as code that binds no name in the kernel ('' if none)."""
    cells = json.loads(source.read_text(encoding="utf-8")).get("cells", [])
    code = "".join(next((c.get("source", "") for c in cells if c.get("id") == IMPORTS_CELL), ""))
    return f"exec(compile({code!r}, '<warm-up>', 'exec'), {{}})" if code.strip() else ""


def reading_code(source: Path) -> str:
    """Code that reads the notebook ``source`` as papermill does, binding no name: nbformat
    compiles its schema's validator the first time (about 50 ms). The drivers' zygote runs it,
    so that no driver forked from it compiles the validator again."""
    return f"import nbformat; nbformat.read({str(source)!r}, as_version=4)"


def _start_kernel(source: Path, sockets: Path, warm: bool = True):
    """Start ``source``'s kernel in its folder and (``warm``) import what its ``imports`` cell imports.

    The kernel talks over Unix sockets in ``sockets`` (ZeroMQ's ipc transport), not TCP ports:
    several kernels starting at once can pick the same free port (jupyter_client's known race,
    "Kernel died before replying to kernel_info"); a socket file is this kernel's alone.
    Silent execution (Jupyter messaging: ``silent=True``) leaves no output, no history and
    no execution count; the code runs in a throwaway namespace. Returns the
    ``AsyncKernelManager`` that papermill then executes the notebook on.
    """
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    from cohortstats.pipeline.ready import CLIENT_CLASS

    km = AsyncKernelManager(kernel_name=KERNEL, transport="ipc", ip=str(sockets / "kernel"),
                            client_class=CLIENT_CLASS)  # ready without 0.2 s of IOPub silence
    code = imports_code(source) if warm else ""

    async def start():
        # nbclient starts its kernels with an in-memory history; so does this one
        await km.start_kernel(cwd=str(source.parent),
                              extra_arguments=["--HistoryManager.hist_file=:memory:"])
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=KERNEL_START_TIMEOUT)
            if code:
                msg_id = kc.execute(code, silent=True, store_history=False, allow_stdin=False)
                while (await kc.get_shell_msg(timeout=KERNEL_START_TIMEOUT))["parent_header"].get(
                        "msg_id") != msg_id:
                    pass
        finally:
            kc.stop_channels()

    try:
        run_sync(start)()
    except BaseException:  # interrupted or failed while warming: no kernel left behind
        _stop_kernel(km)
        raise
    return km


def _stop_kernel(km) -> None:
    """Kill the kernel at once and remove its connection and socket files.

    Nothing of the kernel is needed any more (its notebook is written, or abandoned): the kill
    that jupyter_client's forced shutdown sends (SIGKILL to the kernel's process group),
    without the interrupt before it and the 0.1 s polls after it.
    """
    from jupyter_core.utils import run_sync

    if km is None or not km.has_kernel:
        return
    process = getattr(km.provisioner, "process", None)
    run_sync(km.provisioner.kill)()
    if process is not None:
        process.wait(timeout=30)
    km.cleanup_connection_file()
    km.cleanup_ipc_files()


def run(source, output, parameters: dict, build_dir="build", quiet=False, gate=False) -> int:
    """Execute ``source`` into ``output`` with ``parameters``; return an exit code.

    With ``gate``, warm the kernel first and wait for ``go`` on standard input (see the
    module's docstring); end of input stops it with exit code 0 and nothing written.
    """
    os.environ.setdefault("MPLBACKEND", "agg")
    source, output, build_dir = Path(source), Path(output), Path(build_dir)
    kernels = _kernel_dir(build_dir)
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        [str(kernels.resolve())] + [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p])
    with profile.stage(f"{source.stem}: papermill imported"):
        without_iri_grammar()
        import papermill
        from papermill.exceptions import PapermillExecutionError

    km = None
    sockets = Path(tempfile.mkdtemp(prefix="cs-kernel-"))  # short: a socket's path has 107 bytes at most
    try:
        if gate:
            with profile.stage(f"{source.stem}: kernel warmed (gated)"):
                km = _start_kernel(source, sockets)
            if sys.stdin.readline().strip() != GO:
                return 0
        else:
            km = _start_kernel(source, sockets, warm=False)
        start, started = time.perf_counter(), time.time()
        if not quiet:
            print(f"  running  {source.name} …", flush=True)
        with atomic_path(output, suffix=".ipynb") as tmp:  # the executed notebook whole, or none
            papermill.execute_notebook(str(source), str(tmp), parameters=parameters,
                                       kernel_name=KERNEL, cwd=str(source.parent), progress_bar=False,
                                       log_output=False, report_mode=False,
                                       start_timeout=KERNEL_START_TIMEOUT, km=km,
                                       # written once at the end, not after every cell (24
                                       # writes of the notebook, 0.1-0.3 s a notebook)
                                       request_save_on_cell_execute=False)
            _profile_cells(tmp, source, started)
            _scrub(tmp, source)
    except PapermillExecutionError as exc:
        print(_describe_failure(exc, source), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"error: notebooks/{source.name}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # kernel died, bad notebook file, ...
        msg = " ".join(str(exc).split())
        print(f"error: notebooks/{source.name}: {type(exc).__name__}: {msg}", file=sys.stderr)
        return 1
    finally:
        with profile.stage(f"{source.stem}: kernel stopped"):
            _stop_kernel(km)
            shutil.rmtree(sockets, ignore_errors=True)
    if not quiet:
        print(f"  done     {source.name} ({time.perf_counter() - start:.1f} s)", flush=True)
    return 0


def main(argv=None) -> int:
    import argparse

    p = argparse.ArgumentParser(prog="python -m cohortstats.pipeline.build", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("notebook")
    p.add_argument("output")
    p.add_argument("--parameters", default="{}", help="the parameters, a JSON object")
    p.add_argument("--build-dir", default="build")
    p.add_argument("--gate", action="store_true",
                   help="warm the kernel, then wait for 'go' on standard input")
    args = p.parse_args(argv)
    return run(args.notebook, args.output, json.loads(args.parameters), build_dir=args.build_dir,
               quiet=True, gate=args.gate)


if __name__ == "__main__":
    from cohortstats.core.process import exit_now

    exit_now(main())  # the notebook is written, the kernel stopped: no interpreter teardown
