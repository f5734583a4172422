"""Reconstruct a cohort consistent with every published number: paired SPRITE.

The chart data of Wu et al. (Lupus 2017) are not public. This module builds a
10-patient table that reproduces every number of ``data/published.yml`` — the
counts, each mean and SD as printed, and each exact Wilcoxon p — on the grids
the measurements live on (2.5 mg prednisone tablets, whole mm/hour ESR) and in
clinically plausible ranges. It is *a* cohort the paper could have come from,
not *the* cohort: ``--seed`` gives others.

Method
------
SPRITE (Heathers et al. 2018) searches for a sample with a given mean and SD by
starting from random values with the right total and moving one grid step from
one value to another while that brings the SD closer to its target. Here it is
extended to paired data:

1. From :func:`cohortstats.stats.forensics.signed_rank_support` take the structure of
   each p without rises (``W = 0``): prednisone P = 0.008 is ``2/2^8``, so 8
   doses fell and 2 were unchanged; ESR P = 0.004 is ``2/2^9``, so 9 rates fell
   and 1 was unchanged. With ``W = 0`` the exact conditional p is ``2/2^k``
   whatever the ties among the changes, so the 2.5 mg grid (which makes ties
   common) cannot move it. (The alternative ``W = 1`` structures need one patient
   to rise by a change strictly smaller than every other.)
2. Draw a grid total for each time point among those passing GRIM, and the
   window of sums of squares for which the SD prints as published.
3. Mark the unchanged patients at random; start every other patient with a
   follow-up strictly below baseline, all inside the plausible ranges, and
   adjust single values until both totals are exact.
4. Walk: move one grid step between two patients' baselines, or between two
   follow-ups, or shift an unchanged patient (both visits) against one baseline
   and one follow-up. A move must keep every bound and every direction; it is
   taken when it brings the sums of squares closer to their windows (or, half
   the time, when it leaves the distance unchanged). Stop when both SDs print
   as published; restart (a new "try") after a step budget.
5. Check the exact conditional p with
   :func:`cohortstats.stats.paired.paired_signed_rank` (``method="exact"``,
   ``zero_method="wilcox"``), then the whole table with :func:`check`.

Everything is integer arithmetic in grid units driven by one
:class:`random.Random` seeded with ``seed``, so a seed gives the same bytes on
every platform.

References
----------
.. [1] Heathers JAJ, Anaya J, van der Zee T, Brown NJL. Recovering data from
   summary statistics: Sample Parameter Reconstruction via Iterative TEchniques
   (SPRITE). PeerJ Preprints 2018;6:e26968v1. doi:10.7287/peerj.preprints.26968v1
"""
from __future__ import annotations

import argparse
import csv
import io
import math
import os
import random
import sys
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import pandas as pd

from cohortstats.core import vocabulary as _vocabulary
from cohortstats.core.parameters import DEFAULTS
from cohortstats.stats.forensics import (grid_totals, rounds_to, rounds_to_sd, signed_rank_support,
                        sumsq_window)
from cohortstats.core.outcomes import describe as _describe
from cohortstats.stats.paired import paired_signed_rank
from cohortstats.core.paths import PUBLISHED
from cohortstats.core.paths import DATA

__all__ = [
    "COLUMNS", "RACES", "INDICATIONS", "RESPONSES", "OutcomeSpec", "OUTCOMES",
    "reconstruct", "check", "to_csv_text", "main",
]

#: Column order of the reconstructed file.
COLUMNS = (
    "patient_id", "sex", "race", "age_years",
    "prednisone_mg_baseline", "prednisone_mg_6mo",
    "esr_mm_hr_baseline", "esr_mm_hr_6mo",
    "indications", "response_6mo", "adverse_events",
)
#: Races drawn from (the vocabulary's, without "Not recorded"); the first is the one counted.
#: The race words the reconstruction writes: the paper's own ("six were African-American"), each a
#: synonym of an OMB category in data/vocabulary.yml (the loader reads them as those).
RACES = ("African-American", "White", "Asian", "Hispanic", "Other")
#: Indication codes in the abstract's order (the vocabulary's).
INDICATIONS = tuple(_vocabulary.INDICATIONS)
#: "all patients demonstrated complete or near resolution"
RESPONSES = _vocabulary.GOOD_RESPONSES
AGE_RANGE = (12, 18)          # adolescents
STEP_BUDGET = 20_000          # SPRITE steps per try
MAX_TRIES = 500


@dataclass(frozen=True)
class OutcomeSpec:
    """A paired measurement and its plausibility rules.

    Attributes
    ----------
    name : str
        Claim prefix in ``published.yml`` (``prednisone`` -> ``prednisone_p``, ...).
    baseline, followup : str
        Column names.
    grid : Fraction
        Every value is a multiple of this.
    baseline_range, followup_range : (int, int)
        Inclusive plausible range, in the unit.
    max_rise : Fraction
        The largest rise :func:`check` accepts ("by no more than a little").
    """

    name: str
    baseline: str
    followup: str
    grid: Fraction
    baseline_range: tuple
    followup_range: tuple
    max_rise: Fraction


def _spec(prefix, name, baseline_range, followup_range, max_rise):
    """An outcome's columns and grid (its first) from data/outcomes.yml, with plausibility rules."""
    o = _describe(name)
    return OutcomeSpec(prefix, o.baseline, o.followup, Fraction(str(o.grids[0])), baseline_range,
                       followup_range, Fraction(max_rise))


OUTCOMES = (
    _spec("prednisone", "prednisone_mg", (5, 60), (0, 40), "2.5"),
    _spec("esr", "esr_mm_hr", (2, 130), (2, 80), "5"),
)


# --------------------------------------------------------------------------- targets

def _text(published, cid):
    try:
        return str(published[cid]["text"])
    except (KeyError, TypeError):
        raise ValueError(f"`published` has no claim {cid!r} with a 'text'.") from None


def _count(published, cid):
    text = _text(published, cid)
    if not text.isdigit():
        raise ValueError(f"claim {cid!r} must be a whole number; not {text!r}.")
    return int(text)


def _scenario(published, spec, n):
    """(n_nonzero, W=0) structure of the outcome's p, as the number unchanged."""
    p_text = _text(published, f"{spec.name}_p")
    support = [k for k, w in signed_rank_support(p_text, n_range=range(1, n + 1)) if w == 0]
    if not support:
        raise ValueError(f"{spec.name}: P = {p_text} is not 2/2^k for any k <= {n}; "
                         "no structure without rises reproduces it.")
    return n - max(support)


# --------------------------------------------------------------------------- SPRITE

def _dist(q, window):
    lo, hi = window
    return lo - q if q < lo else (q - hi if q > hi else 0)


def _sprite_pairs(rng, n, z, spec, published):
    """One try: baseline and follow-up grid units, or None after the step budget."""
    g = spec.grid
    lo_b, hi_b = math.ceil(spec.baseline_range[0] / g), math.floor(spec.baseline_range[1] / g)
    lo_f, hi_f = math.ceil(spec.followup_range[0] / g), math.floor(spec.followup_range[1] / g)
    mb, sb = _text(published, f"{spec.name}_baseline_mean"), _text(published, f"{spec.name}_baseline_sd")
    mf, sf = _text(published, f"{spec.name}_followup_mean"), _text(published, f"{spec.name}_followup_sd")
    kb = rng.choice(grid_totals(mb, n, granularity=g))
    kf = rng.choice(grid_totals(mf, n, granularity=g))
    wb, wf = sumsq_window(kb, sb, n, granularity=g), sumsq_window(kf, sf, n, granularity=g)
    if not wb or not wf:
        return None, 0
    wb, wf = (wb[0], wb[-1]), (wf[0], wf[-1])  # parity is automatic: Q = K (mod 2)

    same = set(rng.sample(range(n), z))
    moving = [i for i in range(n) if i not in same]
    b, f = [0] * n, [0] * n
    for i in range(n):
        if i in same:
            b[i] = f[i] = rng.randint(max(lo_b, lo_f), min(hi_b, hi_f))
        else:
            b[i] = rng.randint(max(lo_b, lo_f + 1), hi_b)
            f[i] = rng.randint(lo_f, min(hi_f, b[i] - 1))
    # Make the totals exact, one grid step at a time, keeping f < b for the movers.
    for _ in range(50 * (hi_b + hi_f) * n):
        gap_b, gap_f = kb - sum(b), kf - sum(f)
        if gap_b == 0 and gap_f == 0:
            break
        i = rng.choice(moving)
        if gap_b > 0 and b[i] < hi_b:
            b[i] += 1
        elif gap_b < 0 and b[i] > lo_b and b[i] - 1 > f[i]:
            b[i] -= 1
        elif gap_f > 0 and f[i] < hi_f and f[i] + 1 < b[i]:
            f[i] += 1
        elif gap_f < 0 and f[i] > lo_f:
            f[i] -= 1
    else:
        return None, 0

    qb, qf = sum(x * x for x in b), sum(x * x for x in f)
    dist = _dist(qb, wb) + _dist(qf, wf)
    for step in range(1, STEP_BUDGET + 1):
        if dist == 0:
            return (b, f), step
        kind = rng.random()
        i, j = rng.sample(moving, 2)
        sign = 1 if rng.random() < 0.5 else -1
        nb, nf = {}, {}
        if kind < 0.45:                                 # baseline i += s, j -= s
            nb = {i: b[i] + sign, j: b[j] - sign}
        elif kind < 0.9 or not same:                    # follow-up i += s, j -= s
            nf = {i: f[i] + sign, j: f[j] - sign}
        else:                                           # unchanged u both visits
            u = rng.choice(sorted(same))
            nb = {u: b[u] + sign, i: b[i] - sign}
            nf = {u: f[u] + sign, j: f[j] - sign}
        bb = {k: nb.get(k, b[k]) for k in set(nb) | set(nf)}
        ff = {k: nf.get(k, f[k]) for k in set(nb) | set(nf)}
        if not all(lo_b <= bb[k] <= hi_b and lo_f <= ff[k] <= hi_f
                   and (ff[k] == bb[k] if k in same else ff[k] < bb[k]) for k in bb):
            continue
        new_qb = qb + sum(v * v - b[k] * b[k] for k, v in nb.items())
        new_qf = qf + sum(v * v - f[k] * f[k] for k, v in nf.items())
        new = _dist(new_qb, wb) + _dist(new_qf, wf)
        if new < dist or (new == dist and rng.random() < 0.5):
            for k, v in nb.items():
                b[k] = v
            for k, v in nf.items():
                f[k] = v
            qb, qf, dist = new_qb, new_qf, new
    return None, STEP_BUDGET


def _exact_p(before, after) -> float:
    """Exact conditional (ties-aware) two-sided p from the bundle's engine."""
    # Only the p is used here: conf_level=None skips the estimate and interval.
    res = paired_signed_rank(before, after, zero_method="wilcox", method="exact", conf_level=None)
    return float(res.pvalue)


def _p_matches(before, after, p_text) -> bool:
    return rounds_to(Fraction(_exact_p(before, after)).limit_denominator(10 ** 9), p_text)


def _values(units, grid):
    """Grid units as numbers: int when whole (35), float otherwise (7.5)."""
    out = []
    for k in units:
        x = k * grid
        out.append(int(x) if x.denominator == 1 else float(x))
    return out


# --------------------------------------------------------------------------- cohort

def _demographics(rng, n, n_female, n_aa):
    sex = ["F"] * n_female + ["M"] * (n - n_female)
    rng.shuffle(sex)
    others = [rng.choice(RACES[1:]) for _ in range(n - n_aa)]
    race = [RACES[0]] * n_aa + others
    rng.shuffle(race)
    age = [rng.randint(*AGE_RANGE) for _ in range(n)]
    # Every indication the abstract lists is some patient's; a few have two.
    codes = [set() for _ in range(n)]
    order = list(range(n))
    rng.shuffle(order)
    for slot, code in enumerate(INDICATIONS):
        codes[order[slot % n]].add(code)
    for i in range(n):
        if not codes[i]:
            codes[i].add(rng.choice(INDICATIONS))
        if rng.random() < 0.35:
            codes[i].add(rng.choice(INDICATIONS))
    indications = [";".join(c for c in INDICATIONS if c in s) for s in codes]
    response = [rng.choice(RESPONSES) for _ in range(n)]
    return sex, race, age, indications, response


def reconstruct(published: dict, seed: int = 0) -> pd.DataFrame:
    """Build a cohort consistent with every published number.

    Parameters
    ----------
    published : dict
        Claim id -> {"text", "kind", ...}: ``yaml.safe_load(...)["claims"]``.
    seed : int, default 0
        Seed of the search; each seed gives one cohort, the same on every run.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`, one row per patient ``R01``...; prednisone as
        float (mg), ESR and age as int. ``frame.attrs["reconstruct"]`` holds the
        seed, the tries and SPRITE steps per outcome, and the unchanged counts.

    Raises
    ------
    ValueError
        A claim is missing, or no cohort was found within the try budget.
    """
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"`seed` must be an int; not {type(seed).__name__}.")
    n = _count(published, "n_patients")
    n_female = _count(published, "n_female")
    n_aa = _count(published, "n_african_american")
    if not (n_female <= n and n_aa <= n):
        raise ValueError(f"counts exceed n = {n}: {n_female} female, {n_aa} African-American.")
    rng = random.Random(seed)
    columns, info = {}, {"seed": seed, "outcomes": {}}
    for spec in OUTCOMES:
        z = _scenario(published, spec, n)
        p_text = _text(published, f"{spec.name}_p")
        steps_total = 0
        for tries in range(1, MAX_TRIES + 1):
            pairs, steps = _sprite_pairs(rng, n, z, spec, published)
            steps_total += steps
            if pairs is None:
                continue
            before, after = _values(pairs[0], spec.grid), _values(pairs[1], spec.grid)
            if _p_matches(before, after, p_text):
                break
        else:
            raise ValueError(f"{spec.name}: no cohort found in {MAX_TRIES} tries (seed {seed}).")
        columns[spec.baseline], columns[spec.followup] = before, after
        info["outcomes"][spec.name] = {"tries": tries, "steps": steps_total, "unchanged": z,
                                       "n_nonzero": n - z}
    sex, race, age, indications, response = _demographics(rng, n, n_female, n_aa)
    frame = pd.DataFrame({
        "patient_id": [f"R{i + 1:02d}" for i in range(n)],
        "sex": sex, "race": race, "age_years": age,
        **columns,
        "indications": indications, "response_6mo": response,
        "adverse_events": ["none"] * n,
    }, columns=list(COLUMNS))
    for spec in OUTCOMES:
        dtype = "int64" if spec.grid.denominator == 1 else "float64"
        frame[spec.baseline] = frame[spec.baseline].astype(dtype)
        frame[spec.followup] = frame[spec.followup].astype(dtype)
    frame.attrs["reconstruct"] = info
    return frame


# --------------------------------------------------------------------------- check

def check(df: pd.DataFrame, published: dict) -> list[str]:
    """Every constraint the cohort violates, in words (empty: all met).

    Parameters
    ----------
    df : pandas.DataFrame
        A cohort with :data:`COLUMNS` (as :func:`reconstruct` returns or as
        read back from the CSV).
    published : dict
        The claims of ``published.yml``.

    Returns
    -------
    list of str
    """
    bad = []
    if tuple(df.columns) != COLUMNS:
        return [f"columns are {list(df.columns)}; expected {list(COLUMNS)}"]
    n = _count(published, "n_patients")
    if len(df) != n:
        bad.append(f"{len(df)} patients; published n = {n}")
    ids = [f"R{i + 1:02d}" for i in range(len(df))]
    if list(df["patient_id"]) != ids:
        bad.append(f"patient ids {list(df['patient_id'])}; expected {ids}")
    if not df["sex"].isin(["F", "M"]).all():
        bad.append("sex outside F/M")
    if (df["sex"] == "F").sum() != _count(published, "n_female"):
        bad.append(f"{(df['sex'] == 'F').sum()} female; published {_count(published, 'n_female')}")
    if not df["race"].isin(RACES).all():
        bad.append(f"race outside {RACES}")
    if (df["race"] == RACES[0]).sum() != _count(published, "n_african_american"):
        bad.append(f"{(df['race'] == RACES[0]).sum()} African-American; published "
                   f"{_count(published, 'n_african_american')}")
    ages = df["age_years"]
    if ages.isna().any() or not ages.between(*AGE_RANGE).all() or (ages % 1 != 0).any():
        bad.append(f"age outside whole years {AGE_RANGE[0]}-{AGE_RANGE[1]}")
    for spec in OUTCOMES:
        bad += _check_outcome(df, published, spec)
    codes = [c for cell in df["indications"] for c in str(cell).split(";")]
    unknown = sorted(set(codes) - set(INDICATIONS))
    if unknown:
        bad.append(f"unknown indications {unknown}")
    missing = [c for c in INDICATIONS if c not in codes]
    if missing:
        bad.append(f"indications the abstract lists but no patient has: {missing}")
    if not df["response_6mo"].isin(RESPONSES).all():
        bad.append(f"response_6mo outside {RESPONSES} (the abstract: all complete or near)")
    if not (df["adverse_events"] == "none").all():
        bad.append("adverse_events other than 'none' (the abstract: well tolerated)")
    return bad


def _check_outcome(df, published, spec) -> list[str]:
    bad = []
    n = len(df)
    cols = {"baseline": spec.baseline, "followup": spec.followup}
    ranges = {"baseline": spec.baseline_range, "followup": spec.followup_range}
    values = {}
    for when, col in cols.items():
        cells = df[col]
        if cells.isna().any():
            bad.append(f"{col}: missing values")
            return bad
        xs = [Fraction(float(x)) for x in cells]
        values[when] = xs
        if any(x % spec.grid for x in xs):
            bad.append(f"{col}: values off the {spec.grid} grid")
        lo, hi = ranges[when]
        if any(not lo <= x <= hi for x in xs):
            bad.append(f"{col}: values outside the plausible {lo}-{hi}")
        mean = sum(xs) / n
        text = _text(published, f"{spec.name}_{when}_mean")
        if not rounds_to(mean, text):
            bad.append(f"{col}: mean {float(mean):.6g} does not print as {text}")
        var = (sum(x * x for x in xs) - sum(xs) ** 2 / n) / (n - 1)
        text = _text(published, f"{spec.name}_{when}_sd")
        if not rounds_to_sd(var, text):
            bad.append(f"{col}: SD {math.sqrt(var):.6g} does not print as {text}")
    change = [a - b for b, a in zip(values["baseline"], values["followup"])]
    if any(d > spec.max_rise for d in change):
        bad.append(f"{spec.name}: a rise larger than {spec.max_rise}")
    if sum(d < 0 for d in change) * 2 <= n:
        bad.append(f"{spec.name}: fewer than half the patients decreased")
    before = [float(x) for x in values["baseline"]]
    after = [float(x) for x in values["followup"]]
    text = _text(published, f"{spec.name}_p")
    if not _p_matches(before, after, text):
        bad.append(f"{spec.name}: exact p {_exact_p(before, after):.6g} does not print as {text}")
    return bad


# --------------------------------------------------------------------------- output

def _cell(x) -> str:
    """One stable format: integers plainly (35), others by shortest repr (7.5)."""
    if isinstance(x, str):
        return x
    if isinstance(x, bool):
        raise TypeError(f"cannot write a bool cell: {x!r}")
    if isinstance(x, float):
        if math.isnan(x):
            return ""
        return str(int(x)) if x.is_integer() else repr(x)
    return str(int(x))


def to_csv_text(df: pd.DataFrame) -> str:
    """The cohort as CSV text: header, one line per patient, LF line ends."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(list(df.columns))
    for row in df.itertuples(index=False):
        writer.writerow([_cell(x.item() if hasattr(x, "item") else x) for x in row])
    return buf.getvalue()


def _summary(frame, published, out) -> str:
    info = frame.attrs["reconstruct"]
    lines = [f"reconstruct: seed {info['seed']} -> {out}"]
    lines.append(f"  cohort: n = {len(frame)}, {(frame['sex'] == 'F').sum()} female, "
                 f"{(frame['race'] == RACES[0]).sum()} African-American")
    for spec in OUTCOMES:
        o = info["outcomes"][spec.name]
        t = {k: _text(published, f"{spec.name}_{k}") for k in
             ("baseline_mean", "baseline_sd", "followup_mean", "followup_sd", "p")}
        lines.append(
            f"  {spec.name}: {o['tries']} tries, {o['steps']} SPRITE steps; "
            f"{o['n_nonzero']} fell, {o['unchanged']} unchanged, none rose; mean "
            f"{t['baseline_mean']} -> {t['followup_mean']}, SD {t['baseline_sd']} -> "
            f"{t['followup_sd']}, exact P = {t['p']} (grid {_cell(float(spec.grid))})")
    problems = check(frame, published)
    lines.append("  constraints: all met" if not problems else
                 "  constraints VIOLATED: " + "; ".join(problems))
    return "\n".join(lines)


def main(argv=None) -> int:
    """``python -m cohortstats.inputs.reconstruct --seed N --out data/cohort.csv``."""
    import yaml

    parser = argparse.ArgumentParser(
        prog="python -m cohortstats.inputs.reconstruct",
        description="Write a cohort consistent with every number in published.yml "
                    "(a reconstruction, not patient records).")
    parser.add_argument("--seed", type=int, default=None,
                        help="search seed (default: make's SEED, else 0: the shipped cohort)")
    parser.add_argument("--out", default="-", help="CSV to write ('-' for stdout, the default)")
    parser.add_argument("--out-default", action="store_true",
                        help="write data/cohort.csv for seed 0, data/cohort-seed<N>.csv otherwise")
    parser.add_argument("--published", default=str(PUBLISHED), help="published numbers (YAML)")
    args = parser.parse_args(argv)
    if args.seed is None:
        seed = os.environ.get("CS_SEED", str(DEFAULTS["seed"]))
        try:
            args.seed = int(seed)
        except ValueError:
            parser.error(f"SEED= must be a whole number; not {seed!r}")
    if args.out_default:
        args.out = str(DATA / ("cohort.csv" if args.seed == 0 else f"cohort-seed{args.seed}.csv"))
    with open(args.published, encoding="utf-8") as fh:
        published = yaml.safe_load(fh)["claims"]
    frame = reconstruct(published, args.seed)
    text = to_csv_text(frame)
    if args.out == "-":
        sys.stdout.write(text)
    else:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        with open(args.out, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    summary = _summary(frame, published, args.out)
    print(summary, file=sys.stderr)
    return 0 if "VIOLATED" not in summary else 1


if __name__ == "__main__":
    raise SystemExit(main())
