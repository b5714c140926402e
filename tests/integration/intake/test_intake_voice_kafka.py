"""Intake's voice channel on real Kafka and PostgreSQL: TwiML at once, contacts only once
durable, one dedupe key per call and kind."""

from __future__ import annotations

import uuid

import asyncpg
import orjson
import pytest
from relais_intake.bootstrap import MIGRATIONS_DIR, SCHEMA
from relais_shared import topics
from relais_shared.contracts import decode
from relais_shared.db import migrate
from relais_shared.twilio import compute_signature
from relais_shared.twilio_webhooks import dial_action_form, incoming_call_form

from tests.conftest import unique_phone
from tests.integration.intake.test_intake_sms_kafka import (
    CLINIC,
    PUBLIC,
    consume_until,
    dedupe_key,
    post,
    running,
    settings_for,
    signature,
)

pytestmark = pytest.mark.integration

VOICE = "/v1/channels/voice/twilio"
ACCOUNT = "AC" + "2" * 32
EMERGENCY = (
    "En cas d'urgence vitale appelez le 15 ou le 112 ; "
    "personnes sourdes ou malentendantes : 114 par SMS"
)


@pytest.fixture(scope="module")
async def migrated(database_url):
    conn = await asyncpg.connect(database_url)
    try:
        await migrate(conn, SCHEMA, MIGRATIONS_DIR)
    finally:
        await conn.close()
    return database_url


@pytest.fixture
async def intake(kafka_bootstrap, migrated):
    settings = settings_for(
        kafka_bootstrap,
        migrated,
        intake_voice_lines={"lyon": "+33478000000"},
        intake_clinic_names={"lyon": "Centre de santé de Lyon"},
    )
    async for pair in running(settings):
        yield pair


def new_call_sid() -> str:
    return "CA" + uuid.uuid4().hex


def pairs(form: dict[str, str]) -> list[tuple[str, str]]:
    return list(form.items())


def of_call(call_sid: str):
    return lambda record: call_sid in dedupe_key(record)


async def records_of(bootstrap: str, call_sid: str, marker_key: str) -> list:
    """This call's contacts, read up to a marker contact sent after them by the same caller
    (same key, same partition: once the marker is seen nothing earlier can still appear)."""
    seen = await consume_until(
        bootstrap, topics.CONTACT_RECEIVED, lambda r: dedupe_key(r) == marker_key
    )
    return [r for r in seen if call_sid in dedupe_key(r)]


async def send_marker(client, caller: str) -> str:
    sid = new_call_sid()
    form = pairs(dial_action_form(ACCOUNT, caller, CLINIC, sid, "busy"))
    assert (
        await post(client, VOICE + "/dial", form, signature(VOICE + "/dial", form))
    ).status_code == 200
    return f"voice:{sid}:missed_call"


async def test_signed_incoming_call_answers_twiml_with_the_emergency_wording(intake):
    _, client = intake
    form = pairs(incoming_call_form(ACCOUNT, unique_phone(), CLINIC, new_call_sid()))
    response = await post(client, VOICE, form, signature(VOICE, form))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/xml")
    assert EMERGENCY in response.text and "Centre de santé de Lyon" in response.text
    assert f'<Dial timeout="20" action="{PUBLIC}{VOICE}/dial">' in response.text
    assert response.text.endswith("</Dial></Response>")


async def test_dial_no_answer_is_one_missed_call_even_when_repeated(intake, kafka_bootstrap):
    _, client = intake
    caller, call_sid = unique_phone(), new_call_sid()
    form = pairs(dial_action_form(ACCOUNT, caller, CLINIC, call_sid, "no-answer"))
    for _ in range(2):  # Twilio retries the callback: same call, same dedupe key
        response = await post(client, VOICE + "/dial", form, signature(VOICE + "/dial", form))
        assert response.status_code == 200, response.text
        assert f'<Record maxLength="120" action="{PUBLIC}{VOICE}/recording"/>' in response.text
    # The call ends: its status callback adds nothing, the Dial already told.
    status = pairs(
        {
            **incoming_call_form(ACCOUNT, caller, CLINIC, call_sid),
            "CallStatus": "completed",
            "CallDuration": "31",
        }
    )
    response = await post(client, VOICE + "/status", status, signature(VOICE + "/status", status))
    assert response.status_code == 204
    records = await records_of(kafka_bootstrap, call_sid, await send_marker(client, caller))
    assert {dedupe_key(r) for r in records} == {f"voice:{call_sid}:missed_call"}
    envelope, contact = decode(topics.CONTACT_RECEIVED, records[0].value)
    assert records[0].key == caller.encode()
    assert envelope.site_id == "lyon" and envelope.source == "intake"
    assert (contact.channel, contact.kind) == ("voice", "missed_call")
    assert contact.sender.address == caller and contact.recipient == CLINIC
    assert contact.provider_ids == {"CallSid": call_sid, "AccountSid": ACCOUNT}


async def test_recording_is_a_voicemail_with_its_transcript(intake, kafka_bootstrap):
    _, client = intake
    caller, call_sid = unique_phone(), new_call_sid()
    form = pairs(
        {
            **incoming_call_form(ACCOUNT, caller, CLINIC, call_sid),
            "CallStatus": "in-progress",
            "RecordingSid": "RE" + uuid.uuid4().hex,
            "RecordingUrl": "https://api.twilio.com/2010-04-01/Accounts/AC2/Recordings/RE9",
            "RecordingDuration": "12",
            "TranscriptionText": "Bonjour, je rappelle pour mes résultats d'analyse.",
        }
    )
    response = await post(client, VOICE + "/recording", form, signature(VOICE + "/recording", form))
    assert response.status_code == 200, response.text
    records = await consume_until(kafka_bootstrap, topics.CONTACT_RECEIVED, of_call(call_sid))
    raw = records[-1].value
    _, contact = decode(topics.CONTACT_RECEIVED, raw)
    assert contact.kind == "voicemail"
    assert contact.text == "Bonjour, je rappelle pour mes résultats d'analyse."
    assert contact.dedupe_key.startswith(f"voice:{call_sid}:voicemail:")
    assert contact.metadata["recording_pending"] is True
    assert contact.metadata["recording_duration_s"] == 12
    assert b"twilio.com" not in raw and b"Recordings" not in raw


async def test_hang_up_before_the_dial_is_a_missed_call(intake, kafka_bootstrap):
    _, client = intake
    caller, call_sid = unique_phone(), new_call_sid()
    status = pairs(
        {
            **incoming_call_form(ACCOUNT, caller, CLINIC, call_sid),
            "CallStatus": "completed",
            "CallDuration": "3",
        }
    )
    response = await post(client, VOICE + "/status", status, signature(VOICE + "/status", status))
    assert response.status_code == 200, response.text
    records = await consume_until(kafka_bootstrap, topics.CONTACT_RECEIVED, of_call(call_sid))
    data = orjson.loads(records[-1].value)["data"]
    assert (data["kind"], data["dedupe_key"]) == ("missed_call", f"voice:{call_sid}:missed_call")
    assert data["metadata"]["ended_by"] == "hangup"


@pytest.mark.parametrize("path", ["", "/dial", "/recording", "/status"])
async def test_bad_signature_is_403_and_nothing_is_produced(intake, kafka_bootstrap, path):
    _, client = intake
    caller, call_sid = unique_phone(), new_call_sid()
    form = pairs(dial_action_form(ACCOUNT, caller, CLINIC, call_sid, "no-answer"))
    wrong = compute_signature("not-the-token", PUBLIC + VOICE + path, form)
    response = await post(client, VOICE + path, form, wrong)
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    records = await records_of(kafka_bootstrap, call_sid, await send_marker(client, caller))
    assert records == []


@pytest.fixture
async def intake_without_kafka(migrated):
    from relais_cli.devstack import free_port

    settings = settings_for(f"127.0.0.1:{free_port()}", migrated, intake_produce_timeout_ms=500)
    async for pair in running(settings):
        yield pair


@pytest.mark.parametrize("path", ["/dial", "/recording"])
async def test_kafka_unavailable_is_503_with_retry_after(intake_without_kafka, path):
    _, client = intake_without_kafka
    form = pairs(
        {
            **dial_action_form(ACCOUNT, unique_phone(), CLINIC, new_call_sid(), "no-answer"),
            "RecordingSid": "RE" + uuid.uuid4().hex,
        }
    )
    response = await post(client, VOICE + path, form, signature(VOICE + path, form))
    assert response.status_code == 503
    assert int(response.headers["retry-after"]) > 0
    assert response.json()["type"].endswith("/intake-unavailable")
    # The incoming call itself needs no broker: callers always hear the emergency numbers.
    incoming = pairs(incoming_call_form(ACCOUNT, unique_phone(), CLINIC, new_call_sid()))
    answer = await post(client, VOICE, incoming, signature(VOICE, incoming))
    assert answer.status_code == 200 and "114 par SMS" in answer.text


async def test_menu_choice_travels_to_the_missed_call_on_kafka(kafka_bootstrap, migrated):
    settings = settings_for(
        kafka_bootstrap,
        migrated,
        intake_voice_lines={"lyon": "+33478000000"},
        intake_ivr_menu={"1": "rendez-vous", "2": "ordonnances"},
    )
    async for _, client in running(settings):
        caller, call_sid = unique_phone(), new_call_sid()
        incoming = pairs(incoming_call_form(ACCOUNT, caller, CLINIC, call_sid))
        answer = await post(client, VOICE, incoming, signature(VOICE, incoming))
        assert "<Gather" in answer.text and EMERGENCY in answer.text
        chosen = pairs({**incoming_call_form(ACCOUNT, caller, CLINIC, call_sid), "Digits": "2"})
        menu = await post(client, VOICE + "/menu", chosen, signature(VOICE + "/menu", chosen))
        assert f'action="{PUBLIC}{VOICE}/dial?ivr_digit=2"' in menu.text
        form = pairs(dial_action_form(ACCOUNT, caller, CLINIC, call_sid, "no-answer"))
        query = "ivr_digit=2"
        response = await post(
            client, VOICE + "/dial", form, signature(VOICE + "/dial", form, query), query
        )
        assert response.status_code == 200, response.text
        records = await consume_until(kafka_bootstrap, topics.CONTACT_RECEIVED, of_call(call_sid))
        _, contact = decode(topics.CONTACT_RECEIVED, records[-1].value)
        assert contact.metadata["ivr_digit"] == "2"
        assert contact.metadata["intent"] == "ordonnances"
