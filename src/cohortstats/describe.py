"""Describe a cohort: counts for Table 1 and summaries of each measured pair."""
from __future__ import annotations

from dataclasses import dataclass, asdict

import numpy as np
import pandas as pd

from .cohortfile import Cohort
from .outcomes import Outcome
from .vocabulary import AFRICAN_AMERICAN, INDICATIONS, RESPONSES

__all__ = ["CohortCounts", "Summary", "OutcomeSummary", "count_cohort", "table1",
           "summarize", "summarize_outcome"]


@dataclass(frozen=True)
class CohortCounts:
    """Counts of a cohort.

    Attributes
    ----------
    n, female, male, african_american : int
    race : dict
        Race value → count, most frequent first (ties alphabetical).
    indications, responses, adverse_events : dict or None
        Code → count, in vocabulary order; ``None`` when the column is absent.
        ``indications`` counts patients with each indication.
    n_indications_recorded, n_response_recorded, n_adverse_recorded : int
        Patients with a non-empty cell in that column.
    age : dict or None
        ``{"n", "median", "min", "max"}`` of ``age_years`` when present.
    """

    n: int
    female: int
    male: int
    african_american: int
    race: dict
    indications: dict | None
    n_indications_recorded: int
    responses: dict | None
    n_response_recorded: int
    adverse_events: dict | None
    n_adverse_recorded: int
    age: dict | None

    def to_dict(self) -> dict:
        return asdict(self)


def _value_counts(values) -> dict:
    counts = pd.Series(values, dtype=object).value_counts()
    items = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
    return {str(k): int(v) for k, v in items}


def count_cohort(cohort: Cohort) -> CohortCounts:
    """Count sex, race, indications, responses and adverse events.

    Parameters
    ----------
    cohort : Cohort
        From :func:`cohortstats.cohortfile.load_cohort`.

    Returns
    -------
    CohortCounts
    """
    df = cohort.frame
    race = df["race"]
    aa = int(race.isin(AFRICAN_AMERICAN).sum())
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
        adv = _value_counts(cells[cells != ""].str.lower())
    age = None
    if "age_years" in df.columns and df["age_years"].notna().any():
        a = df["age_years"].dropna()
        age = {"n": int(a.size), "median": float(a.median()), "min": float(a.min()),
               "max": float(a.max())}
    return CohortCounts(
        n=int(len(df)), female=int((df["sex"] == "F").sum()), male=int((df["sex"] == "M").sum()),
        african_american=aa, race=_value_counts(race.replace("", "not recorded")),
        indications=ind, n_indications_recorded=n_ind, responses=resp,
        n_response_recorded=n_resp, adverse_events=adv, n_adverse_recorded=n_adv, age=age)


def _pct(k: int, n: int) -> str:
    return f"{k} ({100 * k / n:.0f}%)" if n else str(k)


def table1(counts: CohortCounts) -> pd.DataFrame:
    """Table 1: the cohort's characteristics as formatted cells.

    Parameters
    ----------
    counts : CohortCounts

    Returns
    -------
    pandas.DataFrame
        Columns ``section``, ``characteristic``, ``value`` ("n (%)" or a range);
        percentages of all patients, or of those with the item recorded.
    """
    n = counts.n
    rows = [("Patients", "n", str(n)),
            ("Sex", "Female", _pct(counts.female, n)),
            ("Sex", "Male", _pct(counts.male, n))]
    if counts.age:
        a = counts.age
        rows.append(("Age, years", "median (range)",
                     f"{a['median']:g} ({a['min']:g}–{a['max']:g})"))
    for race, k in counts.race.items():
        rows.append(("Race", race, _pct(k, n)))
    if counts.indications is not None:
        for code, k in counts.indications.items():
            if k:
                rows.append(("Indication", INDICATIONS[code], _pct(k, counts.n_indications_recorded)))
    if counts.responses is not None:
        for code, k in counts.responses.items():
            if k:
                rows.append(("Response at 6 months", RESPONSES[code], _pct(k, counts.n_response_recorded)))
    if counts.adverse_events is not None:
        for event, k in counts.adverse_events.items():
            rows.append(("Adverse events", event, _pct(k, counts.n_adverse_recorded)))
    return pd.DataFrame(rows, columns=["section", "characteristic", "value"])


@dataclass(frozen=True)
class Summary:
    """Summary of one sample.

    Attributes
    ----------
    n : int
    mean, sd : float
        Arithmetic mean and sample standard deviation (ddof = 1; NaN when n < 2).
    median, q1, q3, min, max : float
        Quartiles by linear interpolation (R's type 7, numpy's default).
    """

    n: int
    mean: float
    sd: float
    median: float
    q1: float
    q3: float
    min: float
    max: float


def summarize(values) -> Summary:
    """Summarise a sample (NaN removed).

    Parameters
    ----------
    values : array_like of float

    Returns
    -------
    Summary
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if x.size == 0:
        nan = float("nan")
        return Summary(0, nan, nan, nan, nan, nan, nan, nan)
    q1, med, q3 = np.percentile(x, [25, 50, 75])
    sd = float(np.std(x, ddof=1)) if x.size > 1 else float("nan")
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
    baseline, followup, change : Summary
        ``change`` is follow-up − baseline.
    n_decreased, n_unchanged, n_increased : int
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


def summarize_outcome(cohort: Cohort, outcome: Outcome) -> OutcomeSummary:
    """Summarise one outcome over the patients with both values.

    Parameters
    ----------
    cohort : Cohort
    outcome : Outcome

    Returns
    -------
    OutcomeSummary
    """
    df = cohort.frame
    b = df[outcome.baseline].to_numpy(dtype=float)
    f = df[outcome.followup].to_numpy(dtype=float)
    ok = ~(np.isnan(b) | np.isnan(f))
    b, f = b[ok], f[ok]
    d = f - b
    return OutcomeSummary(
        outcome=outcome, n_pairs=int(ok.sum()), n_missing=int((~ok).sum()),
        baseline=summarize(b), followup=summarize(f),
        change=summarize(d), n_decreased=int((d < 0).sum()), n_unchanged=int((d == 0).sum()),
        n_increased=int((d > 0).sum()))


def summary_table(summaries) -> pd.DataFrame:
    """Baseline and 6-month summaries of several outcomes as one table.

    Parameters
    ----------
    summaries : iterable of OutcomeSummary

    Returns
    -------
    pandas.DataFrame
        One row per outcome and time point: n, mean, SD, median, Q1, Q3.
    """
    rows = []
    for s in summaries:
        for when, x in (("drug start", s.baseline), ("6 months", s.followup)):
            rows.append({"outcome": s.outcome.label, "unit": s.outcome.unit, "time": when, "n": x.n,
                         "mean": x.mean, "sd": x.sd, "median": x.median, "q1": x.q1, "q3": x.q3})
    return pd.DataFrame(rows)
