"""Kernels forked from the build's zygote (pipeline/zygote.py): the same kernel, started warm.

Each test starts a real zygote and real kernels through jupyter_client with the build's kernel
spec, as the build does; the zygote imports a module no kernel imports by itself (``wave``), so a
kernel that has it without importing it was forked from the zygote.
"""
from __future__ import annotations

import contextlib
import json
import os
import signal
import time

import pytest

from cohortstats.pipeline import kernel
from cohortstats.pipeline.zygote import ENV, Zygote

pytestmark = pytest.mark.slow

PROBE = ("import os, sys; print(os.getcwd(), os.getppid(), os.getpid(), 'wave' in sys.modules, "
         "os.environ['MPLBACKEND'], os.environ['PYTHONHASHSEED'])")


@pytest.fixture
def spec(tmp_path, monkeypatch):
    """The build's kernel spec, first on JUPYTER_PATH (as build.py puts it)."""
    kernel.install(tmp_path / "jupyter" / "kernels", for_build=True)
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.delenv(ENV, raising=False)
    (tmp_path / "nb").mkdir()
    return tmp_path


@pytest.fixture
def zygote(spec, monkeypatch):
    z = Zygote.start(["import wave"], {**os.environ, **kernel.KERNEL_ENV})
    monkeypatch.setenv(ENV, z.env()[ENV])
    yield z
    z.stop()


@contextlib.contextmanager
def _kernel(folder):
    """A kernel of the build's spec, as jupyter_client starts it (in ``folder``/nb); at the end its
    channels stopped and, if it is still alive, SIGKILL to its launcher (a forced shutdown)."""
    from jupyter_client import KernelManager

    km = KernelManager(kernel_name=kernel.KERNEL, transport="ipc", ip=str(folder / "k"))
    km.start_kernel(cwd=str(folder / "nb"))
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)
        yield km, kc
    finally:
        kc.stop_channels()
        if km.is_alive():
            km.shutdown_kernel(now=True)


def _run(kc, code, timeout=60):
    out = []
    reply = kc.execute_interactive(code, timeout=timeout, output_hook=lambda m: out.append(
        m["content"].get("text", "")) if m["msg_type"] == "stream" else None)
    return reply["content"], "".join(out).split()


def _gone(pid, within=10.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_a_kernel_is_forked_from_the_zygote_in_its_folder_and_environment(zygote, spec):
    with _kernel(spec) as (km, kc):
        reply, (cwd, ppid, pid, warm, backend, seed) = _run(kc, PROBE)
        assert reply["status"] == "ok"
        assert cwd == str(spec / "nb") and int(ppid) == zygote.proc.pid and warm == "True"
        assert (backend, seed) == ("agg", "0")  # the build kernel spec's environment
        assert zygote.imported()  # it forks only once its imports are done, and says so
        # an interrupt (SIGINT to the launcher, as jupyter_client sends it) reaches the kernel
        kc.execute("import time; time.sleep(60)")
        time.sleep(0.5)
        km.interrupt_kernel()
        reply = kc.get_shell_msg(timeout=20)["content"]
        assert reply["status"] == "error" and reply["ename"] == "KeyboardInterrupt"
    assert _gone(int(pid))


def test_a_zygote_says_when_its_imports_are_done(spec):
    """The build starts publishing's processes once the kernels' zygote has imported (schedule's
    ``settled``): not before, while its imports take the cores."""
    z = Zygote.start(["import time; time.sleep(1.5)"], {**os.environ, **kernel.KERNEL_ENV})
    try:
        assert not z.imported()
        deadline = time.monotonic() + 60
        while not z.imported() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert z.imported()
    finally:
        z.stop()


def test_a_zygote_whose_build_is_already_gone_ends(tmp_path):
    """The build names itself to its zygote: a build killed before the zygote started would
    otherwise leave it waiting on init, its new parent, for ever (seen under load)."""
    import subprocess
    import sys

    gone = subprocess.Popen(["true"])
    gone.wait()
    z = subprocess.Popen([sys.executable, "-m", "cohortstats.pipeline.zygote", "serve", "kernel",
                          str(tmp_path / "socket"), str(gone.pid)], stdin=subprocess.PIPE,
                         env={**os.environ, **kernel.KERNEL_ENV}, text=True)
    z.communicate("[]", timeout=60)
    assert z.returncode == 0


def test_without_a_zygote_the_launcher_is_the_ordinary_kernel(spec):
    with _kernel(spec) as (km, kc):
        reply, (cwd, ppid, pid, warm, backend, seed) = _run(kc, PROBE)
        assert reply["status"] == "ok" and cwd == str(spec / "nb")
        # exec'd: the kernel is the process jupyter_client started, and imported nothing ahead
        assert int(pid) == km.provisioner.process.pid and int(ppid) == os.getpid()
        assert warm == "False" and (backend, seed) == ("agg", "0")


def test_stopping_the_zygote_ends_its_kernels(zygote, spec):
    with _kernel(spec) as (km, kc):
        _, (_, _, pid, *_) = _run(kc, PROBE)
        launcher = km.provisioner.process
        zygote.stop()
        assert _gone(int(pid))
        assert launcher.wait(timeout=10) != 0  # the launcher saw its kernel end, and says so


def test_a_kernel_exit_code_is_the_launchers(zygote, spec):
    with _kernel(spec) as (km, kc):
        launcher = km.provisioner.process
        kc.execute("import os; os._exit(3)")
        assert launcher.wait(timeout=20) == 3


def test_the_terminals_ctrl_c_reaches_neither_zygote_nor_kernel(zygote, spec):
    # Ctrl-C goes to the terminal's foreground process group: the build's. The zygote and each
    # kernel lead sessions of their own (as jupyter_client starts kernels), so the build's driver
    # decides what an interrupt does, as without a zygote.
    with _kernel(spec) as (km, kc):
        _, (_, _, pid, *_) = _run(kc, PROBE)
        assert os.getsid(zygote.proc.pid) == zygote.proc.pid != os.getsid(0)
        assert os.getsid(int(pid)) == int(pid)


def test_a_driver_is_forked_and_its_error_line_and_exit_code_come_back(tmp_path, monkeypatch):
    """The drivers' zygote (role "driver"): a notebook that does not exist ends the forked driver
    with build.py's one line on the launcher's standard error and its exit code (1)."""
    import subprocess
    import sys

    from cohortstats.pipeline.zygote import DRIVERS_ENV

    z = Zygote.start([], {**os.environ, **kernel.KERNEL_ENV}, role="driver")
    try:
        env = {**os.environ, **z.env(), "CS_PROFILE": str(tmp_path / "profile.jsonl")}
        proc = subprocess.run([sys.executable, "-m", "cohortstats.pipeline.zygote", "drive",
                               str(tmp_path / "missing.ipynb"), str(tmp_path / "out.ipynb"),
                               "--build-dir", str(tmp_path / "build")],
                              capture_output=True, text=True, env=env, timeout=120)
        assert DRIVERS_ENV in env
        assert proc.returncode == 1
        assert proc.stderr.strip().splitlines()[-1].startswith("error: notebooks/missing.ipynb")
        assert not (tmp_path / "out.ipynb").exists()
        # forked, the driver found papermill imported already (a cold driver takes ~0.7 s)
        stages = [json.loads(line) for line in (tmp_path / "profile.jsonl").read_text().splitlines()]
        assert [s["seconds"] < 0.1 for s in stages if s["stage"] == "missing: papermill imported"] == [True]
    finally:
        z.stop()
    assert z.proc.returncode is not None


def test_the_ready_client_is_the_build_kernels_client_and_reads_its_own_output(zygote, spec):
    """pipeline/ready.ReadyClient: ready once the kernel has answered kernel_info (and IOPub
    has said something), without jupyter_client's 0.2 s of IOPub silence; a request's output
    is still read whole, the earlier request's status messages left aside."""
    import asyncio

    from jupyter_client.manager import AsyncKernelManager

    from cohortstats.pipeline.ready import CLIENT_CLASS, ReadyClient

    async def run():
        km = AsyncKernelManager(kernel_name=kernel.KERNEL, transport="ipc", ip=str(spec / "k"),
                                client_class=CLIENT_CLASS)
        await km.start_kernel(cwd=str(spec / "nb"))
        kc = km.client()
        kc.start_channels()
        try:
            assert isinstance(kc, ReadyClient)
            await kc.wait_for_ready(timeout=120)
            out = []
            reply = await kc.execute_interactive("print(6 * 7)", timeout=60, output_hook=lambda m: out.append(
                m["content"].get("text", "")) if m["msg_type"] == "stream" else None)
            return reply["content"]["status"], "".join(out)
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)

    assert asyncio.run(run()) == ("ok", "42\n")


def test_an_import_that_fails_in_the_zygote_is_left_to_the_notebook(spec, monkeypatch):
    """A notebook's imports cell that fails (a module that does not exist) does not stop the
    zygote: the other imports are done, and the kernel forked as usual raises the notebook's own
    error when its cell runs, as a cold kernel would."""
    z = Zygote.start(["import no_such_module_of_cohortstats", "import wave"],
                     {**os.environ, **kernel.KERNEL_ENV})
    monkeypatch.setenv(ENV, z.env()[ENV])
    try:
        with _kernel(spec) as (km, kc):
            reply, (_, ppid, _, warm, _, _) = _run(kc, PROBE)
            assert int(ppid) == z.proc.pid and warm == "True"
            reply, _ = _run(kc, "import no_such_module_of_cohortstats")
            assert reply["status"] == "error" and reply["ename"] == "ModuleNotFoundError"
    finally:
        z.stop()


def _listening(z) -> None:
    """Assert that zygote ``z`` accepts a launcher's connection (then close it)."""
    from cohortstats.pipeline.zygote import _connect

    conn = _connect(str(z.folder / "socket"))
    assert conn is not None
    conn.close()


def test_a_gated_zygote_listens_at_once_and_imports_only_when_told(tmp_path):
    """Zygote.start(gated=True), as the build starts the drivers' zygote while it checks its
    inputs: its socket accepts launchers at once, but it runs its imports (here: a code that
    writes a file) only after go(). An ungated twin, started once the gated one listens, shows
    how long the imports take: twice that time later the gated one has not begun. A build whose
    inputs fail stops it then, having imported nothing."""
    env = {**os.environ, **kernel.KERNEL_ENV}
    made = lambda name: [f"open({str(tmp_path / name)!r}, 'w').close()"]  # noqa: E731

    def imported(z):
        deadline = time.monotonic() + 60
        while not z.imported() and time.monotonic() < deadline:
            time.sleep(0.02)
        return z.imported()

    gated = Zygote.start(made("gated"), env, role="driver", gated=True)
    try:
        _listening(gated)
        started = time.monotonic()
        twin = Zygote.start(made("twin"), env, role="driver")
        try:
            assert imported(twin) and (tmp_path / "twin").exists()
        finally:
            twin.stop()
        time.sleep(time.monotonic() - started)  # as long again: never a false failure, only margin
        assert not gated.imported() and not (tmp_path / "gated").exists()
        gated.go()
        assert imported(gated) and (tmp_path / "gated").exists()
    finally:
        gated.stop()
    stopped = Zygote.start(made("stopped"), env, role="driver", gated=True)
    _listening(stopped)
    stopped.stop()
    assert stopped.proc.returncode is not None and not (tmp_path / "stopped").exists()


def test_a_gated_zygote_whose_build_dies_before_go_ends_having_imported_nothing(tmp_path):
    """The build killed (SIGKILL) while it checks its inputs: the gated zygote's standard input
    closes with nothing written, and it ends at once, its socket's folder removed, nothing imported."""
    z = Zygote.start([f"open({str(tmp_path / 'imported')!r}, 'w').close()"],
                     {**os.environ, **kernel.KERNEL_ENV}, role="driver", gated=True)
    try:
        _listening(z)  # and waiting for go
        z.proc.stdin.close()  # what the build's death does to the pipe
        assert z.proc.wait(timeout=30) == 0
        assert not z.folder.exists() and not (tmp_path / "imported").exists()
    finally:
        z.stop()
