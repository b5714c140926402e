"""Helpers for the notifier's integration tests: a running notifier, Kafka in and out."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from relais_notifier.bootstrap import (
    CONSUMED_TOPICS,
    MIGRATIONS_DIR,
    SCHEMA,
    NotifierRuntime,
    build_consumer,
    build_runtime,
    runtime_tasks,
    stop_runtime,
)
from relais_notifier.settings import NotifierSettings
from relais_shared import topics
from relais_shared.contracts import decode, encode
from relais_shared.db import migrate
from relais_shared.events import (
    Address,
    ContactReceived,
    DeliveryStatus,
    Envelope,
    NotifyRequested,
    ProviderCallback,
    make_envelope,
)
from relais_shared.ids import new_id
from relais_shared.kafka.runner import ConsumerRunner

from tests.integration.notifier.fake_twilio import FakeTwilio

PUBLIC_URL = "http://intake.test:8081/relais"
SMS_FROM = "+33939000000"


async def create_database(server_url: str) -> str:
    """A new database on the session's server, with the notifier schema migrated."""
    name = "notifier_" + uuid.uuid4().hex[:10]
    conn = await asyncpg.connect(server_url)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    url = server_url.rsplit("/", 1)[0] + "/" + name
    conn = await asyncpg.connect(url)
    try:
        await migrate(conn, SCHEMA, MIGRATIONS_DIR)
    finally:
        await conn.close()
    return url


async def partitions(consumer: AIOKafkaConsumer, topic: str) -> list[TopicPartition]:
    cluster = await consumer._client.fetch_all_metadata()
    found = [TopicPartition(topic, p) for p in cluster.partitions_for_topic(topic) or ()]
    assert found, f"topic {topic} has no partitions"
    return found


async def start_group_at_end(bootstrap: str, group_id: str, names: tuple[str, ...]) -> None:
    """Commit the current end offsets for a new group: it sees only what comes next,
    not what other tests produced on the shared broker. The group is joined the normal
    way (subscribe), so it looks like any consumer group to tools that describe groups."""
    consumer = AIOKafkaConsumer(*names, bootstrap_servers=bootstrap, group_id=group_id,
                                enable_auto_commit=False, auto_offset_reset="latest")
    await consumer.start()
    try:
        expected = sum([len(await partitions(consumer, t)) for t in names])
        deadline = asyncio.get_running_loop().time() + 30
        while len(consumer.assignment()) < expected:
            assert asyncio.get_running_loop().time() < deadline, "group assignment timed out"
            await consumer.getmany(timeout_ms=100)
        ends = await consumer.end_offsets(list(consumer.assignment()))
        await consumer.commit(dict(ends))
    finally:
        await consumer.stop()


def notifier_settings(bootstrap: str, database_url: str, fake: FakeTwilio, **overrides: Any) -> NotifierSettings:
    values: dict[str, Any] = {
        "env": "test",
        "kafka_bootstrap": bootstrap,
        "database_url": database_url,
        "notifier_consumer_group": "test-notifier-" + uuid.uuid4().hex[:8],
        "sms_api_base": fake.base_url,
        "twilio_account_sid": fake.account_sid,
        "twilio_auth_token": fake.auth_token,
        "sms_from": SMS_FROM,
        "public_url": PUBLIC_URL,
        "provider_timeout_seconds": 0.5,
        "provider_max_attempts": 4,
        "retry_base_seconds": 0.05,
        "retry_max_seconds": 0.5,
        "reconcile_settle_seconds": 0.3,
        "log_format": "json",
        "db_pool_max": 5,
    }
    values.update(overrides)
    return NotifierSettings(**values)


@dataclass
class RunningNotifier:
    runtime: NotifierRuntime
    consumer: ConsumerRunner
    tasks: list[asyncio.Task[Any]]

    @property
    def pool(self) -> asyncpg.Pool:
        return self.runtime.pool

    async def row(self, nid: str) -> asyncpg.Record | None:
        return await self.pool.fetchrow(
            "SELECT * FROM notifier.notifications WHERE notification_id = $1", nid
        )

    async def stop(self) -> None:
        """As on SIGTERM: the order `stop_runtime` gives, then wait for every task."""
        await asyncio.wait_for(stop_runtime(self.runtime, self.consumer), 20)
        await asyncio.wait(self.tasks, timeout=15)
        for task in self.tasks:
            if task.done() and not task.cancelled() and task.exception():
                raise task.exception()  # type: ignore[misc]
        await self.runtime.close()

    async def kill(self) -> None:
        """As on SIGKILL: every task cancelled where it stands, nothing finished or
        committed on the way out (the connections close with the process)."""
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        self.runtime.relay.stop()
        await self.runtime.close()


async def start_notifier(settings: NotifierSettings) -> RunningNotifier:
    await start_group_at_end(settings.kafka_bootstrap, settings.notifier_consumer_group,
                             CONSUMED_TOPICS)
    runtime = await build_runtime(settings)
    consumer = build_consumer(runtime)
    tasks = [asyncio.create_task(coro) for coro in runtime_tasks(runtime, consumer)]
    return RunningNotifier(runtime, consumer, tasks)


@dataclass
class StatusWatcher:
    """Every delivery.status event published from now on, decoded against its schema."""

    bootstrap: str
    events: list[tuple[Envelope, DeliveryStatus]] = field(default_factory=list)
    _consumer: AIOKafkaConsumer | None = None
    _task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False)
        await self._consumer.start()
        tps = await partitions(self._consumer, topics.DELIVERY_STATUS)
        self._consumer.assign(tps)
        await self._consumer.seek_to_end(*tps)
        for tp in tps:  # resolve the positions now, before anything is produced
            await self._consumer.position(tp)
        self._task = asyncio.create_task(self._collect())

    async def _collect(self) -> None:
        assert self._consumer is not None
        while True:
            batches = await self._consumer.getmany(timeout_ms=200)
            for records in batches.values():
                for record in records:
                    envelope, data = decode(topics.DELIVERY_STATUS, record.value)
                    assert record.key.decode() == data.notification_id  # type: ignore[attr-defined]
                    self.events.append((envelope, data))  # type: ignore[arg-type]

    def statuses(self, nid: str) -> list[str]:
        return [d.status for _, d in self.events if d.notification_id == nid]

    async def wait_for(self, nid: str, status: str, timeout: float = 30.0) -> DeliveryStatus:
        async def found() -> DeliveryStatus | None:
            return next((d for _, d in self.events
                         if d.notification_id == nid and d.status == status), None)

        return await eventually(found, timeout=timeout, what=f"delivery.status {status}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._consumer is not None:
            await self._consumer.stop()


async def eventually(check: Callable[[], Awaitable[Any]], *, timeout: float = 30.0,
                     what: str = "condition") -> Any:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await check()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{what} not met within {timeout}s (last: {value!r})")
        await asyncio.sleep(0.05)


def notify_envelope(phone: str, *, kind: str = "ack", conversation_id: str | None = None,
                    nid: str | None = None, dedupe_key: str | None = None,
                    reference: str | None = None, channel: str = "sms",
                    **fields: Any) -> Envelope:
    conversation_id = conversation_id or new_id()
    nid = nid or new_id()
    request = NotifyRequested(
        notification_id=nid,
        conversation_id=conversation_id,
        kind=kind,  # type: ignore[arg-type]
        lang="fr",
        sender_profile="two_way",
        channel=channel,  # type: ignore[arg-type]
        address=phone,
        template=kind,
        params={"clinic": "MSP des Lilas", "team": "Rendez-vous",
                "reference": reference or "R-" + nid[-6:].upper()},
        eta="avant demain 12 h",
        dedupe_key=dedupe_key or f"{kind}:{nid}",
        **fields,
    )
    return make_envelope(topics.NOTIFY_REQUESTED, request, source="test", site_id="demo",
                         correlation_id=new_id())


def callback_envelope(nid: str, status: str, sid: str | None, error_code: str | None = None) -> Envelope:
    callback = ProviderCallback(
        notification_id=nid, provider="twilio", channel="sms", status=status,
        error_code=error_code, provider_message_id=sid, received_at=datetime.now(UTC),
    )
    return make_envelope(topics.PROVIDER_CALLBACK, callback, source="test", site_id="demo")


def keyword_envelope(phone: str, kind: str, text: str) -> Envelope:
    contact = ContactReceived(
        contact_id=new_id(), channel="sms", kind=kind,  # type: ignore[arg-type]
        dedupe_key="sms:SM" + uuid.uuid4().hex,
        sender=Address(address=phone, kind="phone"), recipient=SMS_FROM, text=text,
        received_at=datetime.now(UTC),
    )
    return make_envelope(topics.CONTACT_RECEIVED, contact, source="test", site_id="demo")


async def produce(producer: AIOKafkaProducer, topic: str, key: str, envelope: Envelope) -> None:
    await producer.send_and_wait(topic, encode(envelope), key=key.encode())


async def produce_to(producer: AIOKafkaProducer, topic: str, partition: int, key: str,
                     envelope: Envelope) -> int:
    """Produce to a chosen partition (records of different keys in one partition's line);
    returns the record's offset."""
    metadata = await producer.send_and_wait(topic, encode(envelope), key=key.encode(),
                                            partition=partition)
    return int(metadata.offset)


async def committed_offset(bootstrap: str, group_id: str, topic: str, partition: int) -> int:
    """The group's committed offset (the next record it will read) on one partition; -1 if none."""
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group_id,
                              enable_auto_commit=False)
    await reader.start()  # not subscribed: it reads the group's offsets without joining it
    try:
        offset = await reader.committed(TopicPartition(topic, partition))
    finally:
        await reader.stop()
    return -1 if offset is None else int(offset)


async def dead_letters(bootstrap: str, topic: str, key: str) -> list[Any]:
    """Every record dead-lettered from `topic` under `key` so far (reads the DLQ to its end)."""
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await reader.start()
    try:
        tps = await partitions(reader, topics.dlq_topic(topic))
        reader.assign(tps)
        await reader.seek_to_beginning(*tps)
        ends = await reader.end_offsets(tps)
        found: list[Any] = []
        while [tp for tp in tps if await reader.position(tp) < ends[tp]]:
            batches = await reader.getmany(timeout_ms=500)
            found += [r for rs in batches.values() for r in rs if r.key and r.key.decode() == key]
        return found
    finally:
        await reader.stop()


async def dead_letter(bootstrap: str, topic: str, key: str) -> Any:
    """The record dead-lettered from `topic` under `key` (waits for it)."""
    dlq = AIOKafkaConsumer(topics.dlq_topic(topic), bootstrap_servers=bootstrap,
                           group_id="t-" + uuid.uuid4().hex, auto_offset_reset="earliest")
    await dlq.start()
    try:
        async def found() -> Any:
            batches = await dlq.getmany(timeout_ms=500)
            return next((r for rs in batches.values() for r in rs
                         if r.key and r.key.decode() == key), None)

        return await eventually(found, what="dead letter")
    finally:
        await dlq.stop()
