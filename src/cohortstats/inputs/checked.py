"""A cohort checked once per build: the loaded table kept as Parquet beside the file it came from.

The build checks the cohort file once (:func:`cohortstats.inputs.cohortfile.load_cohort`)
and keeps the checked table, ``<name>.checked.parquet``, beside the copy the notebooks
read, with what it was made from (the file's SHA-256 and the outcomes) in its Parquet
metadata. A notebook's :func:`load` reads that table instead of parsing and checking the
CSV again — only when the file's bytes still have that SHA-256 and the outcomes are the
same; otherwise it checks the file itself. A 10^6-patient file is parsed once, not four
times.
"""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from cohortstats.core.files import atomic_path, sha256_file
from cohortstats.core.outcomes import parse_outcomes
from cohortstats.inputs.cohortfile import Cohort, load_cohort

__all__ = ["checked_path", "save", "load"]

_KEY = b"cohortstats.checked"


def checked_path(path) -> Path:
    """Where the checked table of the cohort file ``path`` is kept."""
    path = Path(path)
    return path.with_name(path.name + ".checked.parquet")


def _meta(cohort: Cohort) -> dict:
    out = {}
    for f in dataclasses.fields(cohort):
        if f.name == "frame":
            continue
        value = getattr(cohort, f.name)
        out[f.name] = [o.name for o in value] if f.name == "outcomes" else value
    return out


def _tuples(value):
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def save(cohort: Cohort, path, requested=()) -> Path:
    """Keep ``cohort`` (as loaded from the file ``path`` for the outcomes ``requested``) as
    ``<path>.checked.parquet``, atomically."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(cohort.frame, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[_KEY] = json.dumps({**_meta(cohort),
                             "requested": [o.name for o in parse_outcomes(list(requested))]}).encode("utf-8")
    target = checked_path(path)
    with atomic_path(target) as tmp:
        pq.write_table(table.replace_schema_metadata(meta), tmp)
    return target


def load(path, outcomes=None) -> Cohort:
    """The cohort of the file ``path``: its checked table when one is kept for these bytes, else checked now.

    Same arguments, result and errors as :func:`cohortstats.inputs.cohortfile.load_cohort`.
    """
    kept = checked_path(path)
    if kept.is_file():
        import pyarrow.parquet as pq

        meta = json.loads((pq.read_schema(kept).metadata or {}).get(_KEY, b"{}"))
        wanted = [o.name for o in parse_outcomes(outcomes)]
        if meta.get("requested") == wanted and meta.get("sha256") == sha256_file(path):
            frame = pq.read_table(kept).to_pandas()
            fields = {k: _tuples(v) for k, v in meta.items() if k != "requested"}
            fields["outcomes"] = parse_outcomes(list(meta["outcomes"]))
            fields["path"] = str(path)
            return Cohort(frame=frame, **fields)
    return load_cohort(path, outcomes=outcomes)
