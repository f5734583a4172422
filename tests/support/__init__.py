"""What the tests share: the reference texts, and how a test runs make or the pipeline.

Plain helpers, imported by name (``from support import run_make``); the shared whole
builds are fixtures of :mod:`support.builds` (a pytest plugin), and the notebooks run
in this process by :mod:`support.in_process`.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "agg")  # as conftest: matplotlib reads it when imported
# As the build's processes do (see there): nbformat without jsonschema's IRI grammar.
from cohortstats.core.imports import without_iri_grammar  # noqa: E402

without_iri_grammar()

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "data" / "cohort.csv"
PY = sys.executable
# The abstract's Results as the report must word them for the shipped cohort
# (source: ../shared/paper/abstract.txt; "P= 0.008" is printed "P = 0.008").
RESULTS_STATEMENTS = [
    "The cohort comprises ten patients.",
    "Nine subjects were girls and six were African-American.",
    "Indications for lenalidomide treatment included alopecia, nasal and oral ulcers, extensive malar "
    "rash, discoid lesions, bullous lesions, panniculitis, cutaneous vasculitis, and Raynaud's "
    "phenomenon with digital ulcerations.",
    "Within 6 months, all patients demonstrated complete or near resolution based on physician report.",
    "Prednisone dose decreased from a mean 23.50 mg (SD± 13.29) to 12.25 mg (SD± 9.16) (P = 0.008).",
    "Sedimentation rate decreased from a mean 28.6 mm/hour (SD± 31.5) to 16.7 mm/hour (SD± 18.1) "
    "(P = 0.004).",
    "Lenalidomide was well tolerated",
]
HEADER = ("patient_id,sex,race,prednisone_mg_baseline,prednisone_mg_6mo,"
          "esr_mm_hr_baseline,esr_mm_hr_6mo")
#: make variables and environment variables that must not leak from the caller into a build.
PARAMETERS = ("COHORT", "OUTCOMES", "METHOD", "CONF_LEVEL", "ALPHA", "PUBLISHED", "SEED", "BUILD",
              "REPORTS", "FIGURES", "JOBS")


# --------------------------------------------------------------------------- a user's cohort


#: The outcomes analysed in :func:`write_scenario`'s cohort.
SCENARIO_OUTCOMES = ("prednisone_mg", "esr_mm_hr", "c3", "same", "flat")


def write_scenario(path: Path) -> Path:
    """A user's cohort (ids A01..A10) exercising several paths at once, written to ``path``.

    - ``esr_mm_hr_6mo`` of the first patient raised by 40 mm/h (2 -> 42): the ESR
      follow-up claims must turn "not reproduced", no other claim may move;
    - an added outcome ``c3`` (not described in data/outcomes.yml): baseline
      60, 63, ..., 87; 6 months 70, 74, ..., 106, the last patient's not recorded;
    - ``same``: every patient unchanged (5, 6, ..., 14 at both times);
    - ``flat``: every value 7.
    """
    import pandas as pd

    df = pd.read_csv(SHIPPED, dtype=str, keep_default_na=False)
    n = len(df)
    df["patient_id"] = df["patient_id"].str.replace("R", "A")
    df.loc[0, "esr_mm_hr_6mo"] = str(int(float(df.loc[0, "esr_mm_hr_6mo"])) + 40)
    df["c3_baseline"] = [str(60 + 3 * i) for i in range(n)]
    df["c3_6mo"] = [str(70 + 4 * i) for i in range(n - 1)] + [""]
    df["same_baseline"] = df["same_6mo"] = [str(5 + i) for i in range(n)]
    df["flat_baseline"] = df["flat_6mo"] = ["7"] * n
    df.to_csv(path, index=False)
    return path


# --------------------------------------------------------------------------- running builds


def clean_env(**extra) -> dict:
    """This process's environment without build parameters or an outer make's flags.

    ``make test`` exports ``CS_*`` (the Makefile exports every parameter), and a
    user may have ``COHORT`` set; neither may reach a build a test starts.
    """
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("CS_") and k not in PARAMETERS
           and k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    env["MPLBACKEND"] = "agg"
    env.update({k: str(v) for k, v in extra.items()})
    return env


def make_args(target: str, folder: Path, **params) -> list[str]:
    """``make TARGET`` with BUILD/REPORTS/FIGURES under ``folder`` and ``params`` as make variables."""
    folder = Path(folder)
    places = {"BUILD": folder / "build", "REPORTS": folder / "reports", "FIGURES": folder / "figures"}
    places.update(params)
    return (["make", "--no-print-directory", target, f"PY={PY}"]
            + [f"{k}={v}" for k, v in places.items()])


def run_make(target: str, folder: Path, timeout: float = 300, env=None, **params):
    """Run ``make TARGET`` in the repository (cwd ROOT); the CompletedProcess."""
    return subprocess.run(make_args(target, folder, **params), cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, env=env or clean_env())


def pipeline_env(folder: Path, **params) -> dict:
    """The environment ``make`` gives ``python -m cohortstats.pipeline`` (``CS_*``), for ``folder``."""
    folder = Path(folder)
    cs = {"CS_BUILD": folder / "build", "CS_REPORTS": folder / "reports",
          "CS_FIGURES": folder / "figures"}
    cs.update({f"CS_{k}": v for k, v in params.items()})
    return clean_env(**cs)


def run_pipeline(command: str, folder: Path, timeout: float = 300, **params):
    """``python -m cohortstats.pipeline COMMAND`` with the parameters as ``CS_*`` variables."""
    return subprocess.run([PY, "-m", "cohortstats.pipeline", command], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout,
                          env=pipeline_env(folder, **params))


MAKE_ERROR = re.compile(r"^make(\[\d+\])?: \*\*\* .*(Error \d+|Interrupt)$")


def one_error_line(stderr: str, via_make: bool = False) -> str:
    """The one line a failure must print; fails the test when there are more or it is a traceback.

    ``via_make``: make's own closing line (``make: *** [Makefile:..: report] Error 2``),
    which no recipe can suppress, is not counted.
    """
    lines = [line for line in stderr.splitlines() if line.strip()
             and not (via_make and MAKE_ERROR.match(line))]
    assert "Traceback" not in stderr, stderr
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}:\n{stderr}"
    assert lines[0].startswith("error: "), lines[0]
    return lines[0]


def tree_bytes(folder: Path) -> dict:
    """Every file under ``folder`` (relative path -> bytes)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(Path(folder).rglob("*")) if p.is_file()}


#: A file name that is shell text: a leading dash, a space, quotes, ;, $, a backtick.
SHELL_NAME = "-one patient's; \"$(shell touch PWNED5)\" `touch PWNED6` $$HOME.csv"
