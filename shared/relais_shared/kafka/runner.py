"""The one consumer loop: poll -> handle -> commit, with classified errors.

- `InvalidMessage` -> `<topic>.dlq` with the reason and the original headers,
  then the partition moves on.
- `Retryable` -> the partition is paused and rewound to the failed offset,
  and resumed after an exponential backoff with jitter.
- anything else propagates: the process crashes and its supervisor restarts
  it; offsets of unfinished work were never committed, so nothing is lost.

Offsets are committed only after the handler returned (the work is durable),
once per polled batch. In-flight work is bounded by `max_batch` per poll.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.errors import CommitFailedError
from pydantic import BaseModel

from ..contracts import decode
from ..errors import InvalidMessage, Retryable
from ..events import Envelope
from ..logging import get_logger
from ..metrics import DEAD_LETTERED, HANDLE_SECONDS, MESSAGES_HANDLED, RETRIES
from ..topics import dlq_topic

log = get_logger(__name__)


@dataclass(frozen=True)
class Delivery:
    """One consumed, validated event handed to a handler."""

    topic: str
    partition: int
    offset: int
    key: str | None
    envelope: Envelope
    data: BaseModel
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Delivery], Awaitable[None]]


@dataclass
class RetryPolicy:
    base_seconds: float = 0.5
    max_seconds: float = 30.0
    max_attempts: int | None = None  # None: transient errors retry until they pass

    def delay(self, attempt: int) -> float:
        capped = min(self.max_seconds, self.base_seconds * 2 ** (attempt - 1))
        return capped * (0.5 + random.random() / 2)


class ConsumerRunner:
    def __init__(
        self,
        *,
        bootstrap: str,
        group_id: str,
        topics: Sequence[str],
        handlers: dict[str, Handler],
        dlq_producer: AIOKafkaProducer,
        client_id: str,
        max_batch: int = 200,
        retry: RetryPolicy | None = None,
        consumer_options: dict[str, Any] | None = None,
    ) -> None:
        missing = set(topics) - set(handlers)
        if missing:
            raise ValueError(f"no handler for topics {sorted(missing)}")
        self._handlers = handlers
        self._producer = dlq_producer
        self._group_id = group_id
        self._max_batch = max_batch
        self._retry = retry or RetryPolicy()
        self._attempts: dict[tuple[TopicPartition, int], int] = {}
        self._stopping = asyncio.Event()
        self._resume_handles: list[asyncio.TimerHandle] = []
        self.consumer = AIOKafkaConsumer(
            *topics,
            bootstrap_servers=bootstrap,
            group_id=group_id,
            client_id=client_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_interval_ms=300_000,
            session_timeout_ms=10_000,
            heartbeat_interval_ms=3_000,
            **(consumer_options or {}),
        )
        self.started = False

    def stop(self) -> None:
        """Ask the loop to stop after the batch in hand (SIGTERM path)."""
        self._stopping.set()

    async def run(self) -> None:
        await self.consumer.start()
        self.started = True
        try:
            while not self._stopping.is_set():
                batches = await self.consumer.getmany(timeout_ms=500, max_records=self._max_batch)
                if not batches:
                    continue
                results = await asyncio.gather(
                    *(self._handle_partition(tp, records) for tp, records in batches.items())
                )
                await self._commit({tp: nxt for tp, nxt in results if nxt is not None})
        finally:
            for handle in self._resume_handles:
                handle.cancel()
            self.started = False
            await self.consumer.stop()

    async def _handle_partition(
        self, tp: TopicPartition, records: list[ConsumerRecord]
    ) -> tuple[TopicPartition, int | None]:
        next_offset: int | None = None
        for record in records:
            if self._stopping.is_set():
                break
            try:
                await self._handle_record(record)
            except Retryable as exc:
                attempt = self._attempts.get((tp, record.offset), 0) + 1
                RETRIES.labels(record.topic).inc()
                max_attempts = self._retry.max_attempts
                if max_attempts is not None and attempt >= max_attempts:
                    await self._dead_letter(record, f"retries exhausted: {exc}")
                    self._attempts.pop((tp, record.offset), None)
                    next_offset = record.offset + 1
                    continue
                self._attempts[(tp, record.offset)] = attempt
                delay = self._retry.delay(attempt)
                log.warning(
                    "handler_retry",
                    topic=record.topic,
                    partition=tp.partition,
                    offset=record.offset,
                    attempt=attempt,
                    delay=round(delay, 2),
                    error=str(exc)[:200],
                )
                self.consumer.pause(tp)
                self.consumer.seek(tp, record.offset)
                self._resume_handles.append(
                    asyncio.get_running_loop().call_later(delay, self._resume, tp)
                )
                break
            self._attempts.pop((tp, record.offset), None)
            next_offset = record.offset + 1
        return tp, next_offset

    def _resume(self, tp: TopicPartition) -> None:
        if tp in self.consumer.assignment():
            self.consumer.resume(tp)

    async def _handle_record(self, record: ConsumerRecord) -> None:
        started = time.perf_counter()
        headers = {k: v.decode(errors="replace") for k, v in (record.headers or ())}
        try:
            envelope, data = decode(record.topic, record.value)
        except InvalidMessage as exc:
            await self._dead_letter(record, str(exc))
            return
        delivery = Delivery(
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            key=record.key.decode(errors="replace") if record.key else None,
            envelope=envelope,
            data=data,
            headers=headers,
        )
        try:
            await self._handlers[record.topic](delivery)
        except InvalidMessage as exc:
            await self._dead_letter(record, str(exc))
            return
        MESSAGES_HANDLED.labels(record.topic, "ok").inc()
        HANDLE_SECONDS.labels(record.topic).observe(time.perf_counter() - started)

    async def _dead_letter(self, record: ConsumerRecord, reason: str) -> None:
        headers = list(record.headers or ()) + [
            ("dlq.reason", reason.encode()),
            ("dlq.source_topic", record.topic.encode()),
            ("dlq.source_partition", str(record.partition).encode()),
            ("dlq.source_offset", str(record.offset).encode()),
            ("dlq.consumer_group", self._group_id.encode()),
            ("dlq.failed_at", str(int(time.time() * 1000)).encode()),
        ]
        await self._producer.send_and_wait(
            dlq_topic(record.topic), record.value, key=record.key, headers=headers
        )
        DEAD_LETTERED.labels(record.topic).inc()
        MESSAGES_HANDLED.labels(record.topic, "dead_lettered").inc()
        log.error(
            "dead_lettered",
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            reason=reason,
        )

    async def _commit(self, offsets: dict[TopicPartition, int]) -> None:
        if not offsets:
            return
        try:
            await self.consumer.commit(offsets)
        except CommitFailedError:
            # The group rebalanced under us: the new owner redoes the batch
            # (handlers are idempotent), so this is safe to let go.
            log.warning("commit_failed_rebalance", group=self._group_id)
