"""One real patient journey through all services as processes: signed SMS in,
acknowledgement out at the Twilio-compatible provider, delivery state back."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.conftest import unique_phone
from tests.e2e.conftest import wait_for

pytestmark = pytest.mark.e2e


async def test_signed_sms_gets_one_acknowledgement_and_its_delivery_state(stack):
    phone = unique_phone()
    sid = "SM" + uuid.uuid4().hex
    async with httpx.AsyncClient(timeout=15) as client:
        response = await stack.send_sms(client, phone, "Bonjour, je voudrais déplacer mon rendez-vous", sid)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/xml")
        assert "<Response" in response.text

        async def acks():
            return await stack.provider_messages(client, phone)

        sent = await wait_for(acks)
        assert len(sent) == 1
        body = sent[0]["body"]
        assert "Rendez-vous" in body and "15" in body and "112" in body
        assert "déplacer" not in body  # no patient content echoed in automated messages

        # The provider's retry of the same webhook is a no-op: still one contact, one ack.
        again = await stack.send_sms(client, phone, "Bonjour, je voudrais déplacer mon rendez-vous", sid)
        assert again.status_code == 200

        async def delivered_conversation():
            r = await stack.router_get(client, "/v1/conversations", address=phone)
            items = r.json()["items"]
            if len(items) != 1:
                return None
            conv = (await stack.router_get(client, f"/v1/conversations/{items[0]['id']}")).json()
            outbound = [m for m in conv["messages"] if m["direction"] == "out"]
            return conv if outbound and outbound[0]["delivery_status"] == "delivered" else None

        conv = await wait_for(delivered_conversation)
        assert conv["team"] == "rendez-vous" and conv["priority"] == "P3"
        assert conv["urgent"] is False and conv["needs_triage"] is False
        assert conv["explanation"]["evidence"]
        inbound = [m for m in conv["messages"] if m["direction"] == "in"]
        assert len(inbound) == 1
        contact = await stack.router_get(client, f"/v1/contacts/{inbound[0]['contact_id']}")
        assert contact.status_code == 200 and contact.json()["id"] == conv["id"]
        assert len(await stack.provider_messages(client, phone)) == 1


async def test_bad_webhooks_get_clear_errors_and_produce_nothing(stack):
    phone = unique_phone()
    async with httpx.AsyncClient(timeout=15) as client:
        form = {"MessageSid": "SM" + uuid.uuid4().hex, "From": phone, "To": "+33939000000", "Body": "x"}
        forged = await client.post(stack.webhook_url, data=form, headers={"X-Twilio-Signature": "AAAA"})
        assert forged.status_code == 403
        assert forged.headers["content-type"].startswith("application/problem+json")
        unsigned = await client.post(stack.webhook_url, data=form)
        assert unsigned.status_code in (401, 403)
        malformed = {"From": phone, "Body": "sans MessageSid"}
        bad = await client.post(stack.webhook_url, data=malformed, headers=stack.sign(stack.webhook_url, malformed))
        assert bad.status_code in (400, 422)
        assert bad.json()["type"].startswith("https://")
        router = await stack.router_get(client, "/v1/conversations", address=phone)
        assert router.json()["items"] == []
        unauthenticated = await client.get(stack.url("router-api") + "/v1/conversations",
                                           params={"address": phone})
        assert unauthenticated.status_code == 401


async def test_every_event_the_services_produced_matches_its_schema(stack, kafka_bootstrap):
    """Runs after the journey: all service-produced events on every v1 topic validate."""
    import orjson
    from aiokafka import AIOKafkaConsumer

    from relais_shared import topics
    from relais_shared.contracts import validate_payload

    consumer = AIOKafkaConsumer(
        *topics.ALL_TOPICS, bootstrap_servers=kafka_bootstrap,
        group_id="schema-audit-" + uuid.uuid4().hex, auto_offset_reset="earliest",
    )
    await consumer.start()
    checked: dict[str, int] = {}
    try:
        idle = 0
        while idle < 3:
            batches = await consumer.getmany(timeout_ms=1000, max_records=2000)
            idle = 0 if batches else idle + 1
            for records in batches.values():
                for record in records:
                    try:
                        source = orjson.loads(record.value).get("source")
                    except (orjson.JSONDecodeError, AttributeError):
                        continue  # poison fixtures injected by other tests
                    if source in ("intake", "router", "notifier"):
                        validate_payload(record.topic, orjson.loads(record.value))  # the JSON Schema
                        checked[record.topic] = checked.get(record.topic, 0) + 1
    finally:
        await consumer.stop()
    for topic in (topics.CONTACT_RECEIVED, topics.CONVERSATION_EVENTS, topics.NOTIFY_REQUESTED,
                  topics.PROVIDER_CALLBACK, topics.DELIVERY_STATUS):
        assert checked.get(topic), f"no {topic} event produced by the services was seen"
