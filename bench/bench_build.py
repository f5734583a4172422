"""Build timings (`make bench`): figures to read, never asserted.

Every build goes to a temporary BUILD/REPORTS/FIGURES; the repository's build/,
reports/ and figures/ and its notebooks are never touched.

- floor: papermill executing one notebook that only imports the same stack and saves one figure
- clean: an empty build folder, `make report` (notebooks 01-03 in parallel, then 04), and JOBS=1
- one notebook changed: 03-sensitivity's stamp in the build removed (what an edit of that
  notebook does to the next build): 03 and 04 run again
- no-op: nothing changed, `make report` (best of 5)
- big: a synthetic 1,000,000-patient cohort through the whole pipeline (COHORT=), with the
  peak memory of the largest process
- fresh clone: ``git clone`` of this repository's HEAD into a temporary folder, then ``make
  report`` there, the environment (.venv/) made from requirements.lock included (uv's cache
  as this machine has it: a reviewer's second clone; the first download is the network's)

``python bench/bench_build.py [--skip-big] [--big N] [--skip-clone] [--repeat 3]``

The rows with an anchor (floor, clean, serial, 03 alone, one notebook changed) are run
``--repeat`` times, in rounds that run each of them in turn; their medians are reported
with every run, and each ratio is of the medians, every round's own ratio shown beside it.
"""
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
PARAMETERS = ("COHORT", "OUTCOMES", "METHOD", "CONF_LEVEL", "ALPHA", "PUBLISHED", "SEED", "BUILD",
              "REPORTS", "FIGURES", "JOBS")
# make bench exports CS_* (the defaults); the builds here name their own folders.
ENV = {k: v for k, v in os.environ.items() if not k.startswith("CS_") and k not in PARAMETERS
       and k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}


def run(cmd, cwd=ROOT):
    t = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=ENV)
    dt = time.perf_counter() - t
    if proc.returncode != 0:
        print(proc.stdout[-2000:], proc.stderr[-2000:], file=sys.stderr)
        raise SystemExit(f"failed: {' '.join(map(str, cmd))}")
    return dt, proc.stdout


def make(target, tmp, *extra):
    return ["make", "--no-print-directory", target, f"PY={PY}", f"BUILD={tmp}/build",
            f"REPORTS={tmp}/reports", f"FIGURES={tmp}/figures", *extra]


def empty(tmp):
    for part in ("build", "reports", "figures"):
        shutil.rmtree(tmp / part, ignore_errors=True)


FLOOR_NB = {
    "cells": [{"cell_type": "code", "metadata": {"tags": ["parameters"]}, "outputs": [], "execution_count": None,
               "source": "out: str = 'floor.svg'"},
              {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
               "source": "import pandas, scipy.stats, seaborn\nimport matplotlib.pyplot as plt\n"
                         "fig, ax = plt.subplots(); ax.plot([0, 1], [1, 0]); fig.savefig(out)"}],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    "nbformat": 4, "nbformat_minor": 4}


def profile_table(stages: list, clean: float) -> str:
    """The clean build's stages (CS_PROFILE): each notebook's papermill import, kernel start and
    cells (its import cell apart), then publishing; notebooks 01-03 overlap, so their rows add up to
    more than the wall time."""
    out = [f"profile of the clean build ({clean:.2f} s wall; per stage: its start and end, in "
           "seconds from the first stage's start, and its seconds; one run)"]
    zero = min(s["end"] - s["seconds"] for s in stages) if stages else 0.0
    for s in sorted(stages, key=lambda s: s["end"] - s["seconds"]):
        start = s["end"] - s["seconds"] - zero
        out.append(f"  {start:6.2f} → {s['end'] - zero:6.2f}  {s['seconds']:6.2f}  {s['stage']}")
    return "\n".join(out)


def _round(tmp: Path, a: Path, nb: Path, profile: Path | None) -> dict:
    """One run of each timed row that has an anchor, in turn (so a slow minute of the shared machine
    slows a row and its anchor alike): floor, clean, serial, 03 alone, one notebook changed."""
    t = {}
    t["floor"], _ = run([PY, "-m", "cohortstats.pipeline.build", str(nb), str(tmp / "floor-out.ipynb"),
                         "--build-dir", str(tmp / "floorbuild")])
    empty(a)
    if profile is not None:
        profile.unlink(missing_ok=True)
        ENV["CS_PROFILE"] = str(profile)
    t["clean"], _ = run(make("report", a))
    ENV.pop("CS_PROFILE", None)
    empty(a)
    t["serial"], _ = run(make("report", a, "JOBS=1"))
    doc = json.loads((a / "reports" / "results.json").read_text())
    out = a / "build" / doc["build"]
    # the anchor of the next row: 03-sensitivity alone, papermill's driver on the build's inputs
    nb_dir = ROOT / "notebooks"
    rel = lambda q: os.path.relpath(q, nb_dir)  # noqa: E731
    params = {"cohort": rel(out / "input" / "cohort.csv"), "output_dir": rel(out), "outcomes": [],
              "method": "auto", "alpha": 0.05}
    t["alone"], _ = run([PY, "-m", "cohortstats.pipeline.build", str(nb_dir / "03-sensitivity.ipynb"),
                         str(tmp / "03-alone.ipynb"), "--build-dir", str(a / "build"),
                         "--parameters", json.dumps(params)])
    (out / "notebooks" / ".03-sensitivity.source").unlink()
    shutil.rmtree(a / "reports")
    t["changed"], _ = run(make("report", a))
    return t


ROWS = {"floor": "floor: one notebook, imports + one figure",
        "clean": "clean: empty build folder, make report (01-03 in parallel)",
        "serial": "clean: empty build folder, make report JOBS=1 (serial)",
        "alone": "03-sensitivity alone (papermill's driver, the build's inputs)",
        "changed": "one notebook changed: 03-sensitivity and 04-claims run again"}
RATIOS = (("clean / floor", "clean", "floor"), ("serial / clean", "serial", "clean"),
          ("03 changed / 03 alone", "changed", "alone"))


def main() -> int:
    skip_big = "--skip-big" in sys.argv
    skip_clone = "--skip-clone" in sys.argv
    n_big = int(sys.argv[sys.argv.index("--big") + 1]) if "--big" in sys.argv else 1_000_000
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 3
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        nb = tmp / "floor.ipynb"
        nb.write_text(json.dumps(FLOOR_NB))
        a = tmp / "a"
        run(make("report", a))  # warm the OS's caches once, and the floor's kernel spec
        run([PY, "-m", "cohortstats.pipeline.build", str(nb), str(tmp / "floor-out.ipynb"),
             "--build-dir", str(tmp / "floorbuild")])
        prof = tmp / "profile.jsonl"
        rounds = [_round(tmp, a, nb, prof if k == repeat // 2 else None) for k in range(repeat)]
        medians = {key: statistics.median(r[key] for r in rounds) for key in ROWS}
        profiled = rounds[repeat // 2]["clean"]
        for key, name in ROWS.items():
            rows.append((name, medians[key], [r[key] for r in rounds]))
        noop = min(run(make("report", a))[0] for _ in range(5))
        rows.append(("no-op: nothing changed (best of 5)", noop, None))
        if not skip_big:
            big = tmp / "big.csv"
            gen, _ = run([PY, str(ROOT / "bench" / "make_big_cohort.py"), str(n_big), str(big)])
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            t_big, _ = run(make("report", tmp / "big", f"COHORT={big}"))
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            rows.append((f"big: {n_big:,} patients, whole pipeline (generating the file: {gen:.1f} s)",
                         t_big, None))
        if not skip_clone:
            clone = tmp / "clone"
            run(["git", "clone", "-q", str(ROOT), str(clone)])
            fresh_env = {k: v for k, v in ENV.items() if k not in ("VIRTUAL_ENV", "PY")}
            t = time.perf_counter()
            proc = subprocess.run(["make", "--no-print-directory", "report"], cwd=clone,
                                  capture_output=True, text=True, env=fresh_env)
            fresh = time.perf_counter() - t
            if proc.returncode != 0:
                print(proc.stdout[-2000:], proc.stderr[-2000:], file=sys.stderr)
                raise SystemExit("failed: make report in a fresh clone")
            rows.append(("fresh clone: git clone, then make report (.venv/ made from the lock)", fresh, None))
        prof_rows = [json.loads(line) for line in prof.read_text().splitlines()]
    width = max(len(r[0]) for r in rows)
    print(f"the rows with an anchor: the median of {repeat} rounds, each round running floor, clean, "
          "serial, 03 alone and one notebook changed in turn (every run in the last column); "
          "a ratio is of the medians, each round's own ratio beside it")
    print(f"{'build':<{width}}  seconds  runs")
    for name, dt, runs in rows:
        print(f"{name:<{width}}  {dt:7.2f}  " + (", ".join(f"{x:.2f}" for x in runs) if runs else ""))
    print()
    for label, num, den in RATIOS:
        each = ", ".join(f"{r[num] / r[den]:.2f}" for r in rounds)
        print(f"{label:<22} = {medians[num] / medians[den]:.2f}x   (rounds: {each})")
    print(f"{'no-op':<22} = {noop * 1000:.0f} ms")
    print()
    print(profile_table(prof_rows, profiled))
    if not skip_big:
        print(f"big peak memory    = {peak / 1024 / 1024:.2f} GB (largest single process)"
              + ("" if peak > before else " (not above the earlier builds' peak)"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
