"""REDCap exports read as REDCap writes them (issue "Their data as it arrives", item 4).

Reference: the shipped cohort (data/cohort.csv) written as a REDCap longitudinal export by
cohortstats.inputs.redcap.demo (raw codes, two events per record, the dictionary with the web
page's 18 headers, identifier fields filled with invented values); reading it back must give the
shipped cohort's values patient for patient, and no identifier value.
"""
import csv
import io

import pytest

from cohortstats.inputs.cohortfile import load_cohort
from cohortstats.inputs.redcap import RedcapError, read_dictionary, read_export, write_cohort_csv
from cohortstats.inputs.redcap.demo import IDENTIFYING_VALUES, write_demo_export
from cohortstats.inputs.redcap.dictionary import API_HEADERS, WEB_HEADERS

from support import SHIPPED

COLUMNS = ["sex", "race", "age_years", "prednisone_mg_baseline", "prednisone_mg_6mo", "esr_mm_hr_baseline",
           "esr_mm_hr_6mo", "indications", "response_6mo", "adverse_events"]


@pytest.fixture
def export(tmp_path):
    return write_demo_export(tmp_path)


def test_the_export_gives_the_shipped_cohort_patient_for_patient(export, tmp_path):
    e = read_export(*export)
    out = write_cohort_csv(e, tmp_path / "cohort.csv")
    got, want = load_cohort(out).frame, load_cohort(SHIPPED).frame
    assert got[COLUMNS].equals(want[COLUMNS])
    assert list(got["patient_id"]) == [f"S{i:03d}" for i in range(1, 11)]  # record ids replaced
    assert (e.n_records, e.events) == (10, ("baseline_arm_1", "month_6_arm_1"))
    assert (e.left_out_identifiers, e.left_out_dates) == (3, 1)  # name, dob, mrn; visit_date
    text = out.read_text()
    assert not [v for v in IDENTIFYING_VALUES if v in text] and "101" not in text.split("\n", 1)[1]


def test_the_api_header_style_reads_the_same(export, tmp_path):
    records, dictionary, mapping = export
    rows = list(csv.reader(io.StringIO(dictionary.read_text())))
    assert rows[0] == list(WEB_HEADERS)
    rows[0] = list(API_HEADERS)
    api = tmp_path / "api-dictionary.csv"
    api.write_text("".join(",".join(f'"{c}"' for c in r) + "\n" for r in rows))
    assert read_dictionary(api) == read_dictionary(dictionary)


def test_a_label_export_reads_the_same(export, tmp_path):
    records, dictionary, mapping = export
    fields = read_dictionary(dictionary)
    rows = list(csv.DictReader(io.StringIO(records.read_text())))
    for r in rows:  # REDCap's label export: choice labels, checkboxes "Checked"/"Unchecked"
        for name in ("sex", "race", "response"):
            if r[name]:
                r[name] = fields[name].choices[r[name]]
        for k, v in list(r.items()):
            if k.startswith("indication___") and r["redcap_event_name"] == "baseline_arm_1":
                r[k] = "Checked" if v == "1" else "Unchecked"
    labels = tmp_path / "labels.csv"
    with open(labels, "w", newline="") as fh:
        w = csv.DictWriter(fh, list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    assert read_export(labels, dictionary, mapping).cohort.equals(read_export(*export).cohort)


def test_missing_data_codes_count_as_not_recorded(export):
    records, dictionary, mapping = export
    records.write_text(records.read_text().replace("baseline_arm_1,Demo Person01,2003-02-11,MRN007001,"
                                                   "2015-03-02,1,3,13", "baseline_arm_1,Demo Person01,"
                                                   "2003-02-11,MRN007001,2015-03-02,1,3,UNK"))
    e = read_export(records, dictionary, mapping)
    assert e.cohort["age_years"].iloc[0] == "" and e.missing == {"age_years": 1}


def test_an_unknown_label_is_one_line_naming_the_file_row_field_and_label(export):
    records, dictionary, mapping = export
    dictionary.write_text(dictionary.read_text().replace("1, Female | 2, Male", "1, Martian | 2, Male"))
    lines = records.read_text().splitlines()
    first = next(i for i, line in enumerate(lines) if "baseline_arm_1" in line)  # its sex code is 1
    with pytest.raises(RedcapError) as err:
        read_export(records, dictionary, mapping)
    message = str(err.value)
    assert message.endswith(f"row {first + 1}, column 'sex': label 'Martian' is not in the bundle's "
                            "vocabulary for sex (data/vocabulary.yml): add it there as a synonym")
    assert records.name in message and "\n" not in message and "MRN" not in message


def test_a_mapping_to_an_identifier_field_is_refused(export):
    records, dictionary, mapping = export
    mapping.write_text(mapping.read_text().replace("age_years: age_start", "age_years: dob"))
    with pytest.raises(RedcapError, match="field 'dob' .* an identifier .* never read"):
        read_export(records, dictionary, mapping)


def test_repeating_instruments_need_an_instance(export):
    records, dictionary, mapping = export
    text = records.read_text().splitlines()
    text[0] += ",redcap_repeat_instrument,redcap_repeat_instance"
    text[1:] = [line + (",visit,1" if i == 2 else ",,") for i, line in enumerate(text[1:], 1)]
    records.write_text("\n".join(text) + "\n")
    with pytest.raises(RedcapError, match="row 3, column 'redcap_repeat_instrument': a repeating instrument"):
        read_export(records, dictionary, mapping)
    mapping.write_text(mapping.read_text() + "repeat_instance: 1\n")
    assert len(read_export(records, dictionary, mapping).cohort) == 10


def test_demo_command_line_writes_the_export_and_help_writes_nothing(tmp_path, monkeypatch, capsys):
    """``python -m cohortstats.inputs.redcap.demo DIR`` writes the three files; ``--help`` is help
    (it once became a folder named ``--help``)."""
    from cohortstats.inputs.redcap import demo

    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exc:
        demo.main(["--help"])
    assert exc.value.code == 0 and list(tmp_path.iterdir()) == []
    assert demo.main(["out"]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["dictionary.csv", "mapping.yml",
                                                                    "records.csv"]
