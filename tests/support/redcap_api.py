"""A REDCap project's API, as far as the bundle asks it, answering from the demo export.

REDCap is not open source, so the tests do as PyCap's own test-suite does (PyCap's
``tests/unit``): every request is a POST of a form whose ``content`` says what is asked, and a
callback answers it as REDCap would. The answers are REDCap's formats: the records as the
flat CSV export (raw codes, unique event names; only the fields and events asked for, record
id and ``redcap_event_name`` first, a checkbox as ``field___code`` columns), the data
dictionary as the API's metadata export (CSV with the API's column names, or JSON), an HTTP
403 with ``{"error": "You do not have permissions to use the API"}`` for a wrong token. The
project is :mod:`cohortstats.inputs.redcap.demo`'s export of the shipped cohort, its
identifier fields (name, date of birth, record number) and visit dates filled in.

The callback is served two ways: inside ``requests`` by ``responses`` (:func:`mocked`, as
PyCap's tests do) and over real HTTP on 127.0.0.1 (:func:`served`), for a whole build run
through ``make``, whose processes hold no mock.
"""
from __future__ import annotations

import contextlib
import csv
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

from cohortstats.inputs.redcap.demo import write_demo_export
from cohortstats.inputs.redcap.dictionary import API_HEADERS

#: An invented token (32 hexadecimal characters, as REDCap's): every output is searched for it.
TOKEN = "C0FFEE0DDBA11FACE5EED0123456789A"
URL = "https://redcap.example.org/api/"
FORBIDDEN = {"error": "You do not have permissions to use the API"}
CSV = "text/csv; charset=utf-8"
JSON = "application/json; charset=utf-8"


class FakeRedcap:
    """One project's API: :meth:`answer` takes a request's form and returns (status, headers, body).

    Attributes
    ----------
    mapping : Path
        The demo export's ``mapping.yml``.
    forms : list of dict
        Every form received, parsed (``{"content": ["record"], ...}``), in order.
    csv_type : str
        The Content-Type of CSV answers (a test may drop the charset).
    """

    def __init__(self, folder, token: str = TOKEN):
        records, dictionary, self.mapping = write_demo_export(Path(folder))
        with open(records, encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            self.header, self.rows = list(reader.fieldnames), list(reader)
        rows = list(csv.reader(io.StringIO(dictionary.read_text(encoding="utf-8"))))
        self.metadata = [dict(zip(API_HEADERS, r)) for r in rows[1:]]
        self.token, self.forms, self.csv_type = token, [], CSV

    def dictionary_csv(self) -> str:
        """The API's CSV metadata export: the API's column names, every field."""
        buf = io.StringIO()
        w = csv.DictWriter(buf, API_HEADERS, lineterminator="\n")
        w.writeheader()
        w.writerows(self.metadata)
        return buf.getvalue()

    def records_csv(self, fields, events) -> str:
        """The flat CSV export of ``fields`` (all when empty) of ``events`` (all when empty)."""
        def base(column):
            return column.split("___")[0]

        keep = [c for c in self.header if not fields or c in ("record_id", "redcap_event_name")
                or base(c) in fields]
        buf = io.StringIO()
        w = csv.DictWriter(buf, keep, lineterminator="\n", extrasaction="ignore")
        w.writeheader()
        w.writerows(r for r in self.rows if not events or r["redcap_event_name"] in events)
        return buf.getvalue()

    def answer(self, body: str):
        """REDCap's answer to a POST of the urlencoded form ``body``."""
        form = parse_qs(body or "", keep_blank_values=True)
        self.forms.append(form)
        one = {k: v[0] for k, v in form.items()}
        if one.get("token") != self.token:
            return 403, {"Content-Type": JSON}, json.dumps(FORBIDDEN)
        if one.get("content") == "metadata":
            if one.get("format") == "csv":
                return 200, {"Content-Type": self.csv_type}, self.dictionary_csv()
            return 200, {"Content-Type": JSON}, json.dumps(self.metadata)
        if one.get("content") == "record" and one.get("format") == "csv":
            asked = {k: one.get(k) for k in ("type", "rawOrLabel", "rawOrLabelHeaders", "eventName")}
            if asked != {"type": "flat", "rawOrLabel": "raw", "rawOrLabelHeaders": "raw", "eventName": "unique"}:
                return 400, {"Content-Type": JSON}, json.dumps({"error": f"this fake answers {asked} no"})
            fields = [v for k, v in one.items() if k.startswith("fields[")]
            events = [v for k, v in one.items() if k.startswith("events[")]
            return 200, {"Content-Type": self.csv_type}, self.records_csv(fields, events)
        return 400, {"Content-Type": JSON}, json.dumps({"error": "The value of the parameter \"content\" is not valid"})


@contextlib.contextmanager
def mocked(fake: FakeRedcap, url: str = URL, fired: bool = True):
    """``requests`` answered by ``fake`` at ``url`` (``responses``, as PyCap's tests mock REDCap).

    Any other URL is refused by ``responses`` (a ConnectionError); with ``fired``, leaving
    without a request to ``url`` fails.
    """
    import responses

    with responses.RequestsMock(assert_all_requests_are_fired=fired) as mock:
        mock.add_callback(responses.POST, url, callback=lambda request: fake.answer(request.body))
        yield mock


@contextlib.contextmanager
def served(fake: FakeRedcap):
    """``fake`` over HTTP on 127.0.0.1 (a free port), for the time of the block; its API URL."""
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
            status, headers, text = fake.answer(body) if self.path == "/api/" else (404, {}, "")
            data = text.encode("utf-8")
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
