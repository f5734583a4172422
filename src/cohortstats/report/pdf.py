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

__all__ = ["CHROMIUM", "FIXED_DATE", "chromium_path", "normalize", "print_pdf"]

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


def print_pdf(page: str, out, chromium: str | None = None) -> str | None:
    """Print an HTML page (text, self-contained) to ``out`` as PDF.

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
    chromium = chromium or chromium_path()
    if chromium is None:
        return f"chromium not found ({os.environ.get('CS_CHROMIUM', CHROMIUM) or 'CS_CHROMIUM empty'})"
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        return "the playwright package is not installed"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=_ARGS, headless=True)
            try:
                context = browser.new_context(locale="en-US", timezone_id="UTC",
                                              service_workers="block")
                context.route("**/*", lambda route: route.continue_()
                              if route.request.url.startswith(("data:", "about:")) else route.abort())
                tab = context.new_page()
                tab.set_content(page, wait_until="load")
                tab.emulate_media(media="print")
                data = tab.pdf(format="A4", print_background=True, tagged=True, outline=True)
            finally:
                browser.close()
    except Error as exc:
        return f"chromium could not print ({str(exc).splitlines()[0]})"
    Path(out).write_bytes(normalize(data))
    return None
