"""Fixtures every test may use; the shared builds are :mod:`support.builds` (loaded with ``-p``)."""
from __future__ import annotations

import os
import sys

import pytest

# What matplotlib.use("agg") did, without importing matplotlib where nothing draws (the xdist
# controller, and workers until a test draws): matplotlib reads it when it is first imported.
os.environ.setdefault("MPLBACKEND", "agg")
# As the build's processes do (see there): nbformat without jsonschema's IRI grammar.
from cohortstats.core.imports import without_iri_grammar  # noqa: E402

without_iri_grammar()

# The session's shared whole builds (fixtures built, redcap, omop, copy_of_built), and the
# workers' quick end (support.quick_exit).
pytest_plugins = ["support.builds", "support.quick_exit"]


def pytest_runtest_setup(item):
    """Tell support.in_process which test runs (before its fixtures): a test that runs the
    notebooks in process must be marked slow."""
    from support import in_process

    in_process.running = item


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt = sys.modules.get("matplotlib.pyplot")  # only where a test drew (importing it costs ~0.4 s)
    if plt is not None:
        plt.close("all")


@pytest.fixture
def write_csv(tmp_path):
    """Write text (or bytes) to a CSV in tmp_path and return its path."""
    def _write(content, name="cohort.csv"):
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
        return path
    return _write


# --------------------------------------------------------------------------- results without notebooks


