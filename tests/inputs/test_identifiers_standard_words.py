"""Identifier screening without false refusals (issue "Their data as it arrives", item 2).

Expected: the standard categories (OMB 1997, 62 FR 58782) and clinical terms in Title Case are
not names; REDCap's own export columns (REDCap's data export: redcap_event_name,
redcap_repeat_instrument, redcap_repeat_instance, redcap_data_access_group, <form>_complete) are
not identifiers; the held-out names, titles and dates are still refused.
"""
import pytest

from cohortstats.inputs.cohortfile import load_cohort
from cohortstats.inputs.identifiers import identifier_column, identifier_value


@pytest.mark.parametrize("text", ["Deep Vein Thrombosis", "Stevens-Johnson Syndrome", "Neutropenia; Fatigue",
                                  "Not Hispanic or Latino", "Black or African American",
                                  "American Indian or Alaska Native",
                                  "Native Hawaiian or Other Pacific Islander", "Pulmonary Embolism"])
def test_standard_and_clinical_words_are_not_names(text):
    assert identifier_value(text) is None


@pytest.mark.parametrize("text, category", [("Jane Doe", "names"), ("seen by Dr. Smith", "names"),
                                            ("Doe, Jane", "names"), ("Mrs Jones called", "names"),
                                            ("Deep Vein Thrombosis, Jane Doe", "names"),
                                            ("rash since 2004-05-06", "dates")])
def test_names_and_dates_are_still_refused(text, category):
    assert identifier_value(text) == category


@pytest.mark.parametrize("column", ["redcap_event_name", "redcap_repeat_instrument", "redcap_repeat_instance",
                                    "redcap_data_access_group", "demographics_complete"])
def test_redcaps_own_columns_are_not_identifiers(column):
    assert identifier_column(column) is None


@pytest.mark.parametrize("column, category", [("redcap_survey_timestamp", "dates"), ("patient_name", "names")])
def test_redcap_dates_and_names_are_still_identifiers(column, category):
    assert identifier_column(column) == category


def test_an_ehr_export_with_standard_words_loads_in_one_attempt(write_csv):
    c = load_cohort(write_csv(
        "patient_id,sex,race,ethnicity,prednisone_mg_baseline,prednisone_mg_6mo,esr_mm_hr_baseline,"
        "esr_mm_hr_6mo,adverse_events\n"
        "P1,Female,Black or African American,Not Hispanic or Latino,20,10,30,20,Deep Vein Thrombosis\n"
        "P2,Male,American Indian or Alaska Native,Hispanic or Latino,25,10,31,20,none\n"
        "P3,female,More than one race,Unknown,20,15,33,21,none\n"))
    assert list(c.frame["sex"]) == ["F", "M", "F"]
    assert list(c.frame["race"]) == ["Black or African American", "American Indian or Alaska Native",
                                     "More than one race"]
