"""Loading and validating a cohort: one clear line for each kind of bad input.

Where an expectation comes from is said beside it: data/README.md (the data
dictionary), an issue of the tracker (15: hostile and careless input; 12:
semicolons; 11: speed), or the HIPAA Safe Harbor list (45 CFR 164.514(b)(2)).
"""
import hashlib
import os
import socket
import string
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cohortstats.inputs import cohortfile, csvfile
from support import HEADER, SHIPPED

GOOD = HEADER + "\nA1,F,White,10,5,20,10\nA2,M,African-American,20,10,30,15\n"
FULL = ("patient_id,sex,race,age_years,prednisone_mg_baseline,prednisone_mg_6mo,esr_mm_hr_baseline,"
        "esr_mm_hr_6mo,indications,response_6mo,adverse_events")


def row(pid="A1", sex="F", race="White", age="14", pb="10", pf="5", eb="20", ef="10",
        ind="malar_rash", resp="complete", ae="none"):
    return ",".join([pid, sex, race, age, pb, pf, eb, ef, ind, resp, ae])


def full(*rows):
    return "\n".join([FULL, *rows]) + "\n"


def error(write_csv, content, name="cohort.csv", outcomes=None):
    """The CohortError message for content; checks it is one short line and the file is unchanged."""
    path = write_csv(content, name=name)
    before = path.read_bytes()
    with pytest.raises(cohortfile.CohortError) as err:
        cohortfile.load_cohort(path, outcomes=outcomes)
    message = str(err.value)
    assert "\n" not in message and len(message) <= 300
    assert path.read_bytes() == before  # inputs are never modified
    return message


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
    assert c.frame["race"].tolist() == ["White", "Black or African American"]  # the OMB category


def test_all_columns(write_csv):
    c = cohortfile.load_cohort(write_csv(full(row(), row("A2", ind="oral_ulcers;nasal_ulcers",
                                                          ae="grade 2 neutropenia"))))
    assert c.frame["age_years"].tolist() == [14.0, 14.0]
    assert c.frame["adverse_events"].tolist() == ["none", "grade 2 neutropenia"]


@pytest.mark.parametrize("encoding", ["bom", "crlf", "bom+crlf"])
def test_spreadsheet_exports(write_csv, encoding):
    text = GOOD.replace("\n", "\r\n") if "crlf" in encoding else GOOD
    data = ("\ufeff" + text).encode("utf-8") if "bom" in encoding else text.encode("utf-8")
    c = cohortfile.load_cohort(write_csv(data))
    assert list(c.frame.columns)[0] == "patient_id"
    assert c.frame["esr_mm_hr_6mo"].tolist() == [10.0, 15.0]


def test_padded_and_quoted_cells_are_read_as_spreadsheets_write_them(write_csv):
    c = cohortfile.load_cohort(write_csv(HEADER + '\n A1 , f ,"white", 10 ,5,20,10\n'))
    assert c.frame.loc[0, ["patient_id", "sex", "race"]].tolist() == ["A1", "F", "White"]
    assert c.frame["prednisone_mg_baseline"].tolist() == [10.0]


def test_missing_value_is_not_an_error(write_csv):
    c = cohortfile.load_cohort(write_csv(HEADER + "\nA1,F,White,10,,20,10\nA2,M,White,20,10,30,15\n"))
    assert np.isnan(c.frame["prednisone_mg_6mo"].iloc[0])


# (content, words the one-line message must contain, where the expectation comes from)
BAD = [
    ("", ["is empty"], "README: a header row"),
    ("   \n", ["is empty"], "README: a header row"),
    (HEADER + "\n", ["no patient rows"], "README: one row per patient"),
    (HEADER.replace(",esr_mm_hr_6mo", "") + "\nA1,F,White,1,2,3\n",
     ["missing required column 'esr_mm_hr_6mo'"], "README: required columns"),
    (HEADER + "\nA1,F,White,1,2,3,4\nA2,F,White,1,2,abc,4\n",
     ["row 3", "patient A2", "column 'esr_mm_hr_baseline'", "'abc' is not a number"], "README: number"),
    (HEADER + "\nA1,F,White,1,2,nan,4\n", ["'nan' is not a number"], "README: empty = not recorded"),
    (HEADER + "\nA1,F,White,-5,2,3,4\n", ["row 2", "column 'prednisone_mg_baseline'", "negative"],
     "README: number ≥ 0"),
    (HEADER + "\nA1,F,White,1,2,3,4\nA1,M,White,1,2,3,4\n",
     ["row 3", "column 'patient_id'", "duplicate patient_id 'A1'", "first at row 2"], "README: unique"),
    (HEADER + "\nA1,F,White,1,2,3,4\nA2,F,White,1,2,3\n", ["row 3", "has 6 fields where the header has 7"],
     "README: one row per patient"),
    (HEADER + "\nA1,F,White,1,2,3,4,5\n", ["row 2", "has 8 fields"], "README"),
    (HEADER + "\nA1,F,White,1,2,3,4\n\nA2,F,White,1,2,3,4\n", ["row 3", "blank line"], "README"),
    (HEADER + "\nA1,X,White,1,2,3,4\n", ["row 2", "column 'sex'", "unknown sex 'X'", "F, M"],
     "README: sex F, M"),
    (HEADER + "\nA1,F,White,inf,2,3,4\n", ["column 'prednisone_mg_baseline'", "not a number"], "README"),
    (HEADER + ",patient_name\nA1,F,White,1,2,3,4,Jane Doe\n", ["column 'patient_name'", "identifier"],
     "Safe Harbor A"),
    (HEADER + ",MRN\nA1,F,White,1,2,3,4,123\n", ["column 'MRN'", "identifier"], "Safe Harbor H"),
    (HEADER + ",date_of_birth\nA1,F,White,1,2,3,4,2001-01-01\n", ["column 'date_of_birth'", "identifier"],
     "Safe Harbor C"),
    (HEADER + ",Email\nA1,F,White,1,2,3,4,a@b\n", ["column 'Email'", "identifier"], "Safe Harbor F"),
    (HEADER + ",visit_date\nA1,F,White,1,2,3,4,2001-01-01\n", ["column 'visit_date'", "identifier"],
     "Safe Harbor C"),
    (HEADER + ",indications\nA1,F,White,1,2,3,4,rash\n", ["column 'indications'", "unknown code 'rash'"],
     "README: indication vocabulary"),
    (HEADER + ",response_6mo\nA1,F,White,1,2,3,4,cured\n", ["column 'response_6mo'", "unknown code 'cured'"],
     "README: response codes"),
    (HEADER + "\n,F,White,1,2,3,4\n", ["row 2", "column 'patient_id'", "every patient needs an id"],
     "README: patient_id required"),
    (HEADER + ",sex\nA1,F,White,1,2,3,4,F\n", ["column 'sex'", "appears twice"], "README: one header row"),
    (HEADER + ",\nA1,F,White,1,2,3,4,x\n", ["header field 8 is empty"], "README: one header row"),
    (HEADER + '\nA1,F,White,1,2,3,"4\n', ["not valid CSV"], "README: comma-separated"),
]


@pytest.mark.parametrize("content, words, source", BAD, ids=[f"{i}-{b[2]}" for i, b in enumerate(BAD)])
def test_bad_input_one_line(write_csv, content, words, source):
    message = error(write_csv, content)
    assert message.startswith(str(write_csv(content)))
    for w in words:
        assert w in message


def test_not_utf8(write_csv):
    path = write_csv(HEADER.encode() + b"\nA1,F,Caf\xe9,1,2,3,4\n")
    with pytest.raises(cohortfile.CohortError, match="not UTF-8"):
        cohortfile.load_cohort(path)


def test_missing_file(tmp_path):
    with pytest.raises(cohortfile.CohortError, match="no such file"):
        cohortfile.load_cohort(tmp_path / "nope.csv")


def test_path_of_the_wrong_type():
    with pytest.raises(TypeError, match="`path` must be a str or path-like object; not int"):
        cohortfile.load_cohort(3)


# --- issue 12: "A semicolon-separated file is refused without saying that the delimiter is the problem."

def test_tabs_are_refused_naming_the_delimiter(write_csv):
    message = error(write_csv, GOOD.replace(",", "\t"))
    assert "uses tabs between fields" in message and "save it as CSV UTF-8 (comma-delimited)" in message
    assert "row 1" in message and "your values are kept" in message


def test_a_european_excel_file_is_read_as_what_it_stands_for(write_csv):
    """issue 21: ';' between fields and decimal commas (Excel in a European locale): read, not refused."""
    euro = GOOD.replace(",", ";").replace("20;10;30;15", "20;10;27,5;15")
    c = cohortfile.load_cohort(write_csv(euro))
    assert c.frame["esr_mm_hr_baseline"].tolist() == [20.0, 27.5]
    assert c.sha256 == __import__("hashlib").sha256(euro.encode()).hexdigest()  # of the bytes given


def test_a_ragged_semicolon_file_is_refused_with_advice_that_keeps_the_values(write_csv):
    message = error(write_csv, GOOD.replace(",", ";") + "A3;F\n")
    assert "uses ';' between fields" in message and "your values are kept" in message


def test_a_decimal_comma_in_a_comma_file_is_one_line_that_keeps_the_value(write_csv):
    """issue 21: "'27,5' is not a number (leave the cell empty...)" advised blanking real values."""
    message = error(write_csv, GOOD.replace("A2,M,White,20,10,30,15", 'A2,M,White,20,10,"27,5",15')
                    .replace("A2,M,African-American,20,10,30,15", 'A2,M,African-American,20,10,"27,5",15'))
    assert "'27,5' is not a number (write 27.5 with a decimal point" in message
    assert "empty" not in message


# --- issue 15.2: special files --------------------------------------------------------

def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "cohort.csv"
    os.mkfifo(fifo)
    with pytest.raises(cohortfile.CohortError, match=r"is a named pipe \(FIFO\), not a CSV file"):
        cohortfile.load_cohort(fifo)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_device_is_refused_without_reading():
    with pytest.raises(cohortfile.CohortError, match="^/dev/zero: is a character device, not a CSV file$"):
        cohortfile.load_cohort("/dev/zero")


def test_directory_is_refused(tmp_path):
    with pytest.raises(cohortfile.CohortError, match="is a directory, not a CSV file"):
        cohortfile.load_cohort(tmp_path)


def test_socket_is_refused(tmp_path):
    path = tmp_path / "s.csv"
    if len(str(path)) > 100:
        pytest.skip("socket path too long for AF_UNIX")
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(path))
        with pytest.raises(cohortfile.CohortError, match="is a socket"):
            cohortfile.load_cohort(path)


def test_dangling_link_says_so(tmp_path):
    link = tmp_path / "cohort.csv"
    link.symlink_to(tmp_path / "gone.csv")
    with pytest.raises(cohortfile.CohortError) as err:
        cohortfile.load_cohort(link)
    assert str(err.value) == f"{link}: is a link to a file that does not exist"


def test_link_to_a_file_is_read_and_named_as_given(write_csv, tmp_path):
    target = write_csv(GOOD.replace("White", "Purple"), name="real.csv")
    link = tmp_path / "via-link.csv"
    link.symlink_to(target)
    with pytest.raises(cohortfile.CohortError) as err:
        cohortfile.load_cohort(link)
    assert str(err.value).startswith(f"{link}, row 2")
    assert cohortfile.load_cohort(write_csv(GOOD, name="ok.csv")).n == 2


def test_size_limit(write_csv, monkeypatch):
    path = write_csv(GOOD)
    monkeypatch.setattr(csvfile, "MAX_BYTES", 100)  # where the file is read
    with pytest.raises(cohortfile.CohortError, match=r"MiB; the limit is 0 MiB \(data/README.md\)"):
        cohortfile.load_cohort(path)


def test_size_limit_is_documented():
    readme = (SHIPPED.parent / "README.md").read_text(encoding="utf-8")
    assert cohortfile.MAX_BYTES == 256 * 2**20 and "256 MiB" in readme
    assert "10⁹" in readme or "1e9" in readme


# --- issue 15.3: what reaches the terminal ---------------------------------------------

def test_ansi_escape_in_header_is_shown_escaped(write_csv):
    message = error(write_csv, HEADER + ",\x1b[31mred\x1b[0m\nA1,F,White,1,2,3,4,x\n")
    assert "\x1b" not in message and "\\x1b[31mred" in message


def test_bidi_override_in_file_name_is_shown_escaped(write_csv):
    message = error(write_csv, HEADER + "\n", name="cohort\u202evsc.csv")
    assert "\u202e" not in message and "cohort\\u202evsc.csv" in message


def test_bidi_override_in_a_cell_is_refused(write_csv):
    message = error(write_csv, HEADER + ",adverse_events\nA1,F,White,1,2,3,4,ra\u202esh\n")
    assert "row 2" in message and "column 'adverse_events'" in message and "\\u202e" in message


def test_one_line_file_gives_a_short_message(write_csv):
    """issue 15: 'a 50 MB single-line file gives a 52 MB one-line error'."""
    message = error(write_csv, "x" * 1_000_000 + "\n")
    assert len(message) <= 300 and "…" in message


def test_long_values_are_cut(write_csv):
    message = error(write_csv, HEADER + "\nA1,F,White," + "abc" * 200 + ",2,3,4\n")
    assert "…" in message and len(message) <= 300


# --- issue 15.1: identifiers --------------------------------------------------------------

@pytest.mark.parametrize("column", ["PatientName", "DateOfBirth", "DeathDate", "MRN1", "MedicalRecordNo",
                                    "EmailAddr", "cellphone", "mobile_no", "tel", "zip5", "postal",
                                    "NHS_number", "hospital_number", "lname", "fname", "visit_dt",
                                    "admit_dt", "yob", "IPAddr", "passport", "nаme", "na\u200bme",
                                    "ＮＡＭＥ"])
def test_issue_15_identifier_columns(write_csv, column):
    message = error(write_csv, HEADER + f",{column}\nA1,F,White,1,2,3,4,x\n")
    assert "identifier" in message and "row 1" in message


def test_race_vocabulary_is_enforced_and_the_value_not_echoed(write_csv):
    """issue 15: 'race=Jane Doe DOB 2004-05-06 is printed'."""
    message = error(write_csv, GOOD.replace("White", "Jane Doe DOB 2004-05-06"))
    assert "column 'race'" in message and "looks like a date" in message
    assert "Jane" not in message and "2004" not in _beyond_the_path(message)
    message = error(write_csv, GOOD.replace("White", "Martian"))
    assert "unknown race 'Martian'; expected one of American Indian or Alaska Native, Asian" in message
    assert "data/vocabulary.yml" in message


def test_race_spelling_and_empty(write_csv):
    c = cohortfile.load_cohort(write_csv(GOOD.replace("White", "white").replace("African-American", "")))
    assert c.frame["race"].tolist() == ["White", ""]


# (adverse event, Safe Harbor category it must be refused as) -- issue 15: "an adverse-events entry
# with a name, phone, e-mail, street address or SSN appears in results.html".
AE_IDENTIFIERS = [
    ("seen by Jane Doe", "a person's name"), ("call 919-555-1234", "a telephone number"),
    ("jane@example.org", "an e-mail address"), ("lives at 12 Elm Street", "an address or ZIP code"),
    ("123-45-6789", "a social security number"), ("rash 2004-05-06", "a date"),
    ("MRN 00123456", "a medical record number"), ("http://example.org", "a web address (URL)"),
    ("10.0.0.1", "an IP address"),
]


@pytest.mark.parametrize("event, what", AE_IDENTIFIERS)
def test_adverse_events_with_identifiers(write_csv, event, what):
    message = error(write_csv, full(row(), row("A2", ae=event)))
    assert f"row 3 (patient A2), column 'adverse_events': looks like {what}" in message
    assert event not in message


@pytest.mark.parametrize("event", ["none", "neutropenia", "rash", "deep vein thrombosis",
                                   "Stevens-Johnson syndrome", "grade 2 neutropenia", "transaminitis; rash"])
def test_legitimate_adverse_events(write_csv, event):
    c = cohortfile.load_cohort(write_csv(full(row(ae=f'"{event}"'))))
    assert c.frame["adverse_events"].tolist() == [event]


def test_adverse_event_length(write_csv):
    message = error(write_csv, full(row(ae="rash " * 50)))
    assert "free text is limited to 200" in message


def test_extra_text_columns_are_scanned(write_csv):
    message = error(write_csv, HEADER + ",notes\nA1,F,White,1,2,3,4,ok\nA2,F,White,1,2,3,4,ring 555-1234\n")
    assert "row 3" in message and "column 'notes'" in message and "telephone" in message
    message = error(write_csv, HEADER + ",c9\nA1,F,White,1,2,3,4,123456789\n")
    assert "column 'c9'" in message and "record number" in message


@pytest.mark.parametrize("pid, what", [("123-45-6789", "social security"), ("00123456", "medical record"),
                                       ("Smith", "name"), ("Jane Doe", "name"), ("j@x.org", "e-mail"),
                                       ("2004-05-06", "date")])
def test_identifying_patient_ids(write_csv, pid, what):
    message = error(write_csv, GOOD.replace("A2", pid))
    assert "row 3, column 'patient_id': is not a study id" in message and what in message
    assert pid not in message


@pytest.mark.parametrize("pid", ["P001", "17", "S0000001", "SLE-004", "R1"])
def test_study_ids(write_csv, pid):
    assert cohortfile.load_cohort(write_csv(GOOD.replace("A2", pid))).frame["patient_id"].iloc[1] == pid


def _beyond_the_path(message: str) -> str:
    """The message after the file's path: pytest numbers its temporary folders (pytest-555/), so a
    value's digits may be in the path without being echoed."""
    return message.split("cohort.csv", 1)[1]


def test_identifying_value_is_not_echoed_in_a_number_column(write_csv):
    message = error(write_csv, GOOD.replace(",20,10\n", ",919-555-1234,10\n", 1))
    assert "looks like a telephone number" in message and "555" not in _beyond_the_path(message)


def test_ages_over_89_are_refused(write_csv):
    """Safe Harbor C: 'all ages over 89'."""
    message = error(write_csv, full(row(age="93")))
    assert "column 'age_years'" in message and "ages over 89" in message
    assert cohortfile.load_cohort(write_csv(full(row(age="90")))).frame["age_years"].tolist() == [90.0]


def test_nothing_is_cached(write_csv, tmp_path, monkeypatch):
    """issue 15: 'Their contents are also kept in a pickle under build/cache/'."""
    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv("COHORTSTATS_CACHE", str(cache))
    cohortfile.load_cohort(write_csv(GOOD))
    assert list(cache.iterdir()) == []
    with pytest.raises(TypeError):
        cohortfile.load_cohort(write_csv(GOOD), cache_dir=cache)


# --- issue 15.5: degenerate cohorts, decided once at validation ------------------------------

@pytest.mark.parametrize("rows", [
    ["A1,F,White,10,5,20,10"],                                       # n = 1
    ["A1,F,White,10,5,20,10", "A2,M,White,20,10,30,15"],             # n = 2
    ["A1,F,White,10,10,20,20", "A2,F,White,5,5,3,3"],                # unchanged in every patient
    ["A1,F,White,10,10,20,20", "A2,F,White,10,10,20,20"],            # all values identical
    ["A1,F,White,10,,20,10", "A2,F,White,,5,20,10", "A3,F,White,1,2,3,4"],  # one complete pair
], ids=["n=1", "n=2", "all-unchanged", "all-identical", "one-pair"])
def test_degenerate_cohorts_are_valid(write_csv, rows):
    """The statistics report what cannot be computed; validation accepts these."""
    assert cohortfile.load_cohort(write_csv("\n".join([HEADER, *rows]) + "\n")).n == len(rows)


@pytest.mark.parametrize("rows, words", [
    (["A1,F,White,,,20,10", "A2,F,White,,,30,15"],
     "column 'prednisone_mg_baseline': no patient has both prednisone_mg_baseline and prednisone_mg_6mo"),
    (["A1,F,White,10,,20,10", "A2,F,White,,5,30,15"],
     "no patient has both prednisone_mg_baseline and prednisone_mg_6mo; nothing to compare"),
    (["A1,F,White,1e308,5,20,10"], "1e+308 is too large for a dose or laboratory value (the limit is 1e+09"),
    (["A1,F,White,10,5,20,-1e300"], "is negative"),
], ids=["outcome-empty", "no-pair", "1e308", "-1e300"])
def test_degenerate_cohorts_refused(write_csv, rows, words):
    assert words in error(write_csv, "\n".join([HEADER, *rows]) + "\n")


def test_outcome_parameter_adds_columns(write_csv):
    c = cohortfile.load_cohort(write_csv(HEADER + ",c3_baseline,c3_6mo\nA1,F,White,1,2,3,4,80,95\n"),
                               outcomes=["prednisone_mg", "esr_mm_hr", "c3"])
    assert [o.name for o in c.outcomes] == ["prednisone_mg", "esr_mm_hr", "c3"]
    assert c.frame["c3_6mo"].tolist() == [95.0]
    with pytest.raises(cohortfile.CohortError, match="missing required column 'c4_baseline'"):
        cohortfile.load_cohort(write_csv(GOOD), outcomes="c4")


def test_identifier_words_do_not_catch_harmless_columns(write_csv):
    c = cohortfile.load_cohort(write_csv(
        HEADER + ",updated_flag,age_years,dsdna_baseline,crp_mg_l_6mo,cdai_6mo,weight_kg_baseline\n"
        "A1,F,White,1,2,3,4,y,15,30,2.5,4,50.5\n"))
    assert c.n == 1


# --- issue 7: the command line ----------------------------------------------------------------------

def test_cli_exit_codes(write_csv, capsys):
    assert cohortfile.main([str(SHIPPED)]) == 0
    out = capsys.readouterr().out
    assert "10 patients" in out and out.startswith("ok: ")
    assert cohortfile.main([str(write_csv(HEADER + "\n"))]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ")


@pytest.mark.parametrize("argv, words", [
    ([str(SHIPPED), "--outcomes", "Bad Name"], "error: --outcomes: `outcomes` names must be"),
    ([str(SHIPPED), "--cache", "x"], "error: unrecognized arguments: --cache x"),  # issue 15: no cache
    ([], "error: the following arguments are required: cohort"),
])
def test_cli_usage_errors_are_one_line(capsys, argv, words):
    assert cohortfile.main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(words)


def test_cli_interrupted(monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cohortfile, "load_cohort", interrupted)
    assert cohortfile.main([str(SHIPPED)]) == 2
    assert capsys.readouterr().err == "error: interrupted\n"


# --- any bytes: a Cohort or one line -----------------------------------------------------------------

PIECES = st.sampled_from([HEADER, FULL, "\n", "\r\n", ",", ";", '"', "\x00", "\x1b[2J", "\u202e", "\ufeff",
                          "A1", "R01", "F", "M", "White", "1", "2.5", "-3", "1e308", "inf", "nan", "",
                          "malar_rash", "none", "Jane Doe", "919-555-1234", " ", "\t", "\r"])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=300),
                      st.lists(PIECES, max_size=40).map(lambda p: "".join(p).encode("utf-8")),
                      st.tuples(st.sampled_from([HEADER, FULL]), st.binary(max_size=200))
                      .map(lambda t: t[0].encode() + b"\n" + t[1])))
def test_any_bytes_give_a_cohort_or_one_line(tmp_path, data):
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    try:
        cohort = cohortfile.load_cohort(path)
    except cohortfile.CohortError as exc:
        message = str(exc)
        assert "\n" not in message and len(message) <= 300 and message.startswith(str(path))
        assert all(ch.isprintable() for ch in message)
    else:
        assert cohort.n == len(cohort.frame) >= 1
        assert set(cohort.frame["sex"]) <= {"F", "M"}
    assert path.read_bytes() == data


def test_printable_ascii_only_in_messages_of_control_characters(write_csv):
    for ch in map(chr, range(32)):
        if ch in "\n\r":
            continue
        message = error(write_csv, GOOD.replace("A2", f"A{ch}2"))
        assert all(c in string.printable and c not in "\t\x0b\x0c" for c in message)
