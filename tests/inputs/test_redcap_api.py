"""The REDCap API path (issue 21, "Their data as it arrives"): records and data dictionary fetched
with PyCap, then read by the one reading of REDCap exports.

REDCap is not open source: HTTP is mocked with ``responses`` as PyCap's own unit tests mock it
(a callback on POST to the API URL, dispatching on the form's ``content``), answering in REDCap's
formats from the demo export of the shipped cohort (support.redcap_api). Reference: that demo
export read from its files (tests/inputs/test_redcap.py checks it against data/cohort.csv); the
API must give the same cohort, ask for no identifier or date field, and never show the token.
"""
import json

import pytest

from cohortstats.inputs.redcap import RedcapError, read_export
from cohortstats.inputs.redcap.api import TOKEN_VARIABLE, api_host, api_token, fetch_export
from cohortstats.inputs.redcap.demo import IDENTIFYING_VALUES

from support.redcap_api import TOKEN, URL, FakeRedcap, mocked

ENV = {TOKEN_VARIABLE: TOKEN}
#: The demo's fields that identify a person or are dates (its dictionary: Identifier? = y, date_ymd).
NEVER_ASKED = {"name", "dob", "mrn", "visit_date"}
VISITS = [f"2015-03-{i + 1:02d}" for i in range(1, 11)] + [f"2015-09-{i + 1:02d}" for i in range(1, 11)]


@pytest.fixture
def fake(tmp_path):
    return FakeRedcap(tmp_path / "project")


def test_the_api_gives_the_cohort_the_files_give(fake, tmp_path):
    with mocked(fake):
        fetched = fetch_export(URL, fake.mapping, tmp_path / "fetched", environ=ENV)
    got = read_export(fetched.records, fetched.dictionary, fake.mapping)
    want = read_export(tmp_path / "project" / "records.csv", tmp_path / "project" / "dictionary.csv",
                       fake.mapping)
    assert got.cohort.equals(want.cohort)
    assert (got.n_records, got.events) == (10, ("baseline_arm_1", "month_6_arm_1"))
    assert (got.left_out_identifiers, got.left_out_dates) == (3, 1)  # counted from the dictionary
    assert [name for name, _ in got.files] == ["records.csv", "dictionary.csv", "mapping.yml"]
    assert fetched.host == "redcap.example.org"


def test_what_is_asked_is_only_what_the_mapping_reads(fake, tmp_path):
    """The forms PyCap posts (REDCap API: content, format, type, fields[i], events[i], rawOrLabel…):
    the dictionary as CSV, its JSON once (PyCap's record-id lookup), then the flat raw CSV of the
    record id and the mapped fields of the mapped events; identifiers and dates never asked."""
    with mocked(fake):
        fetched = fetch_export(URL, fake.mapping, tmp_path / "fetched", environ=ENV)
    forms = [{k: v[0] for k, v in f.items()} for f in fake.forms]
    assert all(f.pop("token") == TOKEN for f in forms)
    assert forms[:2] == [{"content": "metadata", "format": "csv"}, {"content": "metadata", "format": "json"}]
    record = forms[2]
    fields = [v for k, v in record.items() if k.startswith("fields[")]
    assert fields == ["record_id", "sex", "race", "age_start", "indication", "pred_dose", "esr", "response",
                      "ae_text"]
    assert [v for k, v in record.items() if k.startswith("events[")] == ["baseline_arm_1", "month_6_arm_1"]
    assert {k: record[k] for k in ("content", "format", "type", "rawOrLabel", "rawOrLabelHeaders", "eventName")} \
        == {"content": "record", "format": "csv", "type": "flat", "rawOrLabel": "raw",
            "rawOrLabelHeaders": "raw", "eventName": "unique"}
    assert not NEVER_ASKED & set(fields) and len(forms) == 3
    written = fetched.records.read_text() + fetched.dictionary.read_text()
    assert not [v for v in (*IDENTIFYING_VALUES, *VISITS, TOKEN) if v in written]


def test_utf8_without_a_charset(fake, tmp_path):
    """REDCap writes UTF-8; requests reads text/csv without a charset as ISO-8859-1 (RFC 2616's
    default), which would turn "é" into "Ã©": the fetch reads UTF-8 whatever the header says."""
    fake.csv_type = "text/csv"
    for field in fake.metadata:
        if field["field_name"] == "ae_text":
            field["field_label"] = "Événements indésirables"
    with mocked(fake):
        fetched = fetch_export(URL, fake.mapping, tmp_path / "fetched", environ=ENV)
    assert "Événements indésirables" in fetched.dictionary.read_text(encoding="utf-8")


def _refusing(status, body, content_type):
    """A server answering every request with ``status`` and ``body`` (which may hold the token)."""
    import responses  # here, not when the suite is collected

    mock = responses.RequestsMock(assert_all_requests_are_fired=False)
    mock.add(responses.POST, URL, status=status, body=body, content_type=content_type)
    return mock


@pytest.mark.parametrize("status, body, content_type, says", [
    # REDCap's answer to a wrong token (PyCap issue #140 quotes the same error)
    (403, json.dumps({"error": "You do not have permissions to use the API"}), "application/json",
     "answered 403 Forbidden: You do not have permissions to use the API (check REDCAP_API_TOKEN"),
    # a server (or a proxy) that repeats the token in its error: scrubbed
    (400, json.dumps({"error": f"token {TOKEN} is not valid"}), "application/json",
     "answered 400 Bad Request: token *** is not valid"),
    # an error in the CSV answer with status 200 (PyCap raises its RedcapError)
    (200, f"ERROR: the token {TOKEN.lower()} has no export rights", "text/csv",
     "refused the request: the token *** has no export rights"),
    # an HTML error page: its words
    (502, "<html>\n<body><h1>502 Bad Gateway</h1> nginx</body></html>", "text/html",
     "answered 502 Bad Gateway: 502 Bad Gateway nginx"),
    # a hostile answer: no terminal escape reaches the screen
    (500, json.dumps({"error": "\x1b[2Jgone\u202e"}), "application/json",
     "answered 500 Internal Server Error: \\x1b[2Jgone\\u202e"),
])
def test_an_error_is_one_line_naming_the_host_never_the_token(fake, tmp_path, status, body, content_type,
                                                              says):
    with _refusing(status, body, content_type), pytest.raises(RedcapError) as info:
        fetch_export(URL, fake.mapping, tmp_path / "fetched", environ=ENV)
    message = str(info.value)
    assert message.startswith("the REDCap API at redcap.example.org ") and says in message
    assert TOKEN.lower() not in message.lower() and "\n" not in message
    assert info.value.__suppress_context__ and not (tmp_path / "fetched").exists()


def test_no_server_is_one_line(fake, tmp_path):
    with mocked(fake, fired=False), pytest.raises(RedcapError, match=r"^the REDCap API at "
                                                  r"other\.example\.org cannot be reached"):
        fetch_export("https://other.example.org/api/", fake.mapping, tmp_path / "fetched", environ=ENV)


@pytest.mark.parametrize("environ, says", [
    ({}, "needs the project's API token in the environment variable REDCAP_API_TOKEN"),
    ({TOKEN_VARIABLE: "  "}, "needs the project's API token in the environment variable REDCAP_API_TOKEN"),
    # PyCap would assert with the token in its message ("Incorrect token format '…'"): never reached
    ({TOKEN_VARIABLE: "hunter2-not-a-token"}, "REDCAP_API_TOKEN does not hold a REDCap API token"),
    ({TOKEN_VARIABLE: TOKEN + "0"}, "REDCAP_API_TOKEN does not hold a REDCap API token"),
])
def test_a_missing_or_malformed_token_is_one_line_and_asks_nothing(fake, tmp_path, environ, says):
    with mocked(fake, fired=False) as mock, pytest.raises(RedcapError, match=says) as info:
        fetch_export(URL, fake.mapping, tmp_path / "fetched", environ=environ)
    assert len(mock.calls) == 0
    value = environ.get(TOKEN_VARIABLE, "").strip()
    assert not value or value not in str(info.value)


def test_the_token_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv(TOKEN_VARIABLE, f" {TOKEN}\n")  # as pasted
    assert api_token() == TOKEN


@pytest.mark.parametrize("url, host", [
    ("https://redcap.example.org/api/", "redcap.example.org"),
    (" https://redcap.example.org:8443/redcap/api/ ", "redcap.example.org:8443"),
    ("http://localhost:8080/api/", "localhost:8080"),
    ("http://127.0.0.1/api/", "127.0.0.1"),
    ("http://[::1]:8080/api/", "[::1]:8080"),
])
def test_an_api_url(url, host):
    assert api_host(url) == host


@pytest.mark.parametrize("url, says, secret", [
    ("http://redcap.example.org/api/", "must start with https://", None),
    ("ftp://redcap.example.org/api/", "must start with https://", None),
    ("https://analyst:s3cr3t@redcap.example.org/api/", "holds credentials", "s3cr3t"),
    (f"https://{TOKEN}@redcap.example.org/api/", "holds credentials", TOKEN),
    (f"https://redcap.example.org/api/?token={TOKEN}", "has a query or fragment", TOKEN),
    ("https://redcap.example.org/api/#x", "has a query or fragment", None),
    ("https://redcap.example.org/", "ending in /api/", None),
    ("https:///api/", "names no host", None),
    ("https://redcap.example.org:99999/api/", "is not a URL", None),
])
def test_a_bad_url_is_one_line_without_its_credentials(url, says, secret):
    with pytest.raises(RedcapError, match=says) as info:
        api_host(url)
    assert secret is None or secret not in str(info.value)
