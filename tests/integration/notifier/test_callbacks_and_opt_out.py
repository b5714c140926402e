"""Provider callbacks move delivery states forward only; opt-out suppresses later sends."""

from __future__ import annotations

import pytest
from relais_notifier.metrics import CALLBACKS
from relais_shared import topics
from relais_shared.ids import new_id

from tests.conftest import unique_phone
from tests.integration.notifier.support import (
    callback_envelope,
    dead_letter,
    eventually,
    keyword_envelope,
    notify_envelope,
    produce,
)

pytestmark = pytest.mark.integration


async def sent_notification(producer, statuses, phone):
    envelope = notify_envelope(phone)
    await produce(producer, topics.NOTIFY_REQUESTED, envelope.data["conversation_id"], envelope)
    status = await statuses.wait_for(envelope.data["notification_id"], "sent")
    return envelope.data["notification_id"], status.provider_message_id


async def callback(producer, nid, status, sid, error_code=None):
    await produce(producer, topics.PROVIDER_CALLBACK, nid, callback_envelope(nid, status, sid, error_code))


async def test_delivered_callback_becomes_delivery_status_delivered(notifier, producer, statuses):
    nid, sid = await sent_notification(producer, statuses, unique_phone())
    await callback(producer, nid, "delivered", sid)
    delivered = await statuses.wait_for(nid, "delivered")
    assert delivered.provider_message_id == sid
    assert (await notifier.row(nid))["status"] == "delivered"


async def test_out_of_order_and_duplicate_callbacks_never_regress(notifier, producer, statuses):
    nid, sid = await sent_notification(producer, statuses, unique_phone())
    for status in ("delivered", "sent", "queued", "delivered", "undelivered", "read"):
        await callback(producer, nid, status, sid)
    await statuses.wait_for(nid, "read")
    assert statuses.statuses(nid) == ["sent", "delivered", "read"]
    row = await notifier.row(nid)
    assert row["status"] == "read" and row["provider_message_id"] == sid


async def test_a_failure_callback_is_final(notifier, producer, statuses):
    nid, sid = await sent_notification(producer, statuses, unique_phone())
    await callback(producer, nid, "undelivered", sid, "30003")
    await callback(producer, nid, "delivered", sid)
    await callback(producer, nid, "failed", sid, "30008")
    marker, marker_sid = await sent_notification(producer, statuses, unique_phone())
    await callback(producer, marker, "delivered", marker_sid)
    await statuses.wait_for(nid, "undelivered")
    await statuses.wait_for(marker, "delivered")
    row = await notifier.row(nid)
    assert row["status"] == "undelivered" and row["provider_code"] == "30003"
    assert statuses.statuses(nid) == ["sent", "undelivered"]


async def test_opt_out_suppresses_later_requests_with_one_confirmation(
    notifier, fake_twilio, producer, statuses
):
    phone = unique_phone()

    async def suppressed() -> bool:
        return bool(await notifier.pool.fetchval(
            "SELECT suppressed FROM notifier.suppressions WHERE address = $1", phone))

    await produce(producer, topics.CONTACT_RECEIVED, phone, keyword_envelope(phone, "opt_out", "STOP"))
    await produce(producer, topics.CONTACT_RECEIVED, phone, keyword_envelope(phone, "opt_out", "Arrêt"))
    await eventually(suppressed, what="suppression")

    async def confirmed():
        return fake_twilio.messages_to(phone)

    [confirmation] = await eventually(confirmed, what="opt-out confirmation")
    assert "START" in confirmation["body"]

    request = notify_envelope(phone)
    await produce(producer, topics.NOTIFY_REQUESTED, request.data["conversation_id"], request)
    await statuses.wait_for(request.data["notification_id"], "suppressed")
    assert len(fake_twilio.posts_to(phone)) == 1  # the confirmation only

    await produce(producer, topics.CONTACT_RECEIVED, phone, keyword_envelope(phone, "opt_in", "START"))

    async def resumed() -> bool:
        return not await suppressed()

    await eventually(resumed, what="opt-in")
    again = notify_envelope(phone)
    await produce(producer, topics.NOTIFY_REQUESTED, again.data["conversation_id"], again)
    await statuses.wait_for(again.data["notification_id"], "sent")
    async def three_sent():
        bodies = [m["body"] for m in fake_twilio.messages_to(phone)]
        return bodies if len(bodies) == 3 else None

    bodies = await eventually(three_sent, what="opt-in confirmation and ack")
    # The opt-in confirmation and the ack travel on different partitions: any order.
    assert bodies[0] == confirmation["body"]
    assert sum("STOP pour ne plus" in b for b in bodies[1:]) == 1
    assert sum("bien reçu" in b for b in bodies[1:]) == 1


async def test_help_gets_one_answer(notifier, fake_twilio, producer):
    phone = unique_phone()
    for _ in range(2):
        await produce(producer, topics.CONTACT_RECEIVED, phone, keyword_envelope(phone, "help", "AIDE"))

    async def answered():
        return fake_twilio.messages_to(phone)

    [answer] = await eventually(answered, what="help answer")
    assert "15 ou 112" in answer["body"]
    marker = unique_phone()  # same handling order is not guaranteed across keys: wait a bit
    await produce(producer, topics.CONTACT_RECEIVED, phone, keyword_envelope(phone, "message", "merci"))
    await produce(producer, topics.CONTACT_RECEIVED, marker, keyword_envelope(marker, "help", "HELP"))
    await eventually(lambda: answered_marker(fake_twilio, marker), what="marker help answer")
    assert len(fake_twilio.messages_to(phone)) == 1


async def answered_marker(fake, marker):
    return fake.messages_to(marker)


async def test_a_callback_carrying_another_notifications_message_id_is_dead_lettered(
    notifier, producer, statuses, kafka_bootstrap
):


    first, first_sid = await sent_notification(producer, statuses, unique_phone())
    second = notify_envelope(unique_phone())
    second_nid = second.data["notification_id"]
    await produce(producer, topics.NOTIFY_REQUESTED, second.data["conversation_id"], second)
    await statuses.wait_for(second_nid, "sent")
    await notifier.pool.execute(  # as if the provider had not told us its id
        "UPDATE notifier.notifications SET provider_message_id = NULL WHERE notification_id = $1",
        second_nid,
    )
    await callback(producer, second_nid, "delivered", first_sid)

    record = await dead_letter(kafka_bootstrap, topics.PROVIDER_CALLBACK, second_nid)
    assert "another notification" in dict(record.headers)["dlq.reason"].decode()
    assert (await notifier.row(first))["provider_message_id"] == first_sid
    assert statuses.statuses(second_nid) == ["sent"]


async def test_an_opt_out_refusal_callback_suppresses_the_address(
    notifier, fake_twilio, producer, statuses
):
    phone = unique_phone()
    nid, sid = await sent_notification(producer, statuses, phone)
    await callback(producer, nid, "undelivered", sid, "21610")
    suppressed = await statuses.wait_for(nid, "suppressed")
    assert suppressed.provider_code == "21610"
    assert await notifier.pool.fetchval(
        "SELECT suppressed FROM notifier.suppressions WHERE address = $1", phone) is True

    later = notify_envelope(phone)
    await produce(producer, topics.NOTIFY_REQUESTED, later.data["conversation_id"], later)
    await statuses.wait_for(later.data["notification_id"], "suppressed")
    assert len(fake_twilio.posts_to(phone)) == 1


async def test_a_callback_for_an_unknown_notification_changes_nothing(notifier, producer, statuses):
    unknown_before = CALLBACKS.labels("unknown_notification")._value.get()
    stranger = new_id()
    await callback(producer, stranger, "delivered", "SM" + stranger[-12:])

    async def counted():
        return CALLBACKS.labels("unknown_notification")._value.get() == unknown_before + 1

    await eventually(counted, what="unknown callback counted")
    assert await notifier.row(stranger) is None and statuses.statuses(stranger) == []
