"""A user's cohort exercising several paths at once (support.write_scenario): one ESR altered, an
added outcome with a missing value, an outcome unchanged in every patient, one with every value
identical.

The four notebooks' own cells run in this process on it (support.in_process, once per run), then
the page is rendered from their Results, as publishing renders it. (This was a whole build of its
own, ``scenario``; what around a build depends on the cohort file's name or bytes is tested on
copies of the shipped cohort's build in tests/pipeline.) Expected values: worked by hand in the
comments, from data/cohort.csv and the edits write_scenario makes.
"""
from __future__ import annotations

import html
import json
import re

import pytest

from support import SCENARIO_OUTCOMES, write_scenario
from support.in_process import figures_dir, results_in_process

# Every test here reads what the notebooks make, run in this process: not a unit test.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    """(results.json as a mapping, the page's text, the Results, the page)."""
    from cohortstats.report.render import render_html
    from cohortstats.results import dumps

    tmp = tmp_path_factory.mktemp("scenario")
    results = results_in_process(write_scenario(tmp / "altered.csv"), tmp, outcomes=SCENARIO_OUTCOMES)
    page = render_html(results, figures_dir(results))
    return json.loads(dumps(results)), html.unescape(re.sub(r"<[^>]+>", "", page)), results, page


def test_altered_esr_moves_exactly_the_claims_it_touches(scenario):
    r, _, _, page = scenario
    bad = {c["id"] for c in r["claims"]["claims"] if not c["reproduced"]}
    # +40 on one of ten 6-month ESRs: the follow-up mean moves by 4 (16.7 -> 20.7, prints 21,
    # not 17) and the SD moves; nothing at drug start, no count and no prednisone number can.
    assert {"esr_followup_mean", "esr_followup_sd"} <= bad
    assert not bad & {"n_patients", "n_female", "n_african_american", "prednisone_baseline_mean",
                      "prednisone_baseline_sd", "prednisone_followup_mean", "prednisone_followup_sd",
                      "prednisone_p", "esr_baseline_mean", "esr_baseline_sd"}
    assert "✗ Not reproduced" in page
    assert r["provenance"]["n"] == 10 and not r["provenance"]["reconstructed"]


def test_added_outcome_with_a_missing_value(scenario):
    """c3, described nowhere: baseline 60 + 3i, 6 months 70 + 4i (i = 0..9), the last not recorded."""
    r, text, results, _ = scenario
    c3 = r["outcomes"]["c3"]
    # Hand-worked over i = 0..8: baseline mean 60 + 3*4 = 72, 6-month mean 70 + 4*4 = 86;
    # d = -10 - i, nine distinct negatives: T+ = 0, exact two-sided P = 2 / 2^9.
    assert (c3["n_pairs"], c3["n_missing"], c3["described"]) == (9, 1, False)
    assert c3["baseline"]["mean"] == pytest.approx(72.0)
    assert c3["followup"]["mean"] == pytest.approx(86.0)
    assert c3["test"]["statistic"] == 0
    assert c3["test"]["p_value"] == pytest.approx(2 / 2 ** 9, rel=1e-12)
    assert (figures_dir(results) / "c3.svg").is_file()
    assert "c3" in r["leave_one_out"]
    assert "C3 increased from a mean 72.0" in text
    assert ("Computed over the 9 patients with both values; 1 patient with a value not recorded "
            "was excluded.") in text


@pytest.mark.parametrize("name", ["same", "flat"])
def test_outcome_unchanged_in_every_patient_is_not_computed_with_a_reason(scenario, name):
    r, text, _, _ = scenario
    o = r["outcomes"][name]
    assert o["n_unchanged"] == 10 and o["test"] is None
    assert "no patient's value changed" in o["test_undefined"]
    assert f"{name.capitalize()} did not change" in text
    assert "P not computed: no patient's value changed" in text


def test_verify_fails_on_the_altered_cohort(scenario, monkeypatch, capsys, tmp_path):
    """``make verify``'s verdict (``python -m cohortstats.pipeline verify``) on what the build of
    this cohort returns: exit 1, each claim not reproduced named on stderr. (``make verify`` on the
    shipped cohort, through make, exits 0: tests/pipeline/test_pipeline.py.)"""
    from cohortstats.pipeline import main as pipeline

    r = scenario[0]
    monkeypatch.setattr(pipeline, "settings_from_env", lambda: type("S", (), {"reports": tmp_path})())
    monkeypatch.setattr(pipeline, "build", lambda s, say: r)
    assert pipeline.main(["verify"]) == 1
    err = capsys.readouterr().err
    assert "not reproduced: esr_followup_mean: published 17, computed 20.7" in err  # 16.7 + 40/10
    assert "not reproduced: prednisone" not in err
    monkeypatch.setattr(pipeline, "build", lambda s, say: {**r, "claims": {
        **r["claims"], "claims": [c for c in r["claims"]["claims"] if c["reproduced"]]}})
    assert pipeline.main(["verify"]) == 0  # the same verdict on its reproduced claims alone
