"""What each notebook hands to the report: plain JSON-able dictionaries.

Each notebook computes with ``describe``, ``paired`` and ``sensitivity`` and
saves one fragment with :func:`cohortstats.report.write_json`; the report step
merges them. Keeping the conversion here keeps the notebooks to one call a step.
"""
from __future__ import annotations

import platform
import subprocess
from dataclasses import asdict
from pathlib import Path

from .describe import CohortCounts, OutcomeSummary, table1
from .cohortfile import Cohort
from .paths import ROOT

__all__ = ["cohort_fragment", "outcome_entry", "environment", "display_path"]


def display_path(path) -> str:
    """The cohort path as shown in the report: relative to the bundle when inside it.

    Only the file name is kept for a file outside the bundle, so no directory of
    the user's machine (which may name a person or a hospital) reaches the report.
    """
    p = Path(path).resolve()
    try:
        return p.relative_to(ROOT).as_posix()
    except ValueError:
        return p.name


def environment() -> dict:
    """Versions of the software that computed the results, and the commit."""
    import importlib.metadata as md

    env = {"python": platform.python_version()}
    for pkg in ("cohortstats", "numpy", "pandas", "scipy", "matplotlib", "seaborn", "papermill",
                "ipykernel"):
        try:
            env[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            env[pkg] = "not installed"
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True,
                                text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    env["commit"] = commit or "unknown (not a git checkout)"
    return env


def cohort_fragment(cohort: Cohort, counts: CohortCounts) -> dict:
    """The fragment of notebook 01: counts, Table 1, provenance, environment."""
    t1 = table1(counts)
    return {
        "cohort": {**counts.to_dict()},
        "table1": t1.to_dict(orient="records"),
        "provenance": {"file": display_path(cohort.path), "sha256": cohort.sha256,
                       "reconstructed": cohort.reconstructed},
        "environment": environment(),
    }


def outcome_entry(summary: OutcomeSummary, test) -> dict:
    """One outcome of ``results.json``: summaries and the primary signed-rank test.

    Parameters
    ----------
    summary : OutcomeSummary
    test : SignedRankResult or None
        None when no patient has a non-zero change (the test is undefined).
    """
    o = summary.outcome
    entry = {
        "label": o.label, "unit": o.unit, "baseline_column": o.baseline, "followup_column": o.followup,
        "n_pairs": summary.n_pairs, "n_missing": summary.n_missing,
        "n_decreased": summary.n_decreased, "n_unchanged": summary.n_unchanged,
        "n_increased": summary.n_increased,
        "baseline_mean": summary.baseline.mean, "baseline_sd": summary.baseline.sd,
        "followup_mean": summary.followup.mean, "followup_sd": summary.followup.sd,
        "baseline": asdict(summary.baseline), "followup": asdict(summary.followup),
        "change": asdict(summary.change),
    }
    if test is None:
        entry.update({"p_value": None, "method": "not computed: no non-zero difference",
                      "statistic": None, "n_nonzero": 0, "estimate": None, "conf_int": None,
                      "effect_size": None, "z": None})
    else:
        entry.update({"p_value": float(test.pvalue), "method": _method_words(test),
                      "statistic": float(test.statistic), "n_nonzero": int(test.n_nonzero),
                      "estimate": None if test.estimate is None else float(test.estimate),
                      "conf_int": None if test.conf_int is None else [float(v) for v in test.conf_int],
                      "effect_size": None if test.effect_size is None else float(test.effect_size),
                      "z": None if test.z is None else float(test.z)})
    return entry


def _method_words(test) -> str:
    if test.method == "exact":
        return "Wilcoxon matched-pairs signed-rank test, exact conditional null (zeros dropped)"
    return "Wilcoxon matched-pairs signed-rank test, normal approximation with tie and continuity correction"
