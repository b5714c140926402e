"""Transactional outbox: write events with the state change, a relay publishes them.

`enqueue` runs inside the caller's transaction. One active `OutboxRelay` per
service holds an advisory lock, wakes on NOTIFY (or a short poll), publishes
pending rows in id order with the idempotent acks=all producer, then deletes them:
every row in the table is pending.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import asyncpg
import orjson
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from .contracts import encode
from .events import Envelope
from .logging import get_logger
from .metrics import OUTBOX_BACKLOG, OUTBOX_PUBLISHED
from .progress import Progress

log = get_logger(__name__)


def _channel(schema: str) -> str:
    return f"{schema}_outbox"


async def enqueue(conn: asyncpg.Connection, schema: str, topic: str, key: str, envelope: Envelope) -> None:
    """Add an event to the outbox in the current transaction."""
    await enqueue_many(conn, schema, [(topic, key, envelope)])


async def enqueue_many(
    conn: asyncpg.Connection, schema: str, events: Sequence[tuple[str, str, Envelope]]
) -> None:
    """Add events (topic, key, envelope) to the outbox in the current transaction, in order,
    and wake the relay — one round trip (PostgreSQL delivers identical notifications of a
    transaction once, at its commit)."""
    if not events:
        return
    columns: tuple[list[str], list[str], list[bytes], list[str]] = ([], [], [], [])
    for topic, key, envelope in events:
        headers = {"type": envelope.type, "event_id": envelope.id}
        if envelope.correlation_id:
            headers["correlation_id"] = envelope.correlation_id
        for column, value in zip(columns, (topic, key, encode(envelope),
                                           orjson.dumps(headers).decode()), strict=True):
            column.append(value)  # type: ignore[arg-type]
    await conn.execute(
        f'WITH added AS (INSERT INTO "{schema}".outbox (topic, key, payload, headers)'
        " SELECT topic, key, payload, headers"
        " FROM unnest($1::text[], $2::text[], $3::bytea[], $4::jsonb[])"
        " WITH ORDINALITY AS e(topic, key, payload, headers, n) ORDER BY n RETURNING 1)"
        " SELECT pg_notify($5, '') WHERE EXISTS (SELECT FROM added)",
        *columns,
        _channel(schema),
    )


class OutboxRelay:
    """Publishes a schema's outbox; only the advisory-lock holder is active."""

    def __init__(
        self,
        dsn: str,
        schema: str,
        producer: AIOKafkaProducer,
        *,
        batch_size: int = 500,
        poll_interval: float = 1.0,
        processed_events_retention: timedelta = timedelta(days=14),
        standby_seconds: float = 0.0,
    ) -> None:
        self._dsn = dsn
        self._standby = standby_seconds
        self._schema = schema
        self._producer = producer
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._retention = processed_events_retention
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self.active = False

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    async def run(self) -> None:
        """Run until stopped; reconnects after database or broker failures. With
        `standby_seconds`, the first try for the lock waits that long: a relay in a less busy
        process of the service, started meanwhile, takes it (this one takes over if it stops)."""
        await self._sleep(self._standby)
        while not self._stopping.is_set():
            try:
                await self._run_once()
            except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError,
                    KafkaError) as exc:
                self.active = False
                log.warning("outbox_relay_retry", schema=self._schema, error=type(exc).__name__)
                await self._sleep(2.0)

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
        except TimeoutError:
            pass

    async def _run_once(self) -> None:
        conn: asyncpg.Connection = await asyncpg.connect(self._dsn)
        try:
            # Deleting published rows need not wait for the WAL flush: a delete lost in a
            # database crash only publishes those rows again (consumers are idempotent).
            await conn.execute("SET synchronous_commit = off")
            # The table is a queue: mostly empty by the statistics, many dead rows between
            # vacuums. A plan made then scans all of them for every read and delete (2.5 ms
            # a batch instead of 0.2 ms); the relay's statements all go by the id index.
            await conn.execute("SET enable_seqscan = off")
            lock_key = f"outbox-relay:{self._schema}"
            while not await conn.fetchval("SELECT pg_try_advisory_lock(hashtext($1))", lock_key):
                await self._sleep(self._poll_interval * 2)  # standby: another relay is active
                if self._stopping.is_set():
                    return
            self.active = True
            log.info("outbox_relay_active", schema=self._schema)
            await conn.add_listener(_channel(self._schema), self._on_notify)
            loop = asyncio.get_running_loop()
            since_prune, full_scan_at = 0, 0.0
            progress = Progress(ttl=self._poll_interval * 10, newest=await conn.fetchval(
                f'SELECT coalesce(max(id), 0) FROM "{self._schema}".outbox'))
            while not self._stopping.is_set():
                # Woken by new rows: read past the newest row published (skipping the
                # index entries of deleted rows that vacuum has not removed yet) and the
                # ids missing below it. At least every poll interval, from the start.
                full = loop.time() >= full_scan_at
                if full:
                    full_scan_at = loop.time() + self._poll_interval
                self._wake.clear()  # before reading: a commit notified meanwhile wakes it again
                published = await self.publish_pending(conn, progress, full=full)
                since_prune += 1
                if since_prune >= 600:
                    await self.prune(conn)
                    since_prune = 0
                if published < self._batch_size:
                    try:
                        await asyncio.wait_for(self._wake.wait(), timeout=self._poll_interval)
                    except TimeoutError:
                        pass
        finally:
            self.active = False
            await conn.close()

    def _on_notify(self, *_: Any) -> None:
        self._wake.set()

    async def publish_pending(
        self, conn: asyncpg.Connection, progress: Progress, *, full: bool = False
    ) -> int:
        """Publish one batch of pending rows in id order: past `progress.newest` and the
        ids missing below it, or (`full`) from the start. Rows are deleted only after the
        broker acked. Returns how many."""
        now = asyncio.get_running_loop().time()
        table = f'"{self._schema}".outbox'
        after = 0 if full else progress.newest
        rows = await conn.fetch(
            f"(SELECT id, topic, key, payload, headers FROM {table}"
            "  WHERE id > $2)"
            " UNION ALL"
            f" (SELECT id, topic, key, payload, headers FROM {table}"
            "  WHERE id = ANY($3::bigint[]) AND id <= $2)"
            " ORDER BY id LIMIT $1",
            self._batch_size, after, [] if full else progress.missing(now),
        )
        ids = [row["id"] for row in rows]
        progress.read(ids, now)
        if not rows:
            if full:
                OUTBOX_BACKLOG.labels(self._schema).set(0)
            return 0
        futures = []
        for row in rows:
            headers = [(k, str(v).encode()) for k, v in orjson.loads(row["headers"]).items()]
            futures.append(
                await self._producer.send(
                    row["topic"], row["payload"], key=row["key"].encode(), headers=headers
                )
            )
        await asyncio.gather(*futures)
        await conn.execute(
            f'DELETE FROM "{self._schema}".outbox WHERE id = ANY($1::bigint[])', ids
        )
        OUTBOX_PUBLISHED.labels(self._schema).inc(len(ids))
        # A full batch means the relay is behind: count what waits (a partial one caught up).
        backlog = 0
        if len(rows) == self._batch_size:
            backlog = await conn.fetchval(f'SELECT count(*) FROM "{self._schema}".outbox')
        OUTBOX_BACKLOG.labels(self._schema).set(backlog)
        return len(rows)

    async def prune(self, conn: asyncpg.Connection) -> None:
        """Drop processed-event keys past retention."""
        await conn.execute(
            f'DELETE FROM "{self._schema}".processed_events WHERE processed_at < now() - $1::interval',
            self._retention,
        )
