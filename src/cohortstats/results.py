"""The results contract: what each notebook hands on, and how it is stored.

Every notebook ends by saving one *fragment*, a frozen dataclass, with
:func:`save_fragment`; the report step reads them only with
:func:`load_fragments`, which refuses — in one line naming the fragment and what
differs — when one is missing or when two were made from different inputs.
:func:`assemble` then puts them together into one :class:`Results`, the object
``reports/results.json`` holds and the renderer prints.

What ties fragments to one build is the :class:`BuildKey` each one carries: the
SHA-256 of the cohort file's bytes, the parameters the notebook ran with, and the
code version (package version plus a digest of the package's source and of the
outcome descriptions). Two fragments agree when their cohort and code version are
the same and every parameter they both name has the same value.

One encoder and one decoder serve every type (:func:`to_jsonable`,
:func:`from_jsonable`): dataclasses become JSON objects field by field and are
rebuilt from their type hints. A NaN or an infinity is refused, naming where it
stands: a value that could not be computed is ``None`` with a reason beside it,
never a number.

| fragment | notebook | type |
| --- | --- | --- |
| ``cohort`` | 01-cohort | :class:`CohortFragment` |
| ``outcomes`` | 02-outcomes | :class:`OutcomesFragment` |
| ``sensitivity`` | 03-sensitivity | :class:`SensitivityFragment` |
| ``claims`` | 04-claims | :class:`ClaimsFragment` |
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import math
import os
import types
import typing
from dataclasses import dataclass
from pathlib import Path

from .parameters import OneLineError

if typing.TYPE_CHECKING:  # the records of other modules that fragments hold
    from .describe import CohortCounts, Summary  # noqa: F401

__all__ = ["SCHEMA", "Figure", "BuildKey", "Provenance", "PrimaryTest", "OutcomeResult",
           "CohortFragment", "OutcomesFragment", "SensitivityFragment", "ClaimsFragment",
           "Results", "FRAGMENTS", "FragmentError", "code_version", "build_key", "to_jsonable",
           "from_jsonable", "dumps", "save_fragment", "load_fragment", "load_fragments",
           "assemble", "load_results", "lookup", "write_atomic"]

#: Version of the layout of fragments and results.json; bump on any change of fields.
SCHEMA = 2


class FragmentError(OneLineError, ValueError):
    """A fragment that is missing, unreadable, or from another build; one line for the user."""


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Figure:
    """One saved figure, as the report embeds it and a journal takes it.

    Attributes
    ----------
    outcome : str
        Outcome name (``prednisone_mg``).
    stem : str
        File name without suffix, shared by every format (``prednisone_mg``).
    files : tuple of str
        File names in the figures folder, SVG first (``prednisone_mg.svg``,
        ``prednisone_mg.pdf``, ``prednisone_mg.png``, ``prednisone_mg.csv``).
    caption : str
        The legend, without the "Figure N." prefix.
    alt : str
        Text alternative for a reader who cannot see it.
    width, height : int
        Display size of the SVG in CSS pixels.
    """

    outcome: str
    stem: str
    files: tuple
    caption: str
    alt: str
    width: int
    height: int

    @property
    def svg(self) -> str:
        return self.files[0]


@dataclass(frozen=True)
class BuildKey:
    """What a fragment was made from.

    Attributes
    ----------
    cohort_sha256 : str
        SHA-256 of the cohort file's bytes.
    parameters : dict
        The notebook's parameters that shape results (not where files go),
        e.g. ``{"outcomes": ["prednisone_mg", "esr_mm_hr"], "method": "auto"}``.
    version : str
        :func:`code_version`.
    """

    cohort_sha256: str
    parameters: dict
    version: str

    def differs(self, other: "BuildKey") -> str | None:
        """What differs from ``other`` in words, or None when the two agree."""
        if self.cohort_sha256 != other.cohort_sha256:
            return (f"cohort SHA-256 {self.cohort_sha256[:12]}… vs {other.cohort_sha256[:12]}… "
                    "(another cohort file)")
        if self.version != other.version:
            return f"code version {self.version} vs {other.version}"
        for name in sorted(self.parameters.keys() & other.parameters.keys()):
            a, b = self.parameters[name], other.parameters[name]
            if a != b:
                return f"parameter {name} = {_short(a)} vs {_short(b)}"
        return None


def _short(value) -> str:
    text = json.dumps(value, ensure_ascii=True)
    return text if len(text) <= 60 else text[:57] + "…"


@dataclass(frozen=True)
class Provenance:
    """Where the analysed data came from.

    Attributes
    ----------
    file : str
        The cohort file's base name as the user gave it (never its folders).
    sha256 : str
    reconstructed : bool
        The bundle's reconstruction (not patient records).
    n : int
        Patients (rows).
    """

    file: str
    sha256: str
    reconstructed: bool
    n: int


@dataclass(frozen=True)
class PrimaryTest:
    """The primary analysis of one outcome: the Wilcoxon matched-pairs signed-rank test.

    Differences are d = value at drug start − value at 6 months (positive = a decrease).

    Attributes
    ----------
    method : str
        How the P was computed, in words.
    statistic : float
        T+, the sum of the ranks of the positive differences.
    n_nonzero : int
    p_value : float
    estimate : float or None
        Hodges–Lehmann estimate of the decrease.
    conf_int : tuple of float or None
    conf_level : float
    ci_method : str
        How the estimate and CI were computed, in words.
    effect_size : float or None
        Matched-pairs rank-biserial correlation.
    """

    method: str
    statistic: float
    n_nonzero: int
    p_value: float
    estimate: float | None
    conf_int: tuple | None
    conf_level: float
    ci_method: str
    effect_size: float | None


@dataclass(frozen=True)
class OutcomeResult:
    """Everything computed for one outcome.

    Attributes
    ----------
    name, label, unit : str
        From ``data/outcomes.yml`` (:mod:`cohortstats.outcomes`).
    decimals : int
        Decimals of its printed means and SDs.
    described : bool
        Whether ``data/outcomes.yml`` describes it.
    n_pairs, n_missing : int
        Patients with both values; patients missing one or both (excluded).
    n_decreased, n_unchanged, n_increased : int
    baseline, followup, change : object
        :class:`cohortstats.describe.Summary` at drug start, at 6 months, and of
        the decrease d = drug start − 6 months.
    test : PrimaryTest or None
    test_undefined : str or None
        Why the primary test could not be computed (when ``test`` is None).
    variants : tuple
        :class:`cohortstats.sensitivity.Variant` rows: the same pairs under other tests.
    figure : Figure or None
    """

    name: str
    label: str
    unit: str
    decimals: int
    described: bool
    n_pairs: int
    n_missing: int
    n_decreased: int
    n_unchanged: int
    n_increased: int
    baseline: "Summary"
    followup: "Summary"
    change: "Summary"
    test: PrimaryTest | None
    test_undefined: str | None
    variants: tuple
    figure: Figure | None


@dataclass(frozen=True)
class CohortFragment:
    """What ``01-cohort`` hands on."""

    key: BuildKey
    provenance: Provenance
    counts: "CohortCounts"
    table1: tuple
    environment: dict


@dataclass(frozen=True)
class OutcomesFragment:
    """What ``02-outcomes`` hands on: one :class:`OutcomeResult` per outcome, in order."""

    key: BuildKey
    outcomes: dict


@dataclass(frozen=True)
class SensitivityFragment:
    """What ``03-sensitivity`` hands on: leave-one-patient-out per outcome.

    Attributes
    ----------
    leave_one_out : dict
        Outcome name -> :class:`cohortstats.sensitivity.LeaveOneOut`, or None with
        the reason in ``not_computed``.
    not_computed : dict
        Outcome name -> why leave-one-out was not computed.
    """

    key: BuildKey
    leave_one_out: dict
    not_computed: dict


@dataclass(frozen=True)
class ClaimsFragment:
    """What ``04-claims`` hands on: the published numbers against the computed ones.

    Attributes
    ----------
    published : str or None
        Base name of the published-numbers file, or None when none was given
        (``make report PUBLISHED=``): then every other field is empty.
    source : dict
        Citation, DOI, PMID of the paper.
    paper_n : int or None
        The paper's number of patients (the consistency checks use it).
    claims : tuple
        :class:`cohortstats.claims.ClaimCheck`, in the abstract's order.
    reproduced, total : int
    p_value_sources : tuple
        :class:`cohortstats.claims.PValueSource`: which test prints each published P.
    consistency : tuple
        :class:`cohortstats.forensics.Finding`: checks of the published numbers alone.
    """

    key: BuildKey
    published: str | None
    source: dict
    paper_n: int | None
    claims: tuple
    reproduced: int
    total: int
    p_value_sources: tuple
    consistency: tuple


@dataclass(frozen=True)
class Results:
    """One build's results: what ``reports/results.json`` holds and the report prints.

    Dotted paths into it (``outcomes.prednisone_mg.baseline.mean``) name every
    number, in ``data/published.yml`` and in the report's ``data-key`` attributes.
    """

    schema: int
    key: BuildKey
    build: str
    provenance: Provenance
    cohort: "CohortCounts"
    table1: tuple
    outcomes: dict
    leave_one_out: dict
    leave_one_out_not_computed: dict
    claims: ClaimsFragment
    environment: dict


#: Fragment name -> (notebook that writes it, type).
FRAGMENTS = {
    "cohort": ("01-cohort", CohortFragment),
    "outcomes": ("02-outcomes", OutcomesFragment),
    "sensitivity": ("03-sensitivity", SensitivityFragment),
    "claims": ("04-claims", ClaimsFragment),
}


# --------------------------------------------------------------------------- keys


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """``<package version>+<digest>``: the digest covers the package's source and ``data/outcomes.yml``.

    Fragments made by other code are never combined, even without a version bump.
    """
    from . import __version__
    from .paths import OUTCOMES_FILE

    here = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(here.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".j2", ".css"):
            h.update(path.relative_to(here).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    if OUTCOMES_FILE.is_file():
        h.update(b"outcomes.yml\0" + OUTCOMES_FILE.read_bytes())
    return f"{__version__}+{h.hexdigest()[:12]}"


def build_key(cohort_sha256: str, **parameters) -> BuildKey:
    """The key of a fragment made from this cohort with these parameters and this code."""
    return BuildKey(cohort_sha256=cohort_sha256, parameters=to_jsonable(parameters),
                    version=code_version())


# --------------------------------------------------------------------------- encoding


def to_jsonable(obj, where: str = "results"):
    """Turn results into JSON values: dataclasses by field, tuples as lists.

    Raises
    ------
    ValueError
        A NaN or infinite float, naming its place (``outcomes.esr_mm_hr.baseline.sd``).
    TypeError
        A value of a type JSON cannot hold.
    """
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, int):
        return int(obj)
    if isinstance(obj, float):
        if not math.isfinite(obj):
            raise ValueError(f"{where} is {obj!r}; a value that cannot be computed must be None "
                             "with a reason")
        return obj
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_jsonable(getattr(obj, f.name), f"{where}.{f.name}")
                for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v, f"{where}.{k}") for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v, f"{where}[{i}]") for i, v in enumerate(obj)]
    try:
        import numpy as np
    except ImportError:  # pragma: no cover
        np = None
    if np is not None and isinstance(obj, np.generic):
        return to_jsonable(obj.item(), where)
    raise TypeError(f"{where}: cannot store a {type(obj).__name__} in results")


def _hints(cls) -> dict:
    # Forward references name classes of other modules of the package.
    from . import claims, consistency, describe, sensitivity

    ns = {**vars(describe), **vars(sensitivity), **vars(claims), **vars(consistency),
          **globals(), **vars(typing)}
    module = __import__(cls.__module__, fromlist=["_"])
    return typing.get_type_hints(cls, globalns={**ns, **vars(module)})


def _element_type(cls, field: str):
    """The type of the elements of a container field that holds records (see :data:`_ELEMENTS`)."""
    spec = _ELEMENTS.get((cls.__name__, field))
    if spec is None:
        return None
    module, name = spec
    return getattr(__import__(f"cohortstats.{module}", fromlist=[name]), name)


#: Containers whose elements are records: (class, field) -> (module, class of the elements).
_ELEMENTS = {
    ("CohortFragment", "table1"): None,
    ("OutcomesFragment", "outcomes"): ("results", "OutcomeResult"),
    ("OutcomeResult", "variants"): ("sensitivity", "Variant"),
    ("SensitivityFragment", "leave_one_out"): ("sensitivity", "LeaveOneOut"),
    ("ClaimsFragment", "claims"): ("claims", "ClaimCheck"),
    ("ClaimsFragment", "p_value_sources"): ("claims", "PValueSource"),
    ("ClaimsFragment", "consistency"): ("consistency", "Finding"),
    ("Results", "outcomes"): ("results", "OutcomeResult"),
    ("Results", "leave_one_out"): ("sensitivity", "LeaveOneOut"),
    ("PValueSource", "variants"): ("claims", "VariantMatch"),
}


def from_jsonable(tp, value, where: str = "results"):
    """Rebuild a value of type ``tp`` from :func:`to_jsonable`'s output."""
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        for a in options:
            if dataclasses.is_dataclass(a) and isinstance(value, dict):
                return from_jsonable(a, value, where)
        return from_jsonable(options[0], value, where) if len(options) == 1 else _plain(value)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise FragmentError(f"{where}: expected an object for {tp.__name__}")
        hints = _hints(tp)
        kwargs = {}
        for f in dataclasses.fields(tp):
            if f.name not in value:
                if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING:
                    continue
                raise FragmentError(f"{where}: {tp.__name__} has no field {f.name!r} "
                                    "(written by another version of the code)")
            element = _element_type(tp, f.name)
            v = value[f.name]
            if element is not None and isinstance(v, dict):
                kwargs[f.name] = {k: from_jsonable(element, x, f"{where}.{f.name}.{k}")
                                  for k, x in v.items()}
            elif element is not None and isinstance(v, list):
                kwargs[f.name] = tuple(from_jsonable(element, x, f"{where}.{f.name}[{i}]")
                                       for i, x in enumerate(v))
            else:
                kwargs[f.name] = from_jsonable(hints.get(f.name, typing.Any), v, f"{where}.{f.name}")
        return tp(**kwargs)
    if tp is float:
        return float(value)
    if tp in (int, str, bool):
        return value
    if tp is tuple or origin is tuple:
        return _plain(value)
    return _plain(value) if isinstance(value, list) else value


def _plain(value):
    """Lists back to tuples, recursively (frozen records hold tuples)."""
    if isinstance(value, list):
        return tuple(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) if isinstance(v, list) else v for k, v in value.items()}
    return value


def dumps(obj) -> str:
    """The one JSON text of results: UTF-8, two-space indent, keys in field order, LF."""
    return json.dumps(to_jsonable(obj), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_atomic(path, data) -> Path:
    """Write ``data`` (str or bytes) to ``path`` beside it first, then rename into place.

    A reader sees the old file or the new one, never half of one.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        if isinstance(data, str):
            tmp.write_text(data, encoding="utf-8")
        else:
            tmp.write_bytes(data)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


# --------------------------------------------------------------------------- fragments


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


def assemble(fragments: dict, build: str = "", file_name: str | None = None) -> Results:
    """Put one build's four fragments together (they were checked by :func:`load_fragments`).

    ``file_name``: the cohort's name as the user gave it, shown instead of the name of
    the copy the notebooks read.
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
                   leave_one_out_not_computed=s.not_computed, claims=k, environment=c.environment)


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
