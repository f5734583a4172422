"""Every rule of the default definition on hand-worked CDMs built in DuckDB, with the working.

The CDMs, their vocabulary and the day arithmetic (I = 2020-01-01, I + 182 = 2020-07-01, ...)
are in hand_cdms.py; each CDM is written once into the module's in-memory DuckDB database, in a
schema of its own, and extracted through one ibis connection.
"""
from __future__ import annotations

import pytest

from hand_cdms import ROOT, Cdms, column, drug, esr, patient
from cohortstats.inputs.omop import OmopError, extract, load_definition, cohort_csv_text

DEF = load_definition(ROOT / "data" / "omop_cohort.yml")


@pytest.fixture(scope="module")
def cdms():
    c = Cdms()
    yield c
    c.close()


def test_esr_windows_and_their_edges(cdms):
    rows = {}
    for pid in (1, 2, 3, 4):  # S001..S004: the same index date, so ordered by person_id
        patient(rows, pid)
    esr(rows, 1, -31, 99.0)   # I-31: outside [I-30, I]
    esr(rows, 1, -30, 7.0)    # I-30: the window's first day -> baseline 7
    esr(rows, 1, 151, 98.0)   # I+151: outside [I+152, I+212]
    esr(rows, 1, 152, 5.0)    # I+152: the window's first day, 30 from I+182 -> 6 months 5
    esr(rows, 2, -30, 7.0)
    esr(rows, 2, 0, 9.0, concept=42)   # I itself, the other LOINC code: the latest -> 9
    esr(rows, 2, 1, 97.0)     # I+1: after the index date, not a baseline
    esr(rows, 2, 213, 96.0)   # I+213: outside
    esr(rows, 2, 212, 6.0)    # I+212: the window's last day -> 6
    esr(rows, 3, 172, 10.0)   # 10 days before I+182 ...
    esr(rows, 3, 192, 20.0)   # ... and 10 days after: equidistant, the earlier -> 10
    esr(rows, 3, 183, 30.0, unit=53)   # closest, but in mm: not used, counted
    esr(rows, 3, -2, 50.0, unit=53)    # baseline window, mm: not used, counted
    esr(rows, 4, 181, None)   # no value_as_number: not a measurement value; patient 4 has none
    e = cdms.extract(rows, DEF)
    assert column(e, "esr_mm_hr_baseline") == [7.0, 9.0, None, None]
    assert column(e, "esr_mm_hr_6mo") == [5.0, 6.0, 10.0, None]
    counts = {o.column: o for o in e.outcomes}
    # found/not recorded from the lists above; left out: patient 3's two mm values, one per window
    assert (counts["esr_mm_hr_baseline"].found, counts["esr_mm_hr_baseline"].not_recorded) == (2, 2)
    assert counts["esr_mm_hr_baseline"].left_out == 1 and counts["esr_mm_hr_6mo"].left_out == 1
    assert counts["esr_mm_hr_6mo"].reason == "unit not mm/h"


def test_prednisone_daily_dose(cdms):
    rows = {}
    for pid in range(1, 7):
        patient(rows, pid)
    # 1: two overlapping exposures summed: 60 x 5 mg / 30 d = 10, 75 x 1 mg / 30 d = 2.5 -> 12.5;
    #    at I+182 one exposure ending exactly that day: 28 x 5 mg / 28 d = 5.
    drug(rows, 1, 22, -10, 19, 60, 30)
    drug(rows, 1, 23, -5, 24, 75, 30)
    drug(rows, 1, 22, 155, 182, 28, 28)
    # 2: an exposure ending the day before I and one starting the day after I+182: no active
    #    exposure at either -> 0 and 0.
    drug(rows, 2, 22, -30, -1, 30, 30)
    drug(rows, 2, 22, 183, 200, 18, 18)
    # 3: at I a tablet with no drug_strength row -> not recorded (counted); at I+182 a drug that
    #    is not prednisone (61) -> no prednisone active -> 0.
    drug(rows, 3, 24, -1, 10, 12, 12)
    drug(rows, 3, 61, 170, 190, 21, 21)
    # 4: no days_supply at I -> not recorded (counted), although a valid one is active too;
    #    starting exactly at I+182: 30 x 1 mg / 30 d = 1.
    drug(rows, 4, 22, 0, 29, 30, None)
    drug(rows, 4, 23, 0, 29, 30, 30)
    drug(rows, 4, 23, 182, 211, 30, 30)
    # 5: no quantity at I -> not recorded; no end date: active on its start day only (I+182):
    #    14 x 5 mg / 7 d = 10.
    drug(rows, 5, 22, -3, 3, None, 7)
    drug(rows, 5, 22, 182, None, 14, 7)
    # 6: no prednisone at all -> 0 and 0.
    e = cdms.extract(rows, DEF)
    assert column(e, "prednisone_mg_baseline") == [12.5, 0.0, None, None, None, 0.0]
    assert column(e, "prednisone_mg_6mo") == [5.0, 0.0, 0.0, 1.0, 10.0, 0.0]
    counts = {o.column: o for o in e.outcomes}
    # baseline: 3 patients with one undosed exposure each; 6 months: none
    assert counts["prednisone_mg_baseline"].left_out == 3
    assert counts["prednisone_mg_baseline"].not_recorded == 3
    assert counts["prednisone_mg_6mo"].left_out == 0
    assert counts["prednisone_mg_6mo"].reason == "dose not computable"


def attrition_cdm() -> dict:
    rows = {}
    patient(rows, 1)                            # qualifies
    patient(rows, 2, sle=(32, 0))               # SLE descendant, on the index date: qualifies
    patient(rows, 3, age=18, obs_end=182)       # 2020 - 2002 = 18, observed to exactly I+182: qualifies
    patient(rows, 4, lenalidomide=())           # step 2: no lenalidomide
    patient(rows, 5, sle=None)                  # step 3: no SLE
    patient(rows, 6, sle=(31, 1))               # step 3: SLE the day after the index date
    patient(rows, 7, sle=(31, 20), lenalidomide=(30, 0))  # index = first (I), SLE at I+20: step 3
    patient(rows, 8, age=19)                    # step 4: 2020 - 2001 = 19
    patient(rows, 9, obs_end=181)               # step 5: observed to I+181 only
    patient(rows, 10, gender=0)                 # step 6: sex not recorded
    patient(rows, 11, race=0)                   # qualifies; race not recorded
    rows["person"].append(dict(person_id=12, gender_concept_id=8507, year_of_birth=2005,
                               race_concept_id=8527, ethnicity_concept_id=0))  # step 2: nothing else
    return rows


@pytest.fixture(scope="module")
def attrition_extracted(cdms):
    return cdms.extract(attrition_cdm(), DEF)


def test_attrition_each_step(attrition_extracted):
    e = attrition_extracted
    # 12 persons; 10 with lenalidomide (not 4, 12); 7 with SLE by index (not 5, 6, 7);
    # 6 aged <= 18 (not 8); 5 observed to I+182 (not 9); 4 analysed (not 10): 1, 2, 3, 11
    assert [s.n for s in e.attrition] == [12, 10, 7, 6, 5, 4]
    assert e.attrition[0].label == "persons in the CDM"
    assert e.n == 4


def test_sex_race_age_and_study_ids(attrition_extracted):
    e = attrition_extracted
    # analysed persons 1, 2, 3, 11 (all index I: ordered by person_id) -> S001..S004
    assert list(e.cohort["patient_id"]) == ["S001", "S002", "S003", "S004"]
    assert list(e.cohort["race"]) == ["Black or African American"] * 3 + [""]  # 8516; 0 -> ""
    assert list(e.cohort["age_years"]) == [15, 15, 18, 15]
    assert list(e.cohort["sex"]) == ["F"] * 4
    assert list(e.cohort["ethnicity"]) == ["Not Hispanic or Latino"] * 4
    text = cohort_csv_text(e)
    assert "2020" not in text and "2019" not in text  # no date, no year of birth


def test_patient_order_follows_index_date(cdms):
    rows = {}
    patient(rows, 5, lenalidomide=(3,))   # index I+3 -> second
    patient(rows, 9, lenalidomide=(1,))   # index I+1 -> first, although its person_id is larger
    drug(rows, 9, 22, 0, 9, 10, 10)       # 10 x 5 mg / 10 d = 5 mg/day at its index (I+1)
    e = cdms.extract(rows, DEF)
    assert column(e, "prednisone_mg_baseline") == [5.0, 0.0]


@pytest.mark.slow
def test_as_found_upper_case_and_text_numbers(cdms):
    rows = attrition_cdm()
    drug(rows, 1, 22, -10, 19, 45, 30)     # 45 x 5 / 30 = 7.5
    esr(rows, 1, -1, 12.0)
    plain = cdms.extract(rows, DEF)
    upper = cdms.extract(rows, DEF, upper=True)
    text = cdms.extract(rows, DEF, upper=True, text_numbers=True)
    assert column(plain, "prednisone_mg_baseline")[0] == 7.5 and column(plain, "esr_mm_hr_baseline")[0] == 12
    assert cohort_csv_text(upper) == cohort_csv_text(plain) == cohort_csv_text(text)
    assert upper.attrition == plain.attrition == text.attrition


@pytest.mark.slow
def test_v53_and_v54_columns(cdms):
    rows = attrition_cdm()
    esr(rows, 2, 180, 4.0)
    v54 = cdms.extract(rows, DEF)
    # CDM v5.3's measurement has no unit_source_concept_id nor measurement_event_id (added in 5.4);
    # the extraction reads neither.
    v53 = cdms.extract(rows, DEF,
                       drop_columns={"measurement": ("unit_source_concept_id", "measurement_event_id")})
    assert cohort_csv_text(v53) == cohort_csv_text(v54)
    assert column(v54, "esr_mm_hr_6mo")[1] == 4.0


@pytest.mark.parametrize("omit, missing", [("measurement", "no table `measurement`"),
                                           ("concept_ancestor", "no table `concept_ancestor`")])
def test_missing_table_is_one_line(cdms, omit, missing):
    with pytest.raises(OmopError) as err:
        cdms.extract(attrition_cdm(), DEF, omit=(omit,))
    assert missing in str(err.value) and "\n" not in str(err.value)


def test_missing_column_is_one_line(cdms):
    with pytest.raises(OmopError) as err:
        cdms.extract(attrition_cdm(), DEF, drop_columns={"drug_strength": ("amount_value",)})
    assert str(err.value).endswith("table `drug_strength` has no column `amount_value`.")


def test_nobody_is_one_line_naming_the_step(cdms):
    rows = {}
    patient(rows, 1, age=30)
    with pytest.raises(OmopError) as err:
        cdms.extract(rows, DEF)
    # 1 person, 1 with lenalidomide, 1 with SLE, 0 aged <= 18
    assert "nobody meets the cohort definition (1 with systemic lupus erythematosus on or before " \
           "the index date, 0 aged 18 or less at index)" in str(err.value)


@pytest.mark.slow
def test_same_cdm_same_bytes(cdms):
    rows = attrition_cdm()
    esr(rows, 3, 0, 3.0)
    assert cohort_csv_text(cdms.extract(rows, DEF)) == cohort_csv_text(cdms.extract(rows, DEF))


def test_no_such_file(tmp_path):
    with pytest.raises(OmopError, match="no such DuckDB file"):
        extract(f"duckdb://{tmp_path}/absent.duckdb", DEF)
    assert not (tmp_path / "absent.duckdb").exists()


@pytest.mark.parametrize("value, text", [
    # _number's rule, cell by cell: rounded to 1e-6 of the unit, whole numbers without a point
    (float("nan"), ""), (0.0, "0"), (-0.0, "0"), (5.0, "5"), (7.5, "7.5"), (-3.0, "-3"),
    (4.9999999, "5"), (2.0000000001, "2"), (1 / 3, "0.333333"), (0.1 + 0.2, "0.3"),
    (1e15, "1000000000000000.0"), (-1e15 + 1, "-999999999999999"), (1e16, "1e+16"),
    (float("inf"), "inf")])
def test_numbers_at_once_are_numbers_cell_by_cell(value, text):
    import sys

    import numpy as np

    module = sys.modules["cohortstats.inputs.omop.extract"]
    assert module._number(value) == text
    assert module._numbers(np.array([value, 1.0, value])) == [text, "1", text]
