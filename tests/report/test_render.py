"""The Results in words, the tables and the page, from plain data, without a notebook.

Results come from :func:`conftest.results_in_process` (the notebooks' calls, in this
process) on small hand-made cohorts, or are edited with ``dataclasses.replace``.
Expected sentences are worked by hand in the comment beside each; the printed
precision is each outcome's ``decimals`` in data/outcomes.yml (prednisone 2, ESR 1).
"""
import dataclasses
import shutil
import html
import re

import pytest

from cohortstats.report import tables
from cohortstats.report.prose import Number, plain, results_sentences
from cohortstats.report.render import render_html
from cohortstats.results import lookup
from cohortstats.core.rounding import fmt
from support import HEADER, RESULTS_STATEMENTS, SHIPPED
from support.in_process import figures_dir, results_in_process

# Every test here reads what the notebooks make, run in this process: not a unit test.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    return results_in_process(SHIPPED, tmp_path_factory.mktemp("shipped"))


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    """Two patients: prednisone 20 -> 10 and 30 -> 25; ESR unchanged (10, 12)."""
    tmp = tmp_path_factory.mktemp("two")
    path = tmp / "two.csv"
    path.write_text(HEADER + "\nP1,F,Asian,20,10,10,10\nP2,M,White,30,25,12,12\n")
    return results_in_process(path, tmp)


@pytest.fixture(scope="module")
def one(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("one")
    path = tmp / "one.csv"
    path.write_text(HEADER + "\nP1,F,African-American,20,10,30,20\n")
    return results_in_process(path, tmp)


def sentences(results):
    return [plain(s) for s in results_sentences(results)]


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page))


# --------------------------------------------------------------------------- prose


def test_shipped_cohort_in_the_abstracts_words(shipped):
    said = sentences(shipped)
    for statement in RESULTS_STATEMENTS:
        assert any(s.startswith(statement) for s in said), statement


def test_two_patients(two):
    # Prednisone: means 25 and 17.5; SDs sqrt(50) = 7.071 and sqrt(112.5) = 10.607 (n - 1);
    # d = 10, 5, both positive: exact two-sided P = 2 * (1/4) = 0.5.
    said = sentences(two)
    assert said[0] == "The cohort comprises two patients."
    assert ("Prednisone dose decreased from a mean 25.00 mg (SD± 7.07) to 17.50 mg (SD± 10.61) "
            "(P = 0.500).") in said
    # ESR unchanged in both: the means are equal and the test is undefined, with its reason.
    esr = next(s for s in said if s.startswith("Sedimentation rate"))
    assert esr.startswith("Sedimentation rate did not change from a mean 11.0 mm/hour")
    assert "P not computed: no patient's value changed" in esr


def test_one_patient_has_no_sd(one):
    said = sentences(one)
    assert said[0] == "The cohort comprises one patient." or said[0].startswith("The cohort comprises one")
    pred = next(s for s in said if s.startswith("Prednisone dose"))
    assert "(SD± not computed: one patient)" in pred
    # One positive difference: T+ = 1, its largest value; exact two-sided P = 2 * 1/2 = 1.
    assert "(P = 1.000)" in pred


def test_missing_value_is_counted_and_said(tmp_path):
    text = SHIPPED.read_text().splitlines()
    head = text[0].split(",")
    row = text[4].split(",")
    row[head.index("esr_mm_hr_6mo")] = ""
    text[4] = ",".join(row)
    path = tmp_path / "missing.csv"
    path.write_text("\n".join(text) + "\n")
    r = results_in_process(path, tmp_path)
    assert (r.outcomes["esr_mm_hr"].n_pairs, r.outcomes["esr_mm_hr"].n_missing) == (9, 1)
    assert ("Computed over the nine patients with both values; 1 patient with a value not recorded "
            "was excluded." in sentences(r)
            or "Computed over the 9 patients with both values; 1 patient with a value not recorded "
            "was excluded." in sentences(r))


def test_every_number_is_traceable_to_its_value(shipped):
    """Each Number names a path whose value in Results is the one it prints."""
    numbers = [p for s in results_sentences(shipped) for p in s if isinstance(p, Number)]
    assert len(numbers) >= 12
    for n in numbers:
        assert lookup(shipped, n.key) == n.value, n.key
        assert n.source in ("01-cohort", "02-outcomes", "03-sensitivity", "04-claims")
    p = next(n for n in numbers if n.key == "outcomes.prednisone_mg.test.p_value")
    assert (p.text, p.source) == ("0.008", "02-outcomes")


def test_a_missing_number_is_an_error_not_a_guess(shipped):
    o = shipped.outcomes["prednisone_mg"]
    broken = dataclasses.replace(shipped, outcomes={**shipped.outcomes, "prednisone_mg": dataclasses.replace(
        o, baseline=dataclasses.replace(o.baseline, mean=None))})
    with pytest.raises(ValueError, match="outcomes.prednisone_mg.baseline.mean"):
        results_sentences(broken)


# --------------------------------------------------------------------------- tables


def test_tests_table_row_of_an_undefined_test(two):
    t = tables.tests_table(two.outcomes.values())
    esr = next(r for r in t.rows if r[0].startswith("Sedimentation rate"))
    assert esr[1:7] == ("2", "—", "—", "not computed", "—", "—")
    assert "no patient's value changed" in esr[7]
    pred = next(r for r in t.rows if r[0].startswith("Prednisone dose"))
    # n_nonzero 2, T+ = 1 + 2 = 3, P 0.5; Hodges–Lehmann: median of Walsh averages 5, 7.5, 10 = 7.5
    assert pred[1:6] == ("2", "2", "3.0", "0.500", "7.5")


def test_leave_one_out_not_computed_below_three_pairs(two):
    t = tables.loo_table(two.outcomes.values(), two.leave_one_out, two.leave_one_out_not_computed)
    assert [r[-1] for r in t.rows] == ["not computed: 2 patients with both values; at least 3 are needed"] * 2


def test_summary_table_cells_match_pandas(shipped):
    import pandas as pd

    df = pd.read_csv(SHIPPED)
    t = tables.summary_table(shipped.outcomes.values())
    row = next(r for r in t.rows if r[0] == "Sedimentation rate (mm/hour), drug start")
    assert row[1:4] == (str(len(df)), fmt(df["esr_mm_hr_baseline"].mean(), 1),
                        fmt(df["esr_mm_hr_baseline"].std(), 1))


def test_claims_table_marks_a_wrong_number(shipped):
    claims = shipped.claims
    bad = dataclasses.replace(claims.claims[2], computed=5.0, reproduced=False)
    t = tables.claims_table(dataclasses.replace(claims, claims=(claims.claims[0], bad)))
    assert [str(r[-1]) for r in t.rows] == ["✓ Reproduced", "✗ Not reproduced"]
    assert t.rows[1][3] == "5"


# --------------------------------------------------------------------------- the page


def test_page_from_plain_data(shipped, tmp_path):
    page = render_html(shipped, figures_dir(shipped))
    text = text_of(page)
    for statement in RESULTS_STATEMENTS:
        assert statement in text
    assert "13 of 13" in text
    assert "<script" not in page and "http" not in page.replace("http-equiv", "")


def test_page_without_published_numbers_has_no_comparison(tmp_path):
    r = results_in_process(SHIPPED, tmp_path, published=None)
    assert r.claims.published is None and r.claims.claims == ()
    page = render_html(r, figures_dir(r))
    assert 'id="h-claims"' not in page
    assert "Prednisone dose decreased from a mean 23.50 mg" in text_of(page)


def test_text_from_the_data_is_escaped(shipped, tmp_path):
    evil = "<script>alert(1)</script> & <b>"
    r = dataclasses.replace(shipped, provenance=dataclasses.replace(shipped.provenance, file=f"{evil}.csv"),
                            cohort=dataclasses.replace(shipped.cohort, adverse_events={evil: 1, "none": 9}))
    page = render_html(r, figures_dir(shipped))
    assert "<script>" not in page and "<b>" not in page
    assert html.escape(evil, quote=False) in page or html.escape(evil) in page


def test_each_figure_is_embedded_with_its_words(shipped, tmp_path):
    """A Figure record and its SVG file: the page embeds the file and prints caption and alt."""
    from cohortstats.results import Figure

    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="5" height="5"/></svg>'
    shutil.copytree(figures_dir(shipped), tmp_path, dirs_exist_ok=True)  # the other outcome's figure
    (tmp_path / "x.svg").write_bytes(svg)
    fig = Figure(outcome="prednisone_mg", stem="x", files=("x.svg", "x.pdf"), caption="Caption & words",
                 alt="Alt <text>", width=10, height=10)
    o = dataclasses.replace(shipped.outcomes["prednisone_mg"], figure=fig)
    page = render_html(dataclasses.replace(shipped, outcomes={**shipped.outcomes, "prednisone_mg": o}),
                       tmp_path)
    import base64

    assert "data:image/svg+xml;base64," + base64.b64encode(svg).decode() in page
    assert "Caption &amp; words" in page and 'alt="Alt &lt;text&gt;"' in page
    assert "x.pdf" in page
