"""Build the report: the one command behind ``make report`` and ``make verify``.

``python -m cohortstats.pipeline report|verify``

Parameters arrive as data, never as shell text: ``make`` exports them unexpanded
as environment variables (``CS_COHORT``, ``CS_OUTCOMES``, ``CS_METHOD``,
``CS_CONF_LEVEL``, ``CS_ALPHA``, ``CS_PUBLISHED``, ``CS_JOBS``, ``CS_BUILD``,
``CS_REPORTS``, ``CS_FIGURES``), and this module hands them to papermill as
Python values. Any file name the file system allows works.

A build is keyed by content: the cohort file's SHA-256, the parameters, the
published numbers' SHA-256 and the code version (:func:`cohortstats.results.code_version`).
Its notebooks run in ``<build>/<digest>/``; a build whose digest matches the
published ``results.json`` does nothing. One build at a time per build folder
(a lock); a second one says "another build is running" and stops.

Publishing: ``reports/`` and ``figures/`` are staged whole and swapped into place
together, after everything succeeded; on any failure or interrupt both stay as
they were, and the last line on screen says why. Build folders of earlier
cohorts are removed once the new report is published.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import stat
import sys
import threading
import time
from pathlib import Path

from cohortstats.core.errors import OneLineError, shown, shown_path
from cohortstats.core.files import Locked, Stamp, exclusive_lock, sha256_file
from cohortstats.core.parameters import (PARAMETERS, REDCAP_TOKEN_VARIABLE, ParameterError, by_make_name,
                                         check_parameters)
from cohortstats.core.notebooks import LAST, NOTEBOOKS, PARALLEL, notebook_path
from cohortstats.pipeline.build import imports_code, reading_code
from cohortstats.pipeline.schedule import Driver, run_waves
from cohortstats.pipeline.zygote import Zygote, enabled as zygote_enabled
from cohortstats.core.paths import NOTEBOOKS as NOTEBOOKS_DIR, ROOT
from cohortstats.pipeline import profile

# The results contract, the cohort loader and publishing are imported where they are
# used: a build with nothing to do (the common case) answers in about 0.1 s without
# importing pandas, msgspec or the report.

__all__ = ["BuildError", "Settings", "settings_from_env", "digest", "build", "main"]

class BuildError(OneLineError):
    """A build that cannot go on; the message is the one line the user sees."""


class Settings:
    """One build's checked settings (plain attributes, made by :func:`settings_from_env`)."""

    def __init__(self, cohort, params, published, jobs, build_dir, reports, figures, cdm="",
                 cdm_schema="", cdm_definition="", redcap=(), redcap_url=""):
        self.cdm, self.cdm_schema, self.cdm_definition = cdm, cdm_schema, cdm_definition
        self.redcap = redcap  # (records, dictionary, mapping) or (); ("", "", mapping) with redcap_url
        self.redcap_url = redcap_url  # the REDCap API (the token: $REDCAP_API_TOKEN, read there)
        self.cohort = cohort
        self.params = params
        self.published = published
        self.jobs = jobs
        self.build_dir = build_dir
        self.reports = reports
        self.figures = figures


def _env(make: str) -> str:
    """The value of make's ``make`` variable (``CS_<make>``), else its default in :data:`PARAMETERS`."""
    value = os.environ.get(f"CS_{make}")
    return str(by_make_name(make).default) if value is None else value


def _jobs(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if not 1 <= n <= 64:
        raise ParameterError(f"`JOBS` must be a whole number from 1 to 64; not {shown(text)}.")
    return n


def settings_from_env() -> Settings:
    """Read and check the build's settings from ``CS_*`` environment variables."""
    cohort, cdm = _env("COHORT"), _env("CDM")
    redcap = tuple(_env(n) for n in ("REDCAP", "REDCAP_DICTIONARY", "REDCAP_MAPPING"))
    redcap_url = _env("REDCAP_URL")
    if redcap[0] and redcap_url:
        raise ParameterError("give REDCAP= (a REDCap export's files) or REDCAP_URL= (the REDCap API), "
                             "not both.")
    if sum(bool(x) for x in ("CS_COHORT" in os.environ, cdm, redcap[0] or redcap_url)) > 1:
        raise ParameterError("give one of COHORT= (a cohort file), CDM= (an OMOP CDM), REDCAP= "
                             "(a REDCap export) or REDCAP_URL= (the REDCap API), not several.")
    _check_redcap_url(redcap_url, redcap)
    if redcap[0] and not all(redcap):
        raise ParameterError("REDCAP= needs REDCAP_DICTIONARY= (the data dictionary) and "
                             "REDCAP_MAPPING= (which field holds which column).")
    if cohort.strip() == "":
        raise ParameterError("`COHORT` is empty; give a cohort CSV file, e.g. COHORT=data/cohort.csv.")
    try:
        params = check_parameters(outcomes=_env("OUTCOMES"), method=_env("METHOD"),
                                  conf_level=_env("CONF_LEVEL"), alpha=_env("ALPHA"))
    except ParameterError as exc:  # name the parameter as make spells it
        text = str(exc)
        for p in PARAMETERS:
            if p.make:
                text = text.replace(f"`{p.name}`", p.make + "=")
        raise ParameterError(text) from None
    published = _env("PUBLISHED")
    jobs = _jobs(_env("JOBS") or str(os.cpu_count() or 2))
    return Settings(cohort=cohort, params=params, published=published or None, jobs=jobs,
                    build_dir=Path(_env("BUILD")), reports=Path(_env("REPORTS")),
                    figures=Path(_env("FIGURES")), cdm=cdm, cdm_schema=_env("CDM_SCHEMA"),
                    cdm_definition=_env("CDM_DEFINITION"), redcap=redcap if redcap[0] or redcap_url else (),
                    redcap_url=redcap_url)


def _check_redcap_url(url: str, redcap: tuple) -> None:
    """REDCAP_URL= is an API address, needs REDCAP_MAPPING= and no REDCAP_DICTIONARY= (the API gives it)."""
    if url and not redcap[2]:
        raise ParameterError("REDCAP_URL= needs REDCAP_MAPPING= (which field holds which column); the "
                             "token goes in the environment variable REDCAP_API_TOKEN.")
    if url and redcap[1]:
        raise ParameterError("REDCAP_DICTIONARY= goes with REDCAP= (an export's files); with REDCAP_URL= "
                             "the data dictionary is fetched from the API.")
    if url:  # https, no credentials: checked before anything else is done
        from cohortstats.inputs.redcap.api import api_host

        api_host(url)


# --------------------------------------------------------------------------- inputs


def _sha256_file(path: Path, what: str) -> str:
    """SHA-256 of a regular file (or a link to one), refusing special files before opening them."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise BuildError(f"{what} {shown_path(path)} is a link to a file that does not exist") from None
        raise BuildError(f"{what} {shown_path(path)}: no such file") from None
    except OSError as exc:
        raise BuildError(f"{what} {shown_path(path)} cannot be read ({exc.strerror})") from None
    if not stat.S_ISREG(st.st_mode):
        kind = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file"
        raise BuildError(f"{what} {shown_path(path)} is {kind}; give a file")
    try:
        return sha256_file(path)
    except OSError as exc:
        raise BuildError(f"{what} {shown_path(path)} cannot be read ({exc.strerror})") from None


def digest(cohort_sha: str, params, published_sha: str | None, version: str,
           source_sha: str | None = None) -> str:
    """The build's folder name: a digest of everything that shapes its results.

    The cohort file's name is not part of it: the notebooks read a copy named
    ``cohort.csv``, and the name the user gave is applied when the report is
    published (a renamed file is re-published, not re-analysed).
    """
    key = {"cohort": cohort_sha, "outcomes": list(params.outcomes), "method": params.method,
           "conf_level": params.conf_level, "alpha": params.alpha, "published": published_sha,
           "version": version}
    if source_sha is not None:  # the cohort's source record (an OMOP extraction): part of the report
        key["source"] = source_sha
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:16]


def _notebook_parameters(s: Settings, input_path: Path, out_dir: Path, published_copy) -> dict:
    rel = lambda p: os.path.relpath(os.path.abspath(p), NOTEBOOKS_DIR)  # noqa: E731
    return {"cohort": rel(input_path), "output_dir": rel(out_dir),
            "outcomes": list(s.params.outcomes), "method": s.params.method,
            "conf_level": s.params.conf_level, "alpha": s.params.alpha,
            "published": rel(published_copy) if published_copy else ""}


# --------------------------------------------------------------------------- lock


@contextlib.contextmanager
def _locked(build_dir: Path):
    """Hold ``<build>/.lock`` for the whole build; a second build in the folder stops at once."""
    try:
        with exclusive_lock(build_dir / ".lock"):
            yield
    except Locked:
        raise BuildError(f"another build is running in {build_dir}/; wait for it to finish "
                         "and run the command again") from None


# --------------------------------------------------------------------------- notebooks


def _without_token(environ) -> dict:
    """The environment without the REDCap API token: no notebook's process holds it (nor a variable
    holding it, as MAKEFLAGS does when it was given on make's command line)."""
    token = environ.get(REDCAP_TOKEN_VARIABLE, "").strip()
    return {k: v for k, v in environ.items() if k != REDCAP_TOKEN_VARIABLE and not (token and token in v)}


def _stamp(name: str, out_dir: Path) -> Stamp:
    """The executed notebook's stamp: the SHA-256 of the notebook it was run from."""
    return Stamp(out_dir / "notebooks" / f".{name}.source", sha256_file(notebook_path(name)))


def _stale(name: str, out_dir: Path) -> bool:
    return not _stamp(name, out_dir).fresh(out_dir / "notebooks" / f"{name}.ipynb")


def _run_notebooks(s: Settings, out_dir: Path, params: dict, say, when_idle, ready,
                   stopping: list) -> None:
    """Run the stale notebooks (:func:`cohortstats.pipeline.schedule.run_waves`); stamp those that
    succeeded, then stop at the first that failed.

    The zygotes are stopped in a thread appended to ``stopping`` (about 60 ms, while the build
    publishes), which the caller joins."""
    todo = [n for n in PARALLEL if _stale(n, out_dir)]
    if todo or _stale(LAST, out_dir):
        todo.append(LAST)
    first = [n for n in todo if n in PARALLEL]
    for n in todo:
        _stamp(n, out_dir).clear()

    def finish(result):
        if result.code != 0:
            text = result.text
            last = text.splitlines()[-1] if text else f"notebooks/{result.name}.ipynb failed (exit {result.code})"
            raise BuildError(last.removeprefix("error: "))
        say(f"  done     {result.name}.ipynb")
        _stamp(result.name, out_dir).write()

    if not todo:
        ready()
        return

    def checked_then_running():  # "running" once the inputs passed their checks
        try:
            ready()
        except BaseException:
            # The drivers' launchers wait on their gated zygote, which will never fork them: its
            # end is what lets them go (a launcher that ignores SIGINT, as under nohup, would
            # otherwise keep the build waiting 20 s each).
            for z in zygotes:
                z.stop()
            raise
        for z in zygotes:  # the drivers' zygote imports from now on
            z.go()
        say(f"  running  {', '.join(n + '.ipynb' for n in first) or LAST + '.ipynb'} …")

    env = _without_token(os.environ)
    zygotes = []
    if zygote_enabled(env):  # kernels and drivers forked from processes that imported once
        zygotes = [Zygote.start([imports_code(notebook_path(n)) for n in todo], env),
                   Zygote.start([reading_code(notebook_path(todo[0]))], env, role="driver", gated=True)]
        for z in zygotes:
            env = {**env, **z.env()}
    try:
        results, last = run_waves(first, LAST if LAST in todo else None, s.jobs,
                                  lambda name, gated: Driver.start(name, out_dir, params, s.build_dir,
                                                                   gated, env),
                                  when_idle, checked_then_running, last_early=bool(zygotes),
                                  settled=(zygotes[0].imported if zygotes else None))
    finally:
        stop = threading.Thread(target=lambda: [z.stop() for z in zygotes], name="stop-zygotes")
        stop.start()
        stopping.append(stop)
    # Stamp every notebook that succeeded, then stop at the first that failed.
    for r in sorted(results, key=lambda r: r.code != 0):
        finish(r)
    if last is not None:
        finish(last)


# --------------------------------------------------------------------------- build


def _published_results(reports: Path) -> dict | None:
    try:
        return json.loads((reports / "results.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _up_to_date(s: Settings, build_id: str, name: str) -> dict | None:
    doc = _published_results(s.reports)
    if not doc or doc.get("build") != build_id or (doc.get("provenance") or {}).get("file") != name:
        return None
    for o in (doc.get("outcomes") or {}).values():
        fig = o.get("figure") or {}
        for f in fig.get("files", ()):
            if not (s.figures / f).is_file():
                return None
    return doc


#: A build folder's name (:func:`digest`): what :func:`_remove_other_builds` may remove.
_BUILD_NAME = re.compile(r"[0-9a-f]{16}")


def _remove_other_builds(build_dir: Path, keep: str) -> None:
    """Remove earlier builds' folders; other folders (the kernel spec, the bench's cached CDM) stay."""
    for child in build_dir.iterdir():
        if child.is_dir() and child.name != keep and _BUILD_NAME.fullmatch(child.name):
            shutil.rmtree(child, ignore_errors=True)


def build(s: Settings, say=print) -> dict:
    """Build (or find up to date) the report for ``s``; return results.json as a mapping.

    Raises
    ------
    BuildError, ParameterError
        One line for the user; ``reports/`` and ``figures/`` are unchanged.
    """
    from cohortstats.results import code_version

    started = time.perf_counter()
    with _locked(s.build_dir):
        source = None
        cohort_path = Path(s.cohort)
        if s.cdm:
            from cohortstats.pipeline.sources import SOURCE_DIR, from_cdm

            cohort_path, source = from_cdm(s.cdm, s.cdm_schema, s.cdm_definition,
                                           s.build_dir / SOURCE_DIR, say)
        elif s.redcap:
            from cohortstats.pipeline.sources import SOURCE_DIR, from_redcap

            cohort_path, source = from_redcap(*s.redcap, s.build_dir / SOURCE_DIR, say, url=s.redcap_url)
        cohort_sha = _sha256_file(cohort_path, "cohort file")
        published_sha = _sha256_file(Path(s.published), "published numbers") if s.published else None
        source_sha = None
        if source is not None:
            source_sha = _sha256_file(s.build_dir / SOURCE_DIR / "source.json", "cohort source")
        build_id = digest(cohort_sha, s.params, published_sha, code_version(), source_sha)
        if source is None:
            name = display_name(cohort_path)
        else:
            from cohortstats.report.prose import SOURCE_PHRASE

            name = SOURCE_PHRASE[source.kind]
        doc = _up_to_date(s, build_id, name)
        if doc is not None:
            return doc
        out_dir = s.build_dir / build_id
        input_dir = out_dir / "input"
        input_dir.mkdir(parents=True, exist_ok=True)
        # The notebooks read a copy whose bytes were hashed; its name is the bundle's,
        # so no executed notebook records the user's file name.
        copy = input_dir / "cohort.csv"
        pub_copy = input_dir / "published" / Path(s.published).name if s.published else None

        def check_inputs():  # while the first notebooks' kernels start (pipeline/schedule)
            if not copy.is_file() or sha256_file(copy) != cohort_sha:
                cohort = _validate(cohort_path, s)
                shutil.copyfile(cohort_path, copy)
                if sha256_file(copy) != cohort_sha:
                    raise BuildError(f"cohort file {shown_path(cohort_path)} changed while it was read; "
                                     "run the command again")
                # checked once: the notebooks read this table, not the CSV again (inputs/checked.py)
                from cohortstats.inputs import checked

                checked.save(cohort, copy, s.params.outcomes)
            if pub_copy is not None:
                pub_copy.parent.mkdir(exist_ok=True)
                shutil.copyfile(s.published, pub_copy)
            profile.record("input checks (hash, load and check, copy)", time.perf_counter() - started)

        params = _notebook_parameters(s, copy, out_dir, pub_copy)
        ahead = []  # what publishing needs, started once a core is free (pipeline/publish.Ahead)

        def start_publishing():
            from cohortstats.pipeline.publish import Ahead

            ahead.append(Ahead(out_dir))
        stopping = []  # the zygotes, ended while the build publishes
        try:
            with profile.stage("notebooks (wall)"):
                _run_notebooks(s, out_dir, params, say, start_publishing, check_inputs, stopping)
            from cohortstats.pipeline.publish import publish_build

            doc = publish_build(out_dir, build_id, s.reports, s.figures, file_name=name,
                                expected=_expected_key(cohort_sha, s, published_sha), source=source,
                                ahead=ahead[0] if ahead else None)
        except BaseException:
            for started in ahead:  # a failed build: nothing it started is left running
                started.close()
            raise
        finally:
            for stop in stopping:
                stop.join()
        _remove_other_builds(s.build_dir, build_id)
        return doc


def display_name(path) -> str:
    """The cohort file's base name as given (never its folders), safe to print."""
    name = Path(str(path)).name or "cohort.csv"
    return name if name.isprintable() else shown(name)[1:-1]


def _expected_key(cohort_sha, s: Settings, published_sha):
    from cohortstats.results import build_key

    return build_key(cohort_sha, outcomes=list(s.params.outcomes), method=s.params.method,
                     conf_level=s.params.conf_level, alpha=s.params.alpha, published=published_sha)


def _validate(path: Path, s: Settings):
    """The cohort file loaded and checked (:func:`cohortstats.inputs.cohortfile.load_cohort`)."""
    from cohortstats.inputs.cohortfile import CohortError, load_cohort

    try:
        return load_cohort(path, outcomes=list(s.params.outcomes))
    except CohortError as exc:
        raise BuildError(str(exc)) from None


def summary_line(doc: dict, reports: Path) -> str:
    """``Report: reports/results.html — 13/13 published numbers reproduced (reconstructed cohort, 10 patients)``."""
    prov = doc["provenance"]
    kind = "reconstructed cohort" if prov["reconstructed"] else "user-supplied cohort"
    if doc.get("source"):
        kind = "source:"
    where = (f"{kind} {prov['file']}, {prov['n']} patient{'' if prov['n'] == 1 else 's'}, "
             f"sha256 {prov['sha256'][:12]}")
    claims = doc["claims"]
    if claims.get("published") is None:
        verdict = "no published numbers compared"
    elif prov["reconstructed"]:
        verdict = f"{claims['reproduced']}/{claims['total']} published numbers reproduced"
    else:  # another cohort is not expected to print the paper's numbers: no alarm
        verdict = (f"Results of this cohort; compared with the paper in a separate section "
                   f"({claims['reproduced']}/{claims['total']} numbers print as published)")
    line = f"Report: {reports / 'results.html'} — {verdict} ({where})"
    notes = [f"not used: {col}: {why}" for col, why in prov.get("not_used") or ()]
    line = "\n".join([*notes, line])
    pdf = (doc.get("outputs") or {}).get("pdf", "")
    return line + (f"; PDF {pdf}" if pdf.startswith("skipped") else "")


def clean() -> int:
    """Remove generated outputs: the build folder, reports, scratch and the figures (not their README)."""
    build_dir = Path(_env("BUILD"))
    for path in (build_dir, Path(_env("REPORTS")), ROOT / "scratch"):
        shutil.rmtree(path, ignore_errors=True)
    figures = Path(_env("FIGURES"))
    if figures.is_dir():
        for f in figures.iterdir():
            if f.name != "README.md":
                shutil.rmtree(f) if f.is_dir() else f.unlink()
    print("removed the build, reports/, scratch/ and the figures")
    return 0


def extract_cohort() -> int:
    """``make cohort CDM=<url> OUT=cohort.csv``: only the extraction, into the cohort file OUT."""
    from cohortstats.pipeline.sources import from_cdm

    cdm, out = _env("CDM"), Path(_env("OUT"))
    try:
        if not cdm:
            raise ParameterError("`CDM` is empty; give an OMOP CDM, e.g. CDM=duckdb:///path/cdm.duckdb.")
        from_cdm(cdm, _env("CDM_SCHEMA"), _env("CDM_DEFINITION"), out.parent, out=out)
    except (OneLineError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"Cohort file: {out} (check it with make report COHORT={out})")
    return 0


def _interrupted(exc: BaseException) -> bool:
    """Whether ``exc`` was raised because of a KeyboardInterrupt (its cause, or its context)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def main(argv=None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command = args[0] if args else "report"
    if command not in ("report", "verify", "clean", "cohort"):
        print("usage: python -m cohortstats.pipeline report|verify|clean|cohort", file=sys.stderr)
        return 2
    if command == "clean":
        return clean()
    if command == "cohort":
        return extract_cohort()
    quiet = os.environ.get("CS_QUIET") == "1"
    say = (lambda *a: None) if quiet else (lambda text: print(text, flush=True))
    # SIGTERM as an interrupt, so an interrupted build also leaves everything as it was.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        s = settings_from_env()
        doc = build(s, say)
    except KeyboardInterrupt:
        print("error: interrupted; the previous report and figures are unchanged", file=sys.stderr)
        return 130
    except (OneLineError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        where = shown_path(exc.filename) if exc.filename else "a file"
        print(f"error: cannot write {where} ({exc.strerror}); the previous report and figures are "
              "unchanged", file=sys.stderr)
        return 2
    except Exception as exc:
        # Ctrl-C inside a C extension's import surfaces as "ImportError: initialization failed"
        if not _interrupted(exc):
            raise
        print("error: interrupted; the previous report and figures are unchanged", file=sys.stderr)
        return 130
    print(summary_line(doc, s.reports))
    if command == "verify":
        bad = [c for c in doc["claims"]["claims"] if not c["reproduced"]]
        for c in bad:
            print(f"not reproduced: {c['id']}: published {c['published']}, computed {c['computed']}",
                  file=sys.stderr)
        if doc["claims"].get("published") is None:
            print("error: verify needs published numbers (PUBLISHED=data/published.yml)", file=sys.stderr)
            return 1
        return 1 if bad else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
