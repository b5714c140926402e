"""The one consumer loop: poll -> handle -> commit, with classified errors.

- `InvalidMessage` -> `<topic>.dlq` with the reason and the original headers,
  then the partition moves on.
- `Retryable` -> the partition is paused and rewound to the failed offset,
  and resumed after an exponential backoff with jitter: for as long as it takes when a
  dependency is away (`errors.waits_for_dependency`), else (a conflict that keeps coming
  back) `RetryPolicy.max_attempts` times, then the record is dead-lettered.
- anything else is classified (`errors.classify`): data the database refuses is
  dead-lettered at once, a transient database error retried as above, and an unexpected
  error (`Failed`) retried `RetryPolicy.failure_attempts` times, then dead-lettered with
  its kind. A poison record never stops its partition and never crash-loops the process.

Partitions are worked independently: a partition whose batch is in flight is
paused, so a slow handler (a provider hanging) holds up only its own partition,
and resumed when the batch is done. Offsets are committed only after the handler
returned (the work is durable), at most every `commit_interval` seconds (one commit
for the batches done meanwhile: a crash redoes at most that much, handlers being
idempotent), on stop, and for revoked partitions before a rebalance completes.
In-flight work is bounded by `max_batch` per partition.

With a `batch_scope` (e.g. `functools.partial(db.transaction, pool)`), a partition's
batch runs in one database transaction: the handlers' `db.transaction()`s join it and it
commits once (one commit and one NOTIFY per batch, no BEGIN/COMMIT per event). If any
event of the batch is invalid or asks for a retry (also when found only by a write-behind
flush at the batch's end), the whole transaction is rolled back
and the batch is handled again one event per transaction, exactly as without a batch scope
(dead letters, retries and offsets as above). Handlers run that way must write only
through `db.transaction()` and defer effects outside the database with
`db.after_commit` (a provider call cannot be rolled back); their metrics and logs may
count a rolled-back attempt. A topic's `preparers` entry sees the batch's events first, in
its transaction, to read in one statement what each handler would read alone (handlers
must still work without it: one by one, nothing is prepared).
"""

from __future__ import annotations

import asyncio
import random
import time
import traceback
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

from aiokafka import (
    AIOKafkaConsumer,
    AIOKafkaProducer,
    ConsumerRebalanceListener,
    ConsumerRecord,
    TopicPartition,
)
from aiokafka.errors import CommitFailedError, IllegalStateError
from pydantic import BaseModel

from ..contracts import decode
from ..errors import Failed, InvalidMessage, Retryable, classify, waits_for_dependency
from ..events import Envelope
from ..logging import get_logger
from ..metrics import BATCHES_REDONE, DEAD_LETTERED, HANDLE_SECONDS, MESSAGES_HANDLED, RETRIES
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
# Called with a partition batch's events before they are handled one by one, in its
# transaction: reads (and locks) in one statement what each handler would read alone.
BatchPreparer = Callable[[list[Delivery]], Awaitable[None]]
BatchScope = Callable[[], AbstractAsyncContextManager[Any]]
DeadLetter = Callable[[ConsumerRecord, str], Awaitable[None]]


@dataclass
class RetryPolicy:
    base_seconds: float = 0.5
    max_seconds: float = 30.0
    max_attempts: int | None = 10  # a conflict's retries (None: until it passes)
    failure_attempts: int = 3  # an unexpected error's

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
        batch_scope: BatchScope | None = None,
        commit_interval: float = 0.25,
        unscoped_topics: frozenset[str] = frozenset(),
        preparers: dict[str, BatchPreparer] | None = None,
        paced_topics: dict[str, float] | None = None,
    ) -> None:
        missing = set(topics) - set(handlers)
        if missing:
            raise ValueError(f"no handler for topics {sorted(missing)}")
        self._handlers = handlers
        self._topics = list(topics)
        self._producer = dlq_producer
        self._group_id = group_id
        self._max_batch = max_batch
        self._retry = retry or RetryPolicy()
        self._batch_scope = batch_scope
        self._commit_interval = commit_interval
        # Topics whose handlers mostly write nothing: no batch transaction opened for them.
        self._unscoped = unscoped_topics
        self._preparers = preparers or {}
        # Bookkeeping topics whose latency matters little: a partition that is keeping up
        # rests this many seconds after a batch, so the next one carries what arrived
        # meanwhile (one transaction, one commit and one relay wake for dozens of events).
        self._paced = paced_topics or {}
        self._attempts: dict[tuple[TopicPartition, int], int] = {}
        self._stopping = asyncio.Event()
        self._resume_handles: dict[TopicPartition, asyncio.TimerHandle] = {}
        self._in_flight: dict[TopicPartition, asyncio.Task[None]] = {}
        self._done_offsets: dict[TopicPartition, int] = {}
        options: dict[str, Any] = {
            "auto_offset_reset": "earliest",
            "max_poll_interval_ms": 300_000,
            # A crashed member's partitions move after this; 6 s is the broker's minimum.
            "session_timeout_ms": 6_000,
            "heartbeat_interval_ms": 2_000,
            # A resumed partition joins the next fetch; the fetch in flight meanwhile
            # (for the other partitions) waits at most this long when they are idle. Each
            # wait is a fetch round trip: at 10 ms an idle consumer used 4.4 % of a core
            # (2.2 % at 25), and at 300 contacts/s the router, notifier and Kafka ~5 CPU-s
            # a minute more (bench/e2e.py).
            "fetch_max_wait_ms": 25,
            "fetch_min_bytes": 16_384,
            **(consumer_options or {}),
        }
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap,
            group_id=group_id,
            client_id=client_id,
            enable_auto_commit=False,
            **options,
        )
        self.started = False

    def stop(self) -> None:
        """Ask the loop to stop polling; in-flight batches finish and are committed (SIGTERM)."""
        self._stopping.set()

    async def run(self) -> None:
        await self.consumer.start()
        self.consumer.subscribe(self._topics, listener=_Rebalance(self))
        self.started = True
        next_commit = 0.0
        try:
            while not self._stopping.is_set():
                batches = await self.consumer.getmany(timeout_ms=200, max_records=self._max_batch)
                for tp, records in batches.items():
                    self.consumer.pause(tp)  # until this batch is done
                    self._in_flight[tp] = asyncio.create_task(self._work(tp, records))
                await self._reap(wait=False)
                if time.monotonic() >= next_commit:
                    await self._commit_done()
                    next_commit = time.monotonic() + self._commit_interval
            await self._reap(wait=True)
            await self._commit_done()
        finally:
            for task in self._in_flight.values():
                task.cancel()
            for handle in self._resume_handles.values():
                handle.cancel()
            self.started = False
            await self.consumer.stop()

    async def _work(self, tp: TopicPartition, records: list[ConsumerRecord]) -> None:
        next_offset, retry_delay = await self._handle_partition(tp, records)
        if next_offset is not None:
            self._done_offsets[tp] = next_offset
        rest = retry_delay
        if rest is None and len(records) < self._max_batch:  # a full batch: it is behind
            rest = self._paced.get(tp.topic)
        if rest is None:
            if tp in self.consumer.assignment():
                self.consumer.resume(tp)
        else:
            self._resume_handles[tp] = asyncio.get_running_loop().call_later(
                rest, self._resume, tp
            )

    async def _reap(self, *, wait: bool, only: set[TopicPartition] | None = None) -> None:
        """Collect finished partition batches; a handler crash re-raises here."""
        tasks = {tp: t for tp, t in self._in_flight.items() if only is None or tp in only}
        if wait and tasks:
            await asyncio.wait(tasks.values())
        for tp, task in tasks.items():
            if task.done():
                # A rebalance's reap and the poll loop's may both have waited on it.
                if self._in_flight.get(tp) is task:
                    del self._in_flight[tp]
                task.result()  # unexpected errors crash the process: at-least-once redoes it

    async def _commit_done(self, only: set[TopicPartition] | None = None) -> None:
        offsets = {tp: o for tp, o in self._done_offsets.items() if only is None or tp in only}
        if not offsets:
            return
        for tp in offsets:
            del self._done_offsets[tp]
        await self._commit(offsets)

    async def on_revoked(self, revoked: set[TopicPartition]) -> None:
        """Before a rebalance: finish the revoked partitions' work and commit it."""
        await self._reap(wait=True, only=revoked)
        await self._commit_done(only=revoked)

    async def _handle_partition(
        self, tp: TopicPartition, records: list[ConsumerRecord]
    ) -> tuple[int | None, float | None]:
        """Handle records in order; returns (next offset to commit, retry delay if paused)."""
        if self._batch_scope is not None and len(records) > 1 and tp.topic not in self._unscoped:
            try:
                return await self._handle_batch(tp, records)
            except _RedoOneByOne as exc:
                BATCHES_REDONE.labels(records[0].topic).inc()
                log.info("batch_rolled_back", topic=tp.topic, partition=tp.partition,
                         offset=exc.offset, records=len(records), reason=exc.reason)
        return await self._handle_records(tp, records, self._dead_letter)

    async def _handle_batch(
        self, tp: TopicPartition, records: list[ConsumerRecord]
    ) -> tuple[int | None, float | None]:
        """All of the batch in one transaction, or nothing (`_RedoOneByOne`)."""
        assert self._batch_scope is not None
        next_offset: int | None = None

        async def refuse(record: ConsumerRecord, reason: str) -> None:
            raise _RedoOneByOne(record.offset, "invalid")

        try:
            async with self._batch_scope():
                deliveries = [self._delivery(record) for record in records]
                prepare = self._preparers.get(tp.topic)
                if prepare is not None:
                    await prepare(deliveries)
                for record, delivery in zip(records, deliveries, strict=True):
                    if self._stopping.is_set():
                        break
                    try:
                        await self._handle(record, delivery, refuse)
                    except (Retryable, Failed) as exc:
                        raise _RedoOneByOne(record.offset, type(exc).__name__) from exc
                    next_offset = record.offset + 1
        except _RedoOneByOne:
            raise
        except Exception as exc:  # decoding, the preparer, a write-behind flush, the commit
            raise _RedoOneByOne(records[0].offset, type(classify(exc)).__name__) from exc
        for record in records:
            self._attempts.pop((tp, record.offset), None)
        return next_offset, None

    async def _handle_records(
        self, tp: TopicPartition, records: list[ConsumerRecord], dead_letter: DeadLetter
    ) -> tuple[int | None, float | None]:
        next_offset: int | None = None
        for record in records:
            if self._stopping.is_set():
                break
            try:
                await self._handle_record(record, dead_letter)
            except (Retryable, Failed) as exc:
                attempt = self._attempts.get((tp, record.offset), 0) + 1
                RETRIES.labels(record.topic).inc()
                max_attempts = self._attempts_allowed(exc)
                if max_attempts is not None and attempt >= max_attempts:
                    await dead_letter(record, f"{attempt} attempts failed: {exc}")
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
                self.consumer.seek(tp, record.offset)
                return next_offset, delay
            self._attempts.pop((tp, record.offset), None)
            next_offset = record.offset + 1
        return next_offset, None

    def _attempts_allowed(self, exc: Exception) -> int | None:
        if isinstance(exc, Failed):
            return self._retry.failure_attempts
        return None if waits_for_dependency(exc) else self._retry.max_attempts

    def _resume(self, tp: TopicPartition) -> None:
        self._resume_handles.pop(tp, None)
        task = self._in_flight.get(tp)
        if tp in self.consumer.assignment() and (task is None or task.done()):
            self.consumer.resume(tp)

    async def _handle_record(self, record: ConsumerRecord, dead_letter: DeadLetter) -> None:
        try:
            delivery = self._delivery(record)
        except InvalidMessage as exc:
            await dead_letter(record, str(exc))
            return
        await self._handle(record, delivery, dead_letter)

    @staticmethod
    def _delivery(record: ConsumerRecord) -> Delivery:
        """The record decoded and validated; InvalidMessage says why it is not."""
        envelope, data = decode(record.topic, record.value)
        return Delivery(
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            key=record.key.decode(errors="replace") if record.key else None,
            envelope=envelope,
            data=data,
            headers={k: v.decode(errors="replace") for k, v in (record.headers or ())},
        )

    async def _handle(
        self, record: ConsumerRecord, delivery: Delivery, dead_letter: DeadLetter
    ) -> None:
        started = time.perf_counter()
        try:
            await self._handlers[record.topic](delivery)
        except Exception as exc:
            known = classify(exc)
            if isinstance(known, InvalidMessage):
                await dead_letter(record, str(known))
                return
            if known is exc:
                raise
            if isinstance(known, Failed):  # where, not what: its text may quote a value
                where = traceback.extract_tb(exc.__traceback__)[-1]
                log.error("handler_failed", topic=record.topic, partition=record.partition,
                          offset=record.offset, error=type(exc).__name__,
                          at=f"{where.filename}:{where.lineno}")
            raise known from exc
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
        # A partition revoked meanwhile is no longer ours to commit: its new owner redoes
        # what was done since its last commit (handlers are idempotent).
        assigned = self.consumer.assignment()
        offsets = {tp: offset for tp, offset in offsets.items() if tp in assigned}
        if not offsets:
            return
        try:
            await self.consumer.commit(offsets)
        except (CommitFailedError, IllegalStateError):
            # The group rebalanced under us: the new owner redoes the batch
            # (handlers are idempotent), so this is safe to let go.
            log.warning("commit_failed_rebalance", group=self._group_id)


class _RedoOneByOne(Exception):
    """An event of a batch cannot commit with the others: roll back, redo one by one."""

    def __init__(self, offset: int, reason: str) -> None:
        super().__init__(reason)
        self.offset, self.reason = offset, reason


class _Rebalance(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, runner: ConsumerRunner) -> None:
        self._runner = runner

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        await self._runner.on_revoked(set(revoked))

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        pass
