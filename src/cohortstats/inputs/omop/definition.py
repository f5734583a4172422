"""The cohort definition as data: ``data/omop_cohort.yml`` read and checked at the edge.

A definition names every clinical concept by ``vocabulary_id`` and ``concept_code``; the CDM's own
``concept`` and ``concept_ancestor`` tables resolve them when the extraction runs (no concept id is
written in the code). :func:`load_definition` refuses a bad file with one line naming the file and
the key (:class:`~cohortstats.inputs.omop.errors.OmopError`).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import yaml

from cohortstats.core.errors import shown, shown_path
from cohortstats.core.vocabulary import INDICATIONS, NO_EVENT, RESPONSES

from .errors import OmopError

__all__ = ["ConceptSet", "DoseOutcome", "MeasurementOutcome", "Findings", "Response", "Definition",
           "load_definition"]

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
#: An adverse event's words in the cohort file: lower case (never read as a name), no `,` or `;`.
_EVENT = re.compile(r"^[a-z][a-z0-9 '()/-]{0,59}$")
_KINDS = ("drug_dose", "measurement")


@dataclass(frozen=True)
class ConceptSet:
    """Concepts named by vocabulary and codes; ``descendants`` adds all concepts below them."""

    label: str
    vocabulary_id: str
    concept_codes: tuple
    descendants: bool = True


@dataclass(frozen=True)
class DoseOutcome:
    """A daily dose: sum over active exposures of quantity × amount_value / days_supply.

    ``ingredient`` is the ingredient (its descendants are the drugs); ``amount_unit`` the unit the
    drug_strength amount must be in (another unit makes the dose not computable).
    """

    name: str
    ingredient: ConceptSet
    amount_unit: ConceptSet


@dataclass(frozen=True)
class MeasurementOutcome:
    """A measurement: baseline the latest in [index − before, index]; follow-up the closest to
    index + follow-up days within ± ``window`` days (equidistant: the earlier); only ``unit``."""

    name: str
    concepts: ConceptSet
    unit: ConceptSet
    baseline_days_before: int
    followup_window_days: int


@dataclass(frozen=True)
class Findings:
    """Conditions looked for in a window around the index date, one concept set per label.

    ``sets`` holds (label, ConceptSet) pairs in the definition's order; a condition_occurrence of a
    set starting in [index + ``first_day``, index + ``last_day``] gives the patient that label.
    """

    sets: tuple
    first_day: int
    last_day: int


@dataclass(frozen=True)
class Response:
    """The response at follow-up: an observation of ``concepts`` whose value_as_concept_id is in
    one of ``values`` (response code, ConceptSet), the closest to index + follow-up days within
    ± ``window_days`` (equidistant: the earlier)."""

    concepts: ConceptSet
    values: tuple
    window_days: int


@dataclass(frozen=True)
class Definition:
    """A checked cohort definition (see ``data/omop_cohort.yml`` for the meaning of each key)."""

    path: str
    sha256: str
    index_drug: ConceptSet
    condition: ConceptSet
    max_age_years: int
    observation_days_after_index: int
    followup_days: int
    outcomes: tuple
    indications: Findings | None = None
    adverse_events: Findings | None = None
    response: Response | None = None


class _Reader:
    """Reads one YAML mapping, failing with the file and the dotted key."""

    def __init__(self, path):
        self.path = path

    def fail(self, key: str, what: str, value=None, show=True):
        given = f"; not {shown(value)}" if show else ""
        raise OmopError(f"{shown_path(self.path)}: `{key}` {what}{given}.")

    def mapping(self, value, key: str, keys: tuple, optional: tuple = ()) -> dict:
        if not isinstance(value, dict):
            self.fail(key or "(top level)", "must be a mapping", type(value).__name__)
        for k in value:
            if k not in keys + optional:
                self.fail(f"{key}.{k}".lstrip("."), f"is not a key of the definition (expected one of "
                          f"{', '.join(keys + optional)})", show=False)
        for k in keys:
            if k not in value:
                self.fail(f"{key}.{k}".lstrip("."), "is missing", show=False)
        return value

    def whole(self, value, key: str, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(key, f"must be a whole number from {low} to {high}", value)
        return value

    def text(self, value, key: str) -> str:
        if not isinstance(value, str) or not value.strip() or len(value) > 200:
            self.fail(key, "must be a non-empty text of at most 200 characters", value)
        return value.strip()

    def concepts(self, value, key: str, descendants: bool | None = None) -> ConceptSet:
        m = self.mapping(value, key, ("label", "vocabulary_id", "concept_codes"), ("descendants",))
        codes = m["concept_codes"]
        if isinstance(codes, str) or not isinstance(codes, list) or not codes:
            self.fail(f"{key}.concept_codes", "must be a list of codes written as text, e.g. [\"8640\"]",
                      codes)
        for i, code in enumerate(codes):
            if not isinstance(code, str) or not code.strip():
                self.fail(f"{key}.concept_codes[{i}]", "must be a code written as text (quoted)", code)
        flag = m.get("descendants", True) if descendants is None else descendants
        if "descendants" in m and descendants is not None and m["descendants"] != descendants:
            self.fail(f"{key}.descendants", f"can only be {str(descendants).lower()} here", m["descendants"])
        if not isinstance(flag, bool):
            self.fail(f"{key}.descendants", "must be true or false", flag)
        return ConceptSet(self.text(m["label"], f"{key}.label"),
                          self.text(m["vocabulary_id"], f"{key}.vocabulary_id"),
                          tuple(c.strip() for c in codes), flag)


def _outcome(r: _Reader, value, key: str):
    if not isinstance(value, dict) or value.get("kind") not in _KINDS:
        r.fail(f"{key}.kind", f"must be one of {', '.join(_KINDS)}",
               value.get("kind") if isinstance(value, dict) else value)
    name = value.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        r.fail(f"{key}.name", "must be a column stem of lower-case letters, digits and _", name)
    if value["kind"] == "drug_dose":
        m = r.mapping(value, key, ("name", "kind", "ingredient", "amount_unit"))
        return DoseOutcome(name, r.concepts(m["ingredient"], f"{key}.ingredient"),
                           r.concepts(m["amount_unit"], f"{key}.amount_unit", descendants=False))
    m = r.mapping(value, key, ("name", "kind", "concepts", "unit", "baseline_days_before",
                               "followup_window_days"))
    return MeasurementOutcome(name, r.concepts(m["concepts"], f"{key}.concepts"),
                              r.concepts(m["unit"], f"{key}.unit", descendants=False),
                              r.whole(m["baseline_days_before"], f"{key}.baseline_days_before", 0, 3650),
                              r.whole(m["followup_window_days"], f"{key}.followup_window_days", 0, 3650))


def _labelled(r: _Reader, value, key: str, allowed) -> tuple:
    """A non-empty list of concept sets, each with a label ``allowed`` accepts (a list or regex)."""
    if not isinstance(value, list) or not value:
        r.fail(key, "must be a non-empty list of concept sets", value)
    out = []
    for i, item in enumerate(value):
        cs = r.concepts(item, f"{key}[{i}]")
        ok = (cs.label in allowed if isinstance(allowed, (tuple, dict)) else
              allowed.match(cs.label) and cs.label not in NO_EVENT)
        if not ok:
            what = (f"must be one of {', '.join(allowed)}" if isinstance(allowed, (tuple, dict)) else
                    "must be lower-case words (letters, digits, spaces, - ' ( ) /; at most 60), "
                    "not a word for no event")
            r.fail(f"{key}[{i}].label", what, cs.label)
        out.append((cs.label, cs))
    labels = [label for label, _ in out]
    if len(set(labels)) != len(labels):
        r.fail(key, "names each label once", labels)
    return tuple(out)


def _findings(r: _Reader, doc: dict, followup: int, observed: int) -> tuple:
    ind = ae = None
    if "indications" in doc:
        m = r.mapping(doc["indications"], "indications", ("days_before_index", "sets"))
        ind = Findings(_labelled(r, m["sets"], "indications.sets", tuple(INDICATIONS)),
                       -r.whole(m["days_before_index"], "indications.days_before_index", 0, 36500), 0)
    if "adverse_events" in doc:
        m = r.mapping(doc["adverse_events"], "adverse_events", ("sets",))
        if followup > observed:  # "none" needs the whole window observed
            r.fail("adverse_events", f"needs followup_days ({followup}) at most "
                   f"inclusion.observation_days_after_index ({observed})", show=False)
        ae = Findings(_labelled(r, m["sets"], "adverse_events.sets", _EVENT), 1, followup)
    return ind, ae


def _response(r: _Reader, doc: dict):
    if "response" not in doc:
        return None
    m = r.mapping(doc["response"], "response", ("concepts", "values", "window_days"))
    values = r.mapping(m["values"], "response.values", (), tuple(RESPONSES))
    if not values:
        r.fail("response.values", f"must name at least one of {', '.join(RESPONSES)}", show=False)
    return Response(r.concepts(m["concepts"], "response.concepts"),
                    tuple((code, r.concepts(values[code], f"response.values.{code}"))
                          for code in RESPONSES if code in values),
                    r.whole(m["window_days"], "response.window_days", 0, 3650))


def _parse(path, raw: bytes) -> object:
    try:
        return yaml.safe_load(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise OmopError(f"{shown_path(path)}: not UTF-8 text.") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise OmopError(f"{shown_path(path)}: not valid YAML{where}.") from None


def load_definition(path) -> Definition:
    """Read and check a cohort definition.

    Parameters
    ----------
    path : str or os.PathLike
        The YAML file (``data/omop_cohort.yml`` is the paper's design).

    Returns
    -------
    Definition
        The checked definition, with the SHA-256 of the file's bytes.

    Raises
    ------
    OmopError
        One line naming the file and the key, for a missing or unreadable file, bad YAML, a
        missing or unknown key, or a value of the wrong kind.
    """
    try:
        raw = open(path, "rb").read()
    except OSError as exc:
        raise OmopError(f"{shown_path(path)}: cannot read the definition ({exc.strerror}).") from None
    r = _Reader(path)
    doc = r.mapping(_parse(path, raw), "", ("index", "inclusion", "followup_days", "outcomes"),
                    ("indications", "adverse_events", "response"))
    index = r.mapping(doc["index"], "index", ("drug",))
    inc = r.mapping(doc["inclusion"], "inclusion",
                    ("condition", "max_age_years", "observation_days_after_index"))
    outcomes = doc["outcomes"]
    if not isinstance(outcomes, list) or not outcomes:
        r.fail("outcomes", "must be a non-empty list", outcomes)
    parsed = tuple(_outcome(r, o, f"outcomes[{i}]") for i, o in enumerate(outcomes))
    names = [o.name for o in parsed]
    if len(set(names)) != len(names):
        r.fail("outcomes", "names each outcome once", names)
    followup = r.whole(doc["followup_days"], "followup_days", 1, 36500)
    observed = r.whole(inc["observation_days_after_index"], "inclusion.observation_days_after_index",
                       0, 36500)
    indications, adverse_events = _findings(r, doc, followup, observed)
    return Definition(
        path=str(path), sha256=hashlib.sha256(raw).hexdigest(),
        index_drug=r.concepts(index["drug"], "index.drug"),
        condition=r.concepts(inc["condition"], "inclusion.condition"),
        max_age_years=r.whole(inc["max_age_years"], "inclusion.max_age_years", 0, 130),
        observation_days_after_index=observed, followup_days=followup, outcomes=parsed,
        indications=indications, adverse_events=adverse_events, response=_response(r, doc))
