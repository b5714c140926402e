"""A notifier that died mid-send: on start, rows still `sending` are settled by asking the
provider before anything is consumed (and, when the dead process's lease still ran, by the
sweeper soon after), and are never sent twice."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from relais_notifier.adapters import ledger
from relais_notifier.adapters.ledger import NewNotification
from relais_notifier.metrics import RECONCILIATIONS, SWEPT
from relais_shared import topics
from relais_shared.ids import new_id

from tests.conftest import unique_phone
from tests.integration.notifier.fake_twilio import Gate
from tests.integration.notifier.support import (
    SMS_FROM,
    committed_offset,
    create_database,
    eventually,
    notifier_settings,
    notify_envelope,
    produce_to,
    start_notifier,
)

pytestmark = pytest.mark.integration


def pending(phone: str, body: str) -> NewNotification:
    return NewNotification(
        notification_id=new_id(), dedupe_key="ack:" + new_id(), site_id="demo",
        conversation_id=new_id(), correlation_id=None, kind="ack", channel="sms",
        address=phone, sender=SMS_FROM, lang="fr", body=body,
    )


async def leave_sending(conn, new: NewNotification, *, attempted: bool) -> None:
    """The state a crash leaves: written as sending; `attempted`: the POST may have left."""
    await ledger.insert(conn, new, "sending")
    await conn.execute(  # the dead process's lease has run out
        "UPDATE notifier.notifications SET lease_owner = 'dead-process',"
        " lease_until = now() - interval '1 second', attempts = $2, in_doubt = $3"
        " WHERE notification_id = $1",
        new.notification_id, int(attempted), attempted,
    )


async def test_rows_left_sending_are_reconciled_on_startup(
    kafka_bootstrap, database_url, fake_twilio, statuses
):
    import asyncpg

    url = await create_database(database_url)
    taken, lost, never_tried, older_twin = (unique_phone() for _ in range(4))
    rows = {
        "taken": pending(taken, "Relais: message A"),  # the provider has it
        "lost": pending(lost, "Relais: message B"),  # the POST never arrived
        "never_tried": pending(never_tried, "Relais: message C"),  # crashed before the POST
        # Same text as a message already sent to that number by another notification.
        "twin": pending(older_twin, "Relais: votre demande est traitée."),
    }
    conn = await asyncpg.connect(url)
    try:
        await leave_sending(conn, rows["taken"], attempted=True)
        await leave_sending(conn, rows["lost"], attempted=True)
        await leave_sending(conn, rows["never_tried"], attempted=False)
        earlier = fake_twilio.store(older_twin, SMS_FROM, rows["twin"].body,
                                    datetime.now(UTC) + timedelta(seconds=1))
        twin_owner = pending(older_twin, rows["twin"].body)
        await ledger.insert(conn, twin_owner, "sent")
        await conn.execute(
            "UPDATE notifier.notifications SET provider_message_id = $2 WHERE notification_id = $1",
            twin_owner.notification_id, earlier["sid"],
        )
        await leave_sending(conn, rows["twin"], attempted=True)
    finally:
        await conn.close()
    at_provider = fake_twilio.store(taken, SMS_FROM, rows["taken"].body,
                                    datetime.now(UTC) + timedelta(seconds=1))
    found = RECONCILIATIONS.labels("found")._value.get()
    not_found = RECONCILIATIONS.labels("not_found")._value.get()

    running = await start_notifier(notifier_settings(kafka_bootstrap, url, fake_twilio))
    try:
        for name, new in rows.items():
            status = await statuses.wait_for(new.notification_id, "sent")
            row = await running.row(new.notification_id)
            assert row["status"] == "sent" and row["in_doubt"] is False, name
            assert row["provider_message_id"] == status.provider_message_id
        assert (await running.row(rows["taken"].notification_id))["provider_message_id"] == at_provider["sid"]
        assert fake_twilio.posts_to(taken) == []
        assert len(fake_twilio.posts_to(lost)) == 1
        assert len(fake_twilio.posts_to(never_tried)) == 1
        assert len(fake_twilio.posts_to(older_twin)) == 1  # the older copy is someone else's
        assert not any(q.get("To") == never_tried for q in fake_twilio.lookups)
        assert RECONCILIATIONS.labels("found")._value.get() == found + 1
        assert RECONCILIATIONS.labels("not_found")._value.get() == not_found + 2

        async def outbox_published():
            return await running.pool.fetchval(
                "SELECT count(*) = 0 FROM notifier.outbox")

        await eventually(outbox_published, what="outbox drained")
    finally:
        await running.stop()


async def test_a_row_another_live_process_is_sending_is_left_alone(
    kafka_bootstrap, database_url, fake_twilio
):
    import asyncpg

    url = await create_database(database_url)
    phone = unique_phone()
    held = pending(phone, "Relais: message D")
    conn = await asyncpg.connect(url)
    try:
        await ledger.insert(conn, held, "sending")
        await conn.execute(  # another replica is calling the provider right now
            "UPDATE notifier.notifications SET lease_owner = 'live-replica',"
            " lease_until = now() + interval '60 seconds', attempts = 1, in_doubt = true"
            " WHERE notification_id = $1",
            held.notification_id,
        )
    finally:
        await conn.close()

    running = await start_notifier(notifier_settings(kafka_bootstrap, url, fake_twilio))
    try:
        async def consuming():
            return running.consumer.started

        await eventually(consuming, what="consumer started after startup reconciliation")
        row = await running.row(held.notification_id)
        assert row["status"] == "sending" and row["lease_owner"] == "live-replica"
        assert fake_twilio.posts_to(phone) == []
        assert not any(q.get("To") == phone for q in fake_twilio.lookups)
    finally:
        await running.stop()


async def test_a_notifier_killed_mid_send_after_its_offsets_committed_sends_each_once_on_restart(
    kafka_bootstrap, database_url, fake_twilio, producer, statuses
):
    """The offsets are committed once the rows are `sending`, so Kafka will not deliver
    these requests again: the ledger alone brings them to the provider, once each."""
    url = await create_database(database_url)
    gate = asyncio.Event()
    in_flight_phone, queued_phone = unique_phone(), unique_phone()
    fake_twilio.plan(in_flight_phone, Gate(gate))  # stored at once, answered when opened
    settings = notifier_settings(
        kafka_bootstrap, url, fake_twilio,
        provider_timeout_seconds=4.0,  # the dead process's lease lasts 2 * 4 + 5 s
        notifier_send_concurrency=1,  # the second request waits behind the first
        notifier_sweep_interval_seconds=0.3, notifier_sweep_idle_seconds=0.5,
    )
    found = RECONCILIATIONS.labels("found")._value.get()
    swept = SWEPT._value.get()
    in_flight, queued = notify_envelope(in_flight_phone), notify_envelope(queued_phone)
    first = await start_notifier(settings)
    try:
        last = 0
        for envelope in (in_flight, queued):
            last = await produce_to(producer, topics.NOTIFY_REQUESTED, 0,
                                    envelope.data["conversation_id"], envelope)

        async def posted_and_committed() -> bool:
            committed = await committed_offset(kafka_bootstrap, settings.notifier_consumer_group,
                                               topics.NOTIFY_REQUESTED, 0)
            return bool(fake_twilio.posts_to(in_flight_phone)) and committed > last

        await eventually(posted_and_committed, what="provider call in flight, offsets committed")
        row = await first.row(in_flight.data["notification_id"])
        assert row["status"] == "sending" and row["in_doubt"]  # killed while waiting for it
    finally:
        await first.kill()
    second = await start_notifier(settings)
    try:
        gate.set()  # the provider's late answer goes to a dead connection
        for envelope in (queued, in_flight):
            await statuses.wait_for(envelope.data["notification_id"], "sent")
        [message] = fake_twilio.messages_to(in_flight_phone)
        row = await second.row(in_flight.data["notification_id"])
        assert row["provider_message_id"] == message["sid"]  # found at the provider...
        assert len(fake_twilio.posts_to(in_flight_phone)) == 1  # ...not sent again
        assert len(fake_twilio.posts_to(queued_phone)) == 1  # never tried: sent at restart
        assert RECONCILIATIONS.labels("found")._value.get() == found + 1
        assert SWEPT._value.get() >= swept + 1  # its lease outlived the startup pass
        unsettled = await second.pool.fetchval(
            "SELECT count(*) FROM notifier.notifications WHERE status <> 'sent'")
        assert unsettled == 0
    finally:
        await second.stop()
