"""The cohort as ibis expressions over the CDM: run inside the engine, one row per patient back.

The concept sets are resolved first (:func:`resolution`, :func:`descendants`: two small queries
on ``concept`` and ``concept_ancestor``, by vocabulary and code; :func:`resolved` composes their
rows), and their ids are the later queries' literals (``tables[IDS]``). :func:`steps` gives each
attrition step (persons in the CDM, with an index exposure, with the condition on or before
index, of the age, observed long enough, analysed) and :func:`attrition` counts them;
:func:`cohort` is one row per analysed patient, with no person_id and no date: the study's own
sequence number, sex, race, ethnicity, age, the outcome values, 0/1 flags of the indications and
adverse events found, the response's set number, and per patient the count of data left out.
Sex, race and ethnicity are read by their standard ids.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import ibis
from ibis import _

from .definition import Definition, DoseOutcome, Findings, MeasurementOutcome, Response

__all__ = ["Plan", "IDS", "CONCEPTS_KEPT", "kept_concepts", "concept_sets", "resolution",
           "descendants", "resolved", "build", "steps", "persons", "attrition", "cohort", "STEPS",
           "SEX", "RACE", "ETHNICITY", "left_out_column", "flag_column", "RESPONSE",
           "tables_needed"]

#: Standard person concept ids (many CDMs ship no concept rows for these).
SEX = {8532: "F", 8507: "M"}
RACE = {8516: "Black or African American", 8527: "White", 8515: "Asian",
        8657: "American Indian or Alaska Native", 8557: "Native Hawaiian or Other Pacific Islander"}
ETHNICITY = {38003563: "Hispanic or Latino", 38003564: "Not Hispanic or Latino"}  # OMB words


def STEPS(d: Definition) -> tuple:
    """The attrition steps' labels for definition ``d``, in order."""
    return ("persons in the CDM",
            f"with a {d.index_drug.label} exposure",
            f"with {d.condition.label} on or before the index date",
            f"aged {d.max_age_years} or less at index",
            f"observed from the index date to {d.observation_days_after_index} days after",
            "analysed (sex recorded as F or M)")


def left_out_column(name: str, point: str) -> str:
    """The internal column counting one patient's data left out for ``name`` at ``point``."""
    return f"_left_out_{name}_{point}"


def flag_column(kind: str, i: int) -> str:
    """The internal column: 1 when the patient has the ``i``-th set of ``kind`` (indications,
    adverse_events) in its window, else 0."""
    return f"_{kind}_{i}"


#: The internal column of the response: the number of the chosen value set (definition order).
RESPONSE = "_response"


def tables_needed(d: Definition) -> tuple:
    """The CDM tables the cohort of ``d`` reads (the attrition's and each outcome's)."""
    out = ["person", "observation_period", "drug_exposure", "condition_occurrence", "concept",
           "concept_ancestor"]
    if any(isinstance(o, DoseOutcome) for o in d.outcomes):
        out.append("drug_strength")
    if any(isinstance(o, MeasurementOutcome) for o in d.outcomes):
        out.append("measurement")
    if d.response is not None:
        out.append("observation")
    return tuple(out)


@dataclass(frozen=True)
class Plan:
    """The two expressions of an extraction (nothing has run yet)."""

    attrition: object
    cohort: object


#: The key of the tables dict holding each concept set's resolved ids (:func:`resolution`).
IDS = "concept ids"


def concept_sets(d: Definition) -> tuple:
    """Every concept set definition ``d`` uses, once each, in the definition's order."""
    sets = [d.index_drug, d.condition]
    for o in d.outcomes:
        if isinstance(o, DoseOutcome):
            sets += [replace(o.ingredient, descendants=False), o.ingredient, o.amount_unit]
        else:
            sets += [o.concepts, o.unit]
    for f in (d.indications, d.adverse_events):
        sets += [cs for _, cs in (f.sets if f is not None else ())]
    if d.response is not None:
        sets += [d.response.concepts] + [cs for _, cs in d.response.values]
    return tuple(dict.fromkeys(sets))


def resolution(t: dict, sets: tuple):
    """The query of the concepts ``sets`` name: (concept_id, vocabulary_id, concept_code) of each
    code in its vocabulary (``concept``). :func:`descendants` is the second and last query."""
    c = t["concept"]
    codes = {}
    for cs in sets:
        codes.setdefault(cs.vocabulary_id, set()).update(cs.concept_codes)
    return c.filter(ibis.or_(*[(c.vocabulary_id == v) & c.concept_code.isin(sorted(k))
                               for v, k in sorted(codes.items())])).order_by("concept_id")


def descendants(t: dict, roots: list):
    """The query of every (ancestor_concept_id, descendant_concept_id) below the ``roots`` ids."""
    ca = t["concept_ancestor"]
    return ca.filter(ca.ancestor_concept_id.isin(sorted(roots))).order_by(
        ["ancestor_concept_id", "descendant_concept_id"])


def resolved(sets: tuple, concepts, below) -> dict:
    """Each set of ``sets`` -> its sorted concept ids, from the rows of :func:`resolution`
    (``concepts``: (concept_id, vocabulary_id, concept_code)) and :func:`descendants` (``below``:
    (ancestor, descendant)); a set's roots are its own ids, with their descendants if it asks."""
    by_code, under = {}, {}
    for cid, vocabulary, code in concepts:
        by_code.setdefault((vocabulary, code), set()).add(int(cid))
    for ancestor, descendant in below:
        under.setdefault(int(ancestor), set()).add(int(descendant))
    out = {}
    for cs in sets:
        roots = set().union(*[by_code.get((cs.vocabulary_id, code), set()) for code in cs.concept_codes])
        ids = set(roots)
        if cs.descendants:
            for r in roots:
                ids |= under.get(r, set())
        out[cs] = tuple(sorted(ids))
    return out


def _ids(t: dict, cs) -> list:
    """The concept ids of ``cs``, as :func:`resolution` found them (``t[IDS]``)."""
    return list(t[IDS][cs])


#: The key of the tables dict holding the definition's concepts kept in the engine (optional).
CONCEPTS_KEPT = "concepts kept"


def kept_concepts(t: dict):
    """The expression of every concept id the definition's sets hold (``concept_id``), to keep."""
    c = t["concept"]
    ids = sorted({i for s in t[IDS].values() for i in s})
    return c.filter(c.concept_id.isin(ids)).select("concept_id").distinct()


def _among(t: dict, col, ids: list):
    """``col`` in ``ids``: against the kept concepts (``t[CONCEPTS_KEPT]``) when there are, which
    engines run as a hash join (DuckDB: a third of the time of a long OR on a 10^7-row scan)."""
    kept = t.get(CONCEPTS_KEPT)
    if kept is None or not ids:
        return col.isin(ids)
    return col.isin(kept.filter(kept.concept_id.isin(ids)).concept_id)


def _of(x, who):
    """The rows of ``x`` whose person is in ``who`` (one row per person): an inner join, which
    engines run faster than ``IN`` (DuckDB: a third of the time on a 10^7-row scan)."""
    w = who.select(_who=who.person_id)
    return x.join(w, x.person_id == w._who).drop("_who")


def _mapped(col, mapping: dict):
    return ibis.cases(*[(col == k, v) for k, v in mapping.items()], else_=ibis.null("string"))


def _semi(left, right, predicates):
    """``left`` rows with a match in ``right``, as an inner join made distinct.

    Not ``semi_join``: ibis 12's PostgreSQL compiler writes a semi join on a table used twice in
    the query as ``LEFT SEMI JOIN``, which PostgreSQL does not know.
    """
    return left.join(right, predicates).select(*[left[c] for c in left.columns]).distinct()


def _same(expr, name: str):
    return expr


def steps(t: dict, d: Definition, keep=_same) -> list:
    """Each attrition step's patients (person_id, index_date and, from step 3, person columns).

    ``keep(expr, name)`` may materialise a step (a temporary table) and return what to read
    instead; each step is built on the kept one before it, so every CDM table is read once.
    """
    p, de, co, op = t["person"], t["drug_exposure"], t["condition_occurrence"], t["observation_period"]
    drug = de.filter(_among(t, de.drug_concept_id, _ids(t, d.index_drug)),
                     de.drug_exposure_start_date.notnull())
    index = drug.group_by("person_id").aggregate(index_date=_.drug_exposure_start_date.min())
    s1 = keep(index.filter(index.person_id.isin(p.person_id)), "s1")
    sle = _of(co, s1)
    sle = sle.filter(_among(t, sle.condition_concept_id, _ids(t, d.condition)))
    s2 = keep(_semi(s1, sle, [s1.person_id == sle.person_id,
                              sle.condition_start_date <= s1.index_date]), "s2")
    # Only the persons still in (a person listed twice: the smallest of each column).
    people = _of(p, s2).group_by("person_id").aggregate(
        gender=_.gender_concept_id.min(), yob=_.year_of_birth.min(),
        race=_.race_concept_id.min(), ethnicity=_.ethnicity_concept_id.min())
    aged = s2.join(people, "person_id").mutate(age=_.index_date.year() - _.yob)
    s3 = keep(aged.filter(aged.age <= d.max_age_years), "s3")
    end = s3.index_date + ibis.interval(days=d.observation_days_after_index)
    obs = _of(op, s3)
    s4 = keep(_semi(s3, obs, [s3.person_id == obs.person_id,
                              obs.observation_period_start_date <= s3.index_date,
                              obs.observation_period_end_date >= end]), "s4")
    s5 = s4.filter(s4.gender.isin(list(SEX)))  # read from the kept s4, for its count and the cohort
    return [p.select("person_id"), s1, s2, s3, s4, s5]  # counted distinct


def persons(t: dict):
    """The first attrition step's count alone (persons in the CDM): one value."""
    return t["person"].person_id.nunique()


def attrition(steps: list, start: int = 0):
    """One row per step: its number (from ``start``) and the persons in it."""
    parts = [s.aggregate(step=ibis.literal(i, "int64"), n=s.person_id.nunique())
             for i, s in enumerate(steps, start)]
    return ibis.union(*parts).order_by("step")


def _dose(t: dict, o: DoseOutcome, points: dict, base, keep):
    """Per patient and time point: the summed daily dose, and the count of undosed exposures."""
    ds = t["drug_strength"]
    strength = ds.filter(ds.ingredient_concept_id.isin(_ids(t, replace(o.ingredient, descendants=False))),
                         ds.amount_unit_concept_id.isin(_ids(t, o.amount_unit)),
                         ds.amount_value.notnull()
                         ).group_by("drug_concept_id").aggregate(amount=_.amount_value.max())
    de = t["drug_exposure"]
    de = _of(de, base)
    de = de.filter(_among(t, de.drug_concept_id, _ids(t, o.ingredient)))
    ex = de.left_join(strength, de.drug_concept_id == strength.drug_concept_id).select(
        person_id=de.person_id, start=de.drug_exposure_start_date,
        end=de.drug_exposure_end_date.coalesce(de.drug_exposure_start_date),
        daily=ibis.ifelse(de.days_supply > 0, de.quantity * strength.amount / de.days_supply,
                          ibis.null("float64")))
    ex = keep(ex, f"{o.name}_exposures")
    cols = {}
    for point, offset in points.items():
        at = base.select("person_id", at=base.index_date + ibis.interval(days=offset))
        j = at.join(ex, [at.person_id == ex.person_id, ex.start <= at.at, ex.end >= at.at])
        agg = j.group_by(at.person_id).aggregate(
            n=_.count(), bad=ibis.ifelse(_.daily.isnull(), 1, 0).sum(), total=_.daily.sum())
        cols[point] = (agg, ibis.cases((agg.n.isnull(), 0.0), (agg.bad > 0, ibis.null("float64")),
                                       else_=agg.total), agg.bad.coalesce(0))
    return cols


def _closest(date, ident, target):
    """Order: nearest to ``target``, then the earlier day, then the larger id (the later entry)."""
    return [date.delta(target, unit="day").abs(), date, ibis.desc(ident)]


def _findings(t: dict, f: Findings, kind: str, base):
    """Per patient: a 0/1 column per concept set, 1 when a condition of it starts in the window."""
    co = t["condition_occurrence"]
    ids = [_ids(t, cs) for _, cs in f.sets]
    c = _of(co, base)
    c = c.filter(_among(t, c.condition_concept_id, sorted({i for s in ids for i in s})))
    at = base.select("person_id", low=base.index_date + ibis.interval(days=f.first_day),
                     high=base.index_date + ibis.interval(days=f.last_day))
    j = at.join(c, [at.person_id == c.person_id, c.condition_start_date >= at.low,
                    c.condition_start_date <= at.high])
    return j.group_by(at.person_id).aggregate(**{
        flag_column(kind, k): ibis.ifelse(j.condition_concept_id.isin(s), 1, 0).max()
        for k, s in enumerate(ids)})


def _response(t: dict, r: Response, followup: int, base):
    """Per patient: the chosen observation's value set number, and the count of other answers."""
    ob = t["observation"]
    ob = _of(ob, base)
    ob = ob.filter(_among(t, ob.observation_concept_id, _ids(t, r.concepts)))
    k = ibis.cases(*[(ob.value_as_concept_id.isin(_ids(t, cs)), i) for i, (_, cs) in enumerate(r.values)],
                   else_=ibis.null("int64"))  # an answer in two sets: the first
    ob = ob.select(person_id=ob.person_id, observation_id=ob.observation_id, day=ob.observation_date, k=k)
    day, target = ibis.interval, base.index_date + ibis.interval(days=followup)
    at = base.select("person_id", low=base.index_date + day(days=followup - r.window_days),
                     high=base.index_date + day(days=followup + r.window_days), target=target)
    j = at.join(ob, [at.person_id == ob.person_id, ob.day >= at.low, ob.day <= at.high])
    other = j.group_by(at.person_id).aggregate(other=ibis.ifelse(_.k.isnull(), 1, 0).sum())
    good = j.filter(j.k.notnull())
    ranked = good.mutate(rank=ibis.row_number().over(
        group_by=good.person_id, order_by=_closest(good.day, good.observation_id, good.target)))
    return ranked.filter(ranked["rank"] == 0).select("person_id", chosen=ranked.k), other


def _measurement(t: dict, o: MeasurementOutcome, followup: int, base, keep):
    """Per patient and time point: the value chosen in the window, and other-unit counts."""
    m = t["measurement"]
    m = _of(m, base)  # the patients' rows first: engines then test the concepts on those alone
    m = m.filter(m.value_as_number.notnull(), _among(t, m.measurement_concept_id, _ids(t, o.concepts)))
    m = keep(m.mutate(ok=m.unit_concept_id.isin(_ids(t, o.unit)).coalesce(False)),
             f"{o.name}_measurements")
    day = ibis.interval
    windows = {
        "baseline": (base.index_date - day(days=o.baseline_days_before), base.index_date,
                     lambda j: [ibis.desc(j.measurement_date), ibis.desc(j.measurement_id)]),
        "6mo": (base.index_date + day(days=followup - o.followup_window_days),
                base.index_date + day(days=followup + o.followup_window_days),
                lambda j: _closest(j.measurement_date, j.measurement_id, j.target)),
    }
    cols = {}
    for point, (low, high, order) in windows.items():
        at = base.select("person_id", low=low, high=high,
                         target=base.index_date + day(days=followup))
        j = at.join(m, [at.person_id == m.person_id, m.measurement_date >= at.low,
                        m.measurement_date <= at.high])
        other = j.group_by(at.person_id).aggregate(other=ibis.ifelse(_.ok, 0, 1).sum())
        good = j.filter(j.ok)
        ranked = good.mutate(rank=ibis.row_number().over(group_by=good.person_id, order_by=order(good)))
        chosen = ranked.filter(ranked["rank"] == 0).select("person_id", value=ranked.value_as_number)
        cols[point] = (chosen, other)
    return cols


def cohort(tables: dict, d: Definition, base, keep=_same):
    """The cohort expression: one row per patient of ``base`` (the last step), outcomes joined.

    Every outcome reads only the rows of ``base``'s patients (``person_id IN base``) before its
    windows are joined, so the big tables shrink to the analysed patients first; ``keep`` (see
    :func:`steps`) may keep those rows, read once for both time points.
    """
    out = base
    names = {"seq": ibis.row_number().over(order_by=[base.index_date, base.person_id]) + 1,
             "sex": _mapped(base.gender, SEX), "race": _mapped(base.race, RACE),
             "ethnicity": _mapped(base.ethnicity, ETHNICITY), "age_years": base.age}
    joins = []
    for o in d.outcomes:
        if isinstance(o, DoseOutcome):
            for point, (agg, value, bad) in _dose(tables, o, {"baseline": 0, "6mo": d.followup_days},
                                                  base, keep).items():
                joins.append(agg)
                names[f"{o.name}_{point}"] = value
                names[left_out_column(o.name, point)] = bad
        else:
            for point, (chosen, other) in _measurement(tables, o, d.followup_days, base, keep).items():
                joins += [chosen, other]
                names[f"{o.name}_{point}"] = chosen.value
                names[left_out_column(o.name, point)] = other.other.coalesce(0)
    for kind in ("indications", "adverse_events"):
        f = getattr(d, kind)
        if f is not None:
            flags = _findings(tables, f, kind, base)
            joins.append(flags)
            names.update({flag_column(kind, k): flags[flag_column(kind, k)].coalesce(0)
                          for k in range(len(f.sets))})
    if d.response is not None:
        chosen, other = _response(tables, d.response, d.followup_days, base)
        joins += [chosen, other]
        names[RESPONSE] = chosen.chosen
        names[left_out_column("response", "6mo")] = other.other.coalesce(0)
    for j in joins:
        out = out.left_join(j, out.person_id == j.person_id)
    return out.select(**names).order_by("seq")


def build(tables: dict, d: Definition, outcomes: bool = True, keep=_same) -> Plan:
    """The attrition and cohort expressions for definition ``d`` over normalised CDM ``tables``.

    Parameters
    ----------
    tables : dict
        CDM table name -> ibis table with :data:`cohortstats.inputs.omop.cdm.COLUMNS`.
    d : Definition
    outcomes : bool
        False: the attrition alone (``drug_strength`` and ``measurement`` are not needed).
    keep : callable, optional
        ``keep(expr, name)`` -> what to read instead of ``expr`` (see :func:`steps`); by default
        nothing is kept and each expression is one query.

    Returns
    -------
    Plan
    """
    found = steps(tables, d, keep)
    return Plan(attrition=attrition(found),
                cohort=cohort(tables, d, found[-1], keep) if outcomes else None)
