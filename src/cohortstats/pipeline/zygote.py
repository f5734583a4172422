"""Kernels and drivers forked from warm processes: a notebook's kernel and driver start in milliseconds.

A notebook's kernel spends most of its start importing what the notebook uses (pandas, scipy,
matplotlib, seaborn, this package), and every notebook of a build imports the same. The build
therefore starts one *zygote* process (:class:`Zygote`) while it checks its inputs: it imports
ipykernel and what the build's notebooks' ``imports`` cells import, once, and then forks a
kernel for each notebook that asks. A forked kernel shares the imported modules with the zygote
(copy on write) and only runs ipykernel's own start.

The build's kernel spec runs ``python -m cohortstats.pipeline.zygote launch -f <connection
file> ...`` (:func:`launch`): a small process that jupyter_client starts, watches and signals
as it would the kernel. It sends its arguments, folder, environment and standard streams to the
zygote named by ``CS_ZYGOTE`` (a Unix socket), forwards the signals it gets (an interrupt, a
termination) to the forked kernel, and exits with the kernel's exit code. When the zygote is
gone the kernel is killed; when the launcher is killed the zygote kills its kernel. Without
``CS_ZYGOTE`` (the lab, a notebook run alone, ``CS_FORK_KERNELS=0``, a platform other than
Linux), the launcher becomes the ordinary ipykernel (``exec``): the same kernel, started cold.

The notebooks' papermill drivers are forked the same way from a second zygote (role
``driver``), which imports papermill once: the build starts ``python -m
cohortstats.pipeline.zygote drive <build.py's arguments>`` (its launcher, named by
``CS_ZYGOTE_DRIVERS``), whose standard input (the gate), output and error the forked driver
takes over, and whose exit code is the driver's; without that zygote the launcher becomes
``python -m cohortstats.pipeline.build``. The build starts it gated (``Zygote.start(gated=True)``):
it listens at once, but imports only once the build's inputs have passed their checks
(:meth:`Zygote.go`), an import that is needed a second later; a bad input then costs no import.

The executed notebooks are the same bytes: the kernel is the same ipykernel with the same
arguments, environment (MPLBACKEND=agg, PYTHONHASHSEED=0) and folder; only its imports were
done before the fork. The zygote imports, never runs, the notebooks' code, and holds no thread,
event loop or ZeroMQ context when it forks.
"""
from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sys

__all__ = ["Zygote", "ENV", "enabled", "launch", "serve"]

#: The environment variable naming the kernels' zygote's socket, for the kernel launcher.
ENV = "CS_ZYGOTE"
#: The environment variable naming the drivers' zygote's socket, for the driver launcher.
DRIVERS_ENV = "CS_ZYGOTE_DRIVERS"
#: Each role: the environment variable naming its zygote's socket, what its zygote imports before
#: it forks (beside the code it is given), and the module its launcher runs without a zygote.
_ROLES = {"kernel": (ENV, ("ipykernel.kernelapp", "ipykernel.debugger"), "ipykernel_launcher"),
          "driver": (DRIVERS_ENV, ("papermill", "ipykernel.kernelspec", "cohortstats.pipeline.ready",
                                   "cohortstats.pipeline.build"), "cohortstats.pipeline.build")}
#: Set to 0 to start every kernel cold (the ordinary ipykernel).
SWITCH = "CS_FORK_KERNELS"
_FDS = 3  # standard input, output and error, handed to the forked kernel
_IMPORTED = "imported"  # made in the zygote's folder once its imports are done
_MESSAGE = 1 << 20


def enabled(environ=os.environ) -> bool:
    """Whether the build forks its kernels (Linux, unless ``CS_FORK_KERNELS=0``)."""
    return sys.platform.startswith("linux") and environ.get(SWITCH, "1") != "0"


class Zygote:
    """The build's zygote process (see the module's docstring); stop it with :meth:`stop`."""

    def __init__(self, proc, folder, role="kernel", imports: str | None = None):
        self.proc, self.folder, self.role = proc, folder, role
        self._imports = imports  # the imports' JSON, until go() hands it over

    @classmethod
    def start(cls, imports: list[str], env: dict, role: str = "kernel", gated: bool = False) -> "Zygote":
        """Start a zygote that runs each code of ``imports`` (the notebooks' imports cells, as
        code binding no name) before it forks a kernel (``role="kernel"``) or a notebook's
        papermill driver (``role="driver"``) per request; ``env``: their environment, to which
        the build's kernel environment is added (the zygote's hash seed is its children's).
        ``gated``: it listens at once but imports only once :meth:`go` is called (the build's
        drivers' zygote: after the inputs passed their checks, so that a bad input costs no
        imports, and the checks and the kernels' zygote have the two cores meanwhile)."""
        import subprocess
        import tempfile
        from pathlib import Path

        from cohortstats.pipeline.kernel import KERNEL_ENV

        folder = Path(tempfile.mkdtemp(prefix="cs-zygote-"))  # a socket's path: 107 bytes at most
        proc = subprocess.Popen([sys.executable, "-m", "cohortstats.pipeline.zygote", "serve", role,
                                 str(folder / "socket"), str(os.getpid())], stdin=subprocess.PIPE,
                                stdout=subprocess.DEVNULL, env={**env, **KERNEL_ENV},
                                start_new_session=True, text=True)
        zygote = cls(proc, folder, role, json.dumps(list(imports)))
        if not gated:
            zygote.go()
        return zygote

    def go(self) -> None:
        """Hand the zygote its imports (it has waited for them since it started listening)."""
        imports, self._imports = self._imports, None
        if imports is None:
            return
        try:
            self.proc.stdin.write(imports)
            self.proc.stdin.close()
        except OSError:  # the zygote is gone: its launchers start their process cold
            pass

    def imported(self) -> bool:
        """Whether the zygote has done its imports (the cores are free of them from then on)."""
        return (self.folder / _IMPORTED).exists()

    def env(self) -> dict:
        """What a process's environment adds, so that its launchers ask this zygote."""
        return {_ROLES[self.role][0]: str(self.folder / "socket")}

    def stop(self) -> None:
        """End the zygote and any kernel it still has; remove its socket."""
        import shutil
        import subprocess

        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._imports = None
        with contextlib.suppress(OSError):  # a gated zygote's pipe, never written
            self.proc.stdin.close()
        shutil.rmtree(self.folder, ignore_errors=True)


# --------------------------------------------------------------------------- the zygote


def serve(role: str, path: str, parent: int | None = None) -> int:
    """Listen on ``path`` at once, run each code of the imports, then fork a ``role`` per request,
    until the process ``parent`` (the build; default: this process's parent now) is gone.

    The imports (a JSON list of code) are read from standard input, which the build writes when
    the zygote is to import (:meth:`Zygote.go`); launchers that connect meanwhile wait. Standard
    input closed with nothing written (a build killed before it said go) ends the zygote at once.

    A code that fails is passed over: the notebook's own imports cell then fails in its kernel,
    with the notebook's one-line error, as it would in a kernel started cold. ``parent`` is given
    by the build: a build killed before this process asked for its parent would leave it waiting
    on init, its new parent, for ever.
    """
    import importlib
    import selectors
    import time

    parent = os.getppid() if parent is None else parent
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    listener.bind(path)
    listener.listen(64)  # launchers that connect now wait until the imports are done
    text = sys.stdin.read()
    if not text:  # standard input closed with nothing written: the build is gone
        listener.close()
        _remove(path)
        return 0
    imports = json.loads(text)
    started = time.time()
    if role == "kernel":  # every kernel's start imports ipykernel's debugger (~0.1 s): once, here
        from cohortstats.core.imports import without_debugpy_warning

        without_debugpy_warning()
    if role == "driver":  # papermill as a driver imports it: without the IRI grammar
        from cohortstats.core.imports import without_iri_grammar

        without_iri_grammar()
    for module in _ROLES[role][1]:
        importlib.import_module(module)
    for code in imports:
        try:
            exec(compile(code, "<zygote imports>", "exec"), {})
        except Exception:  # noqa: BLE001  (see the docstring)
            pass
    from cohortstats.pipeline import profile

    profile.record(f"{role}s' zygote: imported", time.time() - started)
    import gc

    # The modules' objects stay shared with the kernels (no collection touches them). No
    # collection first: after the imports it finds nothing (0 objects) and takes 70 ms, which
    # every kernel would wait for.
    gc.freeze()
    open(os.path.join(os.path.dirname(path), _IMPORTED), "w").close()  # Zygote.imported()
    kernels: dict = {}  # connection -> the kernel's pid
    for sig in (signal.SIGTERM, signal.SIGINT):  # stop at once, whatever it waits for
        signal.signal(sig, _stop)
    # A child that ends wakes the loop at once (its launcher, and the build, wait for its code).
    woken, wake = os.pipe()
    os.set_blocking(wake, False)
    signal.set_wakeup_fd(wake)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    with selectors.DefaultSelector() as sel:
        sel.register(listener, selectors.EVENT_READ)
        sel.register(woken, selectors.EVENT_READ)
        try:
            while os.getppid() == parent:
                for key, _ in sel.select(timeout=0.5):
                    if key.fileobj is listener:
                        _fork(listener, sel, kernels, selectors.EVENT_READ, role)
                    elif key.fileobj == woken:
                        os.read(woken, 512)
                    else:  # the launcher went away: its kernel goes too
                        _kill(kernels.pop(key.fileobj, None))
                        sel.unregister(key.fileobj)
                        key.fileobj.close()
                _reap(sel, kernels)
        except _Stopped:
            pass
        finally:
            for pid in kernels.values():
                _kill(pid)
            listener.close()
            _remove(path)
    return 0


def _remove(path: str) -> None:
    """The socket, the imported mark, and their folder if nothing else is in it: a build killed
    outright (SIGKILL) leaves none of its zygotes' folders behind."""
    folder = os.path.dirname(path)
    for name in (path, os.path.join(folder, _IMPORTED)):
        with contextlib.suppress(OSError):
            os.unlink(name)
    with contextlib.suppress(OSError):
        os.rmdir(folder)


class _Stopped(Exception):
    """SIGTERM or SIGINT reached the zygote."""


def _stop(*_):
    raise _Stopped


def _fork(listener, sel, kernels: dict, readable, role: str) -> None:
    conn, _ = listener.accept()
    try:
        message, fds, _, _ = socket.recv_fds(conn, _MESSAGE, _FDS)
        request = json.loads(message)
    except (OSError, ValueError):
        conn.close()
        return
    stopping = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stopping)  # the child resets their handlers first
    pid = os.fork()
    if pid == 0:  # the kernel
        code = 1
        try:
            sel.close()
            listener.close()
            for other in list(kernels):
                other.close()
            conn.close()
            code = _child(role, request, fds, stopping)
        finally:
            os._exit(code)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, stopping)
    for fd in fds:
        os.close(fd)
    try:
        conn.sendall(str(pid).encode())
    except OSError:  # the launcher went away while its child was forked (a build stopped): the child goes too
        _kill(pid)
        conn.close()
        return
    kernels[conn] = pid
    sel.register(conn, readable)


def _child(role: str, request: dict, fds: list, blocked: set) -> int:
    """In the forked child: become the kernel, or the driver, the launcher was asked to start."""
    os.setsid()  # the terminal's Ctrl-C reaches the launcher, which forwards it
    os.close(signal.set_wakeup_fd(-1))  # the zygote's wake-up pipe is not the child's
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGCHLD):
        signal.signal(sig, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, blocked)
    for i, fd in enumerate(fds):
        os.dup2(fd, i)
        os.close(fd)
    if sys.path and sys.path[0] == os.getcwd():  # as `python -m ipykernel_launcher` in its folder
        sys.path[0] = request["cwd"]
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.argv = [sys.executable, *request["argv"]]
    try:
        if role == "driver":
            from cohortstats.pipeline import build

            return build.main(request["argv"])
        from ipykernel import kernelapp

        kernelapp.launch_new_instance(argv=request["argv"])
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return 0


def _reap(sel, kernels: dict) -> None:
    """Tell each ended kernel's launcher its exit code."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        for conn, kid in list(kernels.items()):
            if kid == pid:
                del kernels[conn]
                try:
                    conn.sendall(str(os.waitstatus_to_exitcode(status)).encode())
                except OSError:
                    pass
                sel.unregister(conn)
                conn.close()


def _kill(pid) -> None:
    if pid is not None:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


# --------------------------------------------------------------------------- the launcher


def launch(argv: list[str], role: str = "kernel") -> int:
    """The process its parent sees (jupyter_client a kernel, the build a notebook's driver):
    forked by the role's zygote, or, without one, the role's module itself (``exec``)."""
    variable, _, cold = _ROLES[role]
    path = os.environ.get(variable)
    conn = _connect(path) if path else None
    if conn is None:
        os.execv(sys.executable, [sys.executable, "-m", cold, *argv])
    env = {k: v for k, v in os.environ.items() if k != variable}
    socket.send_fds(conn, [json.dumps({"argv": argv, "cwd": os.getcwd(), "env": env}).encode()],
                    list(range(_FDS)))
    reply = conn.recv(64)
    if not reply:
        return 1
    pid = int(reply)

    def forward(signum, _frame):
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1,
                signal.SIGUSR2):
        signal.signal(sig, forward)
    status = conn.recv(64)
    if not status:  # the zygote is gone: so is the kernel
        forward(signal.SIGKILL, None)
        return 1
    code = int(status)
    return code if code >= 0 else 128 - code


def _connect(path: str):
    """A connection to the zygote at ``path``; None when there is none. A zygote just started
    may not listen yet: its folder exists, so wait for its socket (a few seconds at most)."""
    import time

    deadline = time.monotonic() + 5
    while True:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            conn.connect(path)
            return conn
        except OSError:
            conn.close()
            if not os.path.isdir(os.path.dirname(path)) or time.monotonic() > deadline:
                return None
            time.sleep(0.01)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["serve"]:
        return serve(argv[1], argv[2], int(argv[3]) if len(argv) > 3 else None)
    if argv[:1] == ["launch"]:
        return launch(argv[1:])
    if argv[:1] == ["drive"]:
        return launch(argv[1:], role="driver")
    print("usage: python -m cohortstats.pipeline.zygote serve ROLE SOCKET [PARENT] | launch ARGS... | "
          "drive ARGS...", file=sys.stderr)
    return 2


if __name__ == "__main__":
    from cohortstats.core.process import exit_now

    exit_now(main())  # the build waits for the zygote to end: no teardown of what it imported
