"""Table 1 and outcome summaries: formatted cells against hand-worked counts, numbers
cross-checked against pandas computed independently."""
import json
from dataclasses import fields

import numpy as np
import pandas as pd
import pytest

from cohortstats.results import to_jsonable
from cohortstats.inputs import cohortfile
from cohortstats.stats import describe
from cohortstats.report import tables
from support import HEADER, SHIPPED

FULL_HEADER = ("patient_id,sex,race,age_years,prednisone_mg_baseline,prednisone_mg_6mo,"
               "esr_mm_hr_baseline,esr_mm_hr_6mo,indications,response_6mo,adverse_events")


def _cells(table):
    return dict(zip(table["section"] + ": " + table["characteristic"], table["value"]))


@pytest.fixture
def shipped():
    return cohortfile.load_cohort(SHIPPED)


@pytest.fixture
def cohort25(write_csv):
    """25 patients; P25 has nothing recorded but sex, race empty and the baseline dose.

    Of the 24 with indications recorded, 3 have alopecia (P01-P03) and 21 malar rash;
    responses: 12 complete, 12 near_complete; adverse events: 2 'rash', 22 'none'.
    """
    rows = []
    for i in range(1, 25):
        ind = "alopecia" if i <= 3 else "malar_rash"
        resp = "complete" if i <= 12 else "near_complete"
        ae = "rash" if i <= 2 else "none"
        race = "African-American" if i <= 6 else "White"
        sex = "F" if i <= 20 else "M"
        rows.append(f"P{i:02d},{sex},{race},{10 + i % 8},{10 + i},{5 + i},{20 + i},{10 + i},"
                    f"{ind},{resp},{ae}")
    rows.append("P25,F,,,30,,,,,,")
    return cohortfile.load_cohort(write_csv(FULL_HEADER + "\n" + "\n".join(rows) + "\n"))


# --------------------------------------------------------------------------- counts

def test_counts_match_pandas_on_the_shipped_cohort(shipped):
    counts = describe.count_cohort(shipped)
    df = pd.read_csv(SHIPPED)
    assert counts.n == len(df)
    assert counts.female == (df["sex"] == "F").sum()
    assert counts.african_american == (df["race"] == "African-American").sum()  # the paper's word
    exploded = df["indications"].str.split(";").explode()
    assert counts.indications == {k: int((exploded == k).sum()) for k in cohortfile.INDICATIONS}
    # race as OMB categories, in data/vocabulary.yml's order (Asian before Black), not by frequency
    assert list(counts.race) == ["Asian", "Black or African American"]
    for name in ("prednisone_mg", "esr_mm_hr"):
        for when, col in (("baseline", f"{name}_baseline"), ("followup", f"{name}_6mo")):
            s = counts.outcomes[name][when]
            assert s["mean"] == pytest.approx(df[col].mean())
            assert s["sd"] == pytest.approx(df[col].std())      # pandas: ddof=1
            assert s["q1"] == pytest.approx(df[col].quantile(0.25))  # pandas: linear = type 7
            assert s["n_not_recorded"] == 0


def test_counts_are_plain_json_never_nan(cohort25):
    counts = describe.count_cohort(cohort25)
    json.dumps(to_jsonable(counts), allow_nan=False)  # raises on NaN
    assert counts.n_indications_recorded == 24 and counts.n_race_recorded == 24
    assert counts.race["Not recorded"] == 1 and list(counts.race)[-1] == "Not recorded"
    assert counts.age["n_not_recorded"] == 1
    assert counts.outcomes["prednisone_mg"]["followup"]["n_not_recorded"] == 1
    assert counts.outcomes["esr_mm_hr"]["baseline"]["n_not_recorded"] == 1


# --------------------------------------------------------------------------- Table 1

def test_table1_formatted_cells(shipped):
    t = describe.table1(describe.count_cohort(shipped))
    assert list(t.columns) == ["section", "characteristic", "value"]
    cell = _cells(t)
    assert cell["Patients: n"] == "10"
    assert cell["Sex: Female"] == "9 (90%)"      # the abstract: nine girls of ten
    assert cell["Sex: Male"] == "1 (10%)"
    assert cell["Race: Black or African American"] == "6 (60%)"  # six African-American
    assert cell["Race: Asian"] == "4 (40%)"
    # ages sorted: 12 12 13 14 14 14 15 16 16 18. Type 7: Q1 at position 1 + .25 * 9 = 3.25
    # -> 13 + .25 * (14 - 13) = 13.25 -> "13.3" (half up); median (14 + 14) / 2 = 14;
    # Q3 at 7.75 -> 15 + .75 * (16 - 15) = 15.75 -> "15.8".
    assert cell["Age, years: Median [Q1, Q3]"] == "14.0 [13.3, 15.8]"
    assert cell["Age, years: Range"] == "12–18"
    # malar rash: R02, R06, R09; complete: R03, R05, R08, R09
    assert cell["Indication: Extensive malar rash"] == "3 (30%)"
    assert cell["Indication: Alopecia"] == "2 (20%)"
    assert cell["Response at 6 months: Complete resolution"] == "4 (40%)"
    assert cell["Response at 6 months: Near resolution"] == "6 (60%)"
    assert cell["Adverse events: None"] == "10 (100%)"
    # prednisone at 6 months: 20 12.5 7.5 7.5 35 5 10 5 12.5 7.5, sum 122.5 -> mean 12.25;
    # sorted 5 5 7.5 7.5 7.5 10 12.5 12.5 20 35: median (7.5 + 10) / 2 = 8.75,
    # Q1 at 3.25 -> 7.5, Q3 at 7.75 -> 12.5; printed at the outcome's 2 decimals.
    df = pd.read_csv(SHIPPED)
    sd = df["prednisone_mg_6mo"].std()  # 9.1629 -> "9.16"
    assert cell["Prednisone dose (mg): 6 months, mean (SD)"] == f"12.25 ({sd:.2f})" == "12.25 (9.16)"
    assert cell["Prednisone dose (mg): 6 months, median [Q1, Q3]"] == "8.75 [7.50, 12.50]"
    # baseline mean 235 / 10 = 23.5
    assert cell["Prednisone dose (mg): Drug start, mean (SD)"].startswith("23.50 (")
    # ESR at 1 decimal: baseline 286 / 10 = 28.6
    assert cell["Sedimentation rate (mm/hour): Drug start, mean (SD)"].startswith("28.6 (")
    assert not any("Not recorded" in c or "not recorded" in c for c in cell)  # nothing missing


def test_table1_with_missing_values_uses_the_recorded_denominators(cohort25):
    counts = describe.count_cohort(cohort25)
    t = describe.table1(counts)
    cell = _cells(t)
    assert cell["Patients: n"] == "25"
    # sex is recorded for all 25: 21 F (P01-P20, P25) -> 84%
    assert cell["Sex: Female"] == "21 (84%)"
    # indications recorded for 24: alopecia 3/24 = 12.5% -> "13%" half up
    # (f"{12.5:.0f}" would print "12", half to even); malar rash 21/24 = 87.5% -> "88%"
    assert cell["Indication: Alopecia"] == "3 of 24 (13%)"
    assert cell["Indication: Extensive malar rash"] == "21 of 24 (88%)"
    assert cell["Indication: Not recorded"] == "1"
    # race recorded for 24: African-American 6/24 = 25%
    assert cell["Race: Black or African American"] == "6 of 24 (25%)"
    assert cell["Race: Not recorded"] == "1"
    assert cell["Response at 6 months: Complete resolution"] == "12 of 24 (50%)"
    assert cell["Response at 6 months: Not recorded"] == "1"
    # adverse events: rash 2/24 = 8.33% -> "8%"; none 22/24 = 91.67% -> "92%"
    assert cell["Adverse events: Rash"] == "2 of 24 (8%)"
    assert cell["Adverse events: None"] == "22 of 24 (92%)"
    assert cell["Adverse events: Not recorded"] == "1"
    assert cell["Age, years: Not recorded"] == "1"
    assert cell["Prednisone dose (mg): 6 months, not recorded"] == "1"
    assert "Prednisone dose (mg): Drug start, not recorded" not in cell  # P25 has it
    assert cell["Sedimentation rate (mm/hour): Drug start, not recorded"] == "1"
    caption = describe.table1_caption(counts)
    assert caption.startswith("Characteristics of the 25 patients.")
    assert "percentages of patients with the item recorded where the denominator differs" in caption
    assert "median [Q1, Q3]" in caption


def test_percentages_round_half_up(write_csv):
    # 1 of 8 = 12.5% -> "13%"; 7 of 8 = 87.5% -> "88%" (half to even: "12%", "88%").
    rows = [f"A{i},{'M' if i == 1 else 'F'},White,1,1,1,1" for i in range(1, 9)]
    t = describe.table1(describe.count_cohort(
        cohortfile.load_cohort(write_csv(HEADER + "\n" + "\n".join(rows) + "\n"))))
    cell = _cells(t)
    assert cell["Sex: Male"] == "1 (13%)"
    assert cell["Sex: Female"] == "7 (88%)"


def test_unit_not_stated_is_printed_as_given(write_csv):
    c = cohortfile.load_cohort(write_csv("patient_id,sex,race,c3_baseline,c3_6mo\n"
                                         "A1,F,White,1.25,1\nA2,M,White,2,2\n"), outcomes="c3")
    t = describe.table1(describe.count_cohort(c))
    assert "C3 (unit not stated)" in set(t["section"])
    assert not any("()" in s for s in t["section"])
    table = tables.summary_table([describe.summarize_outcome(c, c.outcomes[0])])
    assert table.rows[0][0] == "C3 (unit not stated), drug start"


# --------------------------------------------------------------------------- pairs and summaries

def test_complete_pairs_drops_and_counts():
    b, a, dropped = describe.complete_pairs([35, 7.5, np.nan, 20], pd.Series([30, 7.5, 10, np.nan]))
    assert b.tolist() == [35, 7.5] and a.tolist() == [30, 7.5] and dropped == 2
    with pytest.raises(ValueError, match="same length"):
        describe.complete_pairs([1, 2], [1])


def test_summary_uses_complete_pairs_only(write_csv):
    # Hand-worked: patient A2 lacks the 6-month dose, so prednisone uses A1 and A3:
    # baseline 10, 30 -> mean 20, SD sqrt(200) = 14.142; follow-up 5, 15 -> mean 10.
    # Change d = drug start - 6 months: 10 - 5 = 5, 30 - 15 = 15 -> mean 10 (a decrease).
    c = cohortfile.load_cohort(write_csv(HEADER + "\nA1,F,White,10,5,1,1\nA2,F,White,20,,1,1\nA3,M,White,30,15,1,2\n"))
    s = describe.summarize_outcome(c, c.outcomes[0])
    assert (s.n_pairs, s.n_missing) == (2, 1)
    assert s.baseline.mean == pytest.approx(20) and s.baseline.sd == pytest.approx(np.sqrt(200))
    assert s.followup.mean == pytest.approx(10)
    assert s.change.mean == pytest.approx(10) and (s.change.min, s.change.max) == (5, 15)
    assert (s.n_decreased, s.n_unchanged, s.n_increased) == (2, 0, 0)
    # ESR: 1 -> 1, 1 -> 1, 1 -> 2: d = 0, 0, -1 (an increase is negative)
    e = describe.summarize_outcome(c, c.outcomes[1])
    assert (e.n_decreased, e.n_unchanged, e.n_increased) == (0, 2, 1)
    assert e.change.min == -1


def test_summaries_cross_checked_with_pandas(shipped):
    df = pd.read_csv(SHIPPED)
    for o in shipped.outcomes:
        s = describe.summarize_outcome(shipped, o)
        d = df[o.baseline] - df[o.followup]
        for got, col in ((s.baseline, df[o.baseline]), (s.followup, df[o.followup]), (s.change, d)):
            assert got.n == col.count()
            assert got.mean == pytest.approx(col.mean())
            assert got.sd == pytest.approx(col.std())
            assert (got.q1, got.median, got.q3) == pytest.approx(
                tuple(col.quantile([0.25, 0.5, 0.75])))
            assert (got.min, got.max) == (col.min(), col.max())
        assert s.n_decreased == (d > 0).sum() and s.n_increased == (d < 0).sum()


def test_summaries_are_never_nan():
    one, none = describe.summarize([4.0, np.nan]), describe.summarize([np.nan])
    assert one.n == 1 and one.mean == 4 and one.sd is None
    assert none.n == 0 and all(getattr(none, f.name) is None for f in fields(none) if f.name != "n")


def test_quartiles_are_type_7():
    # R: quantile(c(1, 2, 3, 4), c(.25, .5, .75)) -> 1.75 2.50 3.25 (type 7, R's default)
    s = describe.summarize([1, 2, 3, 4])
    assert (s.q1, s.median, s.q3) == (1.75, 2.5, 3.25)


def test_summary_table_is_formatted_text(shipped, write_csv):
    # tables.summary_table is the one table of summaries (notebook 02 and the report)
    t = tables.summary_table([describe.summarize_outcome(shipped, o) for o in shipped.outcomes])
    assert t.headers == ("Outcome", "n", "Mean", "SD", "Median", "Q1 to Q3")
    assert all(isinstance(v, str) for r in t.rows for v in r)
    rows = {r[0]: r for r in t.rows}
    row = rows["Prednisone dose (mg), drug start"]
    # 235 / 10 = 23.5 at 2 decimals; Q1 of 7.5 7.5 12.5 15 20 22.5 32.5 35 37.5 45 at 3.25:
    # 12.5 + .25 * 2.5 = 13.125 -> "13.13" half up (Python's :.2f gives "13.12")
    assert (row[1], row[2]) == ("10", "23.50")
    assert row[5].startswith("13.13 to ")
    df = pd.read_csv(SHIPPED)
    assert row[3] == f"{df['prednisone_mg_baseline'].std():.2f}"  # 13.2916 -> no tie
    assert rows["Sedimentation rate (mm/hour), 6 months"][2] == "16.7"  # 167 / 10
    # one pair: the SD does not exist and prints as a dash, not "nan"
    c = cohortfile.load_cohort(write_csv(HEADER + "\nA1,F,White,10,5,1,1\n"))
    one = tables.summary_table([describe.summarize_outcome(c, c.outcomes[0])])
    assert one.rows[0][3] == "—"


