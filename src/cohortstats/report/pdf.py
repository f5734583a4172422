"""The report as PDF: the page printed by Chromium with its print style sheet.

The same Debian Chromium the browser test drives (``/usr/bin/chromium``, or
``CS_CHROMIUM``), through the playwright package, never Playwright's own browser
download. The page is loaded from memory with the network blocked and printed
on A4 with its backgrounds; text stays text.

Chromium stamps each PDF with the time it was made (``/CreationDate``,
``/ModDate``) and names the tagged structure's elements by DOM node numbers that
depend on the browser's session (``/ID (node00000107)``); :func:`normalize`
replaces the dates with a fixed one and renumbers the nodes in order of first
appearance, each at the same length, so the byte offsets hold and two builds of
the same inputs give the same bytes. Where
Chromium or playwright is missing, :func:`print_pdf` writes nothing and says why.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

__all__ = ["CHROMIUM", "FIXED_DATE", "Printer", "chromium_path", "normalize", "print_pdf"]

#: Debian's Chromium, as the browser test uses it.
CHROMIUM = "/usr/bin/chromium"
#: The date written into every PDF (PDF date syntax, UTC): the bundle never stamps build time.
FIXED_DATE = b"D:19800101000000+00'00'"
_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
_NODE = re.compile(rb"\(node([0-9]+)\)")
_DATE = re.compile(rb"(/(?:CreationDate|ModDate)\s*\()(D:[^)]*)(\))")


def chromium_path() -> str | None:
    """The Chromium to print with (``CS_CHROMIUM`` overrides; empty disables), or None."""
    path = os.environ.get("CS_CHROMIUM", CHROMIUM)
    return path if path and os.path.isfile(path) and os.access(path, os.X_OK) else None


def normalize(data: bytes) -> bytes:
    """Fixed dates and node numbers in a Chromium PDF, every replacement at the original's length.

    ``/CreationDate`` and ``/ModDate`` become :data:`FIXED_DATE` (padded, or cut, to
    the original's length); ``(nodeNNNNNNNN)`` names are renumbered 1, 2, … in order of
    first appearance. The cross-reference table's offsets stay right.
    """
    def date(m):
        n = len(m.group(2))
        return m.group(1) + FIXED_DATE[:n].ljust(n, b" ") + m.group(3)

    numbers: dict[bytes, int] = {}

    def node(m):
        digits = m.group(1)
        new = str(numbers.setdefault(digits, len(numbers) + 1)).encode().rjust(len(digits), b"0")
        return b"(node" + new + b")" if len(new) == len(digits) else m.group(0)

    return _NODE.sub(node, _DATE.sub(date, data))


class Printer:
    """Chromium started ahead of the page it will print: launched now, printing later.

    A thread of its own starts playwright's driver and Chromium at once (playwright's
    synchronous API stays in the thread that started it), then waits for one page
    (:meth:`submit`); :meth:`result` waits for the PDF. The build starts one while a core
    would otherwise idle, so Chromium's start (about a second) is not on the build's
    critical path. :meth:`close` ends one that was given no page.

    Parameters
    ----------
    chromium : str, optional
        Chromium's executable (default :func:`chromium_path`).
    """

    def __init__(self, chromium: str | None = None):
        import queue
        import threading

        self._chromium = chromium or chromium_path()
        self._jobs: queue.Queue = queue.Queue(maxsize=1)
        self._done = threading.Event()
        self._why: str | None = None
        self._submitted = False
        if self._chromium is None:
            self._why = (f"chromium not found "
                         f"({os.environ.get('CS_CHROMIUM', CHROMIUM) or 'CS_CHROMIUM empty'})")
            self._done.set()
            return
        self._thread = threading.Thread(target=self._serve, name="pdf-printer", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        try:
            from playwright.sync_api import Error, sync_playwright
        except ImportError:
            self._why = "the playwright package is not installed"
            self._done.set()
            return
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=self._chromium, args=_ARGS, headless=True)
                try:
                    context = browser.new_context(locale="en-US", timezone_id="UTC",
                                                  service_workers="block")
                    context.route("**/*", lambda route: route.continue_()
                                  if route.request.url.startswith(("data:", "about:")) else route.abort())
                    tab = context.new_page()
                    job = self._jobs.get()
                    if job is None:
                        return
                    page, out = job
                    tab.set_content(page, wait_until="load")
                    tab.emulate_media(media="print")
                    data = tab.pdf(format="A4", print_background=True, tagged=True, outline=True)
                finally:
                    browser.close()
            Path(out).write_bytes(normalize(data))
        except Error as exc:
            self._why = f"chromium could not print ({str(exc).splitlines()[0]})"
        except Exception as exc:  # e.g. the staging folder removed under a failed build: said, never raised
            self._why = f"the PDF could not be written ({type(exc).__name__}: {exc})"
        finally:
            self._done.set()

    def submit(self, page: str, out) -> None:
        """Print ``page`` (HTML, self-contained: loaded from memory, nothing from the network) to ``out``."""
        if self._submitted:
            raise RuntimeError("a Printer prints one page")
        self._submitted = True
        if not self._done.is_set():
            self._jobs.put((page, Path(out)))

    def result(self) -> str | None:
        """Wait for the PDF: None when it was written, else why it was skipped, in words."""
        self._done.wait()
        return self._why

    def close(self) -> None:
        """End a printer that was given no page, and wait until its Chromium is closed.

        (Waited for: the interpreter must not end while the thread is inside playwright.)
        """
        if not self._submitted and not self._done.is_set():
            self._submitted = True
            self._jobs.put(None)
        self._done.wait(timeout=60)


def print_pdf(page: str, out, chromium: str | None = None) -> str | None:
    """Print an HTML page (text, self-contained) to ``out`` as PDF (a :class:`Printer` of one page).

    Parameters
    ----------
    page : str
        The HTML, with everything inlined (it is loaded from memory, nothing from
        the network).
    out : str or Path
    chromium : str, optional
        Chromium's executable (default :func:`chromium_path`).

    Returns
    -------
    str or None
        None when the PDF was written, else why it was skipped, in words
        (``"chromium not found (/usr/bin/chromium)"``).
    """
    printer = Printer(chromium)
    printer.submit(page, out)
    return printer.result()
