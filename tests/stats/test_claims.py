"""Published against computed (cohortstats.stats.claims).

Intervals and verdicts are worked by hand from the rule "reproduced when the computed
value rounds half up to the printed text at its printed precision"; the published
texts are the abstract's (../shared/paper/abstract.txt, Results).
"""
import pytest

from cohortstats.stats import claims
from support import ROOT

from cohortstats.core.rounding import printed_interval, prints_as

from cohortstats.steps.claims import verdict_sentence

PUBLISHED = ROOT / "data" / "published.yml"


@pytest.mark.parametrize("text, kind, expected", [
    ("23.5", "mean", (23.45, 23.55)),     # one decimal: ± 0.05
    ("12.25", "mean", (12.245, 12.255)),  # two decimals: ± 0.005
    ("29", "mean", (28.5, 29.5)),         # no decimals: ± 0.5
    ("0.008", "p", (0.0075, 0.0085)),     # three decimals: ± 0.0005
    ("P= 0.004", "p", (0.0035, 0.0045)),  # as printed in the abstract
    ("< 0.001", "p", (0.0, 0.001)),       # a bound: anything below it
    ("10", "count", (10.0, 10.0)),        # counts: exactly
])
def test_interval(text, kind, expected):
    assert printed_interval(text, kind) == pytest.approx(expected)


@pytest.mark.parametrize("computed, text, kind, ok", [
    (23.5, "23.5", "mean", True),
    (23.449999999999996, "23.5", "mean", True),  # float noise of 23.45: rounds half up
    (23.44, "23.5", "mean", False),
    (23.55, "23.5", "mean", False),              # 23.55 prints as 23.6
    (13.291601358251256, "13.3", "sd", True),    # the shipped cohort's prednisone SD
    (0.0078125, "0.008", "p", True),             # 2/256: exact P, 8 pairs all decreasing
    (0.0097656, "0.008", "p", False),            # 10/1024 prints as 0.010
    (0.0004, "< 0.001", "p", True),
    (0.001, "< 0.001", "p", False),
    (9, "9", "count", True),
    (9.0000001, "9", "count", False),
    (None, "9", "count", False),
    (float("nan"), "23.5", "mean", False),
])
def test_reproduces(computed, text, kind, ok):
    assert prints_as(computed, text, kind) is ok


@pytest.mark.parametrize("text", ["abc", "1.2.3", ""])
def test_unreadable_printed_number(text):
    with pytest.raises(ValueError, match="cannot read"):
        printed_interval(text)


@pytest.mark.parametrize("content, words", [
    ("claims: [1, 2]", "expected a mapping with a `claims` mapping"),
    ("claims:\n  x: {text: '1'}", "claim 'x' needs `text` and `computed`"),
    ("claims:\n  x: {text: '1', computed: cohort.n, kind: median}", "`kind` must be one of"),
    ("claims:\n  x: {text: 'one', computed: cohort.n}", "cannot read"),
    ("claims: [", "not valid YAML"),
])
def test_bad_published_file_says_what_is_wrong(tmp_path, content, words):
    path = tmp_path / "published.yml"
    path.write_text(content)
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace("[", r"\[")):
        claims.load_published(path)


def test_check_claims_flags_only_the_wrong_number():
    published = claims.load_published(PUBLISHED)
    computed = {"cohort": {"n": 10, "female": 9, "african_american": 5},
                "outcomes": {"prednisone_mg": {"baseline": {"mean": 23.5, "sd": 13.3},
                                               "followup": {"mean": 12.25, "sd": 9.2},
                                               "test": {"p_value": 0.0078125}},
                             "esr_mm_hr": {"baseline": {"mean": 28.6, "sd": 31.5},
                                           "followup": {"mean": 16.7, "sd": 18.1},
                                           "test": {"p_value": 0.00390625}}}}
    checks = claims.check_claims(published, computed)
    assert [c.id for c in checks if not c.reproduced] == ["n_african_american"]
    wrong = next(c for c in checks if c.id == "n_african_american")
    assert (wrong.computed, wrong.published, wrong.interval) == (5.0, "6", (6.0, 6.0))


def test_a_number_the_results_lack_is_not_reproduced():
    published = claims.load_published(PUBLISHED)
    checks = claims.check_claims(published, {"cohort": {"n": 10}})
    assert [c.id for c in checks if c.reproduced] == ["n_patients"]
    assert all(c.computed is None for c in checks if c.id != "n_patients")


@pytest.mark.parametrize("statistic, n, p, table, agrees", [
    (36.0, 8, 0.0078125, 0.0078125, True),   # W = 0, n = 8: 2/2^8
    (45.0, 9, 0.00390625, 0.00390625, True),  # W = 0, n = 9: 2/2^9
    (35.5, 8, 0.01, None, None),             # W = 0.5: midranks, no table value
    (36.0, 8, 0.0117, 0.0078125, False),     # a P the table does not give
])
def test_crosscheck_p(statistic, n, p, table, agrees):
    c = claims.crosscheck_p("x", statistic, n, p)
    assert (c.p_table, c.agrees) == (pytest.approx(table) if table else None, agrees)


@pytest.mark.slow
def test_evaluate_without_published_numbers_compares_nothing(tmp_path):
    from support import SHIPPED
    from support.in_process import results_in_process

    r = results_in_process(SHIPPED, tmp_path, published=None)
    assert (r.claims.published, r.claims.claims, r.claims.total) == (None, (), 0)
    assert "published" in r.claims.key.parameters and r.claims.key.parameters["published"] is None


@pytest.mark.slow
def test_evaluate_on_the_shipped_cohort(tmp_path):
    """All 13 reproduced, the P sources say which variant prints each published P."""
    from support import SHIPPED
    from support.in_process import results_in_process

    k = results_in_process(SHIPPED, tmp_path).claims
    assert (k.reproduced, k.total, k.paper_n, k.published) == (13, 13, 10, "published.yml")
    assert verdict_sentence(k) == "**13/13 published numbers reproduced.**"
    sources = {s.claim: s for s in k.p_value_sources}
    assert set(sources) == {"prednisone_p", "esr_p"}
    primary = next(v for v in sources["prednisone_p"].variants if v.key == "primary")
    assert primary.matches and primary.pvalue == pytest.approx(2 / 2 ** 8)
