"""The results contract (cohortstats.results), from plain data: encoding, keys, fragments."""
import dataclasses
import json
import math

import numpy as np
import pytest

from cohortstats.core.files import write_atomic
from cohortstats import results as R
from cohortstats.results import (BuildKey, ClaimsFragment, FragmentError, PrimaryTest, Provenance,
                                 SensitivityFragment)

KEY = BuildKey("a" * 64, {"outcomes": ["prednisone_mg"], "method": "auto"}, "0.1.0+abc")


def key(**changes):
    return dataclasses.replace(KEY, **changes)


def claims_fragment(k=KEY):
    return ClaimsFragment(key=k, published=None, source={}, paper_n=None, claims=(), reproduced=0,
                          total=0, p_value_sources=(), consistency=())


def sensitivity_fragment(k=KEY):
    return SensitivityFragment(key=k, leave_one_out={"esr_mm_hr": None},
                               not_computed={"esr_mm_hr": "2 patients with both values; at least 3 are needed"})


# --------------------------------------------------------------------------- encoding


@pytest.mark.parametrize("value, where", [
    (float("nan"), "results"),
    ({"outcomes": {"esr": {"sd": float("inf")}}}, "results.outcomes.esr.sd"),
    ([1.0, -math.inf], "results[1]"),
])
def test_non_finite_numbers_are_refused_naming_where(value, where):
    with pytest.raises(ValueError, match=r"^" + where.replace("[", r"\[").replace("]", r"\]") + " is"):
        R.to_jsonable(value)


def test_numpy_scalars_become_plain_numbers():
    out = R.to_jsonable({"n": np.int64(3), "p": np.float64(0.25), "ok": np.bool_(True)})
    assert out == {"n": 3, "p": 0.25, "ok": True}
    assert json.dumps(out) == '{"n": 3, "p": 0.25, "ok": true}'


def test_a_type_json_cannot_hold_is_refused():
    with pytest.raises(TypeError, match="results: cannot store a complex"):
        R.to_jsonable({"x": 1j})


@pytest.mark.parametrize("record", [
    Provenance(file="cohort.csv", sha256="f" * 64, reconstructed=True, n=10),
    PrimaryTest(method="exact", statistic=36.0, n_nonzero=8, p_value=0.0078125, estimate=13.125,
                conf_int=(3.75, 26.25), conf_level=0.95, ci_method="exact", effect_size=1.0),
    PrimaryTest(method="exact", statistic=1.0, n_nonzero=1, p_value=1.0, estimate=None, conf_int=None,
                conf_level=0.95, ci_method="", effect_size=None),
    sensitivity_fragment(),
    claims_fragment(),
])
def test_records_survive_a_round_trip_through_json(record):
    text = json.dumps(R.to_jsonable(record))
    back = R.from_jsonable(type(record), json.loads(text))
    assert back == record
    assert type(back.conf_int if hasattr(back, "conf_int") else ()) in (tuple, type(None))


def test_a_record_missing_a_field_is_refused():
    doc = R.to_jsonable(Provenance(file="c.csv", sha256="f" * 64, reconstructed=False, n=3))
    del doc["n"]
    with pytest.raises(FragmentError, match="missing required field .n."):
        R.from_jsonable(Provenance, doc)


@pytest.mark.parametrize("path, expected", [
    ("outcomes.esr_mm_hr.baseline.mean", 28.6),
    ("outcomes.esr_mm_hr.ci.1", 26.0),
    ("outcomes.esr_mm_hr.ci.2", None),
    ("outcomes.c3.baseline.mean", None),
    ("provenance.n", 10),
])
def test_lookup_by_dotted_path(path, expected):
    doc = {"outcomes": {"esr_mm_hr": {"baseline": {"mean": 28.6}, "ci": [2.0, 26.0]}},
           "provenance": Provenance(file="c.csv", sha256="0" * 64, reconstructed=True, n=10)}
    assert R.lookup(doc, path) == expected


def test_dumps_is_stable_text():
    text = R.dumps({"b": 1.5, "a": "é"})
    assert text == '{\n  "b": 1.5,\n  "a": "é"\n}\n'


# --------------------------------------------------------------------------- keys


@pytest.mark.parametrize("other, words", [
    (key(cohort_sha256="b" * 64), "another cohort file"),
    (key(version="0.1.0+def"), "code version 0.1.0+abc vs 0.1.0+def"),
    (key(parameters={"method": "exact"}), "parameter method = \"auto\" vs \"exact\""),
    (key(parameters={"outcomes": ["esr_mm_hr"]}), "parameter outcomes"),
])
def test_keys_that_differ_say_how(other, words):
    assert words in KEY.differs(other)


def test_keys_agree_on_the_parameters_they_share():
    assert KEY.differs(key(parameters={"method": "auto", "alpha": 0.05})) is None
    assert KEY.differs(KEY) is None


def test_build_key_carries_this_codes_version():
    k = R.build_key("c" * 64, outcomes=("a", "b"), alpha=np.float64(0.05))
    assert k.version == R.code_version() and k.parameters == {"outcomes": ["a", "b"], "alpha": 0.05}


# --------------------------------------------------------------------------- fragments on disk


def test_fragment_saved_and_loaded(tmp_path):
    path = R.save_fragment(sensitivity_fragment(), tmp_path)
    assert path == tmp_path / "fragments" / "sensitivity.json"
    assert R.load_fragment("sensitivity", tmp_path) == sensitivity_fragment()
    assert not [p for p in path.parent.iterdir() if p.name != "sensitivity.json"]  # no temporary left


def test_fragments_of_different_cohorts_are_refused_in_one_line(tmp_path):
    R.save_fragment(sensitivity_fragment(), tmp_path)
    R.save_fragment(claims_fragment(key(cohort_sha256="b" * 64)), tmp_path)
    with pytest.raises(FragmentError) as info:
        R.load_fragments(tmp_path, names=("sensitivity", "claims"))
    msg = str(info.value)
    assert "\n" not in msg
    assert "'claims' (04-claims)" in msg and "another cohort file" in msg


def test_fragments_are_checked_against_the_build_being_made(tmp_path):
    R.save_fragment(sensitivity_fragment(), tmp_path)
    with pytest.raises(FragmentError, match="does not belong to this run: code version"):
        R.load_fragments(tmp_path, expected=key(version="0.2.0+zzz"), names=("sensitivity",))
    assert R.load_fragments(tmp_path, expected=KEY, names=("sensitivity",))["sensitivity"] == \
        sensitivity_fragment()


@pytest.mark.parametrize("content, words", [
    (None, "fragment 'sensitivity' is missing: run notebooks/03-sensitivity.ipynb first"),
    ("{not json", "cannot be read"),
    (json.dumps({"schema": -1, "fragment": "sensitivity", "data": {}}), "another version"),
    (json.dumps({"schema": R.SCHEMA, "fragment": "claims", "data": {}}), "another version"),
])
def test_a_missing_or_foreign_fragment_is_refused(tmp_path, content, words):
    if content is not None:
        (tmp_path / "fragments").mkdir()
        (tmp_path / "fragments" / "sensitivity.json").write_text(content)
    with pytest.raises(FragmentError, match=words.replace("(", r"\(")):
        R.load_fragment("sensitivity", tmp_path)


@pytest.mark.slow
def test_assemble_takes_each_part_from_its_fragment(tmp_path):
    from support import SHIPPED
    from support.in_process import results_in_process

    r = results_in_process(SHIPPED, tmp_path)
    assert r.provenance.file == "cohort.csv" and r.provenance.n == 10
    assert r.key.parameters["published"] == r.claims.key.parameters["published"]
    assert set(r.outcomes) == {"prednisone_mg", "esr_mm_hr"} == set(r.leave_one_out)
    back = R.from_jsonable(R.Results, json.loads(R.dumps(r)))
    assert R.dumps(back) == R.dumps(r)


def test_write_atomic_leaves_the_old_file_on_failure(tmp_path):
    target = tmp_path / "results.json"
    target.write_text("old")

    class Boom:
        pass

    with pytest.raises(TypeError):
        write_atomic(target, Boom())
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]
