"""The patient phone's pure helpers: numbers, answers from intake, the thread."""

from __future__ import annotations

from datetime import timedelta

import pytest
from relais_sandbox.domain.patient_phone import (
    PatientEntry,
    PatientLog,
    PhoneInputError,
    WebhookAttempt,
    parse_clinic_number,
    parse_patient_number,
    parse_sms_body,
    problem_of,
    thread_view,
)

from tests.unit.sandbox.factories import T0, message

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+33612345678", "+33612345678"),
        (" +33 6 12 34 56 78 ", "+33612345678"),
        ("+33.6.12.34.56.78", "+33612345678"),
        ("+262 (692) 12-34-56", "+262692123456"),
        ("+447700900123", "+447700900123"),
    ],
)
def test_patient_numbers_are_normalised_to_e164(raw, expected):
    assert parse_patient_number(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        None,
        "0612345678",
        "+0612345678",
        "+33 6 12",
        "+33612345678901234",
        "+3361234567a",
        "33612345678",
    ],
)
def test_anything_but_e164_is_refused_with_the_field_named(raw):
    with pytest.raises(PhoneInputError) as caught:
        parse_patient_number(raw, "from")
    assert caught.value.field == "from"


def test_the_clinic_number_must_be_one_of_the_two_way_numbers():
    numbers = ("+33939000000", "+33937000001")
    assert parse_clinic_number("+33 9 37 00 00 01", numbers) == "+33937000001"
    for wrong in ("+33939000009", "RELAIS", "", None):
        with pytest.raises(PhoneInputError) as caught:
            parse_clinic_number(wrong, numbers)
        assert caught.value.field == "to"


def test_sms_body_is_not_blank_and_at_most_1600_characters():
    assert parse_sms_body("  Bonjour\n") == "  Bonjour\n"  # sent as typed
    assert parse_sms_body("é" * 1600) == "é" * 1600
    for wrong in ("", "  \n", None, "x" * 1601):
        with pytest.raises(PhoneInputError):
            parse_sms_body(wrong)


def test_a_problem_json_answer_keeps_its_rfc9457_fields_only():
    text = (
        '{"type": "https://relais.example/problems/invalid-signature", "title": "Bad signature",'
        ' "status": 403, "detail": "X-Twilio-Signature does not match", "instance": "/v1/x", "x": 1}'
    )
    assert problem_of("application/problem+json; charset=utf-8", text) == {
        "type": "https://relais.example/problems/invalid-signature",
        "title": "Bad signature",
        "status": 403,
        "detail": "X-Twilio-Signature does not match",
    }


def test_any_other_answer_is_kept_as_a_short_excerpt():
    assert problem_of("text/html", "<h1>Not Found</h1>" + "x" * 1000)["excerpt"].startswith("<h1>")
    assert len(problem_of("text/plain", "y" * 5000)["excerpt"]) == 500
    assert problem_of("application/problem+json", "not json") == {"excerpt": "not json"}
    assert problem_of("text/plain", "   ") is None


def test_an_attempt_is_accepted_only_on_2xx():
    ok = WebhookAttempt("sms", "http://intake/v1/channels/sms/twilio")
    ok.answered(200, "text/xml", "<Response/>", 12.34)
    assert (ok.outcome, ok.http_status, ok.problem, ok.duration_ms) == ("accepted", 200, None, 12.3)
    missing = WebhookAttempt("incoming_call", "http://intake/v1/channels/voice/twilio")
    missing.answered(404, "application/problem+json", '{"title": "Not Found", "status": 404}', 3)
    assert missing.outcome == "refused" and missing.problem == {"title": "Not Found", "status": 404}
    down = WebhookAttempt("sms", "http://intake")
    down.unreachable("cannot reach intake", 1.0)
    assert down.outcome == "unreachable" and down.http_status is None


def _entry(sid: str, patient: str = "+33612345678", seconds: int = 0, **kw) -> PatientEntry:
    return PatientEntry(
        sid,
        kw.pop("kind", "sms"),
        patient,
        "+33939000000",
        T0 + timedelta(seconds=seconds),
        kw.pop("body", "Bonjour"),
        **kw,
    )


def test_an_entry_outcome_is_its_first_webhook_not_accepted():
    call = _entry(
        "CA1",
        kind="call",
        body=None,
        webhooks=[
            WebhookAttempt("incoming_call", "u", outcome="accepted"),
            WebhookAttempt("dial", "u", outcome="refused"),
        ],
    )
    assert call.outcome == "refused"
    call.webhooks[1].outcome = "accepted"
    assert call.outcome == "accepted"
    assert _entry("SM1").outcome == "pending"


def test_the_log_is_bounded_and_lists_recent_numbers_first():
    log = PatientLog(capacity=3)
    for i, number in enumerate(["+33600000101", "+33600000102", "+33600000101", "+33600000103"]):
        log.add(_entry(f"SM{i}", number, i))
    assert len(log) == 3 and log.get("SM0") is None
    assert log.recent_numbers() == ["+33600000103", "+33600000101", "+33600000102"]
    assert [e.sid for e in log.for_number("+33600000101")] == ["SM2"]


def test_thread_merges_both_directions_oldest_first_patient_first_on_ties():
    patient = "+33612345678"
    inbound = [_entry("SMin1", patient, 0), _entry("SMin2", patient, 5)]
    outbound = [
        message(sid="SMout1", to=patient, date_created=T0, body="Accusé de réception"),
        message(sid="SMout2", to=patient, date_created=T0 + timedelta(seconds=3)),
    ]
    view = thread_view(inbound, outbound)
    assert [v["sid"] for v in view] == ["SMin1", "SMout1", "SMout2", "SMin2"]
    assert [v["direction"] for v in view] == ["inbound", "outbound", "outbound", "inbound"]
    assert view[1]["body"] == "Accusé de réception" and view[1]["status"] == "queued"
    assert [v["sid"] for v in thread_view(inbound, outbound, limit=2)] == ["SMout2", "SMin2"]
    assert thread_view(inbound, outbound, limit=0) == []
