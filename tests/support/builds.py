"""The few whole builds the slow tests read, made once per session (a pytest plugin).

Whole builds are the expensive part of the suite (a clean build runs four notebooks,
~30 s of CPU). Each one the session needs is declared once in :data:`BUILDS` and
started in the background as soon as collection knows a selected test asks for it,
so the builds run beside each other and beside the unit tests (the tests that wait
for one are sorted last: :func:`pytest_collection_modifyitems`). A test asks for one
by the fixture of the same name and gets a :class:`Build` once it has finished:

- ``built``: a clean ``make report`` of the shipped cohort: every test that reads a
  built report reads this one.
- ``redcap``: ``make report REDCAP=…`` of the demo REDCap export of the shipped
  cohort's ten patients (``cohortstats.inputs.redcap.demo``).
- ``omop``: ``make report CDM=duckdb://…`` of the demo OMOP CDM of the same ten patients
  (plus five the definition excludes; ``cohortstats.inputs.omop.demo``), with the concept
  sets naming the demo's local concepts.

Every build writes to a temporary BUILD/REPORTS/FIGURES; the repository's own
build/, reports/ and figures/ are never touched.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest

from support import PY, ROOT, SHELL_NAME, SHIPPED, clean_env, make_args

class Build:
    """One build made in the background; ``wait()`` returns it finished.

    Attributes
    ----------
    folder : Path
        Holds build/, reports/, figures/ (and the cohort file, when the build made one).
    cohort : Path or None
        The COHORT given (None: the default, data/cohort.csv).
    params : dict
        The make variables given (besides BUILD/REPORTS/FIGURES), those the build's
        ``prepare(folder)`` returned included.
    returncode : int
    stdout, stderr : str
    """

    def __init__(self, name, folder: Path, prepare=None, **params):
        self.name, self.folder, self.prepare, self.params = name, Path(folder), prepare, params
        self.cohort = None
        self.proc = None
        self.returncode = None
        self.stdout = self.stderr = ""
        self.owner = None

    @property
    def reports(self) -> Path:
        return self.folder / "reports"

    @property
    def figures(self) -> Path:
        return self.folder / "figures"

    @property
    def results(self) -> dict:
        return json.loads((self.reports / "results.json").read_text(encoding="utf-8"))

    @property
    def page(self) -> str:
        return (self.reports / "results.html").read_text(encoding="utf-8")

    def start(self):
        """Start the build, unless this run already has (another xdist worker may own it)."""
        if self.owner is not None:
            return self
        try:  # the first process of the run makes the build; the folder is the claim
            self.folder.mkdir(parents=True)
        except FileExistsError:
            self.owner = False
            return self
        self.owner = True
        if self.prepare is not None:
            self.params.update(self.prepare(self.folder))
        (self.folder / "params.json").write_text(json.dumps({k: str(v) for k, v in self.params.items()}))
        with open(self.folder / "make.out", "w") as out, open(self.folder / "make.err", "w") as err:
            self.proc = subprocess.Popen(make_args("report", self.folder, **self.params), cwd=ROOT,
                                         stdout=out, stderr=err, env=clean_env())
        # Say when it is done, for every worker, as soon as it is.
        threading.Thread(target=self._finish, daemon=True).start()
        return self

    def _finish(self):
        code = self.proc.wait()
        try:
            (self.folder / "returncode.tmp").write_text(str(code))
            (self.folder / "returncode.tmp").replace(self.folder / "returncode")
        except OSError:  # the run ended and removed the folder first
            pass

    def wait(self, timeout: float = 600):
        """The finished build (made here or by another worker of the run)."""
        self.start()
        if self.returncode is None:
            done = self.folder / "returncode"
            deadline = time.monotonic() + timeout
            while not done.is_file():
                if time.monotonic() > deadline:
                    raise TimeoutError(f"build {self.name!r} did not finish in {timeout} s")
                time.sleep(0.2)
            self.returncode = int(done.read_text())
            self.stdout = (self.folder / "make.out").read_text()
            self.stderr = (self.folder / "make.err").read_text()
            # as the worker that made it gave them (prepare() ran there)
            self.params = json.loads((self.folder / "params.json").read_text())
            if self.params.get("COHORT"):
                self.cohort = Path(self.params["COHORT"])
        return self


def prepare_redcap(folder: Path) -> dict:
    """The demo REDCap export (records, data dictionary, mapping) of the shipped cohort."""
    from cohortstats.inputs.redcap.demo import write_demo_export

    records, dictionary, mapping = write_demo_export(folder / "export")
    return {"REDCAP": records, "REDCAP_DICTIONARY": dictionary, "REDCAP_MAPPING": mapping}


def prepare_omop(folder: Path) -> dict:
    """The demo CDM (DuckDB file) and the shipped definition with the demo's concept sets."""
    # hand_cdms lives beside the OMOP tests (tests/inputs/omop/, on sys.path once they are
    # collected, and only they ask for this build)
    from hand_cdms import write_definition
    from cohortstats.inputs.omop.demo import demo_sets, write_demo_cdm

    cdm = folder / "cdm.duckdb"
    write_demo_cdm(SHIPPED, cdm)
    definition = write_definition(folder / "omop_cohort_sets.yml", demo_sets())
    return {"CDM": f"duckdb://{cdm}", "CDM_DEFINITION": definition}




#: The background builds: fixture name -> how to make its Build in a folder.
BUILDS = {
    "built": lambda folder: Build("built", folder),
    "redcap": lambda folder: Build("redcap", folder, prepare_redcap),
    "omop": lambda folder: Build("omop", folder, prepare_omop),
}
_started: dict[str, Build] = {}
_base: list[Path] = []


def _base_folder() -> Path:
    """This run's folder for the builds: shared by pytest-xdist's workers (one run id)."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if run is None:
        return Path(tempfile.mkdtemp(prefix="cohortstats-tests-"))
    base = Path(tempfile.gettempdir()) / f"cohortstats-tests-{run}"
    base.mkdir(exist_ok=True)
    return base


def run_folder() -> Path:
    """This run's folder, shared by its xdist workers and removed when the run ends."""
    if not _base:
        _base.append(_base_folder())
    return _base[0]


def _build(name: str) -> Build:
    if name not in _started:
        _started[name] = BUILDS[name](run_folder() / name).start()
    return _started[name]


def pytest_collection_modifyitems(config, items):
    """Tests that read no background build first (the unit tests, then the slow tests that need
    none: the notebooks in process, builds that stop before a notebook), so they run while the
    background builds are made; those that wait for a build last. Run in one process, that is the
    order; under pytest-xdist (``--dist loadscope``) whole modules are handed out, those with the
    most tests first, and this order only breaks their ties."""
    def waits(item):
        return any(name in BUILDS for name in getattr(item, "fixturenames", ()))
    items.sort(key=lambda item: (waits(item), item.get_closest_marker("slow") is not None))


def pytest_collection_finish(session):
    """Start every background build a selected test needs, all at once.

    Under pytest-xdist every worker collects every test; the first to claim a build's
    folder makes it, the others wait for it (the controller makes none).
    """
    if session.config.option.collectonly or (getattr(session.config.option, "numprocesses", None)
                                             and not hasattr(session.config, "workerinput")):
        return
    wanted = {name for item in session.items for name in getattr(item, "fixturenames", ())
              if name in BUILDS}
    for name in BUILDS:  # in a fixed order: the shipped cohort first
        if name in wanted:
            _build(name)


def pytest_configure(config):
    """Under pytest-xdist the controller names the run (xdist's ``--testrunuid``): the workers
    learn the id from xdist, the controller would not, and it removes the run's folder."""
    if (getattr(config.option, "numprocesses", None) and not hasattr(config, "workerinput")
            and getattr(config.option, "testrunuid", None) is None):
        config.option.testrunuid = uuid.uuid4().hex


def pytest_sessionfinish(session, exitstatus):
    worker = hasattr(session.config, "workerinput")
    for b in _started.values():
        if b.proc is not None and b.proc.poll() is None:
            if worker:  # another worker may still need it
                b.proc.wait()
            else:
                b.proc.kill()
                b.proc.wait()
    if not worker:  # the run's last word (the controller under xdist)
        for base in _base:
            shutil.rmtree(base, ignore_errors=True)
        run = os.environ.get("PYTEST_XDIST_TESTRUNUID") or getattr(session.config.option,
                                                                   "testrunuid", None)
        if run:
            shutil.rmtree(Path(tempfile.gettempdir()) / f"cohortstats-tests-{run}",
                          ignore_errors=True)


def _finished(name: str) -> Build:
    b = _build(name).wait()
    if b.returncode != 0:
        pytest.fail(f"background build {name!r} failed ({b.returncode}):\n{b.stdout}\n{b.stderr}")
    return b


@pytest.fixture(scope="session")
def built() -> Build:
    """A clean ``make report`` of the shipped cohort (read it, never write into it)."""
    return _finished("built")


@pytest.fixture(scope="session")
def redcap() -> Build:
    """See :func:`prepare_redcap` (the export is in ``folder/export``, beside the build's outputs)."""
    return _finished("redcap")


@pytest.fixture(scope="session")
def omop() -> Build:
    """See :func:`prepare_omop` (the CDM and the definition are in ``folder``, beside the outputs)."""
    return _finished("omop")


@pytest.fixture
def copy_of_built(built, tmp_path) -> Path:
    """A folder holding copies of the session build's build/, reports/ and figures/.

    A later build there with the same inputs finds its notebooks done, so a test of
    what happens around publishing costs no notebook run.
    """
    return copy_build(built, tmp_path)


def copy_build(build: Build, folder: Path) -> Path:
    """Copy ``build``'s build/, reports/ and figures/ into ``folder`` (returned), unlocked."""
    for part in ("build", "reports", "figures"):
        shutil.copytree(build.folder / part, folder / part, symlinks=True)
    (folder / "build" / ".lock").unlink(missing_ok=True)
    return folder


# --------------------------------------------------------------------------- small helpers


