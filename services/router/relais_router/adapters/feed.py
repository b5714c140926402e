"""The live side of the inbox: one LISTEN connection per API process turns the change feed
(`router.inbox_feed`, written by triggers in the transaction that changed a conversation)
into events for the Server-Sent Events streams of the people who may see them.

A NOTIFY only says "something new": the hub reads the feed from where it is, so nothing is
missed between two notifications. Feed ids are taken at insert and transactions commit in
another order: the hub reads again the ids missing below the newest it has read (a change
committed after a later one still goes out), and each event carries a resume point that
never passes a change still running, so a stream resumed from it (Last-Event-ID) misses
nothing either.
A subscriber that cannot keep up is dropped (its browser reconnects and resumes) instead of
buffering without bound.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from prometheus_client import Gauge
from relais_shared.logging import get_logger
from relais_shared.progress import Progress

from ..domain.access import Principal
from . import inbox as store

log = get_logger(__name__)
FEED_CHANNEL = "router_inbox"
PRESENCE_CHANNEL = "router_presence"
SUBSCRIBER_BUFFER = 1000
SAFETY_POLL_S = 5.0  # a lost connection's notifications are caught up this often at worst
MISSING_TTL_S = 60.0  # a missing feed id is a transaction still running, or a rollback
STARTUP_LOOKBACK = 2_000  # ids below the head at start that may still be committing

STREAMS = Gauge("relais_router_inbox_streams", "Open Server-Sent Events streams of the inbox")


@dataclass(frozen=True)
class FeedEvent:
    id: int | None  # the feed id; None: not resumable (presence)
    kind: str  # "conversation" | "presence"
    site: str
    team: str
    data: dict[str, Any]
    resume_id: int | None = None  # Last-Event-ID to resume after it without a loss


@dataclass(eq=False)
class Subscription:
    principal: Principal
    queue: asyncio.Queue[FeedEvent | None] = field(
        default_factory=lambda: asyncio.Queue(SUBSCRIBER_BUFFER))
    dropped: bool = False


class InboxHub:
    def __init__(self, dsn: str, pool: asyncpg.Pool) -> None:
        self._dsn = dsn
        self._pool = pool
        self._subscribers: set[Subscription] = set()
        self._wake = asyncio.Event()
        self._presence: asyncio.Queue[str] = asyncio.Queue(10_000)
        self._places: OrderedDict[str, tuple[str, str]] = OrderedDict()  # conversation → (site, team)
        self._progress = Progress(MISSING_TTL_S)
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    async def start(self) -> None:
        """Start listening (once); returns when the cursor is known."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="inbox-hub")
        await self._ready.wait()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for sub in list(self._subscribers):
            self._drop(sub)

    def subscribe(self, principal: Principal) -> Subscription:
        sub = Subscription(principal)
        self._subscribers.add(sub)
        STREAMS.set(len(self._subscribers))
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        self._subscribers.discard(sub)
        STREAMS.set(len(self._subscribers))

    @property
    def streams(self) -> int:
        return len(self._subscribers)

    @property
    def watermark(self) -> int:
        """Every feed id up to this one has been handed to the subscribers."""
        return self._progress.settled()

    async def backlog(self, principal: Principal, after_id: int) -> AsyncIterator[FeedEvent]:
        """What the principal may see of the feed after `after_id` (a resumed stream's
        Last-Event-ID), up to where the hub is: the subscribers get the rest."""
        upto, settled = self._progress.newest, self.watermark
        while after_id < upto:
            async with self._pool.acquire() as conn:
                rows = await store.feed_since(conn, after_id, 500, upto=upto)
            for row in rows:
                event = _conversation_event(row, min(row["id"], settled))
                if principal.can_see(event.site, event.team):
                    yield event
            if len(rows) < 500:
                return
            after_id = rows[-1]["id"]

    async def _run(self) -> None:
        while True:
            try:
                await self._listen()
            except asyncio.CancelledError:
                raise
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.warning("inbox_hub_reconnecting", error=type(exc).__name__)
                self._ready.set()  # streams still open; they catch up once reconnected
                await asyncio.sleep(1.0)

    async def _listen(self) -> None:
        conn = await asyncpg.connect(self._dsn)
        try:
            await conn.add_listener(FEED_CHANNEL, lambda *_: self._wake.set())
            await conn.add_listener(PRESENCE_CHANNEL, self._on_presence)
            if not self._ready.is_set():
                await self._start_progress(conn)
                self._ready.set()
            self._wake.set()
            while not conn.is_closed():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), SAFETY_POLL_S)
                self._wake.clear()
                await self._drain(conn)
                await self._fan_out_presence(conn)
        finally:
            with contextlib.suppress(Exception):
                await conn.close()

    def _on_presence(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        with contextlib.suppress(asyncio.QueueFull):
            self._presence.put_nowait(payload)
        self._wake.set()

    async def _start_progress(self, conn: asyncpg.Connection) -> None:
        """Start at the head, minding the ids just below it that are still committing."""
        head = await store.feed_head(conn)
        floor = max(0, head - STARTUP_LOOKBACK)
        self._progress = Progress(MISSING_TTL_S, newest=floor)
        self._progress.read(await store.feed_ids_since(conn, floor), time.monotonic())

    async def _drain(self, conn: asyncpg.Connection) -> None:
        while True:
            now = time.monotonic()
            rows = await store.feed_since(
                conn, self._progress.newest, 500, missing=self._progress.missing(now))
            self._progress.read([row["id"] for row in rows], now)
            settled = self.watermark
            for row in rows:
                event = _conversation_event(row, min(row["id"], settled))
                self._remember(str(row["conversation_id"]), event.site, event.team)
                self._deliver(event)
            if len(rows) < 500:
                return

    async def _fan_out_presence(self, conn: asyncpg.Connection) -> None:
        ids: set[str] = set()
        while not self._presence.empty():
            ids.add(self._presence.get_nowait())
        for conversation_id in ids:
            place = self._places.get(conversation_id)
            if place is None:
                row = await conn.fetchrow(
                    "SELECT site_id, team FROM router.conversations WHERE id = $1",
                    uuid.UUID(conversation_id))
                if row is None:
                    continue
                place = (row["site_id"], row["team"])
                self._remember(conversation_id, *place)
            viewers = await store.viewers_of(conn, uuid.UUID(conversation_id))
            self._deliver(FeedEvent(None, "presence", place[0], place[1],
                                    {"conversation_id": conversation_id, "viewers": viewers}))

    def _remember(self, conversation_id: str, site: str, team: str) -> None:
        self._places[conversation_id] = (site, team)
        self._places.move_to_end(conversation_id)
        if len(self._places) > 50_000:
            self._places.popitem(last=False)

    def _deliver(self, event: FeedEvent) -> None:
        for sub in list(self._subscribers):
            if not sub.principal.can_see(event.site, event.team):
                continue
            try:
                sub.queue.put_nowait(event)
            except asyncio.QueueFull:
                self._drop(sub)

    def _drop(self, sub: Subscription) -> None:
        sub.dropped = True
        self.unsubscribe(sub)
        with contextlib.suppress(asyncio.QueueFull):
            sub.queue.put_nowait(None)
        if sub.queue.full():  # make room for the end marker
            sub.queue.get_nowait()
            sub.queue.put_nowait(None)


def _conversation_event(row: asyncpg.Record, resume_id: int) -> FeedEvent:
    return FeedEvent(row["id"], "conversation", row["site_id"], row["team"], {
        "conversation_id": str(row["conversation_id"]), "site": row["site_id"],
        "team": row["team"], "version": row["version"], "change": row["change"],
    }, resume_id)
