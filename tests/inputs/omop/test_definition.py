"""The cohort definition file: the shipped one is the paper's design; bad ones get one line."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cohortstats.inputs.omop import DoseOutcome, MeasurementOutcome, OmopError, load_definition
from cohortstats.core.errors import OneLineError

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = ROOT / "data" / "omop_cohort.yml"


def test_shipped_definition_is_the_papers_design():
    d = load_definition(SHIPPED)
    # The brief's codes: RxNorm 342369 lenalidomide, SNOMED 55464009 SLE, RxNorm 8640 prednisone,
    # LOINC 30341-2 / 4537-7 ESR in UCUM mm/h; age <= 18; 182 days; windows of 30 days.
    assert (d.index_drug.vocabulary_id, d.index_drug.concept_codes) == ("RxNorm", ("342369",))
    assert (d.condition.vocabulary_id, d.condition.concept_codes) == ("SNOMED", ("55464009",))
    assert d.condition.descendants and d.index_drug.descendants
    assert (d.max_age_years, d.observation_days_after_index, d.followup_days) == (18, 182, 182)
    dose, esr = d.outcomes
    assert isinstance(dose, DoseOutcome) and dose.name == "prednisone_mg"
    assert dose.ingredient.concept_codes == ("8640",) and dose.amount_unit.concept_codes == ("mg",)
    assert isinstance(esr, MeasurementOutcome) and esr.name == "esr_mm_hr"
    assert esr.concepts.concept_codes == ("30341-2", "4537-7") and esr.unit.concept_codes == ("mm/h",)
    assert (esr.baseline_days_before, esr.followup_window_days) == (30, 30)
    assert len(d.sha256) == 64


_SET = {"label": "malar_rash", "vocabulary_id": "SNOMED", "concept_codes": ["900001"]}
_AE = dict(_SET, label="neutropenia")


def _edited(tmp_path, edit) -> Path:
    doc = yaml.safe_load(SHIPPED.read_text())
    edit(doc)
    path = tmp_path / "bad.yml"
    path.write_text(yaml.safe_dump(doc))
    return path


@pytest.mark.parametrize("edit, key", [
    (lambda d: d["inclusion"].pop("max_age_years"), "`inclusion.max_age_years` is missing"),
    (lambda d: d["inclusion"].update(max_age_years="18"), "`inclusion.max_age_years` must be a whole number"),
    (lambda d: d["inclusion"].update(max_age_years=True), "`inclusion.max_age_years` must be a whole number"),
    (lambda d: d["index"].update(extra=1), "`index.extra` is not a key of the definition"),
    (lambda d: d["index"]["drug"].update(concept_codes=[342369]), "`index.drug.concept_codes[0]` must be a code written as text"),
    (lambda d: d["index"]["drug"].update(concept_codes="342369"), "`index.drug.concept_codes` must be a list"),
    (lambda d: d["outcomes"][0].update(kind="dose"), "`outcomes[0].kind` must be one of drug_dose, measurement"),
    (lambda d: d["outcomes"][1].update(followup_window_days=-1), "`outcomes[1].followup_window_days` must be a whole number from 0"),
    (lambda d: d["outcomes"][0]["amount_unit"].update(descendants=True), "`outcomes[0].amount_unit.descendants` can only be false"),
    (lambda d: d["outcomes"][1].update(name="ESR mm/h"), "`outcomes[1].name` must be a column stem"),
    (lambda d: d.update(outcomes=[d["outcomes"][0], d["outcomes"][0]]), "`outcomes` names each outcome once"),
    (lambda d: d.update(indications={"days_before_index": 365, "sets": [dict(_SET, label="rash")]}),
     "`indications.sets[0].label` must be one of alopecia, nasal_ulcers"),
    (lambda d: d.update(indications={"sets": [_SET]}), "`indications.days_before_index` is missing"),
    (lambda d: d.update(indications={"days_before_index": 30, "sets": []}),
     "`indications.sets` must be a non-empty list"),
    (lambda d: d.update(adverse_events={"sets": [dict(_SET, label="rash, mild")]}),
     "`adverse_events.sets[0].label` must be lower-case words"),
    (lambda d: d.update(adverse_events={"sets": [dict(_SET, label="none")]}),
     "`adverse_events.sets[0].label` must be lower-case words"),
    (lambda d: d.update(adverse_events={"sets": [dict(_SET, label="Jane Doe")]}),
     "`adverse_events.sets[0].label` must be lower-case words"),
    (lambda d: d.update(adverse_events={"sets": [_AE, _AE]}), "`adverse_events.sets` names each label once"),
    (lambda d: d.update(followup_days=200, adverse_events={"sets": [_AE]}),
     "`adverse_events` needs followup_days (200) at most inclusion.observation_days_after_index (182)"),
    (lambda d: d.update(response={"window_days": 30, "concepts": _SET, "values": {"good": _SET}}),
     "`response.values.good` is not a key of the definition (expected one of complete, near_complete"),
    (lambda d: d.update(response={"window_days": 30, "concepts": _SET, "values": {}}),
     "`response.values` must name at least one of complete"),
])
def test_bad_definition_names_file_and_key(tmp_path, edit, key):
    path = _edited(tmp_path, edit)
    with pytest.raises(OmopError) as err:
        load_definition(path)
    text = str(err.value)
    assert key in text and "bad.yml" in text and "\n" not in text
    assert isinstance(err.value, OneLineError)


def test_unreadable_and_invalid_files(tmp_path):
    with pytest.raises(OmopError, match="cannot read the definition"):
        load_definition(tmp_path / "absent.yml")
    bad = tmp_path / "b.yml"
    bad.write_text("index: [\n")
    with pytest.raises(OmopError, match="not valid YAML at line"):
        load_definition(bad)
    bad.write_bytes(b"\xff\xfe")
    with pytest.raises(OmopError, match="not UTF-8"):
        load_definition(bad)
