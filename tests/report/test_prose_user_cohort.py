"""The Results of an analyst's own cohort are about that cohort (issue "Their data as it arrives", item 5).

A hand-made cohort of 12 patients, every expected sentence worked out by hand below:
- sex: 11 F, 1 M -> "Eleven subjects were girls" (a count opening a sentence is in words);
- responses: 5 complete, 5 near_complete, 2 partial -> every category in the sentence;
- prednisone rises in every patient (baseline 10, 6 months 15 or 20): the Hodges–Lehmann
  estimate of d = start − 6 months is negative, so it is worded as an increase, positive amounts,
  the interval's bounds in increasing order;
- ESR has one patient without a 6-month value: Table 1's note says the Results use 11 of 12;
- adverse events: "neutropenia; fatigue" in one cell and "neutropenia" in another: neutropenia in
  two patients, fatigue in one, counted apart.
"""
from __future__ import annotations

import re

import pytest

from cohortstats.core.format import number_words
from cohortstats.report.prose import plain, results_sentences
from cohortstats.report.render import render_html, tables
from support.in_process import figures_dir, results_in_process

HEADER = ("patient_id,sex,race,prednisone_mg_baseline,prednisone_mg_6mo,esr_mm_hr_baseline,esr_mm_hr_6mo,"
          "response_6mo,adverse_events")
ROWS = [
    ("P01", "F", "African-American", 10, 20, 30, 20, "complete", "neutropenia; fatigue"),
    ("P02", "F", "African-American", 10, 15, 28, 20, "complete", "neutropenia"),
    ("P03", "F", "White", 10, 20, 25, 21, "complete", "none"),
    ("P04", "F", "White", 10, 15, 40, 30, "complete", "none"),
    ("P05", "F", "Asian", 10, 20, 22, 12, "complete", "none"),
    ("P06", "F", "Asian", 10, 15, 35, 30, "near_complete", "none"),
    ("P07", "F", "White", 10, 20, 18, 10, "near_complete", "none"),
    ("P08", "F", "White", 10, 15, 50, 41, "near_complete", "none"),
    ("P09", "F", "Other", 10, 20, 33, 20, "near_complete", "none"),
    ("P10", "F", "Other", 10, 15, 27, 19, "near_complete", "none"),
    ("P11", "F", "White", 10, 20, 31, "", "partial", "none"),
    ("P12", "M", "White", 10, 15, 26, 25, "partial", "none"),
]


@pytest.fixture(scope="module")
def mine(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mine")
    path = tmp / "mine.csv"
    path.write_text(HEADER + "\n" + "\n".join(",".join(str(v) for v in r) for r in ROWS) + "\n")
    return results_in_process(path, tmp)


def _text(results) -> str:
    return "\n".join(plain(s) for s in results_sentences(results))


@pytest.mark.parametrize("k, words", [(0, "zero"), (9, "nine"), (12, "twelve"), (21, "twenty-one"),
                                      (100, "one hundred"), (1234, "one thousand two hundred thirty-four")])
def test_number_words(k, words):
    assert number_words(k) == words  # English cardinal numbers, hyphenated 21-99 (CMOS 9.5, 7.96)


@pytest.mark.slow
def test_a_count_opening_a_sentence_is_in_words(mine):
    assert "Eleven subjects were girls and two were African-American." in _text(mine)


@pytest.mark.slow
def test_every_response_category_recorded_is_said(mine):
    assert ("Within 6 months, based on physician report, five patients demonstrated complete "
            "resolution, five patients demonstrated near resolution, and two patients had partial "
            "response (of 12 with a response recorded).") in _text(mine)


@pytest.mark.slow
def test_a_rise_is_worded_as_a_rise(mine):
    t = mine.outcomes["prednisone_mg"].test
    assert t.estimate < 0  # d = start − 6 months: every patient rose
    text = _text(mine)
    assert "Prednisone dose increased from a mean 10.00 mg" in text
    sentence = next(s for s in text.splitlines() if "Hodges–Lehmann" in s and "increase" in s)
    assert "−" not in sentence and "-" not in sentence.split("was", 1)[1]
    lo, hi = (float(x) for x in re.search(r"CI ([0-9.]+) to ([0-9.]+)\)", sentence).groups())
    assert lo <= -t.estimate <= hi and (lo, hi) == pytest.approx((-t.conf_int[1], -t.conf_int[0]))


@pytest.mark.slow
def test_events_in_one_cell_are_counted_apart(mine):
    assert mine.cohort.adverse_events == {"none": 10, "neutropenia": 2, "fatigue": 1}
    assert "neutropenia in 2 patients and fatigue in 1 patient" in _text(mine)


@pytest.mark.slow
def test_table1_says_its_denominators_where_the_results_use_complete_pairs(mine):
    note = tables(mine)["table1"].note
    assert "Sedimentation rate, 11 of 12 patients" in note and "Prednisone" not in note


@pytest.mark.slow
def test_the_page_of_another_cohort_is_about_it_not_a_reproduction_alarm(mine):
    page = render_html(mine, figures_dir(mine))
    header = page.split("<main>", 1)[0]
    assert "Published numbers" not in header and "reproduced" not in header
    assert "This cohort is not the paper" in page and "Comparison with the published Results" in page
