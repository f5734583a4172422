"""A cohort checked once per build (cohortstats.inputs.checked): the kept table is read only for the
same bytes and outcomes, and gives exactly what checking the file gives."""
import shutil

import pytest

from cohortstats.inputs import checked
from cohortstats.inputs.cohortfile import CohortError, load_cohort

from support import SHIPPED

OUTCOMES = ["prednisone_mg", "esr_mm_hr"]


@pytest.fixture
def kept(tmp_path):
    path = tmp_path / "cohort.csv"
    shutil.copyfile(SHIPPED, path)
    checked.save(load_cohort(path, outcomes=OUTCOMES), path, OUTCOMES)
    return path


def test_the_kept_table_is_the_checked_cohort(kept):
    want, got = load_cohort(kept, outcomes=OUTCOMES), checked.load(kept, outcomes=OUTCOMES)
    assert got.frame.equals(want.frame) and list(got.frame.dtypes) == list(want.frame.dtypes)
    assert (got.path, got.sha256, got.reconstructed, got.outcomes) == \
        (want.path, want.sha256, want.reconstructed, want.outcomes)


def test_the_kept_table_is_what_is_read(kept):
    """Proof that it is read: a kept table edited by hand (never done by the bundle) shows through."""
    import pyarrow.parquet as pq

    table = pq.read_table(checked.checked_path(kept))
    frame = table.to_pandas()
    frame.loc[0, "esr_mm_hr_baseline"] = 99.0
    import pyarrow as pa

    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(
        table.schema.metadata), checked.checked_path(kept))
    assert checked.load(kept, outcomes=OUTCOMES).frame.loc[0, "esr_mm_hr_baseline"] == 99.0


def test_other_bytes_are_checked_again(kept):
    kept.write_text(kept.read_text().replace("R01,F,Asian,13,20,20,3,2", "R01,F,Asian,13,20,20,x,2"))
    with pytest.raises(CohortError, match="esr_mm_hr_baseline"):
        checked.load(kept, outcomes=OUTCOMES)


def test_other_outcomes_are_checked_again(kept):
    assert [o.name for o in checked.load(kept, outcomes=["esr_mm_hr"]).outcomes] == ["esr_mm_hr"]
