"""The REDCap API: a project's records and data dictionary fetched with PyCap into the two files
:func:`cohortstats.inputs.redcap.read_export` reads, so files and API have one reading.

    fetched = fetch_export("https://redcap.example.org/api/", "mapping.yml", folder)
    export = read_export(fetched.records, fetched.dictionary, "mapping.yml")

- **The token** is read from the environment variable ``REDCAP_API_TOKEN`` and from nowhere
  else: it is never a parameter, never written, and every message is scrubbed of it.
- **The URL** must be ``https://…/api/`` (``http://`` only on this machine: localhost,
  127.0.0.1, ::1), without credentials, query or fragment; the host alone is shown.
- **What is asked**: the data dictionary (``content=metadata``, CSV), then the records as
  REDCap's flat CSV export (``content=record``, ``type=flat``, raw codes and headers, unique
  event names) of the record id and the fields the mapping names, of the mapping's events
  only: identifier and date fields never leave REDCap. PyCap also asks the metadata as JSON
  once, to learn the project's record-id field.
- **Errors**: an HTTP error (403 for a bad token, with REDCap's ``{"error": …}``), an answer
  that is an error, no connection or no answer in time: one line naming the host and what
  REDCap said, never the token.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from cohortstats.core.files import write_atomic
from cohortstats.core.parameters import REDCAP_TOKEN_VARIABLE
from cohortstats.inputs.redcap.dictionary import RedcapError, dictionary_from_text
from cohortstats.inputs.redcap.mapping import read_mapping

__all__ = ["TOKEN_VARIABLE", "Fetched", "api_host", "api_token", "fetch_export", "scrubbed"]

#: The environment variable holding the project's API token.
TOKEN_VARIABLE = REDCAP_TOKEN_VARIABLE
#: Seconds to connect, and to wait for an answer (a large project's export takes a while).
TIMEOUT = (30, 600)
_TOKEN = re.compile(r"[0-9A-Fa-f]{32}")
_LOOPBACK = ("localhost", "127.0.0.1", "::1")
_URL_HELP = "give the project's API address, e.g. REDCAP_URL=https://redcap.example.org/api/"


@dataclass(frozen=True)
class Fetched:
    """What :func:`fetch_export` wrote.

    Attributes
    ----------
    records, dictionary : Path
        ``records.csv`` (flat CSV, raw) and ``dictionary.csv`` (the API's metadata CSV).
    host : str
        The API's host (and port, if one was given): what a message or the report may show.
    fields : tuple of str
        The fields asked for: the record id and the fields the mapping names.
    events : tuple of str
        The events asked for (empty: all, a classic project).
    """

    records: Path
    dictionary: Path
    host: str
    fields: tuple
    events: tuple


def api_host(url: str) -> str:
    """Check ``url`` as a REDCap API address and return its host (safe to show).

    Raises
    ------
    RedcapError
        Not https (outside localhost), credentials, a query or fragment, or a path not ending
        in ``/api/``; the message never repeats what may be a credential.
    """
    try:
        parts = urlsplit(str(url).strip())
        port = parts.port
    except ValueError:
        raise RedcapError(f"`REDCAP_URL` is not a URL; {_URL_HELP}") from None
    if "@" in parts.netloc:
        raise RedcapError("`REDCAP_URL` holds credentials (…@host); remove them: the API token goes in "
                          f"the environment variable {TOKEN_VARIABLE}, nowhere else")
    if parts.query or parts.fragment or "?" in str(url) or "#" in str(url):
        raise RedcapError("`REDCAP_URL` has a query or fragment (?…, #…); give the API address alone "
                          f"(the token goes in the environment variable {TOKEN_VARIABLE})")
    host = parts.hostname or ""
    shown_host = (f"[{host}]" if ":" in host else host) + (f":{port}" if port else "")
    if not host:
        raise RedcapError(f"`REDCAP_URL` names no host; {_URL_HELP}")
    if parts.scheme != "https" and not (parts.scheme == "http" and host in _LOOPBACK):
        raise RedcapError(f"`REDCAP_URL` must start with https:// (the token must not travel in clear); "
                          f"not {parts.scheme or 'no scheme'}:// for {shown_host}")
    if not parts.path.endswith("/api/"):
        raise RedcapError(f"`REDCAP_URL` must be the API address, ending in /api/ "
                          f"(e.g. https://{shown_host}/api/)")
    return shown_host


def api_token(environ=None) -> str:
    """The API token from ``environ`` (default: this process's environment).

    Raises
    ------
    RedcapError
        Unset, empty, or not 32 hexadecimal characters; the message never shows the value.
    """
    token = ((os.environ if environ is None else environ).get(TOKEN_VARIABLE) or "").strip()
    if not token:
        raise RedcapError(f"the REDCap API needs the project's API token in the environment variable "
                          f"{TOKEN_VARIABLE} (export it in the shell; never on a command line or in a "
                          "notebook)")
    if not _TOKEN.fullmatch(token):
        raise RedcapError(f"the environment variable {TOKEN_VARIABLE} does not hold a REDCap API token "
                          "(32 hexadecimal characters, as the project's API page shows it)")
    return token


def scrubbed(text: str, token: str) -> str:
    """``text`` with every occurrence of ``token`` (any case) replaced by ``***``."""
    return re.sub(re.escape(token), "***", str(text), flags=re.IGNORECASE) if token else str(text)


class _Refused(Exception):
    """An HTTP error status from the API (raised by the response hook)."""

    def __init__(self, status: int, reason: str, said: str):
        super().__init__(status, reason, said)
        self.status, self.reason, self.said = status, reason, said


def _said(text: str) -> str:
    """What REDCap's answer says: its ``{"error": …}``, ``<error>…</error>`` or first line."""
    text = (text or "").strip()
    try:
        doc = json.loads(text)
    except ValueError:
        doc = None
    if isinstance(doc, dict) and "error" in doc:
        text = str(doc["error"])
    else:
        m = re.search(r"<error>(.*?)</error>", text, re.S | re.I)
        text = m.group(1) if m else re.sub(r"<[^>]*>", " ", text)  # an HTML error page: its words
        text = (text.strip().splitlines() or [""])[0]
    text = " ".join(text.split()).removeprefix("ERROR:").strip()
    text = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)
    return text if len(text) <= 160 else text[:159] + "…"


def _on_response(response, *args, **kwargs):
    """requests' response hook: REDCap answers in UTF-8; an HTTP error status stops here."""
    response.encoding = "utf-8"
    if response.status_code >= 400:
        raise _Refused(response.status_code, _said(response.reason or ""), _said(response.text))


def _message(exc: Exception, host: str) -> str:
    import requests

    where = f"the REDCap API at {host}"
    if isinstance(exc, _Refused):
        hint = (f" (check {TOKEN_VARIABLE}: the project's API token, with the right to export data)"
                if exc.status in (401, 403) else "")
        return f"{where} answered {exc.status} {exc.reason}: {exc.said or 'no reason given'}{hint}"
    if isinstance(exc, requests.exceptions.SSLError):
        return f"{where}: its TLS certificate could not be verified"
    if isinstance(exc, requests.exceptions.Timeout):
        return f"{where} did not answer within {TIMEOUT[1]} s"
    if isinstance(exc, requests.exceptions.ConnectionError):
        return f"{where} cannot be reached (check REDCAP_URL and the network)"
    if isinstance(exc, requests.RequestException):  # PyCap's RedcapError: an answer that is an error
        said = exc.args[0] if exc.args else ""
        return f"{where} refused the request: {_said(json.dumps(said) if isinstance(said, dict) else str(said))}"
    return f"{where}: PyCap refused the request ({type(exc).__name__})"


def _fetch(url: str, token: str, mapping, folder: Path, host: str) -> Fetched:
    from redcap import Project

    project = Project(url, token, timeout=TIMEOUT, hooks={"response": _on_response})
    dictionary_text = project.export_metadata(format_type="csv")
    fields = dictionary_from_text(dictionary_text, f"the data dictionary of the REDCap API at {host}")
    # Only what the mapping reads; a field the dictionary lacks or never reads (an identifier,
    # a date) is not asked for, and read_export says so in one line.
    wanted = tuple(dict.fromkeys([mapping.record_id] + [f for f in mapping.fields.values()
                                                        if f in fields and not fields[f].left_out]))
    events = tuple(mapping.events.values())
    records_text = project.export_records(format_type="csv", fields=list(wanted), events=list(events) or None,
                                          raw_or_label="raw", raw_or_label_headers="raw",
                                          event_name="unique", record_type="flat")
    folder.mkdir(parents=True, exist_ok=True)
    return Fetched(records=write_atomic(folder / "records.csv", records_text.encode("utf-8")),
                   dictionary=write_atomic(folder / "dictionary.csv", dictionary_text.encode("utf-8")),
                   host=host, fields=wanted, events=events)


def fetch_export(url: str, mapping, folder, environ=None) -> Fetched:
    """Fetch the records and the data dictionary into ``folder``/records.csv and dictionary.csv.

    Parameters
    ----------
    url : str
        The API address, ``https://host/api/``.
    mapping : str or Path
        ``mapping.yml`` (:func:`cohortstats.inputs.redcap.read_mapping`): which fields to ask for.
    folder : str or Path
        Where the two files are written (atomically, both after both were fetched): the build's
        folder or the notebook's ``output_dir``, never the user's.
    environ : mapping, optional
        Where the token is read (default: ``os.environ``).

    Returns
    -------
    Fetched

    Raises
    ------
    RedcapError
        One line, never holding the token.
    """
    host = api_host(url)
    token = api_token(environ)
    m = read_mapping(mapping)
    import requests

    try:
        return _fetch(str(url).strip(), token, m, Path(folder), host)
    except RedcapError as exc:
        raise RedcapError(scrubbed(exc, token)) from None
    except (_Refused, requests.RequestException, AssertionError, ValueError) as exc:
        # the hook's HTTP error, requests' and PyCap's errors (PyCap asserts on a bad token, with
        # the token in the message): one line of our own, scrubbed
        raise RedcapError(scrubbed(_message(exc, host), token)) from None
