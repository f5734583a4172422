"""Describe a cohort: Table 1 and summaries of each measured pair.

Conventions
-----------
* **Change** is ``d = drug start − 6 months`` throughout the bundle (the order of
  the signed-rank test): a positive change is a *decrease*.
* **Complete pairs**: a statistic of a pair of columns uses the patients with both
  values (:func:`complete_pairs`, the one place incomplete pairs are dropped);
  Table 1 describes each time point over the values recorded at it.
* **Printed numbers** go through :func:`cohortstats.core.rounding.fmt` and
  :func:`cohortstats.core.rounding.pct` (round half up): 3 of 24 prints as "13%".
* **Missing** is never NaN in a result: a statistic that does not exist (the SD
  of one value, the mean of none) is ``None``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from cohortstats.core.outcomes import UNIT_NOT_STATED, Outcome
from cohortstats.core.rounding import fmt, pct
from cohortstats.core.vocabulary import (AFRICAN_AMERICAN, ETHNICITIES, INDICATIONS, NO_EVENT, RACES,
                                         RESPONSES)
from cohortstats.results.statistics import Summary, CohortCounts  # noqa: F401 (the records it returns)

__all__ = ["CohortCounts", "Summary", "OutcomeSummary", "complete_pairs", "count_cohort",
           "table1", "table1_caption", "summarize", "summarize_outcome",
           "NOT_RECORDED", "NO_VALUE", "AGE_DECIMALS"]

#: Row label for patients whose cell is empty.
NOT_RECORDED = "Not recorded"
#: What a table prints for a statistic that does not exist (SD of one value).
NO_VALUE = "—"
#: Decimals of the printed age median and quartiles.
AGE_DECIMALS = 1


# --------------------------------------------------------------------------- pairs

def complete_pairs(before, after):
    """The patients with both values, and how many were dropped.

    The one place the bundle drops incomplete pairs; summaries, figures and
    tests all call it.

    Parameters
    ----------
    before, after : array_like of float
        Values at drug start and at 6 months, patient by patient (NaN = not
        recorded).

    Returns
    -------
    before, after : numpy.ndarray of float
        The complete pairs, in the input order.
    n_dropped : int
        Patients missing one or both values.

    Raises
    ------
    ValueError
        ``before`` and ``after`` differ in length or are not one-dimensional.

    Examples
    --------
    >>> b, a, k = complete_pairs([35, 7.5, float("nan")], [30, 7.5, 10])
    >>> b.tolist(), a.tolist(), k
    ([35.0, 7.5], [30.0, 7.5], 1)
    """
    b = np.asarray(before, dtype=float)
    a = np.asarray(after, dtype=float)
    if b.ndim != 1 or a.ndim != 1:
        raise ValueError(f"`before` and `after` must be one-dimensional; not {b.ndim}-d and "
                         f"{a.ndim}-d.")
    if b.shape != a.shape:
        raise ValueError(f"`before` and `after` must have the same length; not {b.size} and "
                         f"{a.size}.")
    ok = ~(np.isnan(b) | np.isnan(a))
    return b[ok], a[ok], int((~ok).sum())


# --------------------------------------------------------------------------- summaries

def summarize(values) -> Summary:
    """Summarise a sample (NaN removed).

    Parameters
    ----------
    values : array_like of float

    Returns
    -------
    Summary
        Never NaN: a statistic that does not exist is None.

    Examples
    --------
    >>> summarize([1, 2, 3, 4]).q1      # R: quantile(1:4, .25) -> 1.75
    1.75
    >>> summarize([5]).sd is None
    True
    """
    x = np.asarray(values, dtype=float).ravel()
    x = x[~np.isnan(x)]
    if x.size == 0:
        return Summary(0, None, None, None, None, None, None, None)
    q1, med, q3 = np.percentile(x, [25, 50, 75])
    sd = float(np.std(x, ddof=1)) if x.size > 1 else None
    return Summary(int(x.size), float(np.mean(x)), sd, float(med), float(q1), float(q3),
                   float(x.min()), float(x.max()))


@dataclass(frozen=True)
class OutcomeSummary:
    """Baseline, follow-up and change of one outcome, over complete pairs.

    Attributes
    ----------
    outcome : Outcome
    n_pairs : int
        Patients with both values.
    n_missing : int
        Patients missing one or both values (excluded from every statistic here;
        only their number is reported, never their ids).
    baseline, followup : Summary
        At drug start and at 6 months, over the complete pairs.
    change : Summary
        Of ``d = drug start − 6 months``, the signed-rank test's order: a
        positive ``d`` is a decrease.
    n_decreased, n_unchanged, n_increased : int
        Patients with ``d > 0``, ``d == 0`` and ``d < 0``.
    """

    outcome: Outcome
    n_pairs: int
    n_missing: int
    baseline: Summary
    followup: Summary
    change: Summary
    n_decreased: int
    n_unchanged: int
    n_increased: int


def summarize_outcome(cohort: "Cohort", outcome: Outcome) -> OutcomeSummary:
    """Summarise one outcome over the patients with both values.

    Parameters
    ----------
    cohort : Cohort
    outcome : Outcome

    Returns
    -------
    OutcomeSummary
        ``change`` summarises ``d = drug start − 6 months`` (positive = decrease).
    """
    df = cohort.frame
    b, f, dropped = complete_pairs(df[outcome.baseline], df[outcome.followup])
    d = b - f
    return OutcomeSummary(
        outcome=outcome, n_pairs=int(b.size), n_missing=dropped,
        baseline=summarize(b), followup=summarize(f), change=summarize(d),
        n_decreased=int((d > 0).sum()), n_unchanged=int((d == 0).sum()),
        n_increased=int((d < 0).sum()))


def _num(x, decimals: int) -> str:
    return NO_VALUE if x is None else fmt(x, decimals)


# --------------------------------------------------------------------------- counts

def _race_counts(race: pd.Series, vocabulary=RACES) -> dict:
    """Category -> count in ``vocabulary``'s order, others next, "Not recorded" (or empty) last."""
    cells = race.replace("", NOT_RECORDED)
    counts = cells.value_counts()
    order = [r for r in vocabulary if r != NOT_RECORDED]
    order += sorted(set(counts.index) - set(vocabulary))
    order.append(NOT_RECORDED)
    return {r: int(counts[r]) for r in order if r in counts.index}


def _time_point(values: pd.Series, n: int) -> dict:
    s = asdict(summarize(values))
    s["n_not_recorded"] = int(n - s["n"])
    return s


def count_cohort(cohort: "Cohort") -> CohortCounts:
    """Count sex, race, age, indications, responses, adverse events and outcomes.

    Parameters
    ----------
    cohort : Cohort
        From :func:`cohortstats.inputs.cohortfile.load_cohort`.

    Returns
    -------
    CohortCounts
    """
    df = cohort.frame
    n = int(len(df))
    race = _race_counts(df["race"])
    ind = resp = adv = None
    n_ind = n_resp = n_adv = 0
    if "indications" in df.columns:
        cells = df["indications"]
        n_ind = int((cells != "").sum())
        ind = dict.fromkeys(INDICATIONS, 0)
        for cell, k in cells[cells != ""].value_counts().items():  # each distinct cell once
            for code in {c.strip() for c in cell.split(";")}:
                if code in ind:
                    ind[code] += int(k)
    if "response_6mo" in df.columns:
        cells = df["response_6mo"]
        n_resp = int((cells != "").sum())
        resp = {code: int((cells == code).sum()) for code in RESPONSES}
    if "adverse_events" in df.columns:
        cells = df["adverse_events"]
        n_adv = int((cells != "").sum())
        # one cell may list several events ("neutropenia; fatigue"): each counted apart, once a
        # patient; each distinct cell split once, weighted by how many patients have it
        events: dict = {}
        for cell, k in cells[cells != ""].str.lower().value_counts().items():
            for e in dict.fromkeys(x.strip() for x in cell.split(";")):
                if e:
                    events[e] = events.get(e, 0) + int(k)
        adv = {e: v for e, v in sorted(events.items(), key=lambda kv: (-kv[1], kv[0]))}
    age = None
    if "age_years" in df.columns and df["age_years"].notna().any():
        s = summarize(df["age_years"])
        age = {"n": s.n, "n_not_recorded": n - s.n, "median": s.median, "q1": s.q1, "q3": s.q3,
               "min": s.min, "max": s.max}
    outcomes = {}
    for o in cohort.outcomes:
        outcomes[o.name] = {"label": o.label, "unit": o.unit, "decimals": int(o.decimals),
                            "baseline": _time_point(df[o.baseline], n),
                            "followup": _time_point(df[o.followup], n)}
    return CohortCounts(
        n=n, female=int((df["sex"] == "F").sum()), male=int((df["sex"] == "M").sum()),
        african_american=int(df["race"].isin(AFRICAN_AMERICAN).sum()), race=race,
        indications=ind, n_indications_recorded=n_ind, responses=resp,
        n_response_recorded=n_resp, adverse_events=adv, n_adverse_recorded=n_adv, age=age,
        n_race_recorded=n - race.get(NOT_RECORDED, 0), outcomes=outcomes,
        ethnicity=_race_counts(df["ethnicity"], ETHNICITIES) if "ethnicity" in df.columns else None)


# --------------------------------------------------------------------------- Table 1

def _n_pct(k: int, m: int, n: int) -> str:
    """``k (p%)`` of ``m``; ``k of m (p%)`` when ``m`` differs from the cohort's ``n``."""
    if m == 0:
        return str(k)
    if m == n:
        return f"{k} ({pct(k, m)}%)"
    return f"{k} of {m} ({pct(k, m)}%)"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _median_iqr(s: dict, decimals: int) -> str:
    return f"{fmt(s['median'], decimals)} [{fmt(s['q1'], decimals)}, {fmt(s['q3'], decimals)}]"


def _mean_sd(s: dict, decimals: int) -> str:
    return f"{fmt(s['mean'], decimals)} ({_num(s['sd'], decimals)})"


def _whole(*xs) -> bool:
    return all(float(x).is_integer() for x in xs)


def table1(counts: CohortCounts) -> pd.DataFrame:
    """Table 1: the cohort's characteristics as formatted cells.

    Parameters
    ----------
    counts : CohortCounts

    Returns
    -------
    pandas.DataFrame
        Tidy: columns ``section``, ``characteristic``, ``value`` (text), one row
        per line of the table, in print order (the caption is
        :func:`table1_caption`).

    Notes
    -----
    Clinical Table 1 conventions (as tableone and gtsummary print them):

    * categories as ``n (%)``, the percentage of the patients with the item
      recorded; where that denominator differs from the cohort's n the cell says
      so, ``3 of 24 (13%)``, and a ``Not recorded`` row gives the count missing;
    * percentages rounded half up (:func:`cohortstats.core.rounding.pct`): 3 of 24 =
      12.5% prints "13%";
    * age as median [Q1, Q3] (:data:`AGE_DECIMALS` decimals) and range;
    * each outcome at drug start and at 6 months as mean (SD) and median
      [Q1, Q3] of the values recorded at that time, at the outcome's
      ``decimals``, with a ``Not recorded`` row when any is missing.
    """
    n = counts.n
    rows = [("Patients", "n", str(n)),
            ("Sex", "Female", _n_pct(counts.female, n, n)),
            ("Sex", "Male", _n_pct(counts.male, n, n))]
    if counts.age:
        a = counts.age
        rng_dec = 0 if _whole(a["min"], a["max"]) else AGE_DECIMALS
        rows.append(("Age, years", "Median [Q1, Q3]", _median_iqr(a, AGE_DECIMALS)))
        rows.append(("Age, years", "Range", f"{fmt(a['min'], rng_dec)}–{fmt(a['max'], rng_dec)}"))
        if a["n_not_recorded"]:
            rows.append(("Age, years", NOT_RECORDED, str(a["n_not_recorded"])))
    m = counts.n_race_recorded
    for race, k in counts.race.items():
        rows.append(("Race", race, str(k) if race == NOT_RECORDED else _n_pct(k, m, n)))
    if counts.ethnicity is not None:
        m = n - counts.ethnicity.get(NOT_RECORDED, 0)
        for eth, k in counts.ethnicity.items():
            rows.append(("Ethnicity", eth, str(k) if eth == NOT_RECORDED else _n_pct(k, m, n)))
    for section, found, m in (("Indication", counts.indications, counts.n_indications_recorded),
                              ("Response at 6 months", counts.responses, counts.n_response_recorded)):
        if found is None:
            continue
        words = INDICATIONS if section == "Indication" else RESPONSES
        for code, k in found.items():
            rows.append((section, _capital(words[code]), _n_pct(k, m, n)))
        if m < n:
            rows.append((section, NOT_RECORDED, str(n - m)))
    if counts.adverse_events is not None:
        m = counts.n_adverse_recorded
        none = sum(k for e, k in counts.adverse_events.items() if e in NO_EVENT)
        for event, k in counts.adverse_events.items():
            if event not in NO_EVENT:
                rows.append(("Adverse events", _capital(event), _n_pct(k, m, n)))
        if m:
            rows.append(("Adverse events", "None", _n_pct(none, m, n)))
        if m < n:
            rows.append(("Adverse events", NOT_RECORDED, str(n - m)))
    for o in (counts.outcomes or {}).values():
        section = f"{o['label']} ({o['unit']})" if o["unit"] else o["label"]
        for when, s in (("Drug start", o["baseline"]), ("6 months", o["followup"])):
            if s["n"]:
                rows.append((section, f"{when}, mean (SD)", _mean_sd(s, o["decimals"])))
                rows.append((section, f"{when}, median [Q1, Q3]", _median_iqr(s, o["decimals"])))
            if s["n_not_recorded"]:
                rows.append((section, f"{when}, not recorded", str(s["n_not_recorded"])))
    return pd.DataFrame(rows, columns=["section", "characteristic", "value"])


def table1_caption(counts: CohortCounts) -> str:
    """What Table 1 shows and how its numbers are printed.

    Examples
    --------
    The shipped cohort: "Characteristics of the 10 patients. n (%); ..."
    """
    parts = [f"Characteristics of the {counts.n} patients.",
             "n (%); percentages of patients with the item recorded where the denominator "
             "differs (printed as k of m), rounded half up"]
    if counts.age:
        parts.append("age median [Q1, Q3] and range")
    if counts.outcomes:
        parts.append("outcomes mean (SD) and median [Q1, Q3] of the values recorded at each "
                     "time point")
    text = parts[0] + " " + "; ".join(parts[1:]) + "."
    if counts.outcomes:
        text += " Quartiles by linear interpolation (R's type 7)."
    if any(o["unit"] == UNIT_NOT_STATED for o in (counts.outcomes or {}).values()):
        text += " An outcome not described in data/outcomes.yml has no stated unit."
    return text
