"""The PDF printer (report/pdf.py) and its DevTools pipe (report/devtools.py), with a real Chromium.

What is checked, and against what:
- the network is blocked: a page asking a local HTTP server (started here) for a picture, a style
  sheet and a script is printed, and the server saw no request; a ``data:`` picture is printed;
- two prints of one page are the same bytes (after :func:`normalize`);
- a Chromium that cannot start, or ends at once, gives one line saying why, and no file;
- Chromium ends with the process that drives it, even one killed outright (its pipe closes).
"""
from __future__ import annotations

import base64
import http.server
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from support import ROOT

pytestmark = pytest.mark.slow
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# A 1×1 PNG, as a data: URL (its bytes: the PNG signature, IHDR, IDAT, IEND).
DOT = "data:image/png;base64," + base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c63f8cfc0f01f0005000201a2e6c1b80000000049454e44ae426082")).decode()


@pytest.fixture(scope="module")
def chromium():
    from cohortstats.report.pdf import chromium_path

    path = chromium_path()
    if path is None:
        if IN_CI:
            pytest.fail("CI=true: chromium is missing (tools/setup-browser.sh installs it)")
        pytest.skip("chromium is not installed")
    return path


@pytest.fixture
def server():
    """A local HTTP server that records every path asked of it."""
    asked = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            asked.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", asked
    httpd.shutdown()


def test_the_network_is_blocked_and_data_pictures_printed(chromium, server, tmp_path):
    from cohortstats.report.pdf import print_pdf

    url, asked = server
    page = (f'<html><head><link rel="stylesheet" href="{url}/style.css">'
            f'<script src="{url}/script.js"></script></head><body><p>Blocked page</p>'
            f'<img src="{url}/picture.png" width="40" height="40">'
            f'<img src="{DOT}" width="40" height="40"></body></html>')
    out = tmp_path / "x.pdf"
    assert print_pdf(page, out, chromium) is None
    data = out.read_bytes()
    assert data.startswith(b"%PDF-")
    assert b"/Subtype /Image" in data  # the data: picture
    time.sleep(0.2)  # a request that got out would have reached the server by now
    assert asked == []


def test_two_prints_are_the_same_bytes(chromium, tmp_path):
    from cohortstats.report.pdf import print_pdf

    page = "<html><body><h1>Results</h1><p>13 of 13 reproduced</p></body></html>"
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    assert print_pdf(page, a, chromium) is None and print_pdf(page, b, chromium) is None
    assert a.read_bytes() == b.read_bytes()
    assert b"D:19800101000000" in a.read_bytes()


@pytest.mark.parametrize("executable, words", [
    ("/dev/null/chromium", "chromium could not start"),  # not a program (ENOTDIR)
    ("/bin/false", "chromium could not print (it ended)"),  # starts, and ends at once
], ids=["cannot start", "ends at once"])
def test_a_chromium_that_fails_gives_one_line_and_no_file(executable, words, tmp_path):
    from cohortstats.report.pdf import print_pdf

    out = tmp_path / "x.pdf"
    why = print_pdf("<p>x</p>", out, executable)
    assert why.startswith(words) and "\n" not in why, why
    assert not out.exists()


def test_chromium_ends_with_the_process_that_drives_it(chromium, tmp_path):
    """A driver killed outright (SIGKILL: no clean-up runs) leaves no Chromium behind."""
    code = textwrap.dedent(f"""
        import os, sys, time
        from cohortstats.report.devtools import Chromium
        browser = Chromium({chromium!r}, ["--headless", "--no-sandbox", "--disable-gpu"])
        browser.call("Target.getTargets")
        print(browser.pid, flush=True)
        time.sleep(60)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    pid = int(proc.stdout.readline())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    for _ in range(500):  # Chromium is the driver's orphan now; it sees its pipe closed and exits
        try:
            with open(f"/proc/{pid}/stat") as fh:
                if fh.read().rsplit(")", 1)[1].split()[0] == "Z":
                    break
        except FileNotFoundError:
            break
        time.sleep(0.02)
    else:
        os.kill(pid, signal.SIGKILL)
        pytest.fail("Chromium outlived the process that drove it")
