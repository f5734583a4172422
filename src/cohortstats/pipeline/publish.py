"""Publish one build: ``reports/`` and ``figures/`` hold exactly its outputs, or stay as they were.

Both folders are written whole beside their targets, then swapped in (Linux
``renameat2(RENAME_EXCHANGE)``: each swap is one atomic step; interrupts are held
off between the two swaps, and a failed second swap undoes the first). A figure
of an earlier cohort is gone once the new report is published.

What a build publishes, all staged before the swap:

| file | made by |
| --- | --- |
| ``reports/results.json``, ``results.html`` | :mod:`cohortstats.results`, :mod:`cohortstats.report.render` |
| ``reports/notebooks/<name>.ipynb``, ``<name>.html`` | the executed notebooks; :mod:`cohortstats.report.nbpages` |
| ``reports/results.docx`` | :mod:`cohortstats.report.word` |
| ``reports/results.pdf`` | :mod:`cohortstats.report.pdf` (skipped, and said so, without Chromium) |
| ``figures/<outcome>.svg/.pdf/.png/.csv`` | notebook 02 (:mod:`cohortstats.report.plots`) |

Every number of the report links to the notebook cell that computed it
(:class:`cohortstats.report.nbpages.Links`). The notebook pages are rendered in a
second process while the Word document and the PDF are made. The pages and the
PDF are kept in the build folder (``pages/``, ``pdf/``): a later publish of the
same build (the cohort file renamed) makes only what changed.
"""
from __future__ import annotations

import hashlib
import importlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

from cohortstats.report.nbpages import Links
from cohortstats.core.errors import OneLineError
from cohortstats.core.files import Stamp
from cohortstats.pipeline import profile
from cohortstats.pipeline.schedule import tell
from cohortstats.report.render import compile_template, render_html
from cohortstats.results import assemble, dumps, load_fragments

__all__ = ["publish_build", "swap_in", "PublishError"]


class PublishError(OneLineError):
    """An output that could not be made; the message is the one line the user sees."""

#: Files kept in figures/ whatever the build (committed to git).
KEEP_IN_FIGURES = ("README.md",)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _swap(staged: Path, target: Path) -> None:
    """Put ``staged`` at ``target``; afterwards ``staged`` holds the previous target (or is gone)."""
    if target.is_dir() and _exchange(staged, target):
        return
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        target.rename(old)
        staged.rename(target)
        old.rename(staged)
    else:
        staged.rename(target)


def swap_in(pairs: list[tuple[Path, Path]]) -> None:
    """Swap every (staged, target) pair in, all or none; remove what they replaced.

    Interrupts (Ctrl-C, SIGTERM) wait until the swaps are done.
    """
    blocked = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    done = []
    try:
        for staged, target in pairs:
            _swap(staged, target)
            done.append((staged, target))
    except BaseException:
        for staged, target in reversed(done):  # undo: the previous outputs come back
            if staged.exists():
                _swap(staged, target)
        raise
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    for staged, _ in pairs:
        shutil.rmtree(staged, ignore_errors=True)


def _staging(target: Path) -> Path:
    staged = target.with_name(f".{target.name}.staged-{os.getpid()}")
    shutil.rmtree(staged, ignore_errors=True)
    staged.mkdir(parents=True)
    return staged


#: The folder of the build (``build/<digest>/pdf/``) that keeps its PDF (:class:`_Kept`).
_PDF = "pdf"


class _Kept:
    """Outputs kept in the build folder, ``<build>/<digest>/<name>/``, with what they were made from.

    ``.source`` holds the key of their inputs; they are written aside
    (``.<name>.partial-<pid>``) and renamed into place whole, so an interrupted
    publish leaves either the earlier outputs or none. The build is locked while
    it publishes, so partial folders left by an interrupted publish are removed.
    """

    def __init__(self, out_dir: Path, name: str, key: str):
        self.out_dir, self.name, self.key = out_dir, name, key
        self.dir = out_dir / name
        self.partial = out_dir / f".{name}.partial-{os.getpid()}"

    def fresh(self, *files: str) -> bool:
        """Kept, from the same inputs, with every one of ``files``."""
        return Stamp(self.dir / ".source", self.key).fresh(*(self.dir / f for f in files))

    def begin(self) -> Path:
        """An empty folder to write the new outputs into."""
        for left in self.out_dir.glob(f".{self.name}.partial-*"):
            shutil.rmtree(left, ignore_errors=True)
        self.partial.mkdir()
        return self.partial

    def commit(self) -> None:
        """Put the new outputs in place of the kept ones."""
        Stamp(self.partial / ".source", self.key).write()
        shutil.rmtree(self.dir, ignore_errors=True)
        self.partial.rename(self.dir)

    def abandon(self) -> None:
        shutil.rmtree(self.partial, ignore_errors=True)


class WarmPages:
    """The notebook pages' process started ahead: nbconvert imported, its templates loaded
    (``python -m cohortstats.report.nbpages --gate``), waiting for what to render.

    The build starts it while a core would idle; :class:`_NotebookPages` hands it the
    notebooks, or :meth:`close` ends it unused.
    """

    def __init__(self):
        self.proc = subprocess.Popen([sys.executable, "-m", "cohortstats.report.nbpages", "--gate"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)

    def take(self, notebooks_dir: Path, out_dir: Path, masks: dict) -> subprocess.Popen:
        """Give it the notebooks to render into ``out_dir``; return its process."""
        tell(self.proc, json.dumps({"notebooks_dir": str(notebooks_dir), "out_dir": str(out_dir),
                                    "masks": masks}) + "\n")
        return self.proc

    def close(self) -> None:
        """End it unused: killed at once (it has written nothing; still importing nbconvert, it
        would keep the build waiting); nothing once it has ended."""
        tell(self.proc, "")
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate()


class Ahead:
    """What publishing will need, started while a core would idle (the build does it when a slot
    is free and the kernels' zygote has done its imports): nbconvert for the notebook pages
    (:class:`WarmPages`), Chromium for the PDF (:class:`cohortstats.report.pdf.Printer`; not when
    the build keeps a PDF already, which a notebook run again with the same results reuses),
    python-docx, imported in a thread, for the Word file (not when the build keeps one), and the
    report's template, compiled in a thread (:func:`cohortstats.report.render.compile_template`).
    :func:`publish_build` takes it over; :meth:`close` ends it when the build fails before
    publishing.
    """

    def __init__(self, out_dir: Path):
        from cohortstats.report.pdf import Printer

        self.pages: WarmPages | None = WarmPages()
        self.printer = None if (out_dir / _PDF / "results.pdf").is_file() else Printer()
        if not (out_dir / _DOCX / "results.docx").is_file():  # none kept, so one will be written
            threading.Thread(target=importlib.import_module, args=("docx",), name="import-docx").start()
        threading.Thread(target=compile_template, name="compile-template", daemon=True).start()

    def close(self) -> None:
        for started in (self.printer, self.pages):
            if started is not None:
                started.close()


class _NotebookPages:
    """The build's notebook pages, kept in ``<build>/<digest>/pages/`` for the same executed notebooks.

    nbconvert is slow to import, so the pages are rendered in a second process while
    the Word document and the PDF are made; a later publish of the same build (the
    cohort file renamed) finds them made and copies them.
    """

    def __init__(self, out_dir: Path, warm: WarmPages | None = None):
        # papermill's injected cell holds the build folder's path as the notebook was given it
        # (its recorded output_dir): shown as <build>/<digest>, so that two identical builds in
        # different folders give the same pages, wherever the folder is now.
        masks = {}
        h = hashlib.sha256(out_dir.name.encode())
        for nb in sorted((out_dir / "notebooks").glob("*.ipynb")):
            data = nb.read_bytes()
            h.update(nb.name.encode() + b"\0" + hashlib.sha256(data).digest())
            given = (json.loads(data).get("metadata", {}).get("papermill", {})
                     .get("parameters", {}).get("output_dir"))
            if isinstance(given, str) and given:
                masks[given] = f"<build>/{out_dir.name}"
        self.kept = _Kept(out_dir, "pages", h.hexdigest())
        self.proc = None
        if self.kept.fresh():
            if warm is not None:
                warm.close()
            return
        if warm is not None:
            self.proc = warm.take(out_dir / "notebooks", self.kept.begin(), masks)
            return
        cmd = [sys.executable, "-m", "cohortstats.report.nbpages", str(out_dir / "notebooks"),
               str(self.kept.begin()), "--masks", json.dumps(masks)]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def copy_to(self, target: Path) -> None:
        """Wait for the pages, keep them in the build, copy them to ``target``."""
        if self.proc is not None:
            out, err = self.proc.communicate()
            if self.proc.returncode != 0:
                self.kept.abandon()
                lines = (err or out or "").strip().splitlines()
                raise PublishError("notebook pages: " + (lines[-1] if lines
                                                         else f"exit {self.proc.returncode}"))
            self.kept.commit()
        for page in sorted(self.kept.dir.glob("*.html")):
            shutil.copyfile(page, target / page.name)

    def stop(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            self.kept.abandon()


def _start_pdf(page: str, target: Path, out_dir: Path, printer=None):
    """:class:`cohortstats.report.pdf.Printer` given the page, kept in the build folder (``pdf/``) for the same page.

    A page printed before by this build with the same Chromium is copied, not printed
    again (Chromium's start and print cost about 0.3 s of CPU, the full browser's 0.8 s). The
    key is the page's SHA-256 and the Chromium executable's path, size and time stamp. ``printer``: one started ahead
    (closed when not needed). Returns a function that waits for the PDF and returns None,
    or why it was skipped, and the printer printing it (None if none is).
    """
    from cohortstats.report import pdf

    chromium = pdf.chromium_path()
    if chromium is None:
        if printer is not None:
            printer.close()
        return (lambda: pdf.print_pdf(page, target)), None
    st = os.stat(chromium)
    kept = _Kept(out_dir, _PDF, f"{hashlib.sha256(page.encode('utf-8')).hexdigest()} "
                                 f"{chromium} {st.st_size} {st.st_mtime_ns}")
    if kept.fresh("results.pdf"):
        if printer is not None:
            printer.close()
        shutil.copyfile(kept.dir / "results.pdf", target)
        return (lambda: None), None
    printer = printer or pdf.Printer(chromium)
    printer.submit(page, target)

    def wait():
        skipped = printer.result()
        if skipped is None:
            shutil.copyfile(target, kept.begin() / "results.pdf")
            kept.commit()
        return skipped
    return wait, printer


#: The folder of the build (``build/<digest>/docx/``) that keeps its Word file (:class:`_Kept`).
_DOCX = "docx"


def _write_word(results, payload: str, out_dir: Path, target: Path) -> None:
    """The Word file, kept in the build folder (``docx/``) for the same results and figures.

    The key is the SHA-256 of results.json's text and of each figure file the document holds;
    the writer's code is the build's (its digest names the folder). A notebook run again that
    gives the same results and figures reuses the file instead of writing it again.
    """
    from cohortstats.report import word

    h = hashlib.sha256(payload.encode("utf-8"))
    for o in results.outcomes.values():
        for name in (o.figure.files if o.figure else ()):
            digest = hashlib.sha256((out_dir / "figures" / name).read_bytes()).digest()
            h.update(name.encode() + b"\0" + digest)
    kept = _Kept(out_dir, _DOCX, h.hexdigest())
    if not kept.fresh("results.docx"):
        try:
            word.write_docx(results, out_dir / "figures", kept.begin() / "results.docx")
        except BaseException:
            kept.abandon()
            raise
        kept.commit()
    shutil.copyfile(kept.dir / "results.docx", target)


def publish_build(out_dir, build_id: str, reports, figures, expected=None, file_name=None,
                  source=None, ahead: Ahead | None = None) -> dict:
    """Render one build's report and publish it with its figures.

    Parameters
    ----------
    out_dir : str or Path
        The build's folder (``build/<digest>``), holding ``fragments/``,
        ``figures/`` and ``notebooks/``.
    build_id : str
        The build's digest, recorded in results.json (a later identical build
        finds it there and does nothing).
    reports, figures : str or Path
        Where the report and the figures are published.
    file_name : str, optional
        The cohort file's base name as the user gave it, shown as its provenance
        (the notebooks read a copy named ``cohort.csv``).
    expected : cohortstats.results.BuildKey, optional
        The build being made; every fragment must agree with it.
    source : cohortstats.results.Source, optional
        Where the cohort table came from (an OMOP CDM), for the report.
    ahead : Ahead, optional
        Chromium and the notebook pages' process started ahead by the build; taken over
        here (each closed when what it would make is kept).

    Returns
    -------
    dict
        ``results.json`` as a mapping, plus ``outputs``: what else was written
        (``{"notebooks": [...], "docx": "results.docx", "pdf": "results.pdf"}``;
        ``"pdf": "skipped: <why>"`` when Chromium could not print). ``outputs``
        is not part of results.json.
    """
    out_dir, reports, figures = Path(out_dir), Path(reports), Path(figures)
    reports.parent.mkdir(parents=True, exist_ok=True)
    figures.parent.mkdir(parents=True, exist_ok=True)
    staged_reports, staged_figures = _staging(reports), _staging(figures)
    printer, warm_pages = (ahead.printer, ahead.pages) if ahead is not None else (None, None)
    pages = None
    try:
        (staged_reports / "notebooks").mkdir()
        pages, warm_pages = _NotebookPages(out_dir, warm_pages), None
        with profile.stage("publish: results.json and the page"):
            results = assemble(load_fragments(out_dir, expected), build=build_id,
                               file_name=file_name, source=source)
            page = render_html(results, out_dir / "figures", links=Links(out_dir / "notebooks"))
            for nb in sorted((out_dir / "notebooks").glob("*.ipynb")):
                shutil.copyfile(nb, staged_reports / "notebooks" / nb.name)
            payload = dumps(results)
            (staged_reports / "results.json").write_text(payload, encoding="utf-8")
            (staged_reports / "results.html").write_text(page, encoding="utf-8")
        with profile.stage("publish: PDF started (Chromium, or kept)"):
            # Printed without the links: a PDF would hold them as absolute file: URLs of the staging folder.
            pdf_done, printer = _start_pdf(render_html(results, out_dir / "figures"),
                                           staged_reports / "results.pdf", out_dir, printer)
        with profile.stage("publish: Word (while Chromium prints, or kept)"):
            _write_word(results, payload, out_dir, staged_reports / "results.docx")
        with profile.stage("publish: PDF (waited for)"):
            skipped = pdf_done()
        for keep in KEEP_IN_FIGURES:
            if (figures / keep).is_file():
                shutil.copyfile(figures / keep, staged_figures / keep)
        for o in results.outcomes.values():
            for name in (o.figure.files if o.figure else ()):
                shutil.copyfile(out_dir / "figures" / name, staged_figures / name)
        with profile.stage("publish: notebook pages (waited for)"):
            pages.copy_to(staged_reports / "notebooks")
        outputs = {"notebooks": sorted(p.name for p in (staged_reports / "notebooks").glob("*.html")),
                   "docx": "results.docx",
                   "pdf": "results.pdf" if skipped is None else f"skipped: {skipped}"}
        with profile.stage("publish: swap in"):
            swap_in([(staged_reports, reports), (staged_figures, figures)])
    finally:
        if printer is not None:  # Chromium closed before the staging folders are removed
            printer.close()
        if warm_pages is not None:  # not handed on
            warm_pages.close()
        if pages is not None:
            pages.stop()
        shutil.rmtree(staged_reports, ignore_errors=True)
        shutil.rmtree(staged_figures, ignore_errors=True)
    return {**json.loads(payload), "outputs": outputs}
