"""Files: content hashes, writes that are whole or absent, and the build's lock.

Every file the bundle writes goes through :func:`write_atomic` or
:func:`atomic_path` (written beside its place, then renamed over it), so a reader
sees the old file or the new one, never half of one; and every build holds
:func:`exclusive_lock` on its folder (``filelock``), so a second build in the same
folder stops at once instead of mixing its files with the first one's.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

__all__ = ["sha256_file", "sha256_bytes", "write_atomic", "atomic_path", "exclusive_lock", "Locked",
           "Stamp"]


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path) -> str:
    """Hex SHA-256 of a file's bytes, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@contextlib.contextmanager
def atomic_path(path, suffix: str = ""):
    """Yield a temporary path beside ``path``; on success rename it over ``path``, else remove it.

    ``suffix`` keeps a file type's extension on the temporary name (a writer that
    chooses its format by extension, such as matplotlib's ``savefig``).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp{suffix}")
    try:
        yield tmp
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(path, data) -> Path:
    """Write ``data`` (str as UTF-8, or bytes) to ``path`` whole (see :func:`atomic_path`)."""
    with atomic_path(path) as tmp:
        if isinstance(data, str):
            tmp.write_text(data, encoding="utf-8")
        else:
            tmp.write_bytes(data)
    return Path(path)


class Locked(Exception):
    """The lock is held by another process."""


@contextlib.contextmanager
def exclusive_lock(path):
    """Hold an exclusive lock on ``path`` (created if missing) without waiting.

    Raises
    ------
    Locked
        Another process holds it.
    """
    import filelock

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = filelock.FileLock(str(path), timeout=0, thread_local=False)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise Locked(str(path)) from None
    try:
        yield
    finally:
        lock.release()


class Stamp:
    """What an output was made from: a key written beside it, so a rebuild makes only what changed.

    The one up-to-date check of the build: an executed notebook (its key: the
    notebook's SHA-256) and the pages and PDF kept in the build folder (their keys:
    what they were made from) each carry one.

    Parameters
    ----------
    path : Path
        The stamp file (``.<name>.source``).
    key : str
    """

    def __init__(self, path, key: str):
        self.path, self.key = Path(path), key

    def fresh(self, *outputs) -> bool:
        """The stamp holds this key and every one of ``outputs`` exists."""
        try:
            same = self.path.read_text(encoding="utf-8") == self.key
        except OSError:
            return False
        return same and all(Path(o).is_file() for o in outputs)

    def write(self) -> None:
        write_atomic(self.path, self.key)

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)
