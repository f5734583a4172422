"""Indications, adverse events and the response from the concept sets a definition names
(hand_cdms.SETS), on a hand-worked CDM (hand_cdms.sets_cdm, with the working); and the shipped
definition names none.

Windows (I = the index date, hand_cdms' day arithmetic): indications [I - 365, I]; adverse events
(I, I + 182]; the response the observation closest to I + 182 within ± 30 days (equidistant: the
earlier; the same day: the larger observation_id).
"""
from __future__ import annotations

import pytest

from hand_cdms import Cdms, ROOT, SETS, column, sets_cdm, write_definition
from cohortstats.inputs.omop import cohort_csv_text, load_definition


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
