"""Consistency of the published numbers alone (GRIM, GRIMMER, signed-rank support), as the
report words it. Expected verdicts worked by hand in the comment beside each case."""
import pytest

from cohortstats.stats.claims import PublishedClaim
from cohortstats.stats.consistency import consistency
from cohortstats.core.outcomes import describe


def published(mean_b, sd_b, mean_f, sd_f, p, outcome="esr_mm_hr"):
    base = f"outcomes.{outcome}"
    return [PublishedClaim("n", "10", "count", "cohort.n"),
            PublishedClaim("bm", mean_b, "mean", f"{base}.baseline.mean"),
            PublishedClaim("bs", sd_b, "sd", f"{base}.baseline.sd"),
            PublishedClaim("fm", mean_f, "mean", f"{base}.followup.mean"),
            PublishedClaim("fs", sd_f, "sd", f"{base}.followup.sd"),
            PublishedClaim("p", p, "p", f"{base}.test.p_value")]


def findings(claims, n=10, outcome="esr_mm_hr"):
    return consistency(claims, n, {outcome: describe(outcome)})


def test_the_papers_esr_numbers_are_consistent():
    out = findings(published("29", "31.5", "17", "18.1", "0.004"))
    assert {f.check for f in out} == {"grim", "grimmer", "signed_rank", "structure"}
    assert all(f.passed for f in out), [f.text for f in out if not f.passed]
    # P = 0.004 is 2/2^9 = 0.0039: nine non-zero pairs, W = 0, in the no-ties table.
    sr = next(f for f in out if f.check == "signed_rank")
    assert "9" in sr.text


def test_a_mean_no_total_gives_fails_grim():
    # n = 10 on a 1 mm/h grid: every mean is a multiple of 0.1, so 29.05 cannot print as 29.05.
    out = findings(published("29.05", "31.5", "17", "18.1", "0.004"))
    grim = [f for f in out if f.check == "grim" and "29.05" in f.text]
    assert grim and not grim[0].passed and "inconsistent" in grim[0].text
    grimmer = [f for f in out if f.check == "grimmer" and "29.05" in f.text]
    assert grimmer and "already fails GRIM" in grimmer[0].text
    assert not next(f for f in out if f.check == "structure").passed


def test_an_sd_no_values_give_fails_grimmer():
    # Mean 1.0 of ten whole numbers >= 0 has SD at most sqrt(10 * 9 / 9) = 3.16 (one 10, nine 0s):
    # an SD of 31.5 is impossible.
    out = findings(published("1", "31.5", "17", "18.1", "0.004"))
    f = next(f for f in out if f.check == "grimmer" and "mean 1 " in f.text)
    assert not f.passed and "inconsistent" in f.text


def test_a_p_no_signed_rank_table_gives():
    # An exact no-ties two-sided P is at least 2/2^m; with m <= n = 10 the smallest is
    # 2/1024 = 0.00195, so a printed P of 0.0001 has no (m, W) behind it.
    out = findings(published("29", "31.5", "17", "18.1", "0.0001"))
    sr = next(f for f in out if f.check == "signed_rank")
    assert not sr.passed
