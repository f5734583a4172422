"""A Chromium driven over its DevTools pipe: the browser alone, no driver process between.

Chromium started with ``--remote-debugging-pipe`` reads Chrome DevTools Protocol commands on its
file descriptor 3 and writes their replies, and events, on descriptor 4: one JSON message each,
ended by a NUL byte (the transport Puppeteer and Playwright use; the protocol:
https://chromedevtools.github.io/devtools-protocol/). Commands for a page carry the ``sessionId``
of ``Target.attachToTarget`` with ``flatten``.

:class:`Chromium` starts one in a temporary profile folder, with standard input and output
closed and its standard error kept in that folder (its last line is the reason given when it
ends early); :meth:`Chromium.call` sends a command and waits for its reply, and
:meth:`Chromium.on` answers an event as it arrives (``Fetch.requestPaused``, which a page waits
on). A reply not given within ``timeout`` seconds, or Chromium ending, is a
:class:`ChromiumError`. When this process ends, however it ends, Chromium reads the end of its
pipe and exits.
"""
from __future__ import annotations

import json
import os
import select
import shutil
import signal
import tempfile
import time
from pathlib import Path

__all__ = ["Chromium", "ChromiumError"]


class ChromiumError(Exception):
    """Chromium ended, failed a command, or did not answer in time; the message says which, in one line."""


class Chromium:
    """One Chromium process and its DevTools pipe (close it with :meth:`close`).

    Parameters
    ----------
    executable : str
        Chromium's executable (Debian: ``/usr/bin/chromium-headless-shell`` or ``/usr/bin/chromium``).
    args : sequence of str
        Its switches; ``--remote-debugging-pipe``, ``--user-data-dir`` and the first page
        (``about:blank``) are added.
    timeout : float
        Seconds to wait for any one reply or event.

    Raises
    ------
    OSError
        The executable could not be started.
    """

    def __init__(self, executable: str, args=(), timeout: float = 60.0):
        self.timeout = timeout
        self.profile = Path(tempfile.mkdtemp(prefix="cs-chromium-"))
        self._log = self.profile / "stderr.log"
        commands_in, commands = os.pipe()
        replies, replies_out = os.pipe()
        actions = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                   (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                   (os.POSIX_SPAWN_OPEN, 2, str(self._log), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
                   (os.POSIX_SPAWN_DUP2, commands_in, 3), (os.POSIX_SPAWN_DUP2, replies_out, 4)]
        argv = [executable, *args, f"--user-data-dir={self.profile}", "--remote-debugging-pipe", "about:blank"]
        try:
            self.pid: int | None = os.posix_spawn(executable, argv, os.environ, file_actions=actions)
        except OSError:
            for fd in (commands, replies):
                os.close(fd)
            shutil.rmtree(self.profile, ignore_errors=True)
            raise
        finally:
            os.close(commands_in)
            os.close(replies_out)
        self._commands, self._replies = commands, replies
        self._poll = select.poll()
        self._poll.register(replies, select.POLLIN)
        self._buffer = b""
        self._last_id = 0
        self._handlers: dict = {}

    # ---- messages

    def on(self, method: str, handler) -> None:
        """Answer every ``method`` event as it arrives: ``handler(params, session_id)``."""
        self._handlers[method] = handler

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        """Send a command without waiting for its reply; return its id."""
        self._last_id += 1
        message = {"id": self._last_id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        data = json.dumps(message).encode("utf-8") + b"\0"
        try:
            while data:
                data = data[os.write(self._commands, data):]
        except OSError:
            raise ChromiumError(self._ended()) from None
        return self._last_id

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        """Send a command and return its reply's ``result`` (events no handler takes are dropped)."""
        wanted = self.send(method, params, session)
        while True:
            message = self._next()
            if message.get("id") == wanted:
                if "error" in message:
                    raise ChromiumError(f"{method}: {message['error'].get('message', message['error'])}")
                return message.get("result", {})

    def _next(self) -> dict:
        """The next message that no handler took; handlers answer theirs on the way."""
        while True:
            message = self._read()
            handler = self._handlers.get(message.get("method"))
            if handler is None:
                return message
            handler(message.get("params", {}), message.get("sessionId"))

    def _read(self) -> dict:
        deadline = time.monotonic() + self.timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not self._poll.poll(left * 1000):  # poll: any descriptor number
                raise ChromiumError(f"no answer in {self.timeout:g} s")
            chunk = os.read(self._replies, 1 << 16)
            if not chunk:
                raise ChromiumError(self._ended())
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def _ended(self) -> str:
        try:
            lines = [ln.strip() for ln in self._log.read_text(errors="replace").splitlines() if ln.strip()]
        except OSError:
            lines = []
        return "it ended" + (f": {lines[-1]}" if lines else "")

    # ---- the end

    def close(self) -> None:
        """Ask Chromium to close, wait for it (killed after a few seconds), remove its profile."""
        if self.pid is not None:
            try:
                self.send("Browser.close")
            except ChromiumError:
                pass
            for fd in (self._commands, self._replies):
                os.close(fd)
            if not _reaped(self.pid, 5.0):
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            self.pid = None
        shutil.rmtree(self.profile, ignore_errors=True)


def _reaped(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while True:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
