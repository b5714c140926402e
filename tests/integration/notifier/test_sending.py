"""Notify requests on real Kafka and PostgreSQL, sent through a fake Twilio over HTTP:
once, with the notification id in the StatusCallback, whatever the provider does."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from relais_notifier.metrics import RECONCILIATIONS, SENDS_EXHAUSTED
from relais_shared import topics
from relais_shared.ids import new_id

from tests.conftest import unique_phone
from tests.integration.notifier.fake_twilio import Drop, Fail, FailAfterCreate, Hang
from tests.integration.notifier.support import (
    PUBLIC_URL,
    SMS_FROM,
    dead_letters,
    eventually,
    notify_envelope,
    produce,
)

pytestmark = pytest.mark.integration


async def send_request(producer, envelope):
    await produce(producer, topics.NOTIFY_REQUESTED, envelope.data["conversation_id"], envelope)


async def test_notify_request_is_sent_once_with_its_status_callback(
    notifier, fake_twilio, producer, statuses
):
    phone = unique_phone()
    envelope = notify_envelope(phone, reference="R-A1B2C3")
    nid = envelope.data["notification_id"]
    await send_request(producer, envelope)

    status = await statuses.wait_for(nid, "sent")
    [post] = fake_twilio.posts_to(phone)
    assert post["From"] == SMS_FROM
    assert post["StatusCallback"] == f"{PUBLIC_URL}/v1/channels/sms/twilio/status?nid={nid}"
    assert post["Body"].startswith("Relais MSP des Lilas: nous avons bien reçu votre message.")
    assert "Réf. R-A1B2C3." in post["Body"] and "15 ou 112" in post["Body"]
    [message] = fake_twilio.messages_to(phone)
    assert status.provider_message_id == message["sid"]
    assert status.conversation_id == envelope.data["conversation_id"]
    [(status_envelope, _)] = [(e, d) for e, d in statuses.events if d.notification_id == nid]
    assert status_envelope.correlation_id == envelope.correlation_id
    row = await notifier.row(nid)
    assert row["status"] == "sent" and row["provider_message_id"] == message["sid"]
    assert row["attempts"] == 1 and row["in_doubt"] is False and row["body"] == post["Body"]


async def test_the_same_request_twice_posts_once(notifier, fake_twilio, producer, statuses):
    phone = unique_phone()
    envelope = notify_envelope(phone)
    nid, conversation = envelope.data["notification_id"], envelope.data["conversation_id"]
    redelivered = envelope.model_copy(update={"id": new_id()})
    same_dedupe_key = notify_envelope(phone, conversation_id=conversation,
                                      dedupe_key=envelope.data["dedupe_key"])
    for env in (envelope, envelope, redelivered, same_dedupe_key):
        await send_request(producer, env)
    # Same key, same partition: once this later request is sent, the others were handled.
    marker = notify_envelope(unique_phone(), conversation_id=conversation)
    await send_request(producer, marker)
    await statuses.wait_for(marker.data["notification_id"], "sent")

    assert len(fake_twilio.posts_to(phone)) == 1
    assert statuses.statuses(nid) == ["sent"]
    assert statuses.statuses(same_dedupe_key.data["notification_id"]) == []
    assert await notifier.row(same_dedupe_key.data["notification_id"]) is None


async def test_500_503_and_429_are_retried_later_and_sent_once(
    notifier, fake_twilio, producer, statuses
):
    phone = unique_phone()
    fake_twilio.plan(phone, Fail(500), Fail(503), Fail(429, 20429))
    envelope = notify_envelope(phone)
    nid = envelope.data["notification_id"]
    await send_request(producer, envelope)

    await statuses.wait_for(nid, "sent")
    assert len(fake_twilio.posts_to(phone)) == 4
    assert len(fake_twilio.messages_to(phone)) == 1
    row = await notifier.row(nid)
    assert row["attempts"] == 4 and row["status"] == "sent"
    assert statuses.statuses(nid) == ["sent"]


async def test_a_500_after_the_provider_created_the_message_is_not_resent(
    notifier, fake_twilio, producer, statuses
):
    phone = unique_phone()
    fake_twilio.plan(phone, FailAfterCreate(500))
    envelope = notify_envelope(phone)
    nid = envelope.data["notification_id"]
    await send_request(producer, envelope)

    status = await statuses.wait_for(nid, "sent")
    [message] = fake_twilio.messages_to(phone)
    assert len(fake_twilio.posts_to(phone)) == 1
    assert status.provider_message_id == message["sid"]


async def test_a_timeout_after_the_provider_took_it_is_reconciled_not_resent(
    notifier, fake_twilio, producer, statuses
):
    found_before = RECONCILIATIONS.labels("found")._value.get()
    phone = unique_phone()
    fake_twilio.plan(phone, Hang(1.5))  # stored at once, answered after the client gave up
    envelope = notify_envelope(phone)
    nid = envelope.data["notification_id"]
    await send_request(producer, envelope)

    status = await statuses.wait_for(nid, "sent")
    [message] = fake_twilio.messages_to(phone)
    assert len(fake_twilio.posts_to(phone)) == 1
    assert status.provider_message_id == message["sid"]
    assert any(lookup.get("To") == phone for lookup in fake_twilio.lookups)
    assert RECONCILIATIONS.labels("found")._value.get() == found_before + 1
    await asyncio.sleep(2)  # the late answer changes nothing
    assert len(fake_twilio.posts_to(phone)) == 1 and statuses.statuses(nid) == ["sent"]


async def test_a_request_dropped_before_the_provider_took_it_is_sent_once(
    notifier, fake_twilio, producer, statuses
):
    not_found_before = RECONCILIATIONS.labels("not_found")._value.get()
    phone = unique_phone()
    fake_twilio.plan(phone, Drop(1.0))
    envelope = notify_envelope(phone)
    nid = envelope.data["notification_id"]
    await send_request(producer, envelope)

    await statuses.wait_for(nid, "sent")
    assert len(fake_twilio.posts_to(phone)) == 2
    assert len(fake_twilio.messages_to(phone)) == 1
    assert RECONCILIATIONS.labels("not_found")._value.get() == not_found_before + 1


async def test_retries_exhausted_fail_and_alert_without_a_dead_letter(
    notifier, fake_twilio, producer, statuses, kafka_bootstrap
):
    exhausted = SENDS_EXHAUSTED._value.get()
    phone = unique_phone()
    fake_twilio.plan(phone, *[Fail(503)] * 4)
    envelope = notify_envelope(phone)
    nid, conversation = envelope.data["notification_id"], envelope.data["conversation_id"]
    await send_request(producer, envelope)

    status = await statuses.wait_for(nid, "failed")
    assert status.provider_code == "http_503"
    assert len(fake_twilio.posts_to(phone)) == 4 and fake_twilio.messages_to(phone) == []
    row = await notifier.row(nid)
    assert row["status"] == "failed" and row["last_error"] == "retries_exhausted"

    async def alerted():
        return SENDS_EXHAUSTED._value.get() == exhausted + 1

    await eventually(alerted, what="exhausted metric")  # the operator alert
    # The request's offset was committed once its row was written: no dead letter.
    assert await dead_letters(kafka_bootstrap, topics.NOTIFY_REQUESTED, conversation) == []
    await asyncio.sleep(1)  # and none later: the pool does not retry a failed notification
    assert len(fake_twilio.posts_to(phone)) == 4 and statuses.statuses(nid) == ["failed"]


async def test_permanent_refusals_are_final(notifier, fake_twilio, producer, statuses):
    opted_out, landline = unique_phone(), unique_phone()
    fake_twilio.plan(opted_out, Fail(400, 21610))
    fake_twilio.plan(landline, Fail(400, 21614))
    first = notify_envelope(opted_out)
    second = notify_envelope(landline)
    await send_request(producer, first)
    await send_request(producer, second)

    suppressed = await statuses.wait_for(first.data["notification_id"], "suppressed")
    failed = await statuses.wait_for(second.data["notification_id"], "failed")
    assert suppressed.provider_code == "21610" and failed.provider_code == "21614"
    assert len(fake_twilio.posts_to(landline)) == 1

    # The provider's opt-out is remembered: the next request never reaches it.
    later = notify_envelope(opted_out)
    await send_request(producer, later)
    await statuses.wait_for(later.data["notification_id"], "suppressed")
    assert len(fake_twilio.posts_to(opted_out)) == 1


async def test_an_expired_request_is_not_sent(notifier, fake_twilio, producer, statuses):
    from datetime import UTC, datetime, timedelta

    phone = unique_phone()
    envelope = notify_envelope(phone, expires_at=datetime.now(UTC) - timedelta(minutes=1))
    await send_request(producer, envelope)
    await statuses.wait_for(envelope.data["notification_id"], "expired")
    assert fake_twilio.posts_to(phone) == []


async def test_a_channel_without_an_adapter_ends_failed_without_a_send(
    notifier, fake_twilio, producer, statuses
):
    envelope = notify_envelope(f"patient-{uuid.uuid4().hex[:8]}@example.org", channel="email")
    await send_request(producer, envelope)
    status = await statuses.wait_for(envelope.data["notification_id"], "failed")
    assert status.provider_code == "unsupported_channel"
    assert (await notifier.row(envelope.data["notification_id"]))["status"] == "failed"


async def test_the_site_number_named_by_the_router_is_the_sender(
    notifier, fake_twilio, producer, statuses
):
    phone = unique_phone()
    envelope = notify_envelope(phone)
    envelope.data["params"]["sms_from"] = "+33939000042"
    await send_request(producer, envelope)
    await statuses.wait_for(envelope.data["notification_id"], "sent")
    [post] = fake_twilio.posts_to(phone)
    assert post["From"] == "+33939000042"
