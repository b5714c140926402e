"""The patient phone's use cases with a fake intake: what is posted, signed, recorded and
published."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import pytest
from relais_sandbox.adapters.intake_webhooks import WebhookAnswer, WebhookUnreachable
from relais_sandbox.domain.patient_phone import PatientLog, PhoneInputError
from relais_sandbox.domain.phone_events import PhoneEventLog
from relais_sandbox.domain.store import MessageStore
from relais_sandbox.phone import PatientPhone, PhoneConfig
from relais_shared.twilio import is_valid_signature
from relais_shared.twilio_webhooks import SignedWebhook

from tests.unit.sandbox.factories import ACCOUNT, T0, message

pytestmark = pytest.mark.unit
TOKEN = "unit-token"
PATIENT = "+33612345678"
CLINIC = "+33939000000"


class FakeIntake:
    def __init__(self) -> None:
        self.received: list[SignedWebhook] = []
        self.answers: dict[str, WebhookAnswer | Exception] = {}

    async def post(self, webhook: SignedWebhook) -> WebhookAnswer:
        self.received.append(webhook)
        answer = self.answers.get(
            urlsplit(webhook.url).path, WebhookAnswer(200, "text/xml", "<Response/>", 5.0)
        )
        if isinstance(answer, Exception):
            raise answer
        return answer


def _phone(intake: FakeIntake, store: MessageStore | None = None) -> PatientPhone:
    return PatientPhone(
        PhoneConfig(ACCOUNT, TOKEN, "http://intake.test:8081/prefix", (CLINIC,)),
        store if store is not None else MessageStore(),
        intake,
        entries=PatientLog(100),
        events=PhoneEventLog(100),
        clock=lambda: T0,
    )


def _signed(webhook: SignedWebhook) -> bool:
    return is_valid_signature(
        TOKEN, webhook.url, webhook.form.items(), webhook.headers["X-Twilio-Signature"]
    )


async def test_an_sms_is_posted_signed_like_twilio_and_recorded_with_the_answer():
    intake = FakeIntake()
    phone = _phone(intake)
    entry = await phone.send_sms("+33 6 12 34 56 78", CLINIC, "Bonjour, un rendez-vous ?")
    (webhook,) = intake.received
    assert webhook.url == "http://intake.test:8081/prefix/v1/channels/sms/twilio"
    assert _signed(webhook)
    form = webhook.form
    assert form["MessageSid"].startswith("SM") and len(form["MessageSid"]) == 34
    assert (form["AccountSid"], form["From"], form["To"]) == (ACCOUNT, PATIENT, CLINIC)
    assert form["Body"] == "Bonjour, un rendez-vous ?" and form["NumMedia"] == "0"
    assert entry.sid == form["MessageSid"] and entry.outcome == "accepted"
    assert entry.webhooks[0].http_status == 200
    # Two events: the SMS as sent (pending), then with intake's answer.
    events = phone.events.since(PATIENT, 0)
    assert [e.data["status"] for e in events] == ["pending", "accepted"]


async def test_a_refusal_or_an_unreachable_intake_is_shown_as_such():
    intake = FakeIntake()
    intake.answers["/prefix/v1/channels/sms/twilio"] = WebhookAnswer(
        403, "application/problem+json", '{"title": "Invalid signature", "status": 403}', 2.0
    )
    phone = _phone(intake)
    refused = await phone.send_sms(PATIENT, CLINIC, "x")
    assert refused.outcome == "refused"
    assert refused.webhooks[0].problem == {"title": "Invalid signature", "status": 403}
    intake.answers["/prefix/v1/channels/sms/twilio"] = WebhookUnreachable(
        "no answer within 15 s", 15000
    )
    down = await phone.send_sms(PATIENT, CLINIC, "x")
    assert down.outcome == "unreachable" and down.webhooks[0].error == "no answer within 15 s"


async def test_invalid_input_is_refused_before_anything_is_posted():
    intake = FakeIntake()
    phone = _phone(intake)
    for sender, to, body, field in [
        ("0612", CLINIC, "x", "from"),
        (PATIENT, "+33939000009", "x", "to"),
        (PATIENT, CLINIC, " ", "body"),
    ]:
        with pytest.raises(PhoneInputError) as caught:
            await phone.send_sms(sender, to, body)
        assert caught.value.field == field
    assert intake.received == [] and len(phone.entries) == 0


async def test_a_missed_call_stops_after_an_incoming_call_intake_does_not_accept():
    intake = FakeIntake()
    intake.answers["/prefix/v1/channels/voice/twilio"] = WebhookAnswer(
        404, "application/problem+json", '{"title": "Not Found", "status": 404}', 1.0
    )
    entry = await _phone(intake).missed_call(PATIENT, CLINIC)
    assert [urlsplit(w.url).path for w in intake.received] == ["/prefix/v1/channels/voice/twilio"]
    incoming, dial = entry.webhooks
    assert (incoming.outcome, incoming.http_status) == ("refused", 404)
    assert dial.outcome == "skipped" and dial.http_status is None
    assert entry.outcome == "refused" and entry.kind == "call"


async def test_a_missed_call_posts_the_dial_callback_with_no_answer_when_the_call_is_taken():
    intake = FakeIntake()
    entry = await _phone(intake).missed_call(PATIENT, CLINIC)
    incoming, dial = intake.received
    assert urlsplit(dial.url).path == "/prefix/v1/channels/voice/twilio/dial"
    assert incoming.form["CallSid"] == dial.form["CallSid"] == entry.sid
    assert entry.sid.startswith("CA")
    assert incoming.form["CallStatus"] == "ringing" and incoming.form["Direction"] == "inbound"
    assert dial.form["DialCallStatus"] == "no-answer"
    assert (dial.form["From"], dial.form["To"]) == (PATIENT, CLINIC)
    assert _signed(incoming) and _signed(dial)
    assert entry.outcome == "accepted"


async def test_the_thread_and_events_include_the_clinic_messages_to_that_number():
    store = MessageStore()
    phone = _phone(FakeIntake(), store)
    await phone.send_sms(PATIENT, CLINIC, "Bonjour")
    ack = message(to=PATIENT, body="Accusé de réception")
    store.add(ack)
    store.add(message(to="+33798765432", body="someone else"))
    phone.on_outbound(ack)
    thread = phone.thread(PATIENT)
    assert [e["direction"] for e in thread["entries"]] == ["inbound", "outbound"]
    assert thread["entries"][1]["body"] == "Accusé de réception"
    assert thread["last_event_id"] == phone.events.head
    assert phone.events.since(PATIENT, 2)[0].data["sid"] == ack.sid
    assert phone.recent_numbers() == [PATIENT, "+33798765432"]


async def test_a_waiting_stream_wakes_on_a_new_event_and_on_close():
    phone = _phone(FakeIntake())
    assert await phone.wait_for_event(0, timeout=0.01) is False
    waiter = asyncio.create_task(phone.wait_for_event(phone.events.head, timeout=5))
    await asyncio.sleep(0)
    phone.on_outbound(message(to=PATIENT))
    assert await waiter is True
    closing = asyncio.create_task(phone.wait_for_event(phone.events.head, timeout=5))
    await asyncio.sleep(0)
    phone.close()
    assert await closing is True and phone.closed
    phone.reset()
    assert phone.events.since(PATIENT, phone.events.head - 1)[0].kind == "reset"
