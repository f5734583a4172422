"""End each pytest-xdist worker without the interpreter's teardown (a pytest plugin, named in
``conftest.py``).

A worker that has imported pandas, SciPy, ibis, DuckDB and nbformat takes 1–3 s after its last
test to free every module's objects (measured in ``make test``: the controller waited 2.8 s for
its workers to end after their last report). The controller waits for that, and reads nothing
from it: the results came over execnet's channel, and execnet ignores the worker's exit status.
So in a worker, once every other ``atexit`` handler has run (this one is registered first, and
``atexit`` calls the last registered first), standard output and error are flushed and the
process ends, as the build's own processes do (:func:`cohortstats.core.process.exit_now`).

The controller ends normally: its exit status is the suite's.
"""
from __future__ import annotations

import atexit
import os


def _end() -> None:
    import logging

    from cohortstats.core.process import exit_now

    logging.shutdown()  # the one handler registered before this plugin is loaded
    exit_now(0)


if os.environ.get("PYTEST_XDIST_WORKER"):
    atexit.register(_end)
