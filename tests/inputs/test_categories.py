"""Standard categories in, the paper's grouping out (issue "Their data as it arrives", item 1).

Where each list comes from:
- race: the OMB 1997 Standards for the Classification of Federal Data on Race and Ethnicity
  (62 FR 58782): five minimum categories, plus "More than one race" and unknown/not reported as
  reporting practice (NIH inclusion tables); the paper's words (African-American, White, Asian,
  Hispanic, Other) as synonyms;
- ethnicity: the same standard's two categories, Hispanic or Latino / Not Hispanic or Latino;
- sex: F/M with the words EHR exports use (Female, male, girl…).
"""
import pytest

from cohortstats.inputs.cohortfile import CohortError, load_cohort
from cohortstats.stats.describe import count_cohort

HEADER = "patient_id,sex,race,prednisone_mg_baseline,prednisone_mg_6mo,esr_mm_hr_baseline,esr_mm_hr_6mo"


@pytest.mark.parametrize("written, category", [
    ("Black or African American", "Black or African American"),
    ("black", "Black or African American"), ("African American", "Black or African American"),
    ("African-American", "Black or African American"), ("AFRICAN_AMERICAN", "Black or African American"),
    ("American Indian or Alaska Native", "American Indian or Alaska Native"),
    ("Native Hawaiian or Other Pacific Islander", "Native Hawaiian or Other Pacific Islander"),
    ("More than one race", "More than one race"), ("Unknown", "Not recorded"),
    ("Not reported", "Not recorded"), ("white", "White"), ("Asian", "Asian"),
])
def test_omb_race_categories_are_read_whatever_the_spelling(write_csv, written, category):
    c = load_cohort(write_csv(f"{HEADER}\nP1,F,{written},10,5,20,10\nP2,M,White,10,5,20,10\n"))
    assert c.frame["race"].iloc[0] == category


@pytest.mark.parametrize("written, code", [("Female", "F"), ("female", "F"), ("girl", "F"), ("F", "F"),
                                           ("Male", "M"), ("m", "M"), ("boy", "M")])
def test_sex_words(write_csv, written, code):
    c = load_cohort(write_csv(f"{HEADER}\nP1,{written},White,10,5,20,10\nP2,F,White,10,5,20,10\n"))
    assert c.frame["sex"].iloc[0] == code


def test_ethnicity_is_its_own_column_and_counted(write_csv):
    c = load_cohort(write_csv(f"{HEADER},ethnicity\nP1,F,White,10,5,20,10,Not Hispanic or Latino\n"
                              "P2,F,Black,10,5,20,10,Hispanic or Latino\nP3,M,Asian,10,5,20,10,\n"))
    assert c.frame["ethnicity"].tolist() == ["Not Hispanic or Latino", "Hispanic or Latino", ""]
    counts = count_cohort(c)
    assert counts.african_american == 1  # the paper's "African-American" counts the OMB category
    assert counts.ethnicity == {"Hispanic or Latino": 1, "Not Hispanic or Latino": 1, "Not recorded": 1}


def test_an_unknown_ethnicity_is_one_line_naming_the_vocabulary(write_csv):
    with pytest.raises(CohortError, match=r"row 2 \(patient P1\), column 'ethnicity'.*unknown ethnicity 'martian'"
                                          r".*data/vocabulary.yml"):
        load_cohort(write_csv(f"{HEADER},ethnicity\nP1,F,White,10,5,20,10,martian\n"))


def test_a_european_excel_file_with_an_extra_outcome_loads_in_one_attempt(tmp_path):
    """The issue's third cohort: ';' between fields, decimal commas, a ';' inside a quoted cell (Excel
    quotes it), CRLF, and a c3 pair with one value missing: every pair analysed (c3 found by itself)."""
    import csv

    rows = [["patient_id", "sex", "race", "prednisone_mg_baseline", "prednisone_mg_6mo", "esr_mm_hr_baseline",
             "esr_mm_hr_6mo", "indications", "c3_baseline", "c3_6mo"],
            ["P1", "Female", "White", "37,5", "12,5", "30", "20",
             "malar_rash;raynaud_digital_ulcers", "80,5", "90,25"],
            ["P2", "Male", "Black", "20", "10", "31", "20", "alopecia", "81,5", ""]]
    path = tmp_path / "europe.csv"
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        csv.writer(fh, delimiter=";", lineterminator="\r\n").writerows(rows)
    c = load_cohort(path, outcomes=[])
    assert [o.name for o in c.outcomes] == ["prednisone_mg", "esr_mm_hr", "c3"]
    assert c.frame["prednisone_mg_baseline"].tolist() == [37.5, 20.0]
    assert c.frame["c3_6mo"].tolist()[0] == 90.25 and c.frame["c3_6mo"].isna().tolist() == [False, True]
    assert c.frame["indications"].tolist()[0] == "malar_rash;raynaud_digital_ulcers"
