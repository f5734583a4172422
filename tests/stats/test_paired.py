"""Tests for cohortstats.stats.paired (exact Wilcoxon matched-pairs signed-rank test).

The R agreement tests read tests/reference/signed_rank_reference.json, written
by tests/reference/signed_rank_reference.R (R 4.2, coin, exactRankTests); R is
not needed to run them.  Tolerances: "rel" checks need |ours - R| <= 1e-9 |R|;
"abs" checks (coin's asymptotic p-value only, which coin computes to absolute
accuracy: it prints 0 for a p-value of ~1e-17) need |ours - R| <= 1e-9.
"""
from __future__ import annotations

import dataclasses
import doctest
import itertools
import json
import math
import warnings
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from cohortstats.stats import paired
from cohortstats.stats.paired import EXACT_MAX_N, SignedRankResult, paired_signed_rank, signed_rank_null
from cohortstats.stats.paired import _api
from cohortstats.stats.paired._asymptotic import _CompressedW
from cohortstats.stats.paired._exact import _prob_le
from cohortstats.stats.paired._ranks import _doubled_midranks, _tie_group_sizes
from cohortstats.stats.paired._walsh import _psignrank_cdf
from scipy.special import ndtri

REF = json.loads((Path(__file__).resolve().parents[1] / "reference" / "signed_rank_reference.json").read_text())
CASES = REF["cases"]


def _num(v):
    return float(v)  # a number, or one of the strings "NaN", "Inf", "-Inf"


def _field(res, field):
    if field.startswith("conf_int["):
        return None if res.conf_int is None else res.conf_int[int(field[len("conf_int[")])]
    return getattr(res, field)


def _calls():
    """The reference checks grouped by our call (case and keyword arguments): one test
    per call, so that a failure names the call and every R value it missed."""
    groups = {}
    for c in REF["checks"]:
        key = (c["case"], json.dumps(c["kwargs"], sort_keys=True))
        groups.setdefault(key, []).append(c)
    return groups


CALLS = _calls()


def _call_id(key):
    case, kw = key
    kw = json.loads(kw)
    return case + "-" + "-".join(f"{k}={v}" for k, v in kw.items())


def _w0(case, mu):
    """R's uniroot statistic without correction at mu, on the case's non-zero differences."""
    d = np.asarray(case["before"], float) - np.asarray(case["after"], float)
    return _CompressedW(d[d != 0], "two-sided")(mu, False)


def _agrees(case, check, res):
    """None if our value agrees with R's, else a message naming the R call."""
    got, want = _field(res, check["field"]), _num(check["value"])
    msg = f"{check['call']}  (R: {want!r}, ours: {got!r})"
    if math.isnan(want):
        # R: NaN bounds where the asymptotic interval is undefined; ours: None
        return None if got is None else msg
    if got is None:
        # the attained level of an undefined interval: R reports 0 beside NaN bounds
        ok = check["field"] == "conf_level" and res.conf_int is None and want == 0
        return None if ok else msg
    if math.isinf(want):
        return None if got == want else msg
    if check["tol"] == "abs":
        return None if abs(got - want) <= 1e-9 else msg
    if check["tol"] == "uniroot":
        # R's uniroot(tol = 1e-4) stops within 2 * (2 eps |b| + tol / 2) of the root.
        if abs(got - want) <= 1e-4 + 4 * np.finfo(float).eps * abs(want):
            return None
        # The estimate where R's statistic is 0 on a whole interval: R returns any point
        # of it, ours is its midpoint.  Both must be zeros of the same flat piece.
        if check["field"] == "estimate" and _w0(case, want) == 0 == _w0(case, got) == _w0(
                case, (got + want) / 2):
            return None
        return msg
    return None if abs(got - want) <= 1e-9 * abs(want) else msg


# --------------------------------------------------------------------------- R agreement
@pytest.mark.parametrize("key", list(CALLS), ids=[_call_id(k) for k in CALLS])
def test_agrees_with_r(key):
    """Every R value for one of our calls (tests/reference/signed_rank_reference.R)."""
    case_name, kwargs = key
    case = CASES[case_name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # R warns where we warn
        res = paired_signed_rank(case["before"], case["after"], **json.loads(kwargs))
    bad = [m for m in (_agrees(case, c, res) for c in CALLS[key]) if m]
    assert not bad, "\n".join(bad)


def test_reference_covers_the_brief():
    """The committed reference set has every kind of case asked for."""
    have = {(c["case"], c["field"], c["kwargs"].get("method"), c["kwargs"].get("zero_method", "wilcox"),
             c["kwargs"].get("alternative", "two-sided"), c["kwargs"].get("correction", True))
            for c in REF["checks"]}
    for name in ("no_ties", "tied_abs", "zeros", "n1", "n2", "n3", "all_positive", "all_negative_ties",
                 "n60_ties", "prednisone", "esr", "pratt_half"):
        assert any(h[0] == name and h[2] == "exact" and h[1] == "pvalue" for h in have), name
    for alt in ("greater", "less"):
        assert any(h[4] == alt and h[2] == "exact" and h[3] == "pratt" for h in have)
    assert any(h[5] is False and h[2] == "approx" and h[1] == "pvalue" for h in have)
    assert any(h[1] == "estimate" and h[2] == "exact" and h[0] == "no_ties" for h in have)
    # the exact estimate where only zeros keep R out of its exact branch
    assert any(h[1] == "estimate" and h[2] == "exact" and h[0] == "prednisone" for h in have)
    assert any(h[1] == "conf_int[0]" and h[2] == "approx" and h[0] == "prednisone" for h in have)


# --------------------------------------------------------------------------- hand-worked
def test_hand_worked_n3():
    # d = before - after = (2, -1, 3); |d| = (2, 1, 3) -> ranks (2, 1, 3); T+ = 2 + 3 = 5, T- = 1.
    # Under H0 each of the 2^3 = 8 sign patterns of ranks {1, 2, 3} is equally likely:
    #   positive ranks  {}  {1} {2} {3} {1,2} {1,3} {2,3} {1,2,3}
    #   T+               0   1   2   3    3     4     5      6
    # P(T+ >= 5) = #{5, 6} / 8 = 2/8 = 0.25          ("greater")
    # P(T+ <= 5) = 7/8 = 0.875                        ("less")
    # two-sided = min(1, 2 * min(0.25, 0.875)) = 0.5
    # rank-biserial r = (T+ - T-) / (T+ + T-) = (5 - 1) / 6 = 2/3
    b, a = [12, 9, 13], [10, 10, 10]
    r = paired_signed_rank(b, a, method="exact", alternative="greater", conf_level=None)
    assert r.statistic == 5 and r.pvalue == 0.25
    assert paired_signed_rank(b, a, method="exact", alternative="less", conf_level=None).pvalue == 0.875
    r2 = paired_signed_rank(b, a, method="exact", conf_level=None)
    assert r2.pvalue == 0.5 and r2.effect_size == pytest.approx(2 / 3, abs=1e-15)
    assert (r2.n_pairs, r2.n_nonzero, r2.n_zero, r2.n_ties, r2.z) == (3, 3, 0, 0, None)


def test_hand_worked_ties_half_ranks():
    # d = (1, -1, 2): |d| = (1, 1, 2) -> midranks (1.5, 1.5, 3); doubled (3, 3, 6).
    # 2T+ over the 8 sign patterns = subset sums of {3, 3, 6}: 0, 3, 3, 6, 6, 9, 9, 12.
    # Observed 2T+ = 3 + 6 = 9 (T+ = 4.5).  P(2T+ >= 9) = 3/8; two-sided = 6/8 = 0.75.
    r = paired_signed_rank([1, -1, 2], [0, 0, 0], method="exact", alternative="greater", conf_level=None)
    assert r.statistic == 4.5 and r.pvalue == 0.375 and r.n_ties == 1
    assert paired_signed_rank([1, -1, 2], [0, 0, 0], method="exact", conf_level=None).pvalue == 0.75
    pmf = signed_rank_null([3, 3, 6]) * 8
    assert pmf.tolist() == [1, 0, 0, 2, 0, 0, 2, 0, 0, 2, 0, 0, 1]


def test_pratt_vs_wilcox_by_hand():
    # d = (0, 1, -2, 3): Pratt ranks |d| with the zero: (1, 2, 3, 4), drops rank 1 ->
    # nonzero ranks (2, 3, 4), T+ = 2 + 4 = 6 of 9.  Wilcox drops the zero first: ranks
    # (1, 2, 3), T+ = 1 + 3 = 4 of 6.
    b, a = [0, 1, -2, 3], [0, 0, 0, 0]
    rp = paired_signed_rank(b, a, zero_method="pratt", method="exact", alternative="greater",
                            conf_level=None)
    rw = paired_signed_rank(b, a, zero_method="wilcox", method="exact", alternative="greater",
                            conf_level=None)
    assert rp.statistic == 6 and rw.statistic == 4
    # Pratt: subsets of {2,3,4} with sum >= 6: {2,4},{3,4},{2,3,4} -> 3/8
    assert rp.pvalue == 3 / 8
    # Wilcox: subsets of {1,2,3} with sum >= 4: {1,3},{2,3},{1,2,3} -> 3/8 (and {1,2,3}...)
    assert rw.pvalue == 3 / 8
    assert rp.n_zero == rw.n_zero == 1 and rp.n_nonzero == 3


# --------------------------------------------------------------------------- null distribution
def _brute_pmf(ranks2):
    total = sum(ranks2)
    counts = np.zeros(total + 1)
    for signs in itertools.product((0, 1), repeat=len(ranks2)):
        counts[sum(r for r, s in zip(ranks2, signs) if s)] += 1
    return counts / 2 ** len(ranks2)


@pytest.mark.parametrize("seed", range(8))
def test_null_matches_enumeration(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 12))
    absd = rng.integers(1, 5, n).astype(float)         # many ties
    r2 = _doubled_midranks(absd)
    want = _brute_pmf(r2.tolist())
    got = signed_rank_null(r2)
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=0)
    total = int(r2.sum())
    for L in range(-1, total + 2):
        assert _prob_le(r2, L) == pytest.approx(want[:max(L + 1, 0)].sum(), rel=1e-13, abs=0)
    np.testing.assert_allclose(signed_rank_null(r2, upto=total // 3), want[:total // 3 + 1], rtol=1e-14)


def test_null_no_ties_is_psignrank():
    # counts of the untied signed-rank statistic for n = 4 (OEIS A053632 row 4)
    assert (signed_rank_null([2, 4, 6, 8])[::2] * 16).tolist() == [1, 1, 1, 2, 2, 2, 2, 2, 1, 1, 1]


def test_null_rejects_bad_scores():
    with pytest.raises(ValueError, match="positive"):
        signed_rank_null([0, 2])
    with pytest.raises(ValueError, match="integers"):
        signed_rank_null([1.5, 2])


@pytest.mark.slow  # large n: the exact null at thousands of pairs
def test_large_n_scaling_and_far_tail():
    # n = 1000, all d > 0 except the smallest: T- = 1.  P(T+ >= observed) = P(T- <= 1) =
    # #{ {}, {1} } / 2^1000 = 2^-999 -- far below what unscaled counts (2^1000) allow.
    d = np.arange(1.0, 1001.0)
    d[0] = -1
    r = paired_signed_rank(d, np.zeros_like(d), method="exact", alternative="greater", conf_level=None)
    assert r.pvalue == pytest.approx(2.0 ** -999, rel=1e-12)
    # n = 1500 with ties: the pmf still sums to 1 and its tails agree with the split engine
    rng = np.random.default_rng(1)
    absd = np.abs(np.round(rng.normal(0, 4, 1500))) + 1
    r2 = _doubled_midranks(absd)
    pmf = signed_rank_null(r2)
    assert pmf.sum() == pytest.approx(1.0, rel=1e-12)
    cdf = np.cumsum(pmf)
    half, sd2 = int(r2.sum()) // 2, math.sqrt(float(np.sum(r2.astype(float) ** 2)) / 4)  # sd of 2T+
    far = half - int(8 * sd2)
    for L in (far, half - int(2 * sd2), half):
        assert _prob_le(r2, L) == pytest.approx(cdf[L], rel=1e-10)
    assert 1e-20 < _prob_le(r2, far) < 1e-13                     # a genuinely far tail


@pytest.mark.parametrize("kind", ["tied", "continuous"])
def test_tail_relative_accuracy_vs_exact_integers(kind):
    """Against exact big-integer counts: relative error ~1e-15 even at p ~ 1e-12."""
    rng = np.random.default_rng(4)
    d = np.round(rng.normal(0.3, 2.5, 130)) if kind == "tied" else rng.normal(0.2, 1, 130)
    d = d[d != 0]
    r2 = _doubled_midranks(np.abs(d))
    total = int(r2.sum())
    counts = np.zeros(total + 1, dtype=object)
    counts[:] = 0
    counts[0] = 1
    for a in r2.tolist():                      # exact integer shift-and-add
        new = counts.copy()
        new[a:] = counts[a:] + counts[:-a]
        counts = new
    sd2 = math.sqrt(float(np.sum(r2.astype(float) ** 2)) / 4)
    for k in (0.5, 3, 7):
        L = total // 2 - int(k * sd2)
        exact = Fraction(int(sum(counts[:L + 1])), 2 ** r2.size)
        got = _prob_le(r2, L)
        assert abs(Fraction(got) - exact) <= Fraction(1, 10 ** 13) * exact, (k, float(exact), got)


def test_exact_near_normal_for_large_n():
    rng = np.random.default_rng(7)
    d = np.round(rng.normal(0.1, 2, 400))
    ex = paired_signed_rank(d, 0 * d, method="exact", conf_level=None)
    ap = paired_signed_rank(d, 0 * d, method="approx", correction=True, conf_level=None)
    assert ex.pvalue == pytest.approx(ap.pvalue, rel=0.05)


# --------------------------------------------------------------------------- the exact estimate
def _walsh(d):
    """All Walsh averages (d_i + d_j) / 2, i <= j, by enumeration (independent of the engine)."""
    return sorted((d[i] + d[j]) / 2 for i in range(len(d)) for j in range(i, len(d)))


def _psignrank_enum(n):
    """P(T <= q), q = 0..n(n+1)/2, for the untied signed-rank null by enumerating 2^n signs."""
    counts = [0] * (n * (n + 1) // 2 + 1)
    for signs in itertools.product((0, 1), repeat=n):
        counts[sum(r for r, s in zip(range(1, n + 1), signs) if s)] += 1
    return list(itertools.accumulate(Fraction(c, 2 ** n) for c in counts))


def _exact_hl_reference(d, conf_level=0.95):
    """Median of the Walsh averages of the non-zero d and the two-sided interval at the
    untied null's quantiles, from enumeration only: k = min{q : P(T <= q) >= alpha/2} and
    the bounds are the k-th smallest and k-th largest Walsh averages (k >= 1)."""
    d = [x for x in d if x != 0]
    w = _walsh(d)
    cdf = _psignrank_enum(len(d))
    k = max(1, next(q for q, p in enumerate(cdf) if p >= Fraction(1 - conf_level) / 2))
    m = len(w)
    med = w[m // 2] if m % 2 else (w[m // 2 - 1] + w[m // 2]) / 2
    return med, (w[k - 1], w[m - k])


def test_exact_estimate_shipped_cohort_prednisone_by_hand():
    # data/cohort.csv, prednisone mg, d = drug start - 6 months:
    #   R01..R10: 0, 25, 5, 15, 0, 2.5, 5, 2.5, 20, 37.5  -> zeros R01, R05 dropped, n = 8
    #   non-zero d sorted: 2.5, 2.5, 5, 5, 15, 20, 25, 37.5 (ties: 2.5 twice, 5 twice)
    # The 8 * 9 / 2 = 36 Walsh averages, sorted:
    #   2.5 2.5 2.5 3.75 3.75 3.75 3.75 5 5 5 8.75 8.75 10 10 11.25 11.25 12.5 12.5
    #   13.75 13.75 15 15 15 17.5 20 20 20 20 21.25 21.25 22.5 25 26.25 28.75 31.25 37.5
    # Estimate: mean of the 18th and 19th = (12.5 + 13.75) / 2 = 13.125.
    # Untied null for n = 8 (counts of T = 0, 1, 2, 3, 4: 1, 1, 1, 2, 2 of 256):
    #   P(T <= 3) = 5/256 = 0.0195 < 0.025 <= P(T <= 4) = 7/256 = 0.0273 -> k = 4.
    # CI: 4th smallest = 3.75, 4th largest (33rd) = 26.25.
    d = [0, 25, 5, 15, 0, 2.5, 5, 2.5, 20, 37.5]
    assert _exact_hl_reference(d) == (13.125, (3.75, 26.25))
    r = paired_signed_rank(d, [0] * 10, method="exact")
    assert (r.estimate, r.conf_int, r.conf_level) == (13.125, (3.75, 26.25), 0.95)
    assert (r.n_zero, r.n_ties) == (2, 2)
    assert r.ci_method.startswith("exact: median of the Walsh averages of the 8 non-zero")


def test_exact_estimate_shipped_cohort_esr_by_hand():
    # ESR mm/hour, d = 1, 2, 0, 10, 29, 1, 9, 4, 43, 20 -> zero R03 dropped, n = 9
    #   non-zero d sorted: 1, 1, 2, 4, 9, 10, 20, 29, 43
    # 45 Walsh averages; sorted, the 23rd (the median) is 10.5:
    #   1 1 1 1.5 1.5 2 2.5 2.5 3 4 5 5 5.5 5.5 5.5 6 6.5 7 9 9.5 10 10.5 [10.5] 11 12 ...
    # n = 9: P(T <= 5) = 10/512 = 0.0195 < 0.025 <= P(T <= 6) = 14/512 = 0.0273 -> k = 6.
    # CI: 6th smallest = 2, 6th largest (40th) = 26.
    d = [1, 2, 0, 10, 29, 1, 9, 4, 43, 20]
    assert _exact_hl_reference(d) == (10.5, (2.0, 26.0))
    r = paired_signed_rank(d, [0] * 10, method="exact")
    assert (r.estimate, r.conf_int) == (10.5, (2.0, 26.0))


def test_shipped_cohort_prints_the_exact_estimate():
    """Issue 16: the report prints 13.125 (3.75 to 26.25) and 10.5 (2 to 26) for data/cohort.csv."""
    import csv
    rows = list(csv.DictReader(open(Path(__file__).resolve().parents[2] / "data" / "cohort.csv")))
    want = {"prednisone_mg": (13.125, (3.75, 26.25)), "esr_mm_hr": (10.5, (2.0, 26.0))}
    for col, (est, ci) in want.items():
        b = [float(r[f"{col}_baseline"]) for r in rows]
        a = [float(r[f"{col}_6mo"]) for r in rows]
        r = paired_signed_rank(b, a, method="exact")
        assert (r.estimate, r.conf_int) == (est, ci), col


@pytest.mark.parametrize("seed", range(12))
def test_exact_estimate_matches_enumeration_on_tied_data(seed):
    # small integer data with ties and zeros: the engine against _exact_hl_reference
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 12))
    d = rng.integers(-3, 6, n).astype(float) * 2.5
    if not np.any(d):
        d[0] = 2.5
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        r = paired_signed_rank(d, np.zeros(n), method="exact")
    est, ci = _exact_hl_reference(d.tolist())
    assert (r.estimate, r.conf_int) == (est, ci)


def test_walsh_median_of_one_minus_one_one():
    # Issue 16: d = (1, -1, 1).  Walsh averages: (1+1)/2 = 1 (three pairs), (1-1)/2 = 0 (two),
    # (-1-1)/2 = -1: sorted -1, 0, 0, 1, 1, 1 -> median (0 + 1) / 2 = 0.5.  R's asymptotic
    # root-finding gives 0.17: its statistic is 0 on all of (0, 1); the midpoint is 0.5.
    for method in ("exact", "approx"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            r = paired_signed_rank([1, -1, 1], [0, 0, 0], method=method)
        assert r.estimate == 0.5, method


def test_paper_prednisone():
    # The cohort as first shipped (tests/reference: case "prednisone"): d non-zero =
    # 5, 7.5, 20, 10, 2.5, 12.5, 22.5, 32.5 (two zeros dropped), 8 distinct values.
    r = paired_signed_rank(PRED_B, PRED_A)
    # 8 non-zero decreases, no negative: two-sided exact p = 2 * 2^-8
    assert r.method == "exact" and r.pvalue == 2 / 256
    assert (r.n_pairs, r.n_zero, r.n_nonzero, r.n_ties, r.statistic) == (10, 2, 8, 0, 36.0)
    assert r.effect_size == 1.0
    # R: wilcox.test(c(5, 7.5, 20, 10, 2.5, 12.5, 22.5, 32.5), exact = TRUE, conf.int = TRUE)
    #   estimate 13.125, conf.int 5 22.5 (R's exact branch on the non-zero differences)
    assert (r.estimate, r.conf_int) == (13.125, (5.0, 22.5))
    # R: wilcox.test(before, after, paired = TRUE, conf.int = TRUE) falls back to its
    # asymptotic root-finding because of the zeros:
    #   estimate 13.649540227649418, conf.int 5.0000179900787627 22.5000007608487
    # R's statistic is 0 on the whole piece between the Walsh averages 12.5 and 13.75, so
    # R's estimate is one point of it; located exactly: its midpoint 13.125, and the bounds
    # are the Walsh averages 5 and 22.5 (R's within uniroot's tol = 1e-4).
    a = paired_signed_rank(PRED_B, PRED_A, method="approx")
    assert (a.estimate, a.conf_int) == (13.125, (5.0, 22.5))
    W = _CompressedW(np.array([5, 7.5, 20, 10, 2.5, 12.5, 22.5, 32.5]), "two-sided")
    assert W(13.649540227649418, False) == W(13.125, False) == 0
    assert a.ci_method.startswith("asymptotic: R wilcox.test root-finding")


PRED_B = [35, 7.5, 12.5, 30, 17.5, 15, 5, 35, 40, 37.5]
PRED_A = [30, 7.5, 5, 10, 17.5, 5, 2.5, 22.5, 17.5, 5]


def _is_walsh_point(x, d):
    """x is a Walsh average of d or the midpoint of two (no solver noise)."""
    w = np.array(_walsh(list(d)))
    return bool(np.any(w == x) or np.any((w[:, None] + w[None, :]) / 2 == x))


@pytest.mark.parametrize("seed", range(10))
def test_estimate_in_interval_free_of_noise_and_same_for_every_alternative(seed):
    # Issue 16: ties_n5 "less" gave estimate 1.500042 above its upper bound 1.500040;
    # R's root-finding estimates carry solver noise and changed with `alternative`.
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(3, 30))
    d = np.round(rng.normal(0.5, 2, n) * 2) / 2
    if not np.any(d):
        d[0] = 1
    for method, correction in (("exact", True), ("approx", True), ("approx", False)):
        ests = set()
        for alt in ("two-sided", "greater", "less"):
            for level in (0.5, 0.8, 0.95):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    r = paired_signed_rank(d, 0 * d, method=method, correction=correction,
                                           alternative=alt, conf_level=level)
                ests.add(r.estimate)
                lo, hi = r.conf_int
                assert lo <= r.estimate <= hi, (method, alt, level, r)
                assert _is_walsh_point(r.estimate, d[d != 0]), r.estimate
                for b in (lo, hi):
                    assert math.isinf(b) or _is_walsh_point(b, d[d != 0]), b
        assert len(ests) == 1, (method, ests)


def test_ties_n5_less_is_inside():
    # Issue 16's ties_n5: R's "less" interval ends at 1.500040, its estimate is 1.500042.
    d = np.array([1.0, 1.5, 1.5, 2.0, -0.5])
    for method in ("exact", "approx"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            r = paired_signed_rank(d, 0 * d, method=method, alternative="less")
        assert r.conf_int[0] == -math.inf and r.estimate <= r.conf_int[1]


def test_estimate_is_exactly_zero_where_the_answer_is_zero():
    # Issue 16: "5.1e-05 where the answer is 0".  d = (-2, -1, 1, 2, 3, -3): symmetric about
    # 0, Walsh averages symmetric about 0 -> median 0 exactly, for both methods.
    d = np.array([-2.0, -1, 1, 2, 3, -3])
    for method in ("exact", "approx"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            assert paired_signed_rank(d, 0 * d, method=method).estimate == 0.0


# --------------------------------------------------------------------------- ties in floating point
# b - a are all 0.1 (or -0.1, 0.3, 0.6) in decimal but 4 distinct doubles near 0.1 (R's
# sprintf("%.17g", b - a): 0.099999999999999978 0.10000000000000003 0.10000000000000009
# 0.10000000000000009 -0.099999999999999978 0.30000000000000027 0.59999999999999998).
FP_B = [0.3, 0.4, 1.1, 2.2, 0.5, 3.1, 1.0]
FP_A = [0.2, 0.3, 1.0, 2.1, 0.6, 2.8, 0.4]


def test_near_ties_are_merged_as_r_digits_rank():
    # |d| = 0.1 (five times), 0.3, 0.6 -> midranks 3 (x5), 6, 7; T+ = 4 * 3 + 6 + 7 = 25.
    # R: wilcox.test(b, a, paired = TRUE, exact = FALSE, digits.rank = 7)$statistic
    #   25
    # R: wilcox.test(b, a, paired = TRUE, exact = FALSE, digits.rank = 7)$p.value
    #   0.065501214256931131
    r = paired_signed_rank(FP_B, FP_A, method="approx", conf_level=None)
    assert r.statistic == 25 and r.n_ties == 1
    assert r.pvalue == pytest.approx(0.065501214256931131, rel=1e-12)


def test_tie_rtol_zero_is_r_default():
    # R: wilcox.test(b, a, paired = TRUE, exact = FALSE)$statistic
    #   26.5
    # R: wilcox.test(b, a, paired = TRUE, exact = FALSE)$p.value
    #   0.041785168403922129
    r = paired_signed_rank(FP_B, FP_A, method="approx", conf_level=None, tie_rtol=0)
    assert r.statistic == 26.5
    assert r.pvalue == pytest.approx(0.041785168403922129, rel=1e-12)


def test_near_zero_difference_is_zero():
    # 0.3 - (0.1 + 0.2) = -5.6e-17: zero in decimal, and zero up to 1e-9 of the values.
    r = paired_signed_rank([0.3, 5, 6, 7], [0.1 + 0.2, 4, 4, 4], conf_level=None)
    assert (r.n_zero, r.n_nonzero) == (1, 3)
    r0 = paired_signed_rank([0.3, 5, 6, 7], [0.1 + 0.2, 4, 4, 4], conf_level=None, tie_rtol=0)
    assert (r0.n_zero, r0.n_nonzero) == (0, 4)


def test_merge_near_ties_leaves_distinct_values_alone():
    rng = np.random.default_rng(3)
    b, a = rng.normal(0, 1, 200), rng.normal(0, 1, 200)
    assert np.array_equal(paired.merge_near_ties(b, a), b - a)


# --------------------------------------------------------------------------- behaviour
def test_nan_pairs_dropped_and_counted():
    b = [1.0, np.nan, 3.0, 4.0, 6.0, 2.0]
    a = [0.0, 1.0, np.nan, 1.5, 2.0, 5.0]
    with pytest.warns(RuntimeWarning, match="not achievable"):   # n = 4: as R
        r = paired_signed_rank(b, a)
    assert (r.n_dropped, r.n_pairs) == (2, 4)
    with pytest.warns(RuntimeWarning, match="not achievable"):
        ref = paired_signed_rank([1.0, 4.0, 6.0, 2.0], [0.0, 1.5, 2.0, 5.0])
    assert dataclasses.replace(r, n_dropped=0) == ref
    r2 = paired_signed_rank([1, None, 3, 4], [0, 1, 2, None], conf_level=None)
    assert (r2.n_dropped, r2.n_pairs) == (2, 2)


def test_auto_threshold():
    rng = np.random.default_rng(3)
    d = rng.normal(0, 1, EXACT_MAX_N + 5)
    for k, want in ((EXACT_MAX_N - 1, "exact"), (EXACT_MAX_N, "approx")):
        dd = np.r_[d[:k], np.zeros(5)]                   # zeros do not count
        r = paired_signed_rank(dd, np.zeros_like(dd), conf_level=None)
        assert r.method == want and r.n_nonzero == k
        assert (r.z is None) == (want == "exact")


def test_symmetry_swap_and_scale():
    rng = np.random.default_rng(5)
    b = np.round(rng.normal(10, 3, 25))
    a = np.round(rng.normal(9, 3, 25))
    r = paired_signed_rank(b, a, method="exact")
    s = paired_signed_rank(a, b, method="exact")
    assert r.pvalue == s.pvalue and r.statistic + s.statistic == (r.n_nonzero * (r.n_nonzero + 1)) / 2
    assert r.effect_size == -s.effect_size
    g = paired_signed_rank(b, a, method="exact", alternative="greater").pvalue
    assert g == paired_signed_rank(a, b, method="exact", alternative="less").pvalue
    assert paired_signed_rank(2.5 * b, 2.5 * a, method="exact").pvalue == r.pvalue


def test_tie_count_definition():
    # |d| nonzero = 1,1,2,2,2,3 -> two tied groups; zeros are not counted
    r = paired_signed_rank([1, -1, 2, 2, -2, 3, 0, 0], [0] * 8, conf_level=None)
    assert (r.n_ties, r.n_zero, r.n_nonzero) == (2, 2, 6)


def test_result_is_frozen_and_has_no_nan():
    r = paired_signed_rank([3, 1, 4, 1, 5, 9, 2, 6], [2, 7, 1, 8, 2, 8, 1, 8])
    assert isinstance(r, SignedRankResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.pvalue = 0.5
    # n = 1: R's asymptotic interval is NaN; ours is None, and the reason is given
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        one = paired_signed_rank([5], [2], method="approx")
    assert one.conf_int is None and one.conf_level is None and one.estimate == 3.0
    assert "CI undefined: every non-zero difference is the same value" in one.ci_method
    for res in (r, one):
        for f in dataclasses.fields(res):
            v = getattr(res, f.name)
            for x in (v if isinstance(v, tuple) else (v,)):
                assert not (isinstance(x, float) and math.isnan(x)), f.name


def test_conf_level_none_skips_interval():
    r = paired_signed_rank(PRED_B, PRED_A, conf_level=None)
    assert r.estimate is None and r.conf_int is None and r.conf_level is None
    assert r.pvalue == 2 / 256


def test_unachievable_level_warns():
    with pytest.warns(RuntimeWarning, match="not achievable"):
        r = paired_signed_rank([12, 9, 13], [10, 10, 10], method="exact", conf_level=0.99)
    assert r.conf_level == 0.75          # R: 1 - signif(2 * psignrank(0, 3), 2)


def test_exact_ci_is_walsh_quantile():
    # no ties, no zeros: estimate = median of the n(n+1)/2 Walsh averages
    d = np.array([0.8, -1.3, 2.9, 4.1, 0.2, 3.3, -0.6, 1.7])
    r = paired_signed_rank(d, np.zeros_like(d), method="exact")
    walsh = sorted((d[i] + d[j]) / 2 for i in range(8) for j in range(i, 8))
    assert r.ci_method.startswith("exact: median of the Walsh averages")
    assert r.estimate == pytest.approx(np.median(walsh), abs=1e-15)
    # qsignrank(0.025, 8) = 4: bounds are the 4th smallest and the 4th largest
    assert r.conf_int == (walsh[3], walsh[-4])


def test_docstring_examples():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        failures, _ = doctest.testmod(paired, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert failures == 0


def test_against_scipy_where_scipy_is_right():
    from scipy.stats import wilcoxon
    rng = np.random.default_rng(11)
    d = rng.normal(0.3, 1, 30)                     # no ties, no zeros
    ours = paired_signed_rank(d, np.zeros_like(d), method="exact", conf_level=None)
    assert ours.pvalue == pytest.approx(wilcoxon(d, method="exact").pvalue, rel=1e-12)
    ours = paired_signed_rank(d, np.zeros_like(d), method="approx", conf_level=None)
    assert ours.pvalue == pytest.approx(wilcoxon(d, method="approx", correction=True).pvalue, rel=1e-12)


def test_exact_p_is_a_dyadic_rational_for_small_n():
    r = paired_signed_rank([5, 7, 7, 9, 3, 8, 6, 10, 4, 12], [5, 5, 7, 6, 4, 5, 6, 4, 6, 5], method="exact")
    frac = Fraction(r.pvalue)
    assert frac.denominator & (frac.denominator - 1) == 0   # k / 2^n


# --------------------------------------------------------------------------- errors
@pytest.mark.parametrize("kw, exc, msg", [
    ({"zero_method": "x"}, ValueError, "`zero_method` must be one of {'wilcox', 'pratt'}; not 'x'."),
    ({"zero_method": "zsplit"}, ValueError, "`zero_method` must be one of {'wilcox', 'pratt'}; not 'zsplit'."),
    ({"method": "permutation"}, ValueError,
     "`method` must be one of {'auto', 'exact', 'approx'}; not 'permutation'."),
    ({"alternative": "two.sided"}, ValueError,
     "`alternative` must be one of {'two-sided', 'greater', 'less'}; not 'two.sided'."),
    ({"zero_method": 1}, TypeError, "`zero_method` must be a str"),
    ({"correction": "yes"}, TypeError, "`correction` must be a bool; not str."),
    ({"conf_level": 1.5}, ValueError, "`conf_level` must be strictly between 0 and 1; not 1.5."),
    ({"conf_level": 0}, ValueError, "`conf_level` must be strictly between 0 and 1; not 0.0."),
    ({"conf_level": "0.95"}, TypeError, "`conf_level` must be a real number or None; not str."),
])
def test_option_errors(kw, exc, msg):
    with pytest.raises(exc) as info:
        paired_signed_rank([1, 2, 3], [0, 0, 0], **kw)
    assert msg in str(info.value)


def test_data_errors():
    with pytest.raises(ValueError, match=r"same length; got 3 and 2"):
        paired_signed_rank([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="all 3 complete differences .* are zero"):
        paired_signed_rank([1, 2, 3], [1, 2, 3])
    with pytest.raises(ValueError, match="no complete pairs"):
        paired_signed_rank([np.nan, 1], [1, np.nan])
    with pytest.raises(ValueError, match="empty"):
        paired_signed_rank([], [])
    with pytest.raises(ValueError, match="`after` must not contain infinite"):
        paired_signed_rank([1, 2], [0, np.inf])
    with pytest.raises(ValueError, match="`before` must be 1-D"):
        paired_signed_rank([[1, 2]], [[0, 0]])
    with pytest.raises(TypeError, match="`before` must contain real numbers"):
        paired_signed_rank(["a", "b"], [1, 2])
    with pytest.raises(TypeError, match="`after` must contain real numbers"):
        paired_signed_rank([1, 2], [1 + 1j, 2])
    with pytest.raises(TypeError, match="`before` must contain real numbers"):
        paired_signed_rank([True, False], [1, 2])
    with pytest.raises(TypeError, match="`before` must be a 1-D array"):
        paired_signed_rank("12", [1, 2])
    with pytest.raises(TypeError, match="`after` must contain real numbers"):
        paired_signed_rank([1, 2], [1, "x"])
    with pytest.raises(TypeError, match="`after` must contain real numbers only"):
        paired_signed_rank([1, 2], [1, object()])


# --------------------------------------------------------------------------- large n: speed, R's
# asymptotic interval on heavily tied data, size guards of the exact method
def _big_cohort_pairs(n, seed=20170601):
    """The prednisone and ESR pairs of bench/make_big_cohort.py (same draws)."""
    rng = np.random.default_rng(seed)
    pb = rng.integers(2, 25, n) * 2.5
    pf = np.maximum(pb - rng.integers(-1, 12, n) * 2.5, 0)
    eb = rng.integers(2, 130, n).astype(float)
    ef = np.clip(eb - rng.integers(-10, 40, n), 2, None).astype(float)
    return (pb, pf), (eb, ef)


def _w_naive(x, mu, correct, alternative):
    """R's uniroot statistic W(mu), ranking all n values (the pre-compression code)."""
    xd = x - mu
    xd = xd[xd != 0]
    nx = xd.size
    dr2 = _doubled_midranks(np.abs(xd))
    zd = float(np.sum(dr2[xd > 0])) / 2.0 - nx * (nx + 1) / 4
    t = _tie_group_sizes(dr2).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        sigma = math.sqrt(nx * (nx + 1) * (2 * nx + 1) / 24 - float(np.sum(t ** 3 - t)) / 48)
    corr = 0.0
    if correct:
        corr = {"two-sided": (0.5 if zd > 0 else -0.5 if zd < 0 else 0.0),
                "greater": 0.5, "less": -0.5}[alternative]
    num = zd - corr
    if sigma == 0:
        return math.nan if num == 0 else math.copysign(math.inf, num)
    return num / sigma


@pytest.mark.parametrize("kind", ["continuous", "grid", "decimal", "near_collisions"])
def test_compressed_w_is_bit_identical(kind):
    rng = np.random.default_rng(11)
    for n in (1, 2, 7, 60, 250):
        x = {"continuous": lambda: rng.normal(0.3, 1, n),
             "grid": lambda: np.round(rng.normal(0.3, 3, n)) * 2.5,
             "decimal": lambda: rng.integers(-5, 9, n) * 0.1,
             "near_collisions": lambda: np.r_[rng.normal(0, 1, n), 1 + rng.normal(0, 1e-16, 5)]}[kind]()
        x = x[x != 0]
        if not x.size:
            continue
        for alt in ("two-sided", "greater", "less"):
            W = _CompressedW(x, alt)
            mus = np.r_[x[:15], (x[:8, None] + x[None, :8]).ravel() / 2,
                        rng.uniform(x.min() - 1, x.max() + 1, 10), np.nextafter(x[:8], np.inf)]
            for mu in mus:
                for correct in (True, False):
                    a, b = W(float(mu), correct), _w_naive(x, float(mu), correct, alt)
                    assert a == b or (math.isnan(a) and math.isnan(b)), (n, alt, mu, a, b)


def test_large_tied_cohort_agrees_with_r():
    """n = 20,000 pairs as bench/make_big_cohort.py, against R.

    R 4.2.2: wilcox.test(b, a, paired = TRUE, conf.int = TRUE, exact = FALSE) on the
    same data (written by make_big_cohort.py 20000) gives
      prednisone: estimate 12.499974762442758, conf.int 11.250010214987011 12.499952147755844
      ESR:        estimate 13.000050896960207, conf.int 12.999973797725342 13.499973842785291
    R's prednisone estimate lies 2e-5 above its upper bound (uniroot's tol = 1e-4 around the
    jump of the statistic at 12.5): we locate the jumps exactly, [11.25, 12.5] and 12.5, which
    is within R's tolerance of R's values.  ESR is R's, bit for bit.
    """
    (pb, pf), (eb, ef) = _big_cohort_pairs(20_000)
    r = paired_signed_rank(pb, pf)
    assert r.method == "approx" and r.ci_method.startswith("asymptotic: R wilcox.test")
    assert (r.conf_int, r.estimate) == ((11.25, 12.5), 12.5)
    assert r.estimate == pytest.approx(12.499974762442758, abs=1e-4)
    assert r.conf_int == pytest.approx((11.250010214987011, 12.499952147755844), abs=1e-4)
    r = paired_signed_rank(eb, ef)
    assert (r.conf_int, r.estimate) == ((13.0, 13.5), 13.0)
    assert r.estimate == pytest.approx(13.000050896960207, abs=1e-4)
    assert r.conf_int == pytest.approx((12.999973797725342, 13.499973842785291), abs=1e-4)


@pytest.mark.parametrize("n", [50_000, 100_000, 200_000])
def test_large_tied_cohort_interval_is_ordered(n):
    """Heavy ties at one value: R's three roots are arbitrary points within 1e-4 of one jump.

    R 4.2.2 on the n = 100,000 cohort returns reversed intervals:
      prednisone: estimate 12.499966433735057, conf.int 12.499940061259647 12.499932643583431
      ESR:        estimate 13.000050838827372, conf.int 13.000057213970546 13.00000938402599
    (and on 10**6 patients: 12.49996755001671, 12.499963249053536 12.499942835682141).  The
    statistic jumps across both quantiles at the Walsh average 12.5 (13 for ESR), so the
    interval is [12.5, 12.5]; we return that, within R's tolerance of R's values.
    """
    (pb, pf), (eb, ef) = _big_cohort_pairs(n)
    for (b, a), want in (((pb, pf), 12.5), ((eb, ef), 13.0)):
        r = paired_signed_rank(b, a)
        lo, hi = r.conf_int
        assert lo <= r.estimate <= hi
        if n == 100_000:
            assert (lo, r.estimate, hi) == (want, want, want)
        assert abs(r.estimate - want) < 1e-4 and abs(lo - want) < 1.25 + 1e-4 and abs(hi - want) < 1e-4
        # the bounds sit on jumps of R's statistic
        d = (b - a)[b != a]
        W = _CompressedW(d, "two-sided")
        z = float(ndtri(0.975))
        assert W(hi + 1e-9, True) < -z and W(lo - 1e-9, True) > z


def test_narrow_continuous_interval_is_located_exactly():
    # continuous data on a tiny scale: the interval (~1e-7 wide) is below uniroot's tol = 1e-4
    rng = np.random.default_rng(8)
    d = rng.normal(2e-6, 1e-5, 20_000)
    r = paired_signed_rank(d, np.zeros_like(d))
    lo, hi = r.conf_int
    assert lo < r.estimate < hi and hi - lo < 1e-6
    # same answer as the well-resolved problem scaled by 1e6, up to that problem's tolerance
    s = paired_signed_rank(d * 1e6, np.zeros_like(d))
    assert lo * 1e6 == pytest.approx(s.conf_int[0], abs=2e-4)
    assert hi * 1e6 == pytest.approx(s.conf_int[1], abs=2e-4)
    assert r.estimate * 1e6 == pytest.approx(s.estimate, abs=2e-4)


def test_exact_size_limit_raises():
    rng = np.random.default_rng(2)
    d = np.round(rng.normal(0.3, 5, 100_000))
    with pytest.raises(ValueError, match=r"`method='exact'` supports up to EXACT_LIMIT_N = 10000 "
                                         r"non-zero pairs.*got \d+.*'approx' or 'auto'"):
        paired_signed_rank(d, np.zeros_like(d), method="exact")
    r = paired_signed_rank(d, np.zeros_like(d))                   # auto -> approx: fine
    assert r.method == "approx"


def test_walsh_guard_uses_asymptotic_ci(monkeypatch):
    rng = np.random.default_rng(9)
    d = rng.normal(0.4, 1, 60)
    monkeypatch.setattr(_api, "WALSH_MAX_N", 50)  # where paired_signed_rank reads it
    r = paired_signed_rank(d, np.zeros_like(d), method="exact")
    assert r.method == "exact" and r.ci_method.startswith("asymptotic")
    assert "limited to WALSH_MAX_N = 50 distinct differences (here 60)" in r.ci_method
    ap = paired_signed_rank(d, np.zeros_like(d), method="approx")
    assert (r.estimate, r.conf_int) == (ap.estimate, ap.conf_int)
    monkeypatch.setattr(_api, "WALSH_MAX_N", 60)
    assert paired_signed_rank(d, np.zeros_like(d), method="exact").ci_method.startswith("exact")


def test_exact_interval_on_a_grid_counts_distinct_values():
    # 3000 pairs on a 2.5 mg grid: 40 distinct differences, so the Walsh averages are built
    # from 40 * 41 / 2 = 820 sums with multiplicities; checked against the expanded list.
    rng = np.random.default_rng(12)
    d = rng.integers(-8, 30, 3000) * 2.5
    d = d[d != 0][:400]
    r = paired_signed_rank(d, 0 * d, method="exact")
    w = np.sort(np.concatenate([d[i] + d[i:] for i in range(d.size)])) / 2
    assert r.estimate == np.median(w)
    n = d.size
    k = int(np.searchsorted(_psignrank_cdf(n), 0.025 - 10 * np.finfo(float).eps))
    assert r.conf_int == (w[k - 1], w[w.size - k])


def _jumps(x, pred):
    """Every Walsh average of ``x`` at which ``pred`` turns from true (below) to false (above).

    Exhaustive: the Walsh averages ``(x_i + x_j) / 2``, ``i <= j``, sorted; ``pred`` is
    evaluated between each two neighbours (where W is constant), so a jump is found
    wherever it is, however close its neighbours are.
    """
    u = np.unique(x)
    w = np.unique(((u[:, None] + u[None, :]) / 2)[np.triu_indices(u.size)])
    between = np.concatenate(([w[0] - 1], (w[:-1] + w[1:]) / 2, [w[-1] + 1]))
    holds = [pred(m) for m in between]
    return [float(w[k]) for k in range(w.size) if holds[k] and not holds[k + 1]]


@pytest.mark.parametrize("seed", range(8))
def test_interval_bounds_are_the_jumps_where_walsh_averages_crowd(seed):
    """Walsh averages about 1e-6 apart (six values, each four times with a random jitter below
    1e-6): the bracket of a bound holds several of them, and the bound is the one where W jumps.

    Reference: an exhaustive search over every Walsh average (``_jumps``); W has no ties
    and no zero between Walsh averages here, so it is monotone and each bound has one jump.
    """
    from scipy.special import ndtri

    rng = np.random.default_rng(seed)
    x = np.repeat([-1.0, 0.5, 1.0, 2.0, 3.0, 4.0], 4) + rng.uniform(0, 1e-6, 24)
    Wc = _CompressedW(x, "two-sided")
    for level in (0.8, 0.95):
        r = paired_signed_rank(x, 0 * x, method="approx", conf_level=level)
        a = 1 - level
        lower = _jumps(x, lambda m: Wc(m, True) > float(ndtri(1 - a / 2)))
        upper = _jumps(x, lambda m: Wc(m, True) > float(ndtri(a / 2)))
        assert len(lower) == len(upper) == 1
        assert r.conf_int == (lower[0], upper[0]), level
        # the case this guards: other Walsh averages within 1e-4 (uniroot's tolerance) of a bound
        w = (x[:, None] + x[None, :]) / 2
        assert ((np.abs(w - lower[0]) < 1e-4) & (w != lower[0])).any()
