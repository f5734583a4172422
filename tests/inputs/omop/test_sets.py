"""Indications, adverse events and the response from the concept sets a definition names
(hand_cdms.SETS), on a hand-worked CDM, with the working; and the shipped definition names none.

Windows (I = the index date, hand_cdms' day arithmetic): indications [I - 365, I]; adverse events
(I, I + 182]; the response the observation closest to I + 182 within ± 30 days (equidistant: the
earlier; the same day: the larger observation_id).
"""
from __future__ import annotations

import pytest

from hand_cdms import Cdms, ROOT, SETS, column, condition, esr, observation, patient, write_definition
from cohortstats.inputs.omop import cohort_csv_text, load_definition


def sets_cdm() -> dict:
    rows = {}
    for pid in (1, 2, 3, 4):  # S001..S004: the same index date, so ordered by person_id
        patient(rows, pid)
    patient(rows, 5, age=19)  # excluded (age): its conditions and observations are never read
    # 1: malar rash's descendant (72) at I-365, the window's first day; oral ulcers at I itself;
    #    alopecia at I+1, after the index date: not an indication -> "oral_ulcers;malar_rash"
    #    (the abstract's order). Neutropenia at I+1 and DVT at I+182, the window's two edges.
    #    Answers at I+172 (complete) and I+192 (near): equidistant from I+182, the earlier.
    condition(rows, 1, 72, -365), condition(rows, 1, 73, 0), condition(rows, 1, 74, 1)
    condition(rows, 1, 81, 1), condition(rows, 1, 83, 182)
    observation(rows, 1, 172, 93), observation(rows, 1, 192, 94)
    # 2: malar rash at I-366, outside; alopecia at I-10 -> "alopecia". Neutropenia's descendant on
    #    I itself (not after it) and DVT at I+183 (outside) -> "none". An answer of no set at
    #    I+182 (left out, counted) and partial at I+212, the window's last day -> "partial".
    condition(rows, 2, 71, -366), condition(rows, 2, 74, -10)
    condition(rows, 2, 82, 0), condition(rows, 2, 83, 183)
    observation(rows, 2, 182, 97), observation(rows, 2, 212, 95)
    # 3: no condition of a set; complete at I+213 (outside) and an answer to another question
    #    (concept 73) at I+182: not recorded, nothing left out.
    observation(rows, 3, 213, 93), observation(rows, 3, 182, 93, concept=73)
    # 4: malar rash and its descendant -> "malar_rash" once; neutropenia twice -> once. Two
    #    answers on I+182: near (observation_id 7) and none (8): the larger id -> "none".
    condition(rows, 4, 71, -5), condition(rows, 4, 72, -4)
    condition(rows, 4, 81, 10), condition(rows, 4, 82, 20)
    observation(rows, 4, 182, 94), observation(rows, 4, 182, 96)
    condition(rows, 5, 71, -1), observation(rows, 5, 182, 93)
    esr(rows, 1, 0, 10.0), esr(rows, 1, 182, 5.0)  # one pair, for the loader (it needs one)
    return rows


@pytest.fixture(scope="module")
def with_sets(tmp_path_factory):
    path = write_definition(tmp_path_factory.mktemp("def") / "sets.yml", SETS)
    return load_definition(path)


@pytest.fixture(scope="module")
def extracted(with_sets):
    cdms = Cdms()
    yield cdms.extract(sets_cdm(), with_sets)
    cdms.close()


def test_indications_adverse_events_and_response(extracted):
    assert [s.n for s in extracted.attrition] == [5, 5, 5, 4, 4, 4]
    assert column(extracted, "indications") == ["oral_ulcers;malar_rash", "alopecia", "", "malar_rash"]
    assert column(extracted, "adverse_events") == ["neutropenia; deep vein thrombosis", "none", "none",
                                                   "neutropenia"]
    assert column(extracted, "response_6mo") == ["complete", "partial", "", "none"]


def test_counts_of_each_set_column(extracted):
    counts = {o.column: (o.found, o.not_recorded, o.left_out, o.reason) for o in extracted.outcomes}
    # from the lists above: indications in 1, 2, 4; every patient an AE cell (an event or none);
    # responses in 1, 2, 4 and patient 2's answer of no set left out
    assert counts["indications"] == (3, 1, 0, "")
    assert counts["adverse_events"] == (4, 0, 0, "")
    assert counts["response_6mo"] == (3, 1, 1, "answer in none of the response sets")


def test_the_file_reads_back_through_the_loader(extracted, tmp_path):
    from cohortstats.inputs.cohortfile import load_cohort

    path = tmp_path / "c.csv"
    path.write_text(cohort_csv_text(extracted))
    frame = load_cohort(path).frame
    assert list(frame["indications"]) == ["oral_ulcers;malar_rash", "alopecia", "", "malar_rash"]
    assert list(frame["response_6mo"]) == ["complete", "partial", "", "none"]


def test_without_sets_nothing_is_recorded():
    d = load_definition(ROOT / "data" / "omop_cohort.yml")
    assert d.indications is None and d.adverse_events is None and d.response is None
    cdms = Cdms()
    try:
        e = cdms.extract(sets_cdm(), d, omit=("observation",))  # no observation table needed
    finally:
        cdms.close()
    assert set(e.cohort["indications"]) == set(e.cohort["response_6mo"]) == {""}
    assert set(e.cohort["adverse_events"]) == {""}
    assert [o.column for o in e.outcomes] == ["prednisone_mg_baseline", "prednisone_mg_6mo",
                                              "esr_mm_hr_baseline", "esr_mm_hr_6mo"]
