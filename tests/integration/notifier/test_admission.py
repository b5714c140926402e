"""Admitting a partition batch of notify requests in one statement (`admit_all`) on real
PostgreSQL: each gets the status one-at-a-time admission would give it."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import orjson
import pytest
from relais_notifier.adapters import suppressions
from relais_notifier.adapters.ledger import NewNotification
from relais_notifier.dispatch import admit_all
from relais_notifier.domain.templates import OPT_OUT_CONFIRMATION
from relais_shared import db as unit_of_work
from relais_shared.ids import new_id

from tests.conftest import unique_phone
from tests.integration.notifier.support import SMS_FROM

pytestmark = pytest.mark.integration


def request(address: str | None = None, **changes) -> NewNotification:
    new = NewNotification(
        notification_id=new_id(), dedupe_key="ack:" + new_id(), site_id="demo",
        conversation_id=new_id(), correlation_id=new_id(), kind="ack", channel="sms",
        address=address or unique_phone(), sender=SMS_FROM, lang="fr", body="Relais: test",
    )
    return dataclasses.replace(new, **changes)


async def test_a_batch_gets_the_statuses_one_at_a_time_admission_gives(db):
    opted_out = unique_phone()
    async with db.acquire() as conn:
        await suppressions.record(conn, "demo", opted_out, suppressed=True, reason="opt_out",
                                  changed_at=datetime.now(UTC))
    plain = request()
    already = request()
    async with unit_of_work.transaction(db) as conn:
        assert await admit_all(conn, [(already, None)]) == ["sending"]
    batch = [
        (plain, None),
        (request(opted_out), None),
        (request(opted_out, kind=OPT_OUT_CONFIRMATION), None),  # exempt: it answers the STOP
        (request(expires_at=datetime.now(UTC) - timedelta(seconds=1)), None),
        (request(channel="email"), "unsupported_channel"),
        (plain, None),  # the same request twice in one batch
        (request(dedupe_key=plain.dedupe_key), None),  # another id, same dedupe key
        (already, None),  # admitted by an earlier batch
    ]
    async with unit_of_work.transaction(db) as conn:
        statuses = await admit_all(conn, batch)
    assert statuses == ["sending", "suppressed", "sending", "expired", "failed", "sending",
                        "duplicate", "sending"]
    ended = {new.notification_id: status for (new, _), status in zip(batch, statuses)
             if status in ("suppressed", "expired", "failed")}
    rows = await db.fetch("SELECT key, payload FROM notifier.outbox WHERE key = ANY($1::text[])",
                          list(ended))
    events = {r["key"]: orjson.loads(r["payload"])["data"] for r in rows}
    assert {nid: e["status"] for nid, e in events.items()} == ended  # one event each
    refused = batch[4][0].notification_id
    assert events[refused]["provider_code"] == "unsupported_channel"
    assert await db.fetchval("SELECT count(*) FROM notifier.notifications"
                             " WHERE dedupe_key = $1", plain.dedupe_key) == 1
