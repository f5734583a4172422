"""Which notebook's process runs when: at most ``JOBS`` notebooks at once, no core left idle.

Each notebook runs in its own papermill driver (:mod:`cohortstats.pipeline.build`), one
process each, so Ctrl-C, a failing cell and a dead kernel each end one process with one
line. The notebooks of the first wave (``01``–``03``) start at once, longest first, at most
``jobs`` at a time. The last notebook (``04-claims``) reads what they saved, so it cannot
run before they end; but its process is started *gated* as soon as a slot is free and no
first-wave notebook waits for one: it imports papermill, starts its kernel and imports what
the notebook imports while the first wave's last notebook still draws its figures, then
waits for ``go`` (:data:`cohortstats.pipeline.build.GO`). When the first wave has ended
without a failure it gets ``go`` and runs its cells at once; on a failure its input is
closed and it stops without writing anything.

The executed notebooks are the same as without the gate: only the kernel's start and the
imports move earlier.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from cohortstats.core.notebooks import notebook_path
from cohortstats.pipeline.build import GO
from cohortstats.pipeline.kernel import KERNEL_ENV
from cohortstats.pipeline.zygote import DRIVERS_ENV

__all__ = ["Driver", "Outcome", "run_waves", "tell", "LONGEST_FIRST"]

#: The first wave's notebooks, the one that takes longest first (its figures), so that the
#: other slot takes the short ones one after the other.
LONGEST_FIRST = ("02-outcomes", "03-sensitivity", "01-cohort")

#: Seconds between looks at the running processes.
_POLL = 0.02


@dataclass(frozen=True)
class Outcome:
    """How one notebook's process ended.

    Attributes
    ----------
    name : str
    code : int
        The driver's exit code (0: executed; 130: interrupted).
    text : str
        What it printed (its last line is the one-line error on a failure).
    """

    name: str
    code: int
    text: str


@dataclass
class Driver:
    """One notebook's papermill driver process (gated or not)."""

    name: str
    proc: subprocess.Popen
    log: object

    @classmethod
    def start(cls, name: str, out_dir: Path, params: dict, build_dir: Path, gated: bool,
              env: dict | None = None) -> "Driver":
        """Start ``name``'s driver; ``env``: its environment (default this process's)."""
        source = notebook_path(name)
        target = out_dir / "notebooks" / f"{name}.ipynb"
        env = os.environ if env is None else env
        # forked from the drivers' zygote when the build has one (pipeline/zygote.py)
        driver = (("cohortstats.pipeline.zygote", "drive") if DRIVERS_ENV in env
                  else ("cohortstats.pipeline.build",))
        cmd = [sys.executable, "-m", *driver, str(source), str(target),
               "--build-dir", str(build_dir), "--parameters", json.dumps(params)]
        log = tempfile.TemporaryFile("w+", encoding="utf-8")  # never a full pipe, whatever it prints
        proc = subprocess.Popen(cmd + (["--gate"] if gated else []),
                                stdin=subprocess.PIPE if gated else subprocess.DEVNULL,
                                stdout=log, stderr=subprocess.STDOUT, text=True,
                                env={**env, **KERNEL_ENV})
        return cls(name, proc, log)

    def release(self, go: bool) -> None:
        """Tell a gated driver to run (``go``) or to stop; nothing for one not gated, or told."""
        tell(self.proc, f"{GO}\n" if go else "")

    def done(self) -> bool:
        return self.proc.poll() is not None

    def outcome(self) -> Outcome:
        code = self.proc.wait()
        self.log.seek(0)
        text = self.log.read().strip()
        self.log.close()
        return Outcome(self.name, code, text)

    def stop(self) -> None:
        """End an interrupted build's driver: SIGINT (papermill stops its kernel), then SIGKILL."""
        self.release(go=False)
        if self.done():
            return
        try:
            self.proc.send_signal(signal.SIGINT)
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def tell(proc: subprocess.Popen, line: str) -> None:
    """Give a gated process its one line of standard input (``""``: none) and close it.

    Once: ``proc.stdin`` is None afterwards (as for a process started without a pipe), so a
    second call, or ``communicate()``, leaves it alone. A process that ended already is not
    an error here: its exit code and its message say why.
    """
    stdin, proc.stdin = proc.stdin, None
    if stdin is not None:
        try:
            stdin.write(line)
            stdin.close()
        except (BrokenPipeError, OSError):
            pass


def _wait_any(running: list[Driver], until=None) -> list[Driver]:
    """The drivers of ``running`` that have ended, once one has; ``[]`` as soon as ``until()``."""
    while True:
        ended = [d for d in running if d.done()]
        if ended or (until is not None and until()):
            return ended
        time.sleep(_POLL)


def run_waves(first: list[str], last: str | None, jobs: int, start,
              when_idle=None, ready=None, last_early=False,
              settled=None) -> tuple[list[Outcome], Outcome | None]:
    """Run ``first`` (at most ``jobs`` at once), then ``last`` once they all succeeded.

    Parameters
    ----------
    first : list of str
        The first wave's notebooks, started in :data:`LONGEST_FIRST` order.
    last : str or None
        The notebook that reads what the first wave saved (None: none to run).
    jobs : int
        Notebooks running at once (a gated driver that waits counts as one).
    start : callable
        ``start(name, gated) -> Driver``.
    when_idle : callable, optional
        Called once, when the last notebook's driver starts: a core is free from then on
        (the build starts Chromium for the PDF there).
    ready : callable, optional
        What must be done before any notebook runs (the build's input checks): the first
        notebooks to run are started gated and warm up while it runs, and get ``go`` when
        it returns; when it raises, they are stopped and nothing is run.
    settled : callable, optional
        ``settled() -> bool``: whether the processes the notebooks start from have done their
        imports (the build's kernels' zygote); ``when_idle`` waits for it, so that what it starts
        does not take the cores from those imports. Before the last notebook runs it is called
        whatever ``settled`` says.
    last_early : bool
        Start the last notebook's gated driver with the first wave, beside the ``jobs``
        (the build does when its kernels are forked from a warm zygote, where warming up is
        papermill's import and a fork, not a kernel's imports).

    Returns
    -------
    (list of Outcome, Outcome or None)
        The first wave's outcomes in the order given, and the last notebook's (None when it
        was not run because a first-wave notebook failed, or when ``last`` is None).
    """
    waiting = sorted(first, key=lambda n: LONGEST_FIRST.index(n) if n in LONGEST_FIRST else 0)
    running: list[Driver] = []
    warm: Driver | None = None
    idle = when_idle is None  # called once, when a slot is free for good
    outcomes: dict[str, Outcome] = {}
    try:
        if ready is not None:
            while waiting and len(running) < jobs:
                running.append(start(waiting.pop(0), True))
        if last and last_early and first:
            warm = start(last, True)
        if ready is not None:
            ready()
            for d in running:
                d.release(go=True)
        while waiting or running:
            while waiting and len(running) + (warm is not None and not last_early) < jobs:
                running.append(start(waiting.pop(0), False))
            free = last and not waiting and len(running) < jobs
            if free and (warm is None or not idle):
                if warm is None:
                    warm = start(last, True)
                if not idle and (settled is None or settled()):
                    when_idle()
                    idle = True
            # a slot waiting only for the imports to settle: woken when they have
            for d in _wait_any(running, settled if free and not idle else None):
                running.remove(d)
                outcomes[d.name] = d.outcome()
        ordered = [outcomes[n] for n in first]
        if last is None:
            return ordered, None
        if any(o.code != 0 for o in ordered):
            if warm is not None:
                warm.release(go=False)
                warm.outcome()
            return ordered, None
        if warm is None:
            warm = start(last, True)
        if not idle:
            when_idle()
        warm.release(go=True)
        return ordered, warm.outcome()
    except BaseException:
        for d in running + ([warm] if warm else []):
            d.stop()
        raise
