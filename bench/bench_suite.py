"""Test-suite timings (`make bench`): figures to read, never asserted.

Issue 23's suite targets, measured as CI meets the suite: in a fresh clone of this repository's
HEAD (``git clone`` into a temporary folder, ``../shared`` linked beside it as CI has it).

- the environment: ``make env`` in the clone (timed apart, in no target: it is the environment's
  time, uv's cache as this machine has it);
- ``make test``, the clone's first run (no bytecode compiled yet, as on CI's clean clone), then
  a second run in the same clone;
- ``make test-fast``, ``--repeat`` times (default 3) after those, its median reported.

Each row: wall seconds, the CPU seconds of its whole process tree (what the runs' processes used,
``getrusage`` of the children; a server started as a daemon, PostgreSQL's, is not in it), the load
average before it and a fixed pure-Python loop's seconds just before it (the probe), so that a slow
minute of this shared machine can be told from a slow suite.
Uncommitted changes are not in the clone: commit first.

``python bench/bench_suite.py [--fast-only] [--repeat 3]``
"""
import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: make's own variables and the environment of the make that runs this script stay out of the clone's.
ENV = {k: v for k, v in os.environ.items()
       if not k.startswith("CS_") and k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "VIRTUAL_ENV", "PY")}
#: The issue's targets, in seconds (the aims in words).
TARGETS = {"make test": (75, "aim 60 s"), "make test-fast": (15, "")}


#: A fixed pure-Python loop, timed before each run: how fast this shared machine was just then
#: (one evening here, the same suite used 125 s of CPU at one time and 179 s an hour later).
_PROBE = ("import time\nt = time.perf_counter()\ns = 0\nfor i in range(3_000_000):\n    s += i * i % 7\n"
          "print(time.perf_counter() - t)")


def probe() -> float:
    """Seconds of :data:`_PROBE`'s loop, in a fresh interpreter."""
    out = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True)
    return float(out.stdout)


def timed(args, cwd) -> tuple:
    """Run ``args`` in ``cwd``: (wall seconds, CPU seconds of its process tree, load average before,
    the probe's seconds before)."""
    probed = probe()
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=ENV)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        print(proc.stdout[-3000:], proc.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"failed: {' '.join(args)} in {cwd}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, load, probed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fast-only", action="store_true", help="make test-fast only (no make test)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of make test-fast (median reported)")
    args = ap.parse_args()
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-suite-") as tmp:
        tmp = Path(tmp)
        clone = tmp / "clone"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        shared = ROOT.parent / "shared"
        if shared.is_dir():
            (tmp / "shared").symlink_to(shared)
        make = ["make", "--no-print-directory"]
        rows.append(("make env (the clone's environment; in no target)", *timed(make + ["env"], clone), None))
        if not args.fast_only:
            rows.append(("make test (the fresh clone's first run)", *timed(make + ["test"], clone), "make test"))
            rows.append(("make test (a second run)", *timed(make + ["test"], clone), "make test"))
        fast = [timed(make + ["test-fast"], clone) for _ in range(args.repeat)]
        median = sorted(fast)[len(fast) // 2]  # a run of its own (the upper one of an even count)
        rows.append((f"make test-fast (median of {args.repeat}: "
                     + ", ".join(f"{r[0]:.1f}" for r in fast) + ")", *median, "make test-fast"))
    width = max(len(r[0]) for r in rows)
    print(f"the suites in a fresh clone of HEAD, {os.cpu_count()} cores; seconds: wall clock; cpu s: "
          "the run's whole process tree; load: the 1-minute load average before the run; probe s: "
          "a fixed pure-Python loop's seconds just before the run (the machine's speed then)")
    print(f"{'run':<{width}}  {'seconds':>7}  {'cpu s':>6}  {'load':>4}  {'probe s':>7}  target")
    for name, wall, cpu, load, probed, target in rows:
        verdict = ""
        if target:
            limit, aim = TARGETS[target]
            verdict = f"≤ {limit} s {'met' if wall <= limit else 'NOT met'}" + (f" ({aim})" if aim else "")
        print(f"{name:<{width}}  {wall:7.1f}  {cpu:6.1f}  {load:4.1f}  {probed:7.2f}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
