"""Where results are kept: the build key, fragments on disk, and the assembled results.

Every notebook ends by saving one *fragment* (:mod:`cohortstats.results.records`)
with :func:`save_fragment`; the report step reads them only with
:func:`load_fragments`, which refuses — in one line naming the fragment and what
differs — when one is missing or when two were made from different inputs.
:func:`assemble` then puts them together into one :class:`Results`, the object
``reports/results.json`` holds and the renderer prints.

What ties fragments to one build is the :class:`BuildKey` each one carries: the
SHA-256 of the cohort file's bytes, the parameters the notebook ran with, and the
code version (package version plus a digest of the package's source and of the
outcome descriptions). Two fragments agree when their cohort and code version are
the same and every parameter they both name has the same value.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from pathlib import Path

from cohortstats.core.files import write_atomic
from cohortstats.results.codec import FragmentError, from_jsonable, to_jsonable
from cohortstats.results.records import FRAGMENTS, BuildKey, Results
from cohortstats import __version__
from cohortstats.core.paths import OUTCOMES_FILE, VOCABULARY_FILE

__all__ = ["SCHEMA", "code_version", "build_key", "save_fragment", "load_fragment",
           "load_fragments", "assemble", "load_results", "lookup"]

#: Version of the layout of fragments and results.json; bump on any change of fields.
SCHEMA = 2


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """``<package version>+<digest>``: the digest covers the package's source and ``data/outcomes.yml``.

    Fragments made by other code are never combined, even without a version bump.
    """
    here = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for path in sorted(here.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".j2", ".css"):
            h.update(path.relative_to(here).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for data in (OUTCOMES_FILE, VOCABULARY_FILE):
        if data.is_file():
            h.update(data.name.encode() + b"\0" + data.read_bytes())
    return f"{__version__}+{h.hexdigest()[:12]}"


def build_key(cohort_sha256: str, **parameters) -> BuildKey:
    """The key of a fragment made from this cohort with these parameters and this code."""
    return BuildKey(cohort_sha256=cohort_sha256, parameters=to_jsonable(parameters),
                    version=code_version())



def _fragment_name(fragment) -> str:
    for name, (_, cls) in FRAGMENTS.items():
        if isinstance(fragment, cls):
            return name
    raise TypeError(f"not a fragment: {type(fragment).__name__}")


def save_fragment(fragment, output_dir) -> Path:
    """Save a fragment as ``<output_dir>/fragments/<name>.json`` (atomically).

    Returns
    -------
    Path
    """
    name = _fragment_name(fragment)
    payload = {"schema": SCHEMA, "fragment": name, "data": to_jsonable(fragment, name)}
    text = json.dumps(payload, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    return write_atomic(Path(output_dir) / "fragments" / f"{name}.json", text)


def load_fragment(name: str, output_dir):
    """Read one fragment; :class:`FragmentError` when it is missing or unreadable."""
    notebook, cls = FRAGMENTS[name]
    path = Path(output_dir) / "fragments" / f"{name}.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FragmentError(f"fragment {name!r} is missing: run notebooks/{notebook}.ipynb "
                            "first") from None
    except (OSError, ValueError) as exc:
        raise FragmentError(f"fragment {name!r} cannot be read ({type(exc).__name__}); run "
                            f"notebooks/{notebook}.ipynb again") from None
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA or doc.get("fragment") != name:
        raise FragmentError(f"fragment {name!r} was written by another version of the bundle; run "
                            f"notebooks/{notebook}.ipynb again")
    return from_jsonable(cls, doc["data"], name)


def load_fragments(output_dir, expected: BuildKey | None = None, names=None) -> dict:
    """Read fragments and check that they belong to one build.

    Parameters
    ----------
    output_dir : str or Path
    expected : BuildKey, optional
        The build being made; every fragment must agree with it.
    names : iterable of str, optional
        Which fragments (default: all four).

    Returns
    -------
    dict
        Name -> fragment.

    Raises
    ------
    FragmentError
        One line naming the fragment and what differs.
    """
    names = list(FRAGMENTS if names is None else names)
    out = {name: load_fragment(name, output_dir) for name in names}
    reference_name, reference = ("this run", expected) if expected is not None else \
        (names[0], out[names[0]].key)
    for name, frag in out.items():
        diff = frag.key.differs(reference)
        if diff:
            notebook = FRAGMENTS[name][0]
            raise FragmentError(f"fragment {name!r} ({notebook}) does not belong to {reference_name}"
                                f": {diff}; run notebooks/{notebook}.ipynb again with the same "
                                "cohort and parameters")
    return out


def assemble(fragments: dict, build: str = "", file_name: str | None = None,
             source=None) -> Results:
    """Put one build's four fragments together (they were checked by :func:`load_fragments`).

    ``file_name``: the cohort's name as the user gave it, shown instead of the name of
    the copy the notebooks read. ``source``: a :class:`Source` when the cohort table was
    made from an OMOP CDM or a REDCap export.
    """
    c, o, s, k = (fragments[n] for n in ("cohort", "outcomes", "sensitivity", "claims"))
    provenance = c.provenance if file_name is None else dataclasses.replace(c.provenance,
                                                                           file=file_name)
    params = {}
    for frag in (c, o, s, k):
        params.update(frag.key.parameters)
    key = BuildKey(c.key.cohort_sha256, dict(sorted(params.items())), c.key.version)
    return Results(schema=SCHEMA, key=key, build=build, provenance=provenance, cohort=c.counts,
                   table1=c.table1, outcomes=o.outcomes, leave_one_out=s.leave_one_out,
                   leave_one_out_not_computed=s.not_computed, claims=k, environment=c.environment,
                   source=source)


def load_results(path) -> Results:
    """Read ``results.json`` back into :class:`Results`."""
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise FragmentError(f"{Path(path).name} was written by another version of the bundle")
    return from_jsonable(Results, doc, "results")


def lookup(obj, dotted: str):
    """The value at a dotted path (``outcomes.prednisone_mg.baseline.mean``), or None when absent."""
    node = obj
    for part in dotted.split("."):
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, (list, tuple)) and part.isdigit():
            node = node[int(part)] if int(part) < len(node) else None
        elif dataclasses.is_dataclass(node):
            node = getattr(node, part, None)
        else:
            return None
        if node is None:
            return None
    return node
