"""Sensitivity variants. Expected values worked by hand, or from R with the call
pasted above the number."""
import dataclasses
import math
import warnings

import numpy as np
import pytest

from cohortstats.stats import sensitivity

# d = before - after = 1..10, no ties, no zeros: every variant is defined.
BEFORE = np.arange(11, 21, dtype=float)
AFTER = np.full(10, 10.0)
KEYS = ["primary", "pratt", "approx_cc", "approx", "r_wilcox_test", "scipy_default", "t", "t_changed"]


def _variants(*args, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # small n: level not achievable, as R
        return {v.key: v for v in sensitivity.test_variants(*args, **kw)}


def test_variants_on_a_no_ties_sample():
    v = _variants(BEFORE, AFTER)
    assert list(v) == KEYS
    # all ten differences positive: T+ = 55, exact two-sided p = 2 / 2^10
    assert v["primary"].pvalue == pytest.approx(2 / 1024, rel=1e-12)
    assert v["primary"].primary and v["primary"].method == "exact"
    # R's default is exact here (n < 50, no ties, no zeros): same p
    assert v["r_wilcox_test"].pvalue == pytest.approx(2 / 1024, rel=1e-12)
    # paired t-test on d = 1..10: mean 5.5, sd = sqrt(55/6) = 3.02765; t = 5.5 / (3.02765 / sqrt(10)) = 5.7446
    assert v["t"].statistic == pytest.approx(5.744563, rel=1e-6)
    assert v["t"].estimate == pytest.approx(5.5)


@pytest.mark.parametrize("alternative, words", [
    ("two-sided", "two-sided"),
    ("greater", "one-sided (alternative: a decrease)"),
    ("less", "one-sided (alternative: an increase)"),
])
def test_every_label_says_sidedness_and_correction(alternative, words):
    v = _variants(BEFORE, AFTER, alternative=alternative)
    for x in v.values():
        assert x.alternative == alternative and x.label.endswith(words), x.label
    assert v["approx_cc"].correction is True and "with continuity correction" in v["approx_cc"].label
    assert v["approx"].correction is False and "without continuity correction" in v["approx"].label
    assert v["primary"].correction is None and v["t"].correction is None   # exact, t: none applies
    # one-sided: all ten positive -> P(T+ >= 55) = 1/1024 ("greater"), P(T+ <= 55) = 1 ("less")
    want = {"two-sided": 2 / 1024, "greater": 1 / 1024, "less": 1.0}[alternative]
    assert v["primary"].pvalue == pytest.approx(want, rel=1e-12)
    # the estimate belongs to the data, not to the alternative: median of the Walsh averages
    # of 1..10 is 5.5
    assert v["primary"].estimate == 5.5


def test_pratt_under_the_normal_approximation_is_coins():
    # Issue 16: the Pratt variant under the normal approximation applied a continuity
    # correction that neither R nor coin applies.  method="approx" makes every variant
    # asymptotic.  R (tests/reference/signed_rank_reference.json, case "prednisone"):
    # coin::pvalue(coin::wilcoxsign_test(before ~ after, distribution = "asymptotic",
    #                                    zero.method = "Pratt"))
    #   0.0076407948247099178
    b = [35, 7.5, 12.5, 30, 17.5, 15, 5, 35, 40, 37.5]
    a = [30, 7.5, 5, 10, 17.5, 5, 2.5, 22.5, 17.5, 5]
    v = _variants(b, a, method="approx")
    assert v["pratt"].method == "approx" and v["pratt"].correction is False
    assert "without continuity correction (coin)" in v["pratt"].label
    assert v["pratt"].pvalue == pytest.approx(0.0076407948247099178, abs=1e-9)


def test_r_wilcox_test_row_is_labelled_asymptotic_with_ties():
    # Shipped-cohort prednisone differences (2.5 mg grid, two zeros): R falls back to its
    # asymptotic branch; the primary keeps the exact test's estimate 13.125 (3.75 to 26.25).
    d = np.array([0, 25, 5, 15, 0, 2.5, 5, 2.5, 20, 37.5])
    v = _variants(d, np.zeros(10))
    assert (v["primary"].estimate, v["primary"].conf_int) == (13.125, (3.75, 26.25))
    assert v["primary"].ci_method.startswith("exact: median of the Walsh averages")
    r = v["r_wilcox_test"]
    assert r.method == "approx" and r.correction is True
    assert "R's asymptotic root-finding" in r.label
    assert r.ci_method.startswith("asymptotic: R wilcox.test root-finding")


def test_undefined_variants_stay_with_their_reason():
    v = _variants(BEFORE, BEFORE)
    assert list(v) == KEYS
    for key in KEYS[:6]:
        assert v[key].reason == "no non-zero difference: the signed-rank test needs at least one"
        assert v[key].pvalue is v[key].statistic is v[key].estimate is None
    assert v["t"].reason.startswith("every difference is zero")
    assert v["t_changed"].reason == "0 pairs: the t-test needs at least 2"


def test_t_test_on_essentially_constant_differences_is_undefined():
    # Issue 16: every change is 0.1 up to float noise; scipy printed t = 7.6e14.
    # R: t.test(c(0.3, 0.4, 1.1), c(0.2, 0.3, 1.0), paired = TRUE)
    #   Error in t.test.default(...): data are essentially constant
    v = _variants([0.3, 0.4, 1.1], [0.2, 0.3, 1.0])
    assert v["t"].pvalue is None and v["t"].statistic is None
    assert v["t"].reason == ("every difference is the same (up to 1e-09 relative): the t-test is "
                             "undefined (R: data are essentially constant)")


def test_no_result_field_is_nan():
    for b, a in ((BEFORE, AFTER), (BEFORE, BEFORE), ([0.3, 0.4, 1.1], [0.2, 0.3, 1.0])):
        for x in _variants(b, a).values():
            for f in dataclasses.fields(x):
                val = getattr(x, f.name)
                for y in (val if isinstance(val, tuple) else (val,)):
                    assert not (isinstance(y, float) and math.isnan(y)), (x.key, f.name)


@pytest.mark.parametrize("kw, exc, msg", [
    ({"method": "bogus"}, ValueError, "`method` must be one of {'auto', 'exact', 'approx'}; not 'bogus'."),
    ({"alternative": "two.sided"}, ValueError,
     "`alternative` must be one of {'two-sided', 'greater', 'less'}; not 'two.sided'."),
    ({"conf_level": 95}, ValueError, "`conf_level` must be strictly between 0 and 1; not 95."),
])
def test_bad_options_raise_before_anything_is_computed(kw, exc, msg):
    with pytest.raises(exc) as info:
        sensitivity.test_variants(BEFORE, BEFORE, **kw)   # would be all undefined
    assert str(info.value) == msg


def test_leave_one_out_hand_worked():
    # Leaving any one of ten all-positive differences out leaves nine: p = 2 / 2^9 each time.
    loo = sensitivity.leave_one_out(BEFORE, AFTER)
    assert loo.n_pairs == 10 and loo.p_min == loo.p_max == pytest.approx(2 / 512)
    assert loo.n_below == 10 and loo.n_undefined == 0
    assert sensitivity.leave_one_out(BEFORE[:2], AFTER[:2]) is None  # fewer than 3 pairs


def test_leave_one_out_bad_method_raises_at_once():
    # it used to be swallowed into a P of 1 for every patient
    with pytest.raises(ValueError, match=r"^`method` must be one of \{'auto', 'exact', 'approx'\}; "
                                         r"not 'bogus'\.$"):
        sensitivity.leave_one_out(BEFORE, AFTER, method="bogus")
    with pytest.raises(ValueError, match="`alpha` must be strictly between 0 and 1; not 5"):
        sensitivity.leave_one_out(BEFORE, AFTER, alpha=5)


def test_leave_one_out_records_undefined_analyses():
    # d = (3, 0, 0): leaving out patient 1 leaves (0, 0), undefined; leaving out 2 or 3
    # leaves (3, 0): one positive difference, exact two-sided p = 2 * 1/2 = 1.
    loo = sensitivity.leave_one_out([13, 10, 10], [10, 10, 10])
    assert loo.pvalues == (None, 1.0, 1.0)
    assert loo.reasons[0] == "no non-zero difference: the signed-rank test needs at least one"
    assert loo.reasons[1:] == (None, None) and loo.n_undefined == 1
    assert (loo.p_min, loo.p_max, loo.n_below) == (1.0, 1.0, 0)
