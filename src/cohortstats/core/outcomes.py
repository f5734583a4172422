"""Measured outcomes: what each is called, its unit and its columns.

Every description comes from one file, ``data/outcomes.yml`` (documented there);
this module reads it once and turns the ``outcomes`` parameter (``OUTCOMES=`` of
``make``, a notebook parameter) into :class:`Outcome` records.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from cohortstats.core.format import label_unit
from cohortstats.core.paths import OUTCOMES_FILE

__all__ = ["Outcome", "DEFAULT_NAMES", "describe", "parse_outcomes", "UNIT_NOT_STATED"]

#: The paper's two outcomes, in the abstract's order.
DEFAULT_NAMES = ("prednisone_mg", "esr_mm_hr")

#: What is printed for the unit of an outcome that data/outcomes.yml does not describe.
UNIT_NOT_STATED = "unit not stated"

_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")


@dataclass(frozen=True)
class Outcome:
    """One measured pair of columns.

    Attributes
    ----------
    name : str
        Key in results and file names (``prednisone_mg``).
    baseline, followup : str
        Columns at drug start and at 6 months (``<name>_baseline``, ``<name>_6mo``).
    label : str
        Words for tables, figures and the Results ("Prednisone dose").
    unit : str
        As printed ("mg"); :data:`UNIT_NOT_STATED` when not described.
    noun : str
        The word in "had an unchanged …" ("dose").
    grids : tuple of float
        Candidate recording steps, for the consistency checks (``(2.5, 1.0)``).
    decimals : int
        Decimals of printed means and SDs.
    described : bool
        Whether ``data/outcomes.yml`` has an entry for it.
    """

    name: str
    baseline: str
    followup: str
    label: str
    unit: str
    noun: str
    grids: tuple = (1.0,)
    decimals: int = 1
    described: bool = True

    @property
    def label_unit(self) -> str:
        """``Prednisone dose (mg)`` (:func:`cohortstats.core.format.label_unit`)."""
        return label_unit(self.label, self.unit)


@functools.lru_cache(maxsize=4)
def _descriptions(path: str) -> dict:
    import yaml

    p = Path(path)
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{p.name}: cannot be read ({' '.join(str(exc).split())[:200]})") from None
    entries = (doc or {}).get("outcomes") if isinstance(doc, dict) else None
    if not isinstance(entries, dict):
        raise ValueError(f"{p.name}: expected a mapping `outcomes:` of outcome descriptions")
    for name, spec in entries.items():
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise ValueError(f"{p.name}: outcome name {name!r} must be lower-case letters, digits "
                             "and _ (at most 40), starting with a letter")
        if not isinstance(spec, dict) or not isinstance(spec.get("label"), str) \
                or not isinstance(spec.get("unit"), str):
            raise ValueError(f"{p.name}: outcome {name!r} needs a `label` and a `unit` (text)")
    return entries


def describe(name: str, path=None) -> Outcome:
    """The description of outcome ``name`` from ``data/outcomes.yml``.

    Parameters
    ----------
    name : str
    path : str or Path, optional
        Another description file (default ``data/outcomes.yml``).

    Returns
    -------
    Outcome
    """
    spec = _descriptions(str(path or OUTCOMES_FILE)).get(name)
    if spec is None:
        label = name.replace("_", " ")
        label = label[:1].upper() + label[1:]
        if len(name) <= 3:
            label = name.upper()
        return Outcome(name, f"{name}_baseline", f"{name}_6mo", label, UNIT_NOT_STATED,
                       label, (1.0,), 1, described=False)
    grid = spec.get("grid", 1)
    grids = tuple(float(g) for g in (grid if isinstance(grid, list) else [grid]))
    return Outcome(name=name, baseline=f"{name}_baseline", followup=f"{name}_6mo",
                   label=spec["label"], unit=spec["unit"],
                   noun=str(spec.get("noun", spec["label"].lower())), grids=grids,
                   decimals=int(spec.get("decimals", 1)), described=True)


def parse_outcomes(spec=None, path=None) -> tuple[Outcome, ...]:
    """Turn the ``outcomes`` parameter into outcomes.

    Parameters
    ----------
    spec : None, str or sequence of str
        ``None``: the paper's two outcomes. A sequence of names, or one string of
        comma-separated names (as ``make report OUTCOMES=a,b`` passes it); empty (``""``,
        ``[]``): every ``<name>_baseline``/``<name>_6mo`` pair the cohort file holds, an empty
        tuple here.
    path : str or Path, optional
        The description file (default ``data/outcomes.yml``).

    Returns
    -------
    tuple of Outcome

    Raises
    ------
    ValueError
        A name that is not lower-case letters, digits and ``_``; a name given
        twice; no name at all.
    """
    if spec is None:
        spec = DEFAULT_NAMES
    if isinstance(spec, str):
        spec = [s for s in spec.split(",") if s.strip()] if spec.strip() else []
    if not isinstance(spec, (list, tuple)):
        raise TypeError(f"`outcomes` must be a list of names or a comma-separated string; "
                        f"not {type(spec).__name__}.")
    names = []
    for raw in spec:
        name = raw.strip() if isinstance(raw, str) else raw
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            shown = repr(name)[:60]
            raise ValueError(f"`outcomes` names must be lower-case letters, digits and _ "
                             f"(at most 40, starting with a letter), e.g. prednisone_mg; not {shown}.")
        if name in names:
            raise ValueError(f"`outcomes` names {name!r} twice.")
        names.append(name)
    # no name: every pair of the cohort file (cohortstats.inputs.cohortfile.pairs_in)
    return tuple(describe(n, path) for n in names)
