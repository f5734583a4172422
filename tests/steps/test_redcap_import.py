"""``notebooks/00-import.ipynb`` with ``redcap_url``: its own cells, run in this process
(support.in_process) with REDCap's API mocked by ``responses`` as PyCap's tests mock it. Reference:
the same notebook with its defaults, which reads the demo export's files (the same project)."""
import pytest

from cohortstats.core.notebooks import IMPORT
from cohortstats.inputs.redcap import RedcapError
from cohortstats.inputs.redcap.api import TOKEN_VARIABLE

from support.in_process import run_notebook
from support.redcap_api import TOKEN, URL, FakeRedcap, mocked

# Every test here reads what the notebooks make, run in this process: not a unit test.
pytestmark = pytest.mark.slow


def test_the_notebook_reads_the_api_as_it_reads_the_files(tmp_path, monkeypatch):
    fake = FakeRedcap(tmp_path / "project")
    monkeypatch.setenv(TOKEN_VARIABLE, TOKEN)
    with mocked(fake):
        ns = run_notebook(IMPORT, redcap_url=URL, redcap_mapping=str(fake.mapping), output_dir=str(tmp_path / "api"))
    run_notebook(IMPORT, output_dir=str(tmp_path / "files"))  # its defaults: the demo export's files
    assert (tmp_path / "api" / "cohort.csv").read_bytes() == (tmp_path / "files" / "cohort.csv").read_bytes()
    assert sorted(p.name for p in (tmp_path / "api" / "redcap-api").iterdir()) == ["dictionary.csv", "records.csv"]
    # the token is no parameter and no value of the notebook's namespace, nor in anything it wrote
    assert not [k for k, v in ns.items() if isinstance(v, str) and TOKEN in v]
    assert not [p for p in (tmp_path / "api").rglob("*") if p.is_file() and TOKEN in p.read_text()]


def test_files_and_url_together_are_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv(TOKEN_VARIABLE, TOKEN)
    with pytest.raises(RedcapError, match="not both"):
        run_notebook(IMPORT, redcap="records.csv", redcap_url=URL, redcap_mapping="mapping.yml",
                     output_dir=str(tmp_path))
