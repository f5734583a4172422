"""The one error of the OMOP extraction, and the masking that keeps passwords out of every message.

Every failure the user can cause — a bad definition, a CDM without a needed table or column, a
server that refuses the connection, a definition that selects nobody — is an :class:`OmopError`
with a one-line message naming the file, table or column. A password given in a URL, in
``PGPASSWORD`` or in ``~/.pgpass`` never appears in one: URLs are shown by :func:`mask_url`, and
:func:`scrub` removes any secret it knows of from text that comes from a driver.
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from cohortstats.core.errors import OneLineError

__all__ = ["OmopError", "mask_url", "scrub", "one_line"]

_MASK = "***"


class OmopError(OneLineError, ValueError):
    """A definition, CDM or connection the extraction cannot use; the message is one line."""


def mask_url(url: str) -> str:
    """The URL with its password (if any) replaced by ``***``.

    Parameters
    ----------
    url : str
        A connection URL such as ``postgresql://user:secret@host:5432/db``.

    Returns
    -------
    str
        ``postgresql://user:***@host:5432/db``; a URL without a password is returned unchanged,
        and a ``password=`` query parameter is masked too.
    """
    parts = urlsplit(str(url))
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        if ":" in userinfo:
            userinfo = userinfo.split(":", 1)[0] + ":" + _MASK
        netloc = f"{userinfo}@{host}"
    query = "&".join(
        (kv.split("=", 1)[0] + "=" + _MASK) if kv.split("=", 1)[0].lower() == "password" else kv
        for kv in parts.query.split("&")) if parts.query else parts.query
    if netloc == parts.netloc and query == parts.query:
        return str(url)  # nothing to mask: as given (urlunsplit would drop an empty "//")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _url_secrets(url: str) -> list[str]:
    parts = urlsplit(str(url))
    found = []
    if parts.password:
        found += [parts.password, unquote(parts.password)]
    for kv in parts.query.split("&"):
        key, _, value = kv.partition("=")
        if key.lower() == "password" and value:
            found += [value, unquote(value)]
    return found


def _pgpass_secrets() -> list[str]:
    path = Path(os.environ.get("PGPASSFILE") or Path.home() / ".pgpass")
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    return [line.rsplit(":", 1)[-1] for line in lines if line.count(":") >= 4 and not line.startswith("#")]


def scrub(text: str, url: str = "") -> str:
    """Text with every known secret replaced by ``***``.

    Parameters
    ----------
    text : str
        A message, typically from a database driver.
    url : str, optional
        The connection URL; its password is one of the secrets.

    Returns
    -------
    str
        The text without the URL's password, ``PGPASSWORD`` or any ``~/.pgpass`` password, and
        with the URL itself shown masked.
    """
    out = str(text)
    if url:
        out = out.replace(str(url), mask_url(url))
    secrets = _url_secrets(url) + [os.environ.get("PGPASSWORD", "")] + _pgpass_secrets()
    for secret in sorted({s for s in secrets if len(s) >= 1}, key=len, reverse=True):
        out = out.replace(secret, _MASK)
    return out


def one_line(exc: BaseException, url: str = "", limit: int = 240) -> str:
    """The first line of an exception's message, scrubbed of secrets and cut at ``limit``."""
    text = str(exc).strip().splitlines()
    first = text[0].strip() if text else type(exc).__name__
    first = scrub(first, url)
    return first if len(first) <= limit else first[: limit - 1] + "…"
