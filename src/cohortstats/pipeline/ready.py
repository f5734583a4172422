"""A kernel client that is ready as soon as its kernel is: jupyter_client's, without the wait.

jupyter_client's ``wait_for_ready`` sends ``kernel_info``, waits for the reply and for one IOPub
message (IOPub is connected), and then reads IOPub until it has been silent for 0.2 s, so that
a caller reading IOPub next does not see that request's status messages. nbclient (which
papermill runs) and the build's warm-up read only the messages of their own requests (by
``parent_header.msg_id``), so that last 0.2 s is waiting for nothing, twice per notebook (the
warm-up's client and papermill's). :class:`ReadyClient` is ready once the reply and one IOPub
message have come. The build's kernel managers name it as their ``client_class``.
"""
from __future__ import annotations

import time
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_core.utils import ensure_async

__all__ = ["ReadyClient", "CLIENT_CLASS"]

#: What a kernel manager's ``client_class`` names to use :class:`ReadyClient`.
CLIENT_CLASS = "cohortstats.pipeline.ready.ReadyClient"


class ReadyClient(AsyncKernelClient):
    """jupyter_client's asynchronous kernel client; ``wait_for_ready`` as described above."""

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await ensure_async(self.shell_channel.get_msg(timeout=1))
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                try:  # IOPub connected: that request's status message came
                    await ensure_async(self.iopub_channel.get_msg(timeout=0.2))
                except Empty:
                    pass  # not yet subscribed: ask again
                else:
                    self._handle_kernel_info_reply(reply)
                    return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

    # AsyncKernelClient binds its wait_for_ready to jupyter_client's function itself
    wait_for_ready = _async_wait_for_ready
