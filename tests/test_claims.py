"""Published-vs-computed verdicts. Expected intervals worked by hand from the rule
"reproduced when the computed value rounds half up to the printed text"."""
import pytest

from cohortstats import claims
from conftest import ROOT


@pytest.mark.parametrize("text, kind, expected", [
    ("23.5", "mean", (23.45, 23.55)),     # one decimal: ± 0.05
    ("12.25", "mean", (12.245, 12.255)),  # two decimals: ± 0.005
    ("29", "mean", (28.5, 29.5)),         # no decimals: ± 0.5
    ("0.008", "p", (0.0075, 0.0085)),     # three decimals: ± 0.0005
    ("P= 0.004", "p", (0.0035, 0.0045)),  # as printed in the abstract
    ("< 0.001", "p", (0.0, 0.001)),       # a bound: anything below it
    ("P < 0.05", "p", (0.0, 0.05)),
    ("10", "count", (10.0, 10.0)),        # counts: exactly
])
def test_interval(text, kind, expected):
    assert claims.interval(text, kind) == pytest.approx(expected)


@pytest.mark.parametrize("computed, text, kind, ok", [
    (23.5, "23.5", "mean", True),
    (23.449999999999996, "23.5", "mean", True),  # float noise of 23.45: rounds half up
    (23.44, "23.5", "mean", False),
    (23.55, "23.5", "mean", False),              # 23.55 prints as 23.6
    (13.3437, "13.3", "sd", True),
    (0.0078125, "0.008", "p", True),             # 4/512: exact p for n=9, W=1
    (0.00390625, "0.004", "p", True),            # 2/512
    (0.0097656, "0.008", "p", False),            # 10/1024 prints as 0.010
    (0.0004, "< 0.001", "p", True),
    (0.001, "< 0.001", "p", False),
    (9, "9", "count", True),
    (9.0000001, "9", "count", False),
    (None, "9", "count", False),
    (float("nan"), "23.5", "mean", False),
])
def test_reproduces(computed, text, kind, ok):
    assert claims.reproduces(computed, text, kind) is ok


def test_published_file_has_the_thirteen_ids():
    ids = [c.id for c in claims.load_published(ROOT / "data" / "published.yml")]
    assert ids == ["n_patients", "n_female", "n_african_american", "prednisone_baseline_mean",
                   "prednisone_baseline_sd", "prednisone_followup_mean", "prednisone_followup_sd",
                   "prednisone_p", "esr_baseline_mean", "esr_baseline_sd", "esr_followup_mean",
                   "esr_followup_sd", "esr_p"]


def test_published_texts_are_the_abstracts():
    # Source: ../shared/paper/abstract.txt, Results.
    texts = {c.id: c.text for c in claims.load_published(ROOT / "data" / "published.yml")}
    assert texts == {"n_patients": "10", "n_female": "9", "n_african_american": "6",
                     "prednisone_baseline_mean": "23.5", "prednisone_baseline_sd": "13.3",
                     "prednisone_followup_mean": "12.25", "prednisone_followup_sd": "9.2",
                     "prednisone_p": "0.008", "esr_baseline_mean": "29", "esr_baseline_sd": "31.5",
                     "esr_followup_mean": "17", "esr_followup_sd": "18.1", "esr_p": "0.004"}


def test_check_claims_flags_only_the_wrong_number():
    published = claims.load_published(ROOT / "data" / "published.yml")
    results = {"cohort": {"n": 10, "female": 9, "african_american": 5},
               "outcomes": {"prednisone_mg": {"baseline_mean": 23.5, "baseline_sd": 13.3,
                                              "followup_mean": 12.25, "followup_sd": 9.2,
                                              "p_value": 0.0078125},
                            "esr_mm_hr": {"baseline_mean": 29.0, "baseline_sd": 31.5,
                                          "followup_mean": 17.0, "followup_sd": 18.1,
                                          "p_value": 0.0039}}}
    checks = claims.check_claims(published, results)
    assert [c.id for c in checks if not c.reproduced] == ["n_african_american"]


@pytest.mark.parametrize("text", ["abc", "1.2.3", ""])
def test_unreadable_printed_number(text):
    with pytest.raises(ValueError, match="cannot read"):
        claims.interval(text)
