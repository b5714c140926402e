"""Moving a ledger row forward on real PostgreSQL: one conditional UPDATE, the
delivery.status event in the same transaction, nothing written when it is no progress,
and never backwards even when moves race."""

from __future__ import annotations

import asyncio
import itertools
import random

import orjson
import pytest
from relais_notifier.adapters import ledger
from relais_notifier.adapters.ledger import NewNotification
from relais_notifier.domain.status import advances
from relais_notifier.state import advance, advance_in, apply_moves, move_request
from relais_shared import db as unit_of_work
from relais_shared.ids import new_id

from tests.conftest import unique_phone
from tests.integration.notifier.support import SMS_FROM

pytestmark = pytest.mark.integration


async def written(db, status: str = "sending", sid: str | None = None) -> str:
    new = NewNotification(
        notification_id=new_id(), dedupe_key="ack:" + new_id(), site_id="demo",
        conversation_id=new_id(), correlation_id=new_id(), kind="ack", channel="sms",
        address=unique_phone(), sender=SMS_FROM, lang="fr", body="Relais: test",
    )
    async with db.acquire() as conn:
        await ledger.insert(conn, new, status)
        if sid:
            await conn.execute("UPDATE notifier.notifications SET provider_message_id = $2"
                               " WHERE notification_id = $1", new.notification_id, sid)
    return new.notification_id


async def events(db, nid: str) -> list[dict]:
    rows = await db.fetch(
        "SELECT payload FROM notifier.outbox WHERE key = $1 ORDER BY id", nid)
    return [orjson.loads(r["payload"])["data"] for r in rows]


async def test_a_move_forward_writes_the_row_and_its_event_together(db):
    nid = await written(db)
    assert await advance(db, nid, "sent", provider_message_id="SM1" + nid[-8:])
    row = await db.fetchrow("SELECT * FROM notifier.notifications WHERE notification_id = $1",
                            nid)
    assert row["status"] == "sent" and row["sent_at"] is not None
    assert row["lease_until"] is None and row["in_doubt"] is False
    [event] = await events(db, nid)
    assert (event["status"], event["provider_message_id"]) == ("sent", "SM1" + nid[-8:])


async def test_no_progress_writes_nothing(db):
    nid = await written(db, "delivered", sid="SM2" + new_id()[-8:])
    before = await db.fetchrow(
        "SELECT xmin::text AS version, updated_at FROM notifier.notifications"
        " WHERE notification_id = $1", nid)
    for stale in ("queued", "sent", "delivered", "undelivered"):
        assert not await advance(db, nid, stale)
    after = await db.fetchrow(
        "SELECT xmin::text AS version, updated_at FROM notifier.notifications"
        " WHERE notification_id = $1", nid)
    assert after == before and await events(db, nid) == []


async def test_a_stale_move_still_keeps_a_message_id_the_row_lacked(db):
    nid = await written(db, "failed")
    async with db.acquire() as conn, conn.transaction():
        move = await advance_in(conn, nid, "delivered", provider_message_id="SM3" + nid[-8:])
    assert move is not None and not move.advanced
    assert await db.fetchval("SELECT provider_message_id FROM notifier.notifications"
                             " WHERE notification_id = $1", nid) == "SM3" + nid[-8:]
    assert await events(db, nid) == []


async def test_an_unknown_notification_is_none(db):
    async with db.acquire() as conn, conn.transaction():
        assert await advance_in(conn, new_id(), "delivered") is None


async def test_racing_moves_never_go_backwards_and_each_state_is_emitted_once(db):
    rng = random.Random(11)
    states = ["sent", "delivered", "read", "undelivered", "failed", "sent", "delivered"] * 3
    for _ in range(5):
        nid = await written(db)
        order = states[:]
        rng.shuffle(order)
        results = await asyncio.gather(*(advance(db, nid, s) for s in order))
        emitted = [e["status"] for e in await events(db, nid)]
        assert sum(results) == len(emitted) and len(set(emitted)) == len(emitted)
        path = ["sending", *emitted]
        assert all(advances(a, b) for a, b in itertools.pairwise(path)), path
        final = await db.fetchval(
            "SELECT status FROM notifier.notifications WHERE notification_id = $1", nid)
        assert final == path[-1]


async def test_moves_applied_together_end_as_if_applied_one_after_the_other(db):
    """A partition batch of callbacks (or the send pool's results) in one statement per
    round: repeats, out-of-order and unknown notifications give what one move at a time
    gives — the same rows, the same answers and the same events, in order."""
    rng = random.Random(7)
    states = ["sent", "delivered", "read", "undelivered", "failed", "sent", "delivered"]
    nids = [await written(db) for _ in range(6)] + [new_id()]  # the last one is unknown
    requests = [move_request(rng.choice(nids), rng.choice(states),
                             provider_message_id=f"SM{i:02d}x{new_id()[-8:]}")
                for i in range(40)]
    expected: dict[str, list[str]] = {nid: [] for nid in nids}
    current = {nid: "sending" for nid in nids}
    answers = []
    for r in requests:
        if r.notification_id == nids[-1]:
            answers.append(None)
            continue
        moved = advances(current[r.notification_id], r.status)
        if moved:
            current[r.notification_id] = r.status
            expected[r.notification_id].append(r.status)
        answers.append((moved, current[r.notification_id]))
    async with unit_of_work.transaction(db) as conn:
        moves = await apply_moves(conn, requests)
    assert [m and (m.advanced, m.row.status) for m in moves] == answers
    for nid in nids[:-1]:
        assert [e["status"] for e in await events(db, nid)] == expected[nid]
        row = await db.fetchrow("SELECT status, provider_message_id FROM notifier.notifications"
                                " WHERE notification_id = $1", nid)
        assert row["status"] == current[nid]
        first = next((r.provider_message_id for r in requests if r.notification_id == nid), None)
        assert row["provider_message_id"] == first  # the first id told is kept
