"""Build timings, measured in one run (`make bench`): figures to read, never asserted.

- floor: papermill executing one notebook that only imports the same stack and saves one figure
- clean: `make clean && make report` (notebooks in parallel, the default), and with JOBS=1
- warm: one notebook touched, `make report`
- no-op: nothing changed, `make report`
- cold: a fresh clone, environment included (`git clone` + `make report`); uv's download
  cache is whatever this machine has
- big: a synthetic 1,000,000-patient cohort through the whole pipeline (COHORT=), with the
  peak memory of the largest process

``python bench/bench_build.py [--skip-cold] [--skip-big]``
"""
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable


def run(cmd, cwd=ROOT, env=None):
    t = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    dt = time.perf_counter() - t
    if proc.returncode != 0:
        print(proc.stdout[-2000:], proc.stderr[-2000:], file=sys.stderr)
        raise SystemExit(f"failed: {' '.join(map(str, cmd))}")
    return dt


def make(target, tmp, *extra):
    return ["make", "--no-print-directory", target, f"PY={PY}", f"BUILD={tmp}/build",
            f"REPORTS={tmp}/reports", f"FIGURES={tmp}/figures", *extra]


FLOOR_NB = {
    "cells": [{"cell_type": "code", "metadata": {"tags": ["parameters"]}, "outputs": [], "execution_count": None,
               "source": "out: str = 'floor.svg'"},
              {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
               "source": "import pandas, scipy.stats, seaborn\nimport matplotlib.pyplot as plt\n"
                         "fig, ax = plt.subplots(); ax.plot([0, 1], [1, 0]); fig.savefig(out)"}],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    "nbformat": 4, "nbformat_minor": 4}


def main() -> int:
    skip_cold = "--skip-cold" in sys.argv
    skip_big = "--skip-big" in sys.argv
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        nb = tmp / "floor.ipynb"
        nb.write_text(json.dumps(FLOOR_NB))
        floor = run([PY, "-m", "cohortstats.build", str(nb), str(tmp / "floor-out.ipynb"),
                     "--build-dir", str(tmp / "floorbuild")])
        rows.append(("floor: one notebook, imports + one figure", floor))
        run(make("report", tmp / "a"))  # warm the caches of the OS once
        run(["make", "clean", f"BUILD={tmp}/a/build", f"REPORTS={tmp}/a/reports", f"FIGURES={tmp}/a/figures"])
        clean = run(make("report", tmp / "a"))
        rows.append(("clean: make clean && make report (notebooks in parallel)", clean))
        run(["rm", "-rf", f"{tmp}/a/build", f"{tmp}/a/reports"])
        serial = run(make("report", tmp / "a", "JOBS=1"))
        rows.append(("clean: make clean && make report JOBS=1 (serial)", serial))
        (ROOT / "notebooks" / "03-sensitivity.ipynb").touch()
        warm = run(make("report", tmp / "a"))
        rows.append(("warm: one notebook changed", warm))
        noop = min(run(make("report", tmp / "a")) for _ in range(5))
        rows.append(("no-op: nothing changed (best of 5)", noop))
        if not skip_cold:
            clone = tmp / "clone"
            env = {k: v for k, v in os.environ.items() if k not in ("PY", "MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
            cold = run(["git", "clone", "-q", str(ROOT), str(clone)]) + run(["make", "report"], cwd=clone, env=env)
            rows.append(("cold: fresh clone + environment + report", cold))
        if not skip_big:
            big = tmp / "big.csv"
            gen = run([PY, str(ROOT / "bench" / "make_big_cohort.py"), "1000000", str(big)])
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            t_big = run(make("report", tmp / "big", f"COHORT={big}"))
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            rows.append((f"big: 1,000,000 patients, whole pipeline (generating the file: {gen:.1f} s)", t_big))
    width = max(len(r[0]) for r in rows)
    print(f"{'build':<{width}}  seconds")
    for name, dt in rows:
        print(f"{name:<{width}}  {dt:7.2f}")
    print()
    print(f"clean / floor      = {clean / floor:.2f}x")
    print(f"serial / floor     = {serial / floor:.2f}x")
    print(f"no-op              = {noop * 1000:.0f} ms")
    if not skip_big:
        print(f"big peak memory    = {peak / 1024 / 1024:.2f} GB (largest single process)"
              + ("" if peak > before else " (not above the earlier builds' peak)"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
