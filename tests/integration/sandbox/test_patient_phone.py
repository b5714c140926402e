"""The patient phone against a small intake that checks signatures: signed SMS and voice
webhooks, intake's answers shown as they are, the live thread over SSE, the page itself."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import unique_phone
from tests.integration.sandbox.conftest import ACCOUNT_SID, TWO_WAY, eventually
from tests.integration.sandbox.sse import next_event, sse_events

pytestmark = pytest.mark.integration


async def test_a_patient_sms_reaches_intake_signed_with_twilio_fields(
    phone_sandbox, phone_client, fake_intake
):
    phone = unique_phone()
    response = await phone_client.post(
        "/_sandbox/phone/sms", json={"from": phone, "to": TWO_WAY, "body": "Bonjour, un rdv ?"}
    )
    assert response.status_code == 201, response.text
    answer = response.json()
    assert answer["intake"]["outcome"] == "accepted" and answer["intake"]["http_status"] == 200
    (call,) = fake_intake.calls
    assert call.path == "/v1/channels/sms/twilio" and call.signature_valid
    params = call.params
    assert params["MessageSid"] == answer["entry"]["sid"] and params["MessageSid"].startswith("SM")
    assert params["AccountSid"] == ACCOUNT_SID
    assert (params["From"], params["To"]) == (phone, TWO_WAY)
    assert params["Body"] == "Bonjour, un rdv ?" and params["NumMedia"] == "0"
    thread = (await phone_client.get("/_sandbox/phone/thread", params={"number": phone})).json()
    assert [(e["direction"], e["status"]) for e in thread["entries"]] == [("inbound", "accepted")]


async def test_intake_refusals_are_shown_with_their_problem(
    phone_sandbox, phone_client, fake_intake
):
    phone = unique_phone()
    response = await phone_client.post(
        "/_sandbox/phone/missed-call", json={"from": phone, "to": TWO_WAY}
    )
    assert response.status_code == 201
    incoming, dial = response.json()["intake"]
    assert (incoming["outcome"], incoming["http_status"]) == ("refused", 404)
    assert incoming["problem"]["title"] == "Not Found"
    assert dial["outcome"] == "skipped"
    assert [c.path for c in fake_intake.calls] == ["/v1/channels/voice/twilio"]

    fake_intake.voice_enabled = True
    response = await phone_client.post(
        "/_sandbox/phone/missed-call", json={"from": phone, "to": TWO_WAY}
    )
    incoming, dial = response.json()["intake"]
    assert incoming["outcome"] == dial["outcome"] == "accepted"
    ring, hang_up = fake_intake.calls[-2:]
    assert hang_up.path == "/v1/channels/voice/twilio/dial"
    assert ring.signature_valid and hang_up.signature_valid
    assert hang_up.params["DialCallStatus"] == "no-answer"
    assert ring.params["CallSid"] == hang_up.params["CallSid"] == response.json()["entry"]["sid"]


async def test_bad_input_and_cross_site_posts_are_refused(phone_sandbox, phone_client, fake_intake):
    bad = await phone_client.post(
        "/_sandbox/phone/sms", json={"from": "06 12 34 56 78", "to": TWO_WAY, "body": "x"}
    )
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert bad.json()["field"] == "from"
    wrong_clinic = await phone_client.post(
        "/_sandbox/phone/sms", json={"from": unique_phone(), "to": "+33600000001", "body": "x"}
    )
    assert wrong_clinic.status_code == 422 and wrong_clinic.json()["field"] == "to"
    cross = await phone_client.post(
        "/_sandbox/phone/sms",
        json={"from": unique_phone(), "to": TWO_WAY, "body": "x"},
        headers={"Origin": "http://evil.example"},
    )
    assert cross.status_code == 403
    form = await phone_client.post(
        "/_sandbox/phone/sms", content="from=x", headers={"Content-Type": "text/plain"}
    )
    assert form.status_code == 422
    stream = await phone_client.get("/_sandbox/phone/stream", params={"number": "abc"})
    assert stream.status_code == 422 and stream.json()["field"] == "number"
    assert fake_intake.calls == []


async def test_the_stream_sends_a_snapshot_then_the_clinic_reply_and_its_statuses(
    phone_sandbox, phone_client
):
    phone = unique_phone()
    await phone_client.post(
        "/_sandbox/phone/sms", json={"from": phone, "to": TWO_WAY, "body": "Allô"}
    )
    async with phone_client.stream("GET", "/_sandbox/phone/stream", params={"number": phone}) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        events = sse_events(r)
        snapshot = await next_event(events, kind="snapshot")
        assert [e["body"] for e in snapshot.json()["entries"]] == ["Allô"]
        created = await phone_client.post(
            phone_sandbox.messages_url,
            data={"To": phone, "From": TWO_WAY, "Body": "Relais : demande reçue"},
        )
        sid = created.json()["sid"]
        statuses = []
        while "delivered" not in statuses:
            event = await next_event(events, kind="entry")
            entry = event.json()
            assert entry["sid"] == sid and entry["direction"] == "outbound"
            assert entry["body"] == "Relais : demande reçue"
            statuses.append(entry["status"])
            last_id = int(event.id)
        assert statuses == ["queued", "sent", "delivered"]

    # Reconnecting with Last-Event-ID replays only what was missed, no snapshot.
    missed = await phone_client.post(
        "/_sandbox/phone/sms", json={"from": phone, "to": TWO_WAY, "body": "Merci"}
    )
    async with phone_client.stream(
        "GET",
        "/_sandbox/phone/stream",
        params={"number": phone},
        headers={"Last-Event-ID": str(last_id)},
    ) as r:
        event = await next_event(sse_events(r))
        assert event.event == "entry" and event.json()["sid"] == missed.json()["entry"]["sid"]


async def test_the_stream_only_carries_its_own_number_and_beats(phone_sandbox, phone_client):
    phone, other = unique_phone(), unique_phone()
    async with phone_client.stream("GET", "/_sandbox/phone/stream", params={"number": phone}) as r:
        events = sse_events(r)
        await next_event(events, kind="snapshot")
        await phone_client.post(
            phone_sandbox.messages_url, data={"To": other, "From": TWO_WAY, "Body": "pour un autre"}
        )
        beat = await next_event(events, skip_comments=False, timeout=5)
        assert beat.comment == "heartbeat"  # nothing about the other number came first
        await phone_client.post(
            phone_sandbox.messages_url, data={"To": phone, "From": TWO_WAY, "Body": "pour moi"}
        )
        entry = await next_event(events, kind="entry")
        assert entry.json()["to"] == phone


async def test_a_reset_reaches_open_streams_and_closing_ends_them(phone_sandbox, phone_client):
    phone = unique_phone()
    async with phone_client.stream("GET", "/_sandbox/phone/stream", params={"number": phone}) as r:
        events = sse_events(r)
        await next_event(events, kind="snapshot")
        (await phone_client.post("/_sandbox/reset")).raise_for_status()
        await next_event(events, kind="reset")
    await eventually(lambda: phone_sandbox.runtime.phone.streams_open == 0)


async def test_the_page_and_its_assets_come_with_a_strict_csp(phone_sandbox, phone_client):
    page = await phone_client.get("/phone")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp and "unsafe" not in csp
    assert '<script src="/static/phone.js" defer>' in page.text
    assert '<html lang="fr">' in page.text
    script = await phone_client.get("/static/phone.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert (await phone_client.get("/static/sandbox.css")).status_code == 200
    assert (await phone_client.get("/static/..%2Fphone.py")).status_code == 404
    config = (await phone_client.get("/_sandbox/phone/config")).json()
    assert config["clinic_numbers"] == [TWO_WAY] and config["default_clinic"] == TWO_WAY
    root = await phone_client.get("/", follow_redirects=False)
    assert root.status_code == 307 and root.headers["location"] == "/phone"


async def test_concurrent_patients_each_get_their_own_thread(
    phone_sandbox, phone_client, fake_intake
):
    phones = [unique_phone() for _ in range(20)]
    answers = await asyncio.gather(
        *(
            phone_client.post(
                "/_sandbox/phone/sms", json={"from": p, "to": TWO_WAY, "body": p[-4:]}
            )
            for p in phones
        )
    )
    assert all(
        a.status_code == 201 and a.json()["intake"]["outcome"] == "accepted" for a in answers
    )
    assert all(c.signature_valid for c in fake_intake.calls) and len(fake_intake.calls) == 20
    for p in phones:
        thread = (await phone_client.get("/_sandbox/phone/thread", params={"number": p})).json()
        assert [e["body"] for e in thread["entries"]] == [p[-4:]]
