"""Fixtures every test may use; the shared builds are :mod:`support.builds` (loaded with ``-p``)."""
from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("agg")
# As the build's processes do (see there): nbformat without jsonschema's IRI grammar.
from cohortstats.core.imports import without_iri_grammar  # noqa: E402

without_iri_grammar()

# The session's shared whole builds (fixtures built, redcap, omop, copy_of_built).
pytest_plugins = ["support.builds"]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

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


