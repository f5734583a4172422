"""The report as PDF: the page printed by Chromium with its print style sheet.

Debian's Chromium: its headless shell (``/usr/bin/chromium-headless-shell``, package
``chromium-headless-shell``: the browser without its windows, about a third of the full browser's
start), else the full browser the browser test drives (``/usr/bin/chromium``); ``CS_CHROMIUM``
names another. It is driven over its DevTools pipe (:mod:`cohortstats.report.devtools`), with no
driver process between. The page is loaded from memory with every request but ``data:`` failed
(the DevTools ``Fetch`` domain), and printed on A4 with its backgrounds, tagged, with an outline;
text stays text.

Chromium stamps each PDF with the time it was made (``/CreationDate``,
``/ModDate``) and names the tagged structure's elements by DOM node numbers that
depend on the browser's session (``/ID (node00000107)``); :func:`normalize`
replaces the dates with a fixed one and renumbers the nodes in order of first
appearance, each at the same length, so the byte offsets hold and two builds of
the same inputs give the same bytes. Where
Chromium is missing, :func:`print_pdf` writes nothing and says why.
"""
from __future__ import annotations

import base64
import os
import re
from pathlib import Path

from cohortstats.report.devtools import Chromium, ChromiumError

__all__ = ["CHROMIUMS", "FIXED_DATE", "Printer", "chromium_path", "normalize", "print_pdf"]

#: Debian's Chromium executables, the first present used: the headless shell, then the full browser.
CHROMIUMS = ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium")
#: The date written into every PDF (PDF date syntax, UTC): the bundle never stamps build time.
FIXED_DATE = b"D:19800101000000+00'00'"
_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
#: A4 in inches, no margins (the page's print style sheet sets its own): DevTools' Page.printToPDF.
_PRINT = {"paperWidth": 8.27, "paperHeight": 11.7, "marginTop": 0, "marginBottom": 0, "marginLeft": 0,
          "marginRight": 0, "printBackground": True, "generateTaggedPDF": True,
          "generateDocumentOutline": True}
#: Resolves once the page and its images are loaded and its fonts are ready.
_LOADED = ("new Promise(done => document.readyState === 'complete' ? done() : "
           "addEventListener('load', () => done(), {once: true})).then(() => document.fonts.ready)"
           ".then(() => true)")
_NODE = re.compile(rb"\(node([0-9]+)\)")
_DATE = re.compile(rb"(/(?:CreationDate|ModDate)\s*\()(D:[^)]*)(\))")


def chromium_path() -> str | None:
    """The Chromium to print with: ``CS_CHROMIUM`` if set (empty disables), else the first of
    :data:`CHROMIUMS` present; None when there is none."""
    given = os.environ.get("CS_CHROMIUM")
    for path in (given,) if given is not None else CHROMIUMS:
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def _missing() -> str:
    given = os.environ.get("CS_CHROMIUM")
    return f"chromium not found ({given or 'CS_CHROMIUM empty'})" if given is not None else \
        f"chromium not found ({' or '.join(CHROMIUMS)})"


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

    A thread of its own starts Chromium and opens its tab (the network blocked, print media,
    UTC, en-US), then waits for one page (:meth:`submit`); :meth:`result` waits for the PDF.
    The build starts one while a core would otherwise idle, so Chromium's start is not on the
    build's critical path. :meth:`close` ends one that was given no page.

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
            self._why = _missing()
            self._done.set()
            return
        self._thread = threading.Thread(target=self._serve, name="pdf-printer", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        browser = None
        try:
            browser = Chromium(self._chromium, _ARGS)
            tab = _open_tab(browser)
            job = self._jobs.get()
            if job is None:
                return
            page, out = job
            data = _print(browser, tab, page)
            Path(out).write_bytes(normalize(data))
        except OSError as exc:
            self._why = (f"chromium could not start ({exc.strerror or exc})" if browser is None
                         else f"the PDF could not be written ({exc.strerror or exc})")
        except ChromiumError as exc:
            self._why = f"chromium could not print ({exc})"
        except Exception as exc:  # e.g. the staging folder removed under a failed build: said, never raised
            self._why = f"the PDF could not be written ({type(exc).__name__}: {exc})"
        finally:
            if browser is not None:
                browser.close()
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

        (Waited for: Chromium is closed and its profile folder removed before the build ends.)
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
        (``"chromium not found (/usr/bin/chromium-headless-shell or /usr/bin/chromium)"``).
    """
    printer = Printer(chromium)
    printer.submit(page, out)
    return printer.result()


def _open_tab(browser) -> str:
    """A new tab of ``browser``, every request but ``data:`` and ``about:`` failed; its session id."""
    target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    tab = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]

    def gate(params, session):
        request = params["requestId"]
        if params["request"]["url"].startswith(("data:", "about:")):
            browser.send("Fetch.continueRequest", {"requestId": request}, session)
        else:
            browser.send("Fetch.failRequest", {"requestId": request, "errorReason": "BlockedByClient"},
                         session)
    browser.on("Fetch.requestPaused", gate)
    browser.call("Fetch.enable", {"patterns": [{"urlPattern": "*"}]}, tab)
    browser.call("Emulation.setTimezoneOverride", {"timezoneId": "UTC"}, tab)
    browser.call("Emulation.setLocaleOverride", {"locale": "en-US"}, tab)
    browser.call("Emulation.setEmulatedMedia", {"media": "print"}, tab)
    return tab


def _print(browser, tab: str, page: str) -> bytes:
    """``page`` loaded into ``tab`` (its images and fonts too), printed: the PDF's bytes."""
    frame = browser.call("Page.getFrameTree", session=tab)["frameTree"]["frame"]["id"]
    browser.call("Page.setDocumentContent", {"frameId": frame, "html": page}, tab)
    loaded = browser.call("Runtime.evaluate", {"expression": _LOADED, "awaitPromise": True,
                                               "returnByValue": True}, tab)
    if loaded.get("exceptionDetails") or loaded.get("result", {}).get("value") is not True:
        raise ChromiumError("the page did not load")
    return base64.b64decode(browser.call("Page.printToPDF", _PRINT, tab)["data"])
