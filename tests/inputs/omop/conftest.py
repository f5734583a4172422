"""Fixtures of the OMOP extraction tests: a real, throw-away PostgreSQL server (never a mock).

``postgres`` starts one server for the session: Debian's binaries (installed by
``tools/setup-postgres.sh`` when missing), ``initdb`` and ``pg_ctl`` run as the ``postgres`` user
when the tests run as root (initdb refuses root), in a temporary folder owned by that user,
listening on 127.0.0.1 at a free port with password (SCRAM) authentication, and its socket in the
same folder. The server is stopped (``pg_ctl stop -m fast``) and the folder removed at the end.
Without PostgreSQL the tests skip — except under ``CI=true``, where they fail.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
#: The test server's password: the tests check it never appears in a message.
PASSWORD = "pg-Secret-4711-omop"


@dataclass(frozen=True)
class Postgres:
    """A running test server: ``url`` holds the password, ``host``/``port`` to build others."""

    url: str
    host: str
    port: int
    password: str = PASSWORD
    user: str = "postgres"


def _bin() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(found[-1]) if found else None


def _missing(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is needed under CI: {reason}")
    pytest.skip(f"PostgreSQL not available: {reason}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _runuser() -> list:
    """``runuser -u postgres --``: in /usr/sbin or /sbin, which a bare PATH may leave out."""
    found = shutil.which("runuser") or next((p for p in ("/usr/sbin/runuser", "/sbin/runuser")
                                             if os.path.exists(p)), "runuser")
    return [found, "-u", "postgres", "--"]


def _as_postgres(cmd: list, **kw):
    if os.geteuid() == 0:
        cmd = _runuser() + cmd
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL server for the session (see the module docstring)."""
    if _bin() is None:
        subprocess.run(["bash", str(ROOT / "tools" / "setup-postgres.sh")], capture_output=True)
    bindir = _bin()
    if bindir is None:
        _missing("no /usr/lib/postgresql/*/bin/initdb, and tools/setup-postgres.sh could not install it")
    tmp = tempfile.mkdtemp(prefix="omop-pg-")
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(tmp, pw.pw_uid, pw.pw_gid)
    data, port = os.path.join(tmp, "data"), _free_port()
    pwfile = os.path.join(tmp, "pw")
    Path(pwfile).write_text(PASSWORD + "\n")
    if os.geteuid() == 0:
        os.chown(pwfile, pw.pw_uid, pw.pw_gid)
    started = False
    try:
        _as_postgres([f"{bindir}/initdb", "-D", data, "-U", "postgres", "--pwfile", pwfile,
                      "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--no-locale"])
        _as_postgres([f"{bindir}/pg_ctl", "-D", data, "-w", "-l", os.path.join(tmp, "log"), "-o",
                      f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off", "start"])
        started = True
        yield Postgres(url=f"postgresql://postgres:{PASSWORD}@127.0.0.1:{port}/postgres",
                       host="127.0.0.1", port=port)
    except subprocess.CalledProcessError as exc:
        _missing(f"{exc.cmd[-1] if exc.cmd else 'initdb'} failed: {(exc.stderr or '').strip()[:200]}")
    finally:
        if started:
            subprocess.run((_runuser() if os.geteuid() == 0 else [])
                           + [f"{bindir}/pg_ctl", "-D", data, "-m", "fast", "-w", "stop"],
                           capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def demo_cdm(tmp_path_factory):
    """The demo CDM of the shipped cohort, as a DuckDB file (built once)."""
    from cohortstats.inputs.omop.demo import write_demo_cdm

    path = tmp_path_factory.mktemp("demo") / "cdm.duckdb"
    write_demo_cdm(ROOT / "data" / "cohort.csv", path)
    return path


@pytest.fixture(scope="session")
def pg_demo(postgres, demo_cdm):
    """The demo CDM loaded into the session's PostgreSQL server, in schema ``omop_demo``."""
    from cohortstats.inputs.omop.demo import load_demo_postgres

    load_demo_postgres(demo_cdm, postgres.url, "omop_demo")
    return postgres


@pytest.fixture(autouse=True)
def _kept_ahead_only(request, monkeypatch):
    """Every extraction in these tests runs its statements kept and compiled ahead
    (``cohortstats.inputs.omop.ahead``); the plain plan, the fallback when a statement fails, only
    where a test says so (``@pytest.mark.one_by_one``). A silent fallback gives the same results
    and would hide a broken chain."""
    import importlib

    module = importlib.import_module("cohortstats.inputs.omop.extract")
    real, calls = module._plain, []

    def plain(*args, **kwargs):
        calls.append(True)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "_plain", plain)
    yield
    if calls and request.node.get_closest_marker("one_by_one") is None:
        pytest.fail("the extraction fell back to the plain plan (a statement kept ahead failed)")
