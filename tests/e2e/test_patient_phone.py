"""The newcomer's journey through the patient phone, with every service as a process: the
patient texts the clinic from the sandbox's phone, intake accepts the signed webhook, and the
clinic's acknowledgement arrives in the phone's live thread with its delivery status."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import unique_phone
from tests.integration.sandbox.sse import next_event, sse_events

pytestmark = pytest.mark.e2e
CLINIC = "+33939000000"


async def test_a_patient_texts_the_clinic_and_sees_the_acknowledgement_arrive_live(stack):
    phone = unique_phone()
    sandbox = stack.url("sandbox")
    async with httpx.AsyncClient(base_url=sandbox, timeout=30) as client:
        config = (await client.get("/_sandbox/phone/config")).json()
        assert config["default_clinic"] == CLINIC
        assert config["intake_url"] == stack.url("intake")
        async with client.stream(
            "GET", "/_sandbox/phone/stream", params={"number": phone}
        ) as stream:
            events = sse_events(stream)
            snapshot = await next_event(events, kind="snapshot")
            assert snapshot.json()["entries"] == []

            sent = await client.post(
                "/_sandbox/phone/sms",
                json={"from": phone, "to": CLINIC, "body": "Bonjour, je voudrais un rendez-vous"},
            )
            assert sent.status_code == 201, sent.text
            intake = sent.json()["intake"]
            assert (intake["outcome"], intake["http_status"]) == ("accepted", 200), intake

            # The thread shows the patient's SMS, then the clinic's acknowledgement, live,
            # until the provider reports it delivered.
            ack_statuses: list[str] = []
            ack = None
            while "delivered" not in ack_statuses:
                entry = (await next_event(events, kind="entry", timeout=60)).json()
                if entry["direction"] == "outbound":
                    ack = entry
                    ack_statuses.append(entry["status"])
            assert ack is not None and ack["to"] == phone and ack["from"] == CLINIC
            assert "15" in ack["body"] and "112" in ack["body"]  # the emergency numbers
            assert ack_statuses[-1] == "delivered"

        thread = (await client.get("/_sandbox/phone/thread", params={"number": phone})).json()
        directions = [(e["direction"], e["status"]) for e in thread["entries"]]
        assert directions == [("inbound", "accepted"), ("outbound", "delivered")]


async def test_a_simulated_missed_call_shows_what_intake_answered(stack):
    """Intake's voice channel may not exist yet: whatever it answers is shown as it is."""
    phone = unique_phone()
    async with httpx.AsyncClient(base_url=stack.url("sandbox"), timeout=30) as client:
        answer = await client.post(
            "/_sandbox/phone/missed-call", json={"from": phone, "to": CLINIC}
        )
        assert answer.status_code == 201, answer.text
        incoming, dial = answer.json()["intake"]
        assert incoming["http_status"] is not None
        if 200 <= incoming["http_status"] < 300:
            assert incoming["outcome"] == "accepted" and dial["http_status"] is not None
        else:
            assert incoming["outcome"] == "refused" and dial["outcome"] == "skipped"
        # The same honest answer, straight from intake.
        direct = await client.post(stack.url("intake") + "/v1/channels/voice/twilio", data={})
        if incoming["http_status"] == 404:
            assert direct.status_code == 404
