"""The bundle's one rounding rule: half up (away from zero) on the decimal value.

Every expected value is worked by hand in the comment beside it.
"""
import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from cohortstats.core.rounding import (decimals_of, fmt, pct, printed_interval, prints_as,
                                  round_half_up)


@pytest.mark.parametrize("x, decimals, expected", [
    # 0.125 is a decimal tie at 2 places: 0.12|5 -> up -> 0.13
    # (f"{0.125:.2f}" is "0.12": the binary value is exactly 0.125 and goes to even).
    (0.125, 2, "0.13"),
    # 2.675 is stored as 2.67499999999999982...; read at 12 significant digits it
    # is 2.675, a tie -> 2.68 (round(2.675, 2) gives 2.67).
    (2.675, 2, "2.68"),
    # 23.449999999999996 reads as 23.4500000000 at 12 significant digits: a tie
    # at one decimal -> 23.5.
    (23.449999999999996, 1, "23.5"),
    # 12.5 at 0 places: tie -> 13 (round(12.5) is 12).
    (12.5, 0, "13"),
    # 0.0045 at 3 places: 0.004|5 -> 0.005.
    (0.0045, 3, "0.005"),
    # Ties away from zero: -0.5 -> -1; -2.5 -> -3.
    (-0.5, 0, "-1"),
    (-2.5, 0, "-3"),
    # Below a tie stays down: 0.12499 -> 0.12.
    (0.12499, 2, "0.12"),
    # A negative that rounds to zero prints without a sign: -0.001 -> 0.00.
    (-0.001, 2, "0.00"),
    # Padding: 3 at 2 places -> 3.00.
    (3, 2, "3.00"),
    # numpy scalars are numbers: 0.0078125 (4/512) at 3 places: 0.007|8125 -> 0.008.
    (np.float64(0.0078125), 3, "0.008"),
    (np.int64(7), 0, "7"),
    # Decimal and Fraction are taken at their exact value: 1/8 = 0.125 -> 0.13;
    # 1/3 = 0.333... -> 0.33.
    (Decimal("0.125"), 2, "0.13"),
    (Fraction(1, 8), 2, "0.13"),
    (Fraction(1, 3), 2, "0.33"),
    # Large values are not written with an exponent: 1e15 -> 1000000000000000.
    (1e15, 0, "1000000000000000"),
    # Very small: 1.25e-4 at 4 places -> 0.0001|25 -> 0.0001.
    (1.25e-4, 4, "0.0001"),
])
def test_fmt(x, decimals, expected):
    assert fmt(x, decimals) == expected
    assert round_half_up(x, decimals) == Decimal(expected)


def test_round_half_up_keeps_the_places():
    # Decimal("0.10") has two places, as printed.
    assert str(round_half_up(0.1, 2)) == "0.10"


@pytest.mark.parametrize("x", [None, float("nan"), float("inf"), -math.inf, np.nan])
def test_fmt_refuses_missing_values(x):
    with pytest.raises(ValueError, match="`x` must be"):
        fmt(x, 1)


@pytest.mark.parametrize("x, decimals, exc, match", [
    ("1.5", 1, TypeError, "`x` must be a real number"),
    (True, 1, TypeError, "`x` must be a number; not bool"),
    (1.5, -1, ValueError, "`decimals` must be >= 0; not -1"),
    (1.5, 1.0, TypeError, "`decimals` must be an integer; not float"),
])
def test_fmt_validation(x, decimals, exc, match):
    with pytest.raises(exc, match=match):
        fmt(x, decimals)


@pytest.mark.parametrize("k, n, decimals, expected", [
    # 3/24 = 0.125 -> 12.5 %: a tie -> 13 (f"{100*3/24:.0f}" is "12", half to even).
    (3, 24, 0, "13"),
    # 1/8 = 12.5 % -> 13; 5/8 = 62.5 % -> 63.
    (1, 8, 0, "13"),
    (5, 8, 0, "63"),
    # 9/10 = 90 % exactly.
    (9, 10, 0, "90"),
    # 1/3 = 33.333... % -> 33.3 at one decimal; 2/3 = 66.666... -> 66.7.
    (1, 3, 1, "33.3"),
    (2, 3, 1, "66.7"),
    # 1/16 = 6.25 % -> 6.3 at one decimal (tie, up).
    (1, 16, 1, "6.3"),
    # 0 and all.
    (0, 7, 0, "0"),
    (7, 7, 0, "100"),
])
def test_pct(k, n, decimals, expected):
    assert pct(k, n, decimals) == expected


@pytest.mark.parametrize("k, n, exc, match", [
    (1, 0, ValueError, "`n` must be >= 1; not 0"),
    (5, 4, ValueError, r"`k` must be in \[0, n\] = \[0, 4\]; not 5"),
    (-1, 4, ValueError, "`k` must be in"),
    (1.0, 4, TypeError, "`k` must be an integer; not float"),
])
def test_pct_validation(k, n, exc, match):
    with pytest.raises(exc, match=match):
        pct(k, n)


@pytest.mark.parametrize("text, expected", [
    ("23.5", 1), ("0.008", 3), ("29", 0), ("12.25", 2), ("P = 0.008", 3),
    ("P= 0.004", 3), ("< 0.001", 3), ("P < 0.05", 2), ("-1.50", 2),
])
def test_decimals_of(text, expected):
    assert decimals_of(text) == expected


@pytest.mark.parametrize("text", ["abc", "1.2.3", "", "1e-3"])
def test_decimals_of_unreadable(text):
    with pytest.raises(ValueError, match="cannot read the printed number"):
        decimals_of(text)


@pytest.mark.parametrize("text, kind, expected", [
    ("23.5", "mean", (23.45, 23.55)),     # one decimal: 23.5 ± 0.05
    ("12.25", "mean", (12.245, 12.255)),  # two decimals: ± 0.005
    ("29", "mean", (28.5, 29.5)),         # no decimals: ± 0.5
    ("0.008", "p", (0.0075, 0.0085)),     # three decimals: ± 0.0005
    ("< 0.001", "p", (0.0, 0.001)),       # a bound: [0, 0.001)
    ("10", "count", (10.0, 10.0)),        # a count: exactly
])
def test_printed_interval(text, kind, expected):
    assert printed_interval(text, kind) == pytest.approx(expected)


@pytest.mark.parametrize("x, text, kind, ok", [
    (23.45, "23.5", "mean", True),               # the tie goes up
    (23.449999999999996, "23.5", "mean", True),  # float noise of 23.45
    (23.55, "23.5", "mean", False),              # 23.55 prints as 23.6
    (23.5499, "23.5", "mean", True),
    (0.0078125, "0.008", "p", True),             # 4/512 = 0.0078125 -> 0.008
    (0.0085, "0.008", "p", False),               # a tie: -> 0.009
    (0.0004, "< 0.001", "p", True),
    (0.001, "< 0.001", "p", False),              # the bound itself is not below it
    (-23.45, "-23.5", "value", True),            # ties away from zero: -23.45 -> -23.5
    (-23.55, "-23.5", "value", False),           # -23.55 -> -23.6
    (9, "9", "count", True),
    (9.0000001, "9", "count", False),
    (None, "9", "count", False),
    (float("nan"), "23.5", "mean", False),
])
def test_prints_as(x, text, kind, ok):
    assert prints_as(x, text, kind) is ok


def test_prints_as_agrees_with_fmt():
    # One rule: prints_as(x, fmt(x, k)) for any x and k.
    rng = np.random.default_rng(16)
    for x in np.round(rng.normal(0, 30, 300), 3):
        for k in range(4):
            assert prints_as(float(x), fmt(float(x), k), "value")


def test_unknown_kind():
    with pytest.raises(ValueError, match="`kind` must be one of"):
        prints_as(1.0, "1", "median")
