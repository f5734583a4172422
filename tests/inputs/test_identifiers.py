"""Direct identifiers in column names and values (issue 15.1).

The checklist is the HIPAA Safe Harbor list, 45 CFR 164.514(b)(2)(i): each case
names its category letter (A names ... R other unique numbers). Cases marked
"issue 15" are the names the issue reports as getting past the old refusal.
"""
import doctest

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cohortstats.inputs import identifiers
from cohortstats.inputs.identifiers import (SAFE_HARBOR, identifier_column, identifier_study_id,
                                     identifier_value, looks_like, normalise)


def category(letter):
    return SAFE_HARBOR[letter][0]


def test_the_checklist_is_the_18_safe_harbor_categories():
    assert list(SAFE_HARBOR) == [chr(c) for c in range(ord("A"), ord("R") + 1)]
    # the module docstring says which check covers each category
    for letter in SAFE_HARBOR:
        assert f"\n {letter}    " in identifiers.__doc__


def test_doctests():
    assert doctest.testmod(identifiers).failed == 0


# (Safe Harbor letter, column name)
COLUMN_CASES = [
    ("A", "name"), ("A", "PatientName"), ("A", "patient_name"), ("A", "first_name"),
    ("A", "lname"), ("A", "fname"), ("A", "Surname"), ("A", "initials"), ("A", "maiden_name"),
    ("A", "nickname"), ("A", "mother_name"),
    ("B", "address"), ("B", "street"), ("B", "city"), ("B", "home_city"), ("B", "county"),
    ("B", "zip"), ("B", "zip5"), ("B", "ZipCode"), ("B", "postal"), ("B", "postcode"),
    ("B", "latitude"), ("B", "precinct"), ("B", "HomeAddr"),
    ("C", "dob"), ("C", "DOB"), ("C", "DateOfBirth"), ("C", "date_of_birth"), ("C", "birth_date"),
    ("C", "DeathDate"), ("C", "visit_dt"), ("C", "admit_dt"), ("C", "yob"), ("C", "visit_date"),
    ("C", "admissiondate"), ("C", "discharge_date"), ("C", "timestamp"), ("C", "birthday"),
    ("C", "dod"), ("C", "date"),
    ("D", "phone"), ("D", "cellphone"), ("D", "mobile_no"), ("D", "tel"), ("D", "telephone"),
    ("D", "PhoneNumber"), ("D", "pager"), ("D", "cell"),
    ("E", "fax"), ("E", "fax_number"),
    ("F", "email"), ("F", "EmailAddr"), ("F", "e_mail"), ("F", "E-Mail"), ("F", "mail"),
    ("G", "ssn"), ("G", "SSN"), ("G", "social_security_number"), ("G", "SocialSecurityNo"),
    ("H", "mrn"), ("H", "MRN1"), ("H", "MedicalRecordNo"), ("H", "medical_record_number"),
    ("H", "chart_no"), ("H", "hospital_id"), ("H", "hospital_number"),
    ("I", "NHS_number"), ("I", "medicaid_id"), ("I", "health_plan_number"), ("I", "member_id"),
    ("I", "beneficiary"), ("I", "insurance_id"),
    ("J", "account_number"), ("J", "acct"), ("J", "AccountNo"), ("J", "iban"),
    ("K", "passport"), ("K", "license_number"), ("K", "drivers_licence"), ("K", "certificate_no"),
    ("L", "vin"), ("L", "license_plate"), ("L", "vehicle_id"),
    ("M", "device_serial"), ("M", "serial_number"), ("M", "imei"), ("M", "device_id"),
    ("M", "mac_address"),
    ("N", "url"), ("N", "website"), ("N", "homepage"), ("N", "profile_url"),
    ("O", "ip"), ("O", "IPAddr"), ("O", "ip_address"), ("O", "IPv4"),
    ("P", "fingerprint"), ("P", "voice_print"), ("P", "biometric_id"), ("P", "retina_scan"),
    ("Q", "photo"), ("Q", "photograph"), ("Q", "face_photo"), ("Q", "image"), ("Q", "picture"),
    ("R", "national_id"), ("R", "id_number"), ("R", "ref_no"), ("R", "case_ref_number"),
]


@pytest.mark.parametrize("letter, name", COLUMN_CASES)
def test_safe_harbor_column_names(letter, name):
    assert identifier_column(name) == category(letter)


# issue 15: "Accepted: PatientName, DateOfBirth, ..." -- each must now be refused.
ISSUE_15_NAMES = ["PatientName", "DateOfBirth", "DeathDate", "MRN1", "MedicalRecordNo", "EmailAddr",
                  "cellphone", "mobile_no", "tel", "zip5", "postal", "NHS_number", "hospital_number",
                  "lname", "fname", "visit_dt", "admit_dt", "yob", "IPAddr", "passport"]


@pytest.mark.parametrize("name", ISSUE_15_NAMES)
def test_issue_15_names_are_refused(name):
    assert identifier_column(name) is not None


# issue 15: "and look-alikes (Cyrillic letters, zero-width spaces, full-width forms)"
LOOK_ALIKES = [
    ("Cyrillic а, е", "pаtiеnt_name"),
    ("Cyrillic upper case", "ЕМАIL"),
    ("Greek ο", "phοne"),
    ("zero-width space", "na\u200bme"),
    ("zero-width joiner", "e\u200dmail"),
    ("soft hyphen", "ss\u00adn"),
    ("bidi override", "\u202edob"),
    ("full-width", "ＰａｔｉｅｎｔＮａｍｅ"),
    ("full-width digits", "ＭＲＮ１"),
    ("combining accent", "na\u0301me"),
    ("mathematical bold", "\U0001d41e\U0001d426\U0001d41a\U0001d422\U0001d425"),  # 𝐞𝐦𝐚𝐢𝐥
]


@pytest.mark.parametrize("what, name", LOOK_ALIKES, ids=[w for w, _ in LOOK_ALIKES])
def test_look_alikes_are_refused(what, name):
    assert identifier_column(name) is not None


# The bundle's own columns and analysts' outcomes (brief; data/README.md).
LEGITIMATE_COLUMNS = [
    "patient_id", "sex", "race", "age_years", "prednisone_mg_baseline", "prednisone_mg_6mo",
    "esr_mm_hr_baseline", "esr_mm_hr_6mo", "indications", "response_6mo", "adverse_events",
    "c3_baseline", "c3_6mo", "dsdna_baseline", "crp_mg_l_6mo", "cdai_6mo", "weight_kg_baseline",
    # harmless words that contain an identifier word
    "updated_flag", "birth_weight_kg", "cd4_cell_count", "photosensitivity", "ethnicity",
    "toxicity_grade", "visit_number", "retina_exam", "nasal_discharge", "study_id", "subject_id",
    "record_id", "number_of_flares", "phonetic_score", "enamel_defects",
]


@pytest.mark.parametrize("name", LEGITIMATE_COLUMNS)
def test_legitimate_columns_pass(name):
    assert identifier_column(name) is None


# (Safe Harbor letter, value) -- values in free text (adverse_events, extra columns).
VALUE_CASES = [
    ("A", "Jane Doe"), ("A", "seen by Dr. Smith"), ("A", "Mrs Jones called"), ("A", "Doe, Jane"),
    ("A", "John Q. Public"), ("A", "Jаne Dоe"),  # Cyrillic а, о
    ("B", "12 Elm Street"), ("B", "3 Oak Rd"), ("B", "221B Baker Street"), ("B", "PO Box 12"),
    ("B", "Durham, NC 27701"), ("B", "27701-1234"), ("B", "27701"), ("B", "apt 4"),
    ("B", "SW1A 1AA"),
    ("C", "2004-05-06"), ("C", "5/6/2004"), ("C", "06.05.04"), ("C", "6 May 2004"),
    ("C", "May 6, 2004"), ("C", "rash since March 2004"), ("C", "Jane Doe DOB 2004-05-06"),
    ("C", "rash on 2004-05-06"),
    ("D", "919-555-1234"), ("D", "(919) 555-1234"), ("D", "+44 20 7946 0958"), ("D", "555-1234"),
    ("D", "call 919.555.1234"), ("D", "tel 5551234"),
    ("F", "jane@example.org"), ("F", "contact jane.doe@mail.example"),
    ("G", "123-45-6789"), ("G", "123 45 6789"), ("G", "SSN on file"),
    ("H", "MRN 12345"), ("H", "record 00123456"), ("H", "1234567"),
    ("I", "NHS number on file"), ("D", "NHS 943 476 5919"),
    ("K", "passport lost"),
    ("N", "https://example.org/p/1"), ("N", "www.example.com"), ("N", "see example.com"),
    ("O", "192.168.1.10"), ("O", "2001:db8:85a3:0:0:8a2e:370:7334"),
]


@pytest.mark.parametrize("letter, value", VALUE_CASES)
def test_safe_harbor_values(letter, value):
    assert identifier_value(value) == category(letter)


# Categories with no text form (biometrics, photographs) or found as numbers:
# E fax (as a phone number), J account, K licence, L vehicle, M device, R other
# (as runs of 6 or more digits).
@pytest.mark.parametrize("letter, value", [("E", "fax 919 555 1234"), ("J", "acct 98765432"),
                                           ("K", "licence 12345678"), ("L", "VIN 1HGCM82633A004352"),
                                           ("M", "serial 123456789"), ("R", "id 987654321")])
def test_numbered_identifiers_are_found_as_numbers(letter, value):
    assert identifier_value(value) is not None


# Brief: "legitimate adverse-event texts must pass".
LEGITIMATE_VALUES = ["none", "neutropenia", "rash", "deep vein thrombosis", "Stevens-Johnson syndrome",
                     "grade 2 neutropenia", "transaminitis; rash", "none reported", "no",
                     "platelets 45000", "grade 3 rash at week 12", "DVT", "prednisone 2.5 mg",
                     "Raynaud's phenomenon", "infusion reaction (grade 1)", "ALT 3x ULN", ""]


@pytest.mark.parametrize("value", LEGITIMATE_VALUES)
def test_legitimate_values_pass(value):
    assert identifier_value(value) is None


@pytest.mark.parametrize("value, letter", [
    ("00123456", "H"), ("123456", "H"), ("Smith", "A"), ("jane doe", "A"), ("Jane Doe", "A"),
    ("jane@x.org", "F"), ("2004-05-06", "C"), ("05/06/2004", "C"), ("123-45-6789", "G"),
    ("919-555-1234", "D"), ("MRN0042", "H"),
])
def test_identifying_study_ids(value, letter):
    assert identifier_study_id(value) == category(letter)


@pytest.mark.parametrize("value", ["R01", "R10", "P001", "17", "12345", "S0000001", "A-17", "pt_003",
                                   "SLE-2017-004", "X9"])
def test_study_ids_pass(value):
    assert identifier_study_id(value) is None


def test_plain_study_ids_are_never_identifying():
    import re

    plain = re.compile(identifiers.PLAIN_STUDY_ID)
    for value in ["R01", "S0000001", "ABC12345678", "1", "99999", "X_1"]:
        assert plain.fullmatch(value) and identifier_study_id(value) is None


def test_normalise_folds_look_alikes():
    assert normalise("Ｐａｔｉｅｎｔ\u200bNаme") == "PatientName"
    assert normalise("café") == "cafe"


def test_looks_like_names_the_bad_category():
    assert looks_like("dates") == "a date"
    with pytest.raises(ValueError, match="`category` must be one of .*'day'"):
        looks_like("day")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_gives_a_category_or_none(text):
    names = {name for name, _ in SAFE_HARBOR.values()}
    assert identifier_column(text) in names | {None}
    assert identifier_value(text) in names | {None}
    assert identifier_study_id(text) in names | {None}
