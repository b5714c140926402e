"""The inbox's live feed against real PostgreSQL: feed ids are taken at insert and
transactions commit in another order, yet no change is lost, live or on resume."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest
from relais_router.adapters import inbox as store
from relais_router.adapters.feed import FeedEvent, InboxHub, Subscription
from relais_router.domain.access import Principal

from tests.integration.router.inbox_support import routed_sms
from tests.integration.router.test_threading import db, handle, runtime  # noqa: F401  (fixtures)

pytestmark = pytest.mark.integration

ADMIN = Principal(uuid.uuid4(), "admin.feed", "admin", frozenset())


async def _next_change(sub: Subscription, change: str, timeout: float = 5.0) -> FeedEvent:
    async def wait() -> FeedEvent:
        while True:
            event = await sub.queue.get()
            assert event is not None, "the subscriber was dropped"
            if event.data.get("change") == change:
                return event
    return await asyncio.wait_for(wait(), timeout)


@pytest.fixture
async def hub(runtime):  # noqa: F811
    hub = InboxHub(runtime.settings.database_url, runtime.pool)
    await hub.start()
    yield hub
    await hub.stop()


async def _slow_change(dsn: str, conversation_id: uuid.UUID, change: str):
    """A transaction that takes its feed id now and commits later."""
    conn = await asyncpg.connect(dsn)
    tx = conn.transaction()
    await tx.start()
    await store.record_feed(conn, conversation_id, change)
    return conn, tx


async def test_a_change_committed_after_a_later_one_still_reaches_the_streams(runtime, db, hub):  # noqa: F811
    conv = await routed_sms(runtime, db, "Je voudrais un rendez-vous")
    sub = hub.subscribe(ADMIN)
    slow, tx = await _slow_change(runtime.settings.database_url, conv["id"], "slow")
    try:
        await store.record_feed(db, conv["id"], "fast")  # a later id, committed first
        fast = await _next_change(sub, "fast")
        assert fast.resume_id < fast.id  # not resumable past the change still running
        await tx.commit()
        late = await _next_change(sub, "slow")
        assert late.id < fast.id and late.resume_id >= fast.resume_id
    finally:
        await slow.close()
        hub.unsubscribe(sub)


async def test_a_stream_resumed_after_a_later_change_gets_the_earlier_one(runtime, db, hub):  # noqa: F811
    conv = await routed_sms(runtime, db, "Je voudrais un rendez-vous")
    sub = hub.subscribe(ADMIN)
    slow, tx = await _slow_change(runtime.settings.database_url, conv["id"], "slow")
    try:
        await store.record_feed(db, conv["id"], "fast")
        fast = await _next_change(sub, "fast")
        hub.unsubscribe(sub)  # the browser goes away with Last-Event-ID = fast.resume_id
        await tx.commit()
        await asyncio.sleep(0.5)
        replayed = [e.data["change"] async for e in hub.backlog(ADMIN, fast.resume_id)]
        assert "slow" in replayed and "fast" in replayed
    finally:
        await slow.close()


async def test_the_resume_point_moves_on_once_everything_before_it_is_settled(runtime, db, hub):  # noqa: F811
    conv = await routed_sms(runtime, db, "Je voudrais un rendez-vous")
    sub = hub.subscribe(ADMIN)
    await store.record_feed(db, conv["id"], "settled")
    event = await _next_change(sub, "settled")
    assert event.resume_id == event.id == hub.watermark
    hub.unsubscribe(sub)
