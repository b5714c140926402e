"""The sweeper: rows left `sending` while the notifier runs (a replica died mid-send) are
picked up and settled once; rows someone works on are left alone."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from relais_notifier.adapters import ledger
from relais_notifier.adapters.ledger import NewNotification
from relais_notifier.metrics import RECONCILIATIONS, SWEPT
from relais_shared.ids import new_id

from tests.conftest import unique_phone
from tests.integration.notifier.support import (
    SMS_FROM,
    create_database,
    eventually,
    notifier_settings,
    start_notifier,
)

pytestmark = pytest.mark.integration

FAST_SWEEP = {"notifier_sweep_interval_seconds": 0.2, "notifier_sweep_idle_seconds": 0.5}


def orphan(phone: str, body: str, *, conversation_id: str | None = None) -> NewNotification:
    return NewNotification(
        notification_id=new_id(), dedupe_key="ack:" + new_id(), site_id="demo",
        conversation_id=conversation_id or new_id(),
        correlation_id=None, kind="ack", channel="sms", address=phone, sender=SMS_FROM,
        lang="fr", body=body,
    )


async def leave(conn, new: NewNotification, *, owner: str | None, lease: str,
                attempted: bool, idle: str = "5 seconds", status: str = "sending") -> None:
    """A row as another process left it: its lease (`lease` from now), last touched `idle` ago."""
    await ledger.insert(conn, new, status)
    await conn.execute(
        "UPDATE notifier.notifications SET lease_owner = $2,"
        " lease_until = now() + $3::text::interval, attempts = $4, in_doubt = $5,"
        " created_at = now() - $6::text::interval, updated_at = now() - $6::text::interval"
        " WHERE notification_id = $1",
        new.notification_id, owner, lease, int(attempted), attempted, idle,
    )


async def test_the_sweeper_settles_rows_a_dead_replica_left_sending(
    kafka_bootstrap, database_url, fake_twilio, statuses
):
    url = await create_database(database_url)
    running = await start_notifier(notifier_settings(kafka_bootstrap, url, fake_twilio,
                                                     **FAST_SWEEP))
    swept, found = SWEPT._value.get(), RECONCILIATIONS.labels("found")._value.get()
    never_tried, taken, held = unique_phone(), unique_phone(), unique_phone()
    rows = {
        "never_tried": orphan(never_tried, "Relais: message S1"),
        "taken": orphan(taken, "Relais: message S2"),  # the provider has it
        "held": orphan(held, "Relais: message S3"),  # a live replica is sending it
    }
    try:
        async def consuming():
            return running.consumer.started

        await eventually(consuming, what="startup reconciliation done")
        conn = await asyncpg.connect(url)
        try:
            await leave(conn, rows["never_tried"], owner="dead-replica",
                        lease="-1 second", attempted=False)
            await leave(conn, rows["taken"], owner="dead-replica", lease="-1 second",
                        attempted=True)
            await leave(conn, rows["held"], owner="live-replica", lease="60 seconds",
                        attempted=True)
        finally:
            await conn.close()
        at_provider = fake_twilio.store(taken, SMS_FROM, rows["taken"].body,
                                        datetime.now(UTC) + timedelta(seconds=1))

        await statuses.wait_for(rows["never_tried"].notification_id, "sent")
        status = await statuses.wait_for(rows["taken"].notification_id, "sent")
        assert status.provider_message_id == at_provider["sid"]
        assert len(fake_twilio.posts_to(never_tried)) == 1
        assert fake_twilio.posts_to(taken) == []  # found at the provider, not resent
        assert SWEPT._value.get() >= swept + 2
        assert RECONCILIATIONS.labels("found")._value.get() == found + 1

        live = await running.row(rows["held"].notification_id)
        assert live["status"] == "sending" and live["lease_owner"] == "live-replica"
        assert fake_twilio.posts_to(held) == []
    finally:
        await running.stop()


async def test_orphans_are_the_idle_unleased_sending_rows_that_overtake_nobody(database_url):
    url = await create_database(database_url)
    conn = await asyncpg.connect(url)
    try:
        conversation = new_id()
        phone = unique_phone()
        dead = orphan(unique_phone(), "a")
        no_conversation = dataclasses.replace(orphan(phone, "b"), conversation_id=None)
        busy_first = orphan(unique_phone(), "c", conversation_id=conversation)
        behind_busy = orphan(unique_phone(), "d", conversation_id=conversation)
        just_touched = orphan(unique_phone(), "e")
        already_sent = orphan(unique_phone(), "f")
        held_here = orphan(unique_phone(), "g")
        await leave(conn, dead, owner="dead", lease="-1 second", attempted=True, idle="9 seconds")
        await leave(conn, no_conversation, owner=None, lease="-1 second", attempted=False,
                    idle="8 seconds")
        await leave(conn, busy_first, owner="live", lease="30 seconds", attempted=True,
                    idle="7 seconds")
        await leave(conn, behind_busy, owner=None, lease="-1 second", attempted=False,
                    idle="6 seconds")
        await leave(conn, just_touched, owner=None, lease="-1 second", attempted=False,
                    idle="0 seconds")
        await leave(conn, already_sent, owner=None, lease="-1 second", attempted=True,
                    status="sent")
        await leave(conn, held_here, owner=None, lease="-1 second", attempted=False)

        found = await ledger.orphans(conn, idle_seconds=2.0,
                                     skip=[held_here.notification_id], limit=50)
        assert [(o.notification_id, o.lane) for o in found] == [
            (dead.notification_id, dead.conversation_id),
            (no_conversation.notification_id, phone),  # no conversation: the address's lane
        ]
        assert await ledger.orphans(conn, idle_seconds=2.0, skip=[], limit=1) == found[:1]
        # Once the first of the conversation is no longer worked on, both go, in order.
        await conn.execute("UPDATE notifier.notifications SET lease_until = now() - interval"
                           " '1 second' WHERE notification_id = $1", busy_first.notification_id)
        lanes = [o.notification_id for o in await ledger.orphans(
            conn, idle_seconds=2.0, skip=[], limit=50) if o.lane == conversation]
        assert lanes == [busy_first.notification_id, behind_busy.notification_id]
    finally:
        await conn.close()
