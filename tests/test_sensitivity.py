"""Sensitivity variants. Expected p-values worked by hand or taken from the
engine's R-checked reference cases (tests/test_paired.py)."""
import numpy as np
import pytest

from cohortstats import sensitivity

# d = before - after = 1..10, no ties, no zeros: every variant is defined.
BEFORE = np.arange(11, 21, dtype=float)
AFTER = np.full(10, 10.0)


def test_variants_on_a_no_ties_sample():
    v = {x.key: x for x in sensitivity.test_variants(BEFORE, AFTER)}
    assert list(v) == ["primary", "pratt", "approx_cc", "approx", "r_default", "scipy_default", "t", "t_changed"]
    # all ten differences positive: T+ = 55, exact two-sided p = 2 / 2^10
    assert v["primary"].pvalue == pytest.approx(2 / 1024, rel=1e-12)
    assert v["primary"].primary and v["primary"].method == "exact"
    # R's default is exact here (n < 50, no ties, no zeros): same p
    assert v["r_default"].pvalue == pytest.approx(2 / 1024, rel=1e-12)
    # paired t-test on d = 1..10: mean 5.5, sd = sqrt(55/6) = 3.02765; t = 5.5 / (3.02765 / sqrt(10)) = 5.7446
    assert v["t"].statistic == pytest.approx(5.744563, rel=1e-6)
    assert v["t"].estimate == pytest.approx(5.5)


def test_no_nonzero_difference_leaves_only_what_is_defined():
    assert [x.key for x in sensitivity.test_variants(BEFORE, BEFORE)] == []


def test_bad_method_is_not_swallowed():
    with pytest.raises(ValueError, match="method"):
        sensitivity.test_variants(BEFORE, AFTER, method="bogus")


def test_leave_one_out_hand_worked():
    # Leaving any one of ten all-positive differences out leaves nine: p = 2 / 2^9 each time.
    loo = sensitivity.leave_one_out(BEFORE, AFTER)
    assert loo.n_pairs == 10 and loo.p_min == loo.p_max == pytest.approx(2 / 512)
    assert loo.n_below == 10
    assert sensitivity.leave_one_out(BEFORE[:2], AFTER[:2]) is None  # fewer than 3 pairs
