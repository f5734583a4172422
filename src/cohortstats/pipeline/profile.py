"""Where a build spends its time: stages timed when ``CS_PROFILE`` names a file (``make bench`` does).

Each process of the build (the pipeline, each notebook's papermill driver) appends one
JSON line per stage, ``{"stage": ..., "seconds": ..., "end": ...}`` (``end``: the clock's time,
so that stages of different processes line up), to that file; nothing is written otherwise,
and nothing of it reaches an output.
"""
from __future__ import annotations

import contextlib
import json
import os
import time

__all__ = ["record", "stage"]


def record(name: str, seconds: float, end: float | None = None) -> None:
    """Append one stage's time to ``$CS_PROFILE`` (a no-op without it); ``end``: when it ended
    (the clock's time; default now)."""
    path = os.environ.get("CS_PROFILE")
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"stage": name, "seconds": round(seconds, 4),
                                 "end": round(time.time() if end is None else end, 4)}) + "\n")


@contextlib.contextmanager
def stage(name: str):
    """Time the block as stage ``name``."""
    start = time.perf_counter()
    try:
        yield
    finally:
        record(name, time.perf_counter() - start)
