"""Table 1 and outcome summaries, cross-checked against pandas computed independently."""
import numpy as np
import pandas as pd
import pytest

from cohortstats import cohortfile, describe
from conftest import HEADER, SHIPPED


def test_counts_match_pandas_on_the_shipped_cohort():
    cohort = cohortfile.load_cohort(SHIPPED)
    counts = describe.count_cohort(cohort)
    df = pd.read_csv(SHIPPED)
    assert counts.n == len(df)
    assert counts.female == (df["sex"] == "F").sum()
    assert counts.african_american == (df["race"] == "African-American").sum()
    exploded = df["indications"].str.split(";").explode()
    assert counts.indications == {k: int((exploded == k).sum()) for k in cohortfile.INDICATIONS}


def test_table1_formatted_cells():
    cohort = cohortfile.load_cohort(SHIPPED)
    t = describe.table1(describe.count_cohort(cohort))
    cell = dict(zip(t["section"] + ": " + t["characteristic"], t["value"]))
    assert cell["Sex: Female"] == "9 (90%)"      # the abstract: nine girls of ten
    assert cell["Race: African-American"] == "6 (60%)"  # six African-American
    assert cell["Patients: n"] == "10"


def test_summary_uses_complete_pairs_only(write_csv):
    # Hand-worked: patient A2 lacks the 6-month dose, so prednisone uses A1 and A3:
    # baseline 10, 30 -> mean 20, SD sqrt(200) = 14.142; follow-up 5, 15 -> mean 10.
    c = cohortfile.load_cohort(write_csv(HEADER + "\nA1,F,W,10,5,1,1\nA2,F,W,20,,1,1\nA3,M,W,30,15,1,2\n"))
    s = describe.summarize_outcome(c, c.outcomes[0])
    assert (s.n_pairs, s.n_missing) == (2, 1)
    assert s.baseline.mean == pytest.approx(20) and s.baseline.sd == pytest.approx(np.sqrt(200))
    assert s.followup.mean == pytest.approx(10)
    assert (s.n_decreased, s.n_unchanged, s.n_increased) == (2, 0, 0)
    e = describe.summarize_outcome(c, c.outcomes[1])
    assert (e.n_decreased, e.n_unchanged, e.n_increased) == (0, 2, 1)


def test_quartiles_are_type_7():
    # R: quantile(c(1, 2, 3, 4), c(.25, .5, .75)) -> 1.75 2.50 3.25 (type 7, R's default)
    s = describe.summarize([1, 2, 3, 4])
    assert (s.q1, s.median, s.q3) == (1.75, 2.5, 3.25)
