"""GRIM, GRIMMER and signed-rank support: hand-derived values, working in comments."""
from fractions import Fraction

import numpy as np
import pytest

from cohortstats.stats.claims import PublishedClaim, load_published
from cohortstats.stats.consistency import Finding, consistency
from cohortstats.core.outcomes import describe
from cohortstats.core.paths import PUBLISHED
from cohortstats.stats.forensics import (grid_totals, grim, grim_rounding, grimmer,
                                   grimmer_rounding, grimmer_witness, rounds_to, rounds_to_sd,
                                   signed_rank_pvalue, signed_rank_support, sumsq_window)



# --------------------------------------------------------------------------- rounding

@pytest.mark.parametrize("x, printed, expected", [
    # Half up: 23.45 is the lowest value printing as 23.5, 23.55 already prints 23.6.
    (Fraction(2345, 100), "23.5", True),
    (Fraction(2355, 100), "23.5", False),
    (Fraction(23549, 1000), "23.5", True),
    # 0.0078125 = 4/512 prints as 0.008 at three decimals.
    (Fraction(4, 512), "0.008", True),
    # 0.00390625 = 2/512 prints as 0.004.
    (Fraction(2, 512), "0.004", True),
    # 0.0035 is a tie and goes up, to 0.004 (round(0.0035, 3) in floats gives 0.003).
    (Fraction(35, 10000), "0.004", True),
])
def test_rounds_to_is_half_up_and_exact(x, printed, expected):
    assert rounds_to(x, printed, rounding="half-up") is expected


def test_rounds_to_sd_works_on_the_variance():
    # SS = 6.25 * (1138 - 94^2/10) = 6.25 * 254.4 = 1590; var = 1590/9 = 176.67; SD = 13.292 -> 13.3
    assert rounds_to_sd(Fraction(1590, 9), "13.3")
    # var 178.2225 = 13.35^2 exactly: SD 13.35 prints as 13.4 half up, not 13.3 ...
    assert not rounds_to_sd(Fraction("178.2225"), "13.3", rounding="half-up")
    assert rounds_to_sd(Fraction("178.2225"), "13.4", rounding="half-up")
    # ... but R prints the double of 13.35, a little below it, as 13.3:
    # R: sprintf("%.1f", sqrt(178.2225))
    #   "13.3"
    assert rounds_to_sd(Fraction("178.2225"), "13.3", rounding="half-even")
    assert rounds_to_sd(Fraction("178.2225"), "13.3")          # either rule (the default)


@pytest.mark.parametrize("x, printed, rounding, expected", [
    # R: sprintf("%.2f", 17/8)  -> "2.12": the tie 2.125 is a double, rounded half to even.
    (Fraction(17, 8), "2.12", "half-even", True),
    (Fraction(17, 8), "2.12", "half-up", False),
    (Fraction(17, 8), "2.13", "half-up", True),
    (Fraction(17, 8), "2.13", "half-even", False),
    (Fraction(17, 8), "2.12", "either", True),
    (Fraction(17, 8), "2.13", "either", True),
    # R: sprintf("%.2f", 3/40)  -> "0.07": 0.075 is not a double; its double is below it.
    # Half up on the exact value gives 0.08, so only the R rule accepts 0.07.
    (Fraction(3, 40), "0.07", "half-even", True),
    (Fraction(3, 40), "0.07", "half-up", False),
    (Fraction(3, 40), "0.08", "half-up", True),
    # R: sprintf("%.1f", 1/4)  -> "0.2"
    (Fraction(1, 4), "0.2", "half-even", True),
    (Fraction(1, 4), "0.3", "half-up", True),
])
def test_rounds_to_under_each_rule(x, printed, rounding, expected):
    assert rounds_to(x, printed, rounding=rounding) is expected


def test_bad_rounding_names_the_allowed_set():
    with pytest.raises(ValueError, match=r"^`rounding` must be one of \{'either', 'half-up', "
                                         r"'half-even'\}; not 'half-down'\.$"):
        grim("2.12", 8, rounding="half-down")
    with pytest.raises(TypeError, match="`rounding` must be a str"):
        rounds_to(1, "1", rounding=None)


# --------------------------------------------------------------------------- GRIM

@pytest.mark.parametrize("mean, n, decimals, granularity, expected", [
    # Brown & Heathers 2016 (doi:10.1177/1948550616673876), worked example:
    # 145/28 = 5.179 -> 5.18 and 146/28 = 5.214 -> 5.21; nothing prints 5.19.
    ("5.19", 28, None, 1, False),
    # Same paper: 5.18 is possible (145/28 = 5.1786 -> 5.18).
    ("5.18", 28, None, 1, True),
    # Wu et al. 2017 prednisone baseline: 235 mg / 2.5 = 94 whole tablets -> 23.5.
    ("23.5", 10, None, 2.5, True),
    # Wu et al. 2017 prednisone follow-up: 122.5 mg = 49 x 2.5 -> 12.25.
    ("12.25", 10, None, 2.5, True),
    # ... but not in whole mg: 122/10 = 12.2 and 123/10 = 12.3 skip 12.25.
    ("12.25", 10, None, 1, False),
    # On the 2.5 grid with n = 10 the means step by 0.25: 23.25 -> 23.3 (tie, half up),
    # 23.5 -> 23.5; so 23.4 is impossible and 23.3 possible only through half-up.
    ("23.4", 10, None, 2.5, False),
    ("23.3", 10, None, 2.5, True),
    # Quarters: 1/4 = 0.25 is a tie and prints 0.3 half up (0.2 half-even).
    ("0.3", 4, None, 1, True),
    # Wu et al. 2017 ESR: whole mm/hour, 290/10 = 29 and 170/10 = 17.
    ("29", 10, None, 1, True),
    ("17", 10, None, 1, True),
    # A number plus decimals is the same as the printed string.
    (23.5, 10, 1, 2.5, True),
    (12.25, 10, 2, 2.5, True),
    (5.19, 28, 2, 1, False),
    # Float grid: 3 x 0.1 = 0.3 exactly in fractions (0.30000000000000004 in floats).
    ("0.1", 3, None, 0.1, True),
])
def test_grim(mean, n, decimals, granularity, expected):
    assert grim(mean, n, decimals, granularity) is expected


@pytest.mark.parametrize("mean, n, rules", [
    # 1/4 = 0.25: half up prints 0.3; R prints 0.2 (R: sprintf("%.1f", 1/4) -> "0.2").
    ("0.2", 4, ("half-even",)),
    ("0.3", 4, ("half-up",)),
    # Issue 16: 17/8 = 2.125; R: sprintf("%.2f", 17/8) -> "2.12".
    ("2.12", 8, ("half-even",)),
    ("2.13", 8, ("half-up",)),
    # 107/40 = 2.675, not a double (2.67499999999999982...): R: sprintf("%.2f", 107/40) -> "2.67";
    # half up on the exact value gives 2.68.  No other k/40 is near.
    ("2.67", 40, ("half-even",)),
    ("2.68", 40, ("half-up",)),
    # No tie: both rules.
    ("5.18", 28, ("half-up", "half-even")),
    ("5.19", 28, ()),
])
def test_grim_says_which_rounding(mean, n, rules):
    assert grim_rounding(mean, n) == rules
    assert grim(mean, n) is bool(rules)
    for rule in ("half-up", "half-even"):
        assert grim(mean, n, rounding=rule) is (rule in rules)


@pytest.mark.slow  # exhaustive: every k/n for n <= 40 (8,200 means)
def test_grim_passes_every_r_printed_mean():
    # Issue 16: every mean k/n (n <= 40, 0 <= k/n < 10) as R prints it at two decimals.
    # Python's "%.2f" gives R's sprintf("%.2f", k/n) for all 8,200 of them (checked with
    # Rscript: for (n in 1:40) for (k in 0:(10*n - 1)) sprintf("%.2f", k/n), 0 differences).
    # Half up alone calls 180 of them impossible.
    printed = [(f"{k / n:.2f}", n) for n in range(1, 41) for k in range(10 * n)]
    assert sum(not grim(t, n, rounding="half-up") for t, n in printed) == 180
    assert all(grim(t, n) for t, n in printed)


def test_grid_totals_lists_every_total():
    # Mean 29 at 0 decimals: sums 285..294 give 28.5..29.4, all printing 29 (28.5 by half up).
    assert grid_totals("29", 10) == list(range(285, 295))
    # 12.25 with two decimals on the 2.5 grid: only 49 tablets.
    assert grid_totals("12.25", 10, granularity=2.5) == [49]


@pytest.mark.parametrize("args, kwargs, error", [
    (("23.5", 10), {"granularity": 0}, ValueError),       # no grid of width 0
    ((23.5, 10), {}, ValueError),                          # number without decimals
    (("23.5", 0), {}, ValueError),                         # n must be >= 1
    (("23.5", 10.0), {}, TypeError),                       # n must be an int
    (("2.35", 10, 1), {}, ValueError),                     # more places than decimals
    (("abc", 10), {}, ValueError),
    ((None, 10), {}, TypeError),
    (("23.5", 10, -1), {}, ValueError),
])
def test_grim_validation(args, kwargs, error):
    with pytest.raises(error):
        grim(*args, **kwargs)


# --------------------------------------------------------------------------- GRIMMER

@pytest.mark.parametrize("total, sd, granularity, expected", [
    # Prednisone baseline: K = 94 tablets, SS/9 in [13.25^2, 13.35^2) = [175.5625, 178.2225)
    # -> SS in [1580.06, 1604.00) mg^2 -> /6.25 = [252.81, 256.64) in tablets^2
    # -> Q = SS + 94^2/10 = SS + 883.6 in [1136.41, 1140.24) -> 1137..1140, even like 94.
    (94, "13.3", 2.5, [1138, 1140]),
    # Prednisone follow-up: K = 49, SD^2 in [83.7225, 85.5625) -> SS/6.25 in [120.56, 123.21)
    # -> Q in [360.66, 363.31) -> 361..363, odd like 49.
    (49, "9.2", 2.5, [361, 363]),
])
def test_sumsq_window(total, sd, granularity, expected):
    assert sumsq_window(total, sd, 10, granularity=granularity) == expected


@pytest.mark.parametrize("mean, sd, n, granularity, bounds, expected", [
    # Wu et al. 2017, every mean/SD pair on its grid (witnesses found by the search).
    ("23.5", "13.3", 10, 2.5, None, True),
    ("12.25", "9.2", 10, 2.5, None, True),
    ("29", "31.5", 10, 1, None, True),
    ("17", "18.1", 10, 1, None, True),
    # ... also inside the plausible ranges of the reconstruction.
    ("23.5", "13.3", 10, 2.5, (5, 60), True),
    ("12.25", "9.2", 10, 2.5, (0, 40), True),
    ("29", "31.5", 10, 1, (2, 130), True),
    ("17", "18.1", 10, 1, (2, 80), True),
    # Doses all within 20-30 mg cannot spread to SD 13.3 (at most 5.3 with 10 values).
    ("23.5", "13.3", 10, 2.5, (20, 30), False),
    # The mean fails GRIM on whole mg (see above), so GRIMMER fails too.
    ("12.25", "9.2", 10, 1, None, False),
    # Three integers with mean 5.0: sum 15, SD^2 = (Q - 75)/2 and Q is odd like 15, so
    # SD^2 is a whole number: SD 0, 1, 1.41, ...; 0.3 is impossible, 0.0 and 1.0 possible.
    ("5.0", "0.3", 3, 1, None, False),
    ("5.0", "0.0", 3, 1, None, True),
    ("5.0", "1.0", 3, 1, None, True),
    # Parity and bounds are not enough: three integers summing to 0 with Q = 4
    # (SD^2 = 4/2 = 2, SD 1.414 -> "1.41") pass both, but a + b + c = 0 and
    # a^2 + b^2 + c^2 = 4 means a^2 + ab + b^2 = 2, which has no integer solution.
    ("0.0", "1.41", 3, 1, None, False),
    # Q = 6 (SD^2 = 3, SD 1.732 -> "1.73") is (1, 1, -2).
    ("0.0", "1.73", 3, 1, None, True),
])
def test_grimmer(mean, sd, n, granularity, bounds, expected):
    assert grimmer(mean, sd, n, granularity=granularity, bounds=bounds) is expected


def test_grimmer_numbers_with_decimals_match_strings():
    assert grimmer(23.5, 13.3, 10, 1, 1, 2.5) is grimmer("23.5", "13.3", 10, granularity=2.5)


@pytest.mark.parametrize("mean, sd, granularity, bounds", [
    ("23.5", "13.3", 2.5, (5, 60)),
    ("12.25", "9.2", 2.5, (0, 40)),
    ("29", "31.5", 1, (2, 130)),
    ("17", "18.1", 1, (2, 80)),
    ("0.0", "1.73", 1, None),
])
def test_grimmer_witness_reproduces_the_numbers(mean, sd, granularity, bounds):
    # Independent: numpy mean and SD (ddof=1) of the witness, rounded half up.
    w = grimmer_witness(mean, sd, 10 if bounds else 3, granularity=granularity, bounds=bounds)
    x = np.array([float(v) for v in w])
    assert all(v % Fraction(str(granularity)) == 0 for v in w)
    if bounds:
        assert bounds[0] <= x.min() and x.max() <= bounds[1]
    assert rounds_to(Fraction(x.mean()), mean)
    assert rounds_to(Fraction(f"{x.std(ddof=1):.12g}"), sd)


def test_grimmer_validation():
    with pytest.raises(ValueError):
        grimmer("5.0", "-1.0", 3)
    with pytest.raises(ValueError):
        grimmer("5.0", "1.0", 3, bounds=(10, 0))
    with pytest.raises(TypeError):
        grimmer("5.0", "1.0", 3, bounds=5)
    assert grimmer("5.0", "1.0", 1) is False   # one value has no sample SD


# --------------------------------------------------------------------------- signed rank

@pytest.mark.parametrize("n, w, p, printed", [
    # n = 9, W = 1: T+ <= 1 for {} and {1}: 2 of 2^9 = 512; doubled 4/512 = 0.0078125 -> 0.008
    (9, 1, Fraction(4, 512), "0.008"),
    # n = 8, W = 0: only {}: 1/256, doubled 2/256 = 0.0078125 -> 0.008
    (8, 0, Fraction(2, 256), "0.008"),
    # n = 10, W = 1: 2 of 1024, doubled 4/1024 = 0.00390625 -> 0.004
    (10, 1, Fraction(4, 1024), "0.004"),
    # n = 9, W = 0: 2/512 = 0.00390625 -> 0.004
    (9, 0, Fraction(2, 512), "0.004"),
    # n = 10, W = 0: 2/1024 = 0.00195 -> 0.002
    (10, 0, Fraction(2, 1024), "0.002"),
    # n = 10, W = 3: {}, {1}, {2}, {3}, {1,2}: 5 of 1024, doubled 10/1024 = 0.00977 -> 0.010
    (10, 3, Fraction(10, 1024), "0.010"),
    # n = 5, W = 7: half the 32 patterns or more: p capped at 1
    (5, 7, Fraction(1), "1.000"),
])
def test_signed_rank_pvalue(n, w, p, printed):
    assert signed_rank_pvalue(n, w) == p
    assert rounds_to(p, printed)


@pytest.mark.parametrize("n, positive", [(9, (1,)), (8, ()), (10, (1,)), (10, (1, 2)), (7, (2, 5))])
def test_signed_rank_pvalue_agrees_with_scipy(n, positive):
    # scipy.stats.wilcoxon(d, method="exact") on changes with ranks 1..n (no ties).
    from scipy import stats  # here: scipy.stats costs each worker ~1 s to import at collection

    d = np.array([r if r in positive else -r for r in range(1, n + 1)], dtype=float)
    w = min(sum(positive), n * (n + 1) // 2 - sum(positive))
    ref = stats.wilcoxon(d, method="exact").pvalue
    assert float(signed_rank_pvalue(n, w)) == pytest.approx(ref, rel=1e-12)


@pytest.mark.parametrize("p, decimals, expected", [
    # Wu et al. 2017, prednisone: P = 0.008 <- (8, 0) 2/256 or (9, 1) 4/512 (see above);
    # (7, 0) = 2/128 = 0.0156 and (10, 2) = 6/1024 = 0.0059 miss.
    ("0.008", None, [(8, 0), (9, 1)]),
    # Wu et al. 2017, ESR: P = 0.004 <- (9, 0) 2/512 or (10, 1) 4/1024.
    ("0.004", None, [(9, 0), (10, 1)]),
    # Number plus decimals.
    (0.008, 3, [(8, 0), (9, 1)]),
    # 0.001 is out of reach with 10 pairs: the least p is 2/1024 = 0.00195.
    ("0.001", None, []),
])
def test_signed_rank_support(p, decimals, expected):
    assert signed_rank_support(p, decimals, n_range=range(1, 11)) == expected


def test_signed_rank_support_validation():
    with pytest.raises(ValueError):
        signed_rank_support(0.008)             # a number needs its decimals
    with pytest.raises(TypeError):
        signed_rank_support("0.008", n_range=[9.0])


# --------------------------------------------------------------------------- findings

def test_consistency_findings():
    # The published numbers of data/published.yml, the paper's n = 10, the grids of data/outcomes.yml.
    outcomes = {name: describe(name) for name in ("prednisone_mg", "esr_mm_hr")}
    found = consistency(load_published(PUBLISHED), 10, outcomes)
    assert all(isinstance(f, Finding) for f in found)
    by = {(f.outcome, f.check): f for f in found if f.check in ("signed_rank", "structure")}
    text = by["prednisone_mg", "signed_rank"].text
    # 0.008: 4/2^9 (9 pairs, W = 1: T- in {0, 1} -> 2 * 2/512) or 2/2^8 (8 pairs, W = 0: 2 * 1/256)
    assert text.startswith(
        "Prednisone dose P = 0.008 is the exact no-ties p for 9 non-zero pairs with W = 1, or 8 "
        "non-zero pairs with W = 0: so one or two patients had an unchanged dose.")
    assert by["esr_mm_hr", "signed_rank"].text.startswith(
        "Sedimentation rate P = 0.004 is the exact no-ties p for 10 non-zero pairs with W = 1, or 9 "
        "non-zero pairs with W = 0: so at most one patient had an unchanged ESR.")
    # The 1 mg grid cannot give 12.25 (see test_grim); the 2.5 mg grid gives everything.
    grim_1mg = [f for f in found if f.check == "grim" and "12.25" in f.text and "1 mg grid" in f.text]
    assert len(grim_1mg) == 1 and not grim_1mg[0].passed
    assert by["prednisone_mg", "structure"].passed
    assert "grid 2.5 mg;" in by["prednisone_mg", "structure"].text
    assert by["esr_mm_hr", "structure"].passed
    assert all(f.passed for f in found if "1 mg grid" not in f.text)


def test_consistency_flags_an_impossible_p():
    # 0.001 is no 2k/2^n for n <= 10 with a whole W (2/2^10 = 0.00195 prints 0.002).
    claims = [PublishedClaim("x_baseline_mean", "5.0", "mean", "outcomes.x.baseline.mean"),
              PublishedClaim("x_p", "0.001", "p", "outcomes.x.test.p_value")]
    found = consistency(claims, 10, {"x": describe("x")})
    sr = [f for f in found if f.check == "signed_rank"][0]
    assert not sr.passed and "not the exact no-ties p" in sr.text


def test_grimmer_accepts_r_printed_mean_and_sd():
    # Issue 16: GRIMMER accepted only half-up ties.
    # R: x <- c(1, 2, 2, 3, 4, 4, 1, 0); sprintf("%.2f", c(mean(x), sd(x)))
    #   "2.12" "1.46"
    # mean 17/8 = 2.125 prints 2.12 only half to even, so half up finds no total.
    assert grimmer("2.12", "1.46", 8)
    assert not grimmer("2.12", "1.46", 8, rounding="half-up")
    assert grimmer_rounding("2.12", "1.46", 8) == ("half-even",)
    w = grimmer_witness("2.12", "1.46", 8)
    assert sum(w) == 17 and f"{float(np.std(np.array(w, float), ddof=1)):.2f}" == "1.46"
