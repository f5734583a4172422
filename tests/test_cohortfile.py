"""Loading and validating a cohort: one clear line for each kind of bad input."""
import hashlib

import numpy as np
import pytest

from cohortstats import cohortfile
from conftest import HEADER, SHIPPED

GOOD = HEADER + "\nA1,F,White,10,5,20,10\nA2,M,Black,20,10,30,15\n"


def test_shipped_cohort_loads_and_is_marked_reconstructed():
    c = cohortfile.load_cohort(SHIPPED)
    assert c.n == 10
    assert c.reconstructed
    assert c.sha256 == hashlib.sha256(SHIPPED.read_bytes()).hexdigest()


def test_make_data_ids_mark_a_reconstruction(write_csv):
    assert cohortfile.load_cohort(write_csv(GOOD.replace("A1", "R01").replace("A2", "R02"))).reconstructed
    assert not cohortfile.load_cohort(write_csv(GOOD.replace("A1", "R01"))).reconstructed


def test_good_file(write_csv):
    c = cohortfile.load_cohort(write_csv(GOOD))
    assert c.n == 2 and not c.reconstructed
    assert c.frame["prednisone_mg_baseline"].tolist() == [10.0, 20.0]


@pytest.mark.parametrize("encoding", ["bom", "crlf", "bom+crlf"])
def test_spreadsheet_exports(write_csv, encoding):
    text = GOOD.replace("\n", "\r\n") if "crlf" in encoding else GOOD
    data = ("\ufeff" + text).encode("utf-8") if "bom" in encoding else text.encode("utf-8")
    c = cohortfile.load_cohort(write_csv(data))
    assert list(c.frame.columns)[0] == "patient_id"
    assert c.frame["esr_mm_hr_6mo"].tolist() == [10.0, 15.0]


def test_missing_value_is_not_an_error(write_csv):
    c = cohortfile.load_cohort(write_csv(HEADER + "\nA1,F,White,10,,20,10\nA2,M,Black,20,10,30,15\n"))
    assert np.isnan(c.frame["prednisone_mg_6mo"].iloc[0])


# (content, words the one-line message must contain)
BAD = [
    ("", ["is empty"]),
    ("   \n", ["is empty"]),
    (HEADER + "\n", ["no patient rows"]),
    (HEADER.replace(",esr_mm_hr_6mo", "") + "\nA1,F,W,1,2,3\n", ["missing required column 'esr_mm_hr_6mo'"]),
    (HEADER + "\nA1,F,W,1,2,3,4\nA2,F,W,1,2,abc,4\n", ["row 3", "patient A2", "column 'esr_mm_hr_baseline'", "'abc' is not a number"]),
    (HEADER + "\nA1,F,W,-5,2,3,4\n", ["row 2", "column 'prednisone_mg_baseline'", "negative"]),
    (HEADER + "\nA1,F,W,1,2,3,4\nA1,M,W,1,2,3,4\n", ["row 3", "column 'patient_id'", "duplicate patient_id 'A1'", "first at row 2"]),
    (HEADER + "\nA1,F,W,1,2,3,4\nA2,F,W,1,2,3\n", ["row 3", "has 6 fields where the header has 7"]),
    (HEADER + "\nA1,F,W,1,2,3,4,5\n", ["row 2", "has 8 fields"]),
    (HEADER + "\nA1,X,W,1,2,3,4\n", ["row 2", "column 'sex'", "unknown sex code 'X'"]),
    (HEADER + "\nA1,F,W,inf,2,3,4\n", ["column 'prednisone_mg_baseline'", "not a number"]),
    (HEADER + ",patient_name\nA1,F,W,1,2,3,4,Jane Doe\n", ["column 'patient_name'", "identifier"]),
    (HEADER + ",MRN\nA1,F,W,1,2,3,4,123\n", ["column 'MRN'", "identifier"]),
    (HEADER + ",date_of_birth\nA1,F,W,1,2,3,4,2001-01-01\n", ["column 'date_of_birth'", "identifier"]),
    (HEADER + ",Email\nA1,F,W,1,2,3,4,a@b\n", ["column 'Email'", "identifier"]),
    (HEADER + ",visit_date\nA1,F,W,1,2,3,4,2001-01-01\n", ["column 'visit_date'", "identifier"]),
    (HEADER + ",indications\nA1,F,W,1,2,3,4,rash\n", ["column 'indications'", "unknown code 'rash'"]),
    (HEADER + "\n,F,W,1,2,3,4\n", ["row 2", "column 'patient_id'", "every patient needs an id"]),
]


@pytest.mark.parametrize("content, words", BAD)
def test_bad_input_one_line(write_csv, content, words):
    path = write_csv(content)
    before = path.read_bytes()
    with pytest.raises(cohortfile.CohortError) as err:
        cohortfile.load_cohort(path)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    for w in words:
        assert w in message
    assert path.read_bytes() == before  # inputs are never modified


def test_not_utf8(write_csv):
    path = write_csv(HEADER.encode() + b"\nA1,F,Caf\xe9,1,2,3,4\n")
    with pytest.raises(cohortfile.CohortError, match="not UTF-8"):
        cohortfile.load_cohort(path)


def test_missing_file(tmp_path):
    with pytest.raises(cohortfile.CohortError, match="no such file"):
        cohortfile.load_cohort(tmp_path / "nope.csv")


def test_identifier_words_do_not_catch_harmless_columns(write_csv):
    c = cohortfile.load_cohort(write_csv(HEADER + ",updated_flag,age_years\nA1,F,W,1,2,3,4,y,15\n"))
    assert c.n == 1


def test_outcome_parameter_adds_columns(write_csv):
    c = cohortfile.load_cohort(write_csv(HEADER + ",c3_baseline,c3_6mo\nA1,F,W,1,2,3,4,80,95\n"),
                       outcomes=["prednisone_mg", "esr_mm_hr", "c3"])
    assert [o.name for o in c.outcomes] == ["prednisone_mg", "esr_mm_hr", "c3"]
    assert c.frame["c3_6mo"].tolist() == [95.0]
    with pytest.raises(cohortfile.CohortError, match="missing required column 'c4_baseline'"):
        cohortfile.load_cohort(write_csv(GOOD), outcomes="c4")


def test_cli_exit_codes(write_csv, capsys):
    assert cohortfile.main([str(SHIPPED)]) == 0
    assert "10 patients" in capsys.readouterr().out
    assert cohortfile.main([str(write_csv(HEADER + "\n"))]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ")
