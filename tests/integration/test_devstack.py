"""Integration tests of the dev stack (relais_cli.devstack): a real Kafka 4.1.1 KRaft node
and a real PostgreSQL server, started on free ports in private temp dirs (so they can run
beside a developer's own dev stack).

First run downloads the Kafka jars with Maven (~45 MB, into ~/.cache/relais or
$RELAIS_CACHE_DIR) and may apt-get install postgresql.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from relais_cli.devstack import (
    KafkaNode,
    PostgresNode,
    ensure_kafka_jars,
    ensure_topics,
    free_port,
    start_kafka,
    start_postgres,
)

pytestmark = pytest.mark.integration

TOPIC = "relais.devstack.test"
DLQ = "relais.devstack.test.dlq"
DAY_MS = 24 * 3600 * 1000

TIMINGS: dict[str, float] = {}


@pytest.fixture(scope="module")
def stack_dir() -> Iterator[Path]:
    # Not tmp_path: pytest keeps /tmp/pytest-of-<user> at mode 0700, which the postgres
    # OS user (servers run as it when we are root) cannot traverse.
    d = Path(tempfile.mkdtemp(prefix="relais-devstack-test-", dir="/tmp"))
    os.chmod(d, 0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="module")
def kafka(stack_dir: Path) -> Iterator[KafkaNode]:
    t0 = time.monotonic()
    ensure_kafka_jars()
    TIMINGS["kafka_jars"] = time.monotonic() - t0
    t0 = time.monotonic()
    node = start_kafka(stack_dir / "kafka", port=free_port(), controller_port=free_port())
    TIMINGS["kafka_start"] = time.monotonic() - t0
    yield node
    node.stop()
    assert not node.running


@pytest.fixture(scope="module")
def postgres(stack_dir: Path) -> Iterator[PostgresNode]:
    t0 = time.monotonic()
    node = start_postgres(stack_dir / "postgres", port=free_port())
    TIMINGS["postgres_initdb_start"] = time.monotonic() - t0
    yield node
    node.stop()
    assert not node.running


@pytest.fixture(scope="module", autouse=True)
def _report_timings() -> Iterator[None]:
    yield
    if TIMINGS:
        print("\ndevstack timings: " + ", ".join(f"{k}={v:.2f}s" for k, v in TIMINGS.items()))


# --------------------------------------------------------------------------- Kafka


async def test_ensure_topics_creates_with_partitions_and_retention(kafka: KafkaNode) -> None:
    await ensure_topics(kafka.bootstrap, [TOPIC, DLQ], partitions=3)
    await ensure_topics(kafka.bootstrap, [TOPIC, DLQ], partitions=3)  # idempotent

    admin = AIOKafkaAdminClient(bootstrap_servers=kafka.bootstrap)
    await admin.start()
    try:
        metas = {m["topic"]: m for m in await admin.describe_topics([TOPIC, DLQ])}
        assert {t: len(m["partitions"]) for t, m in metas.items()} == {TOPIC: 3, DLQ: 3}
        resp = await admin.describe_configs(
            [
                ConfigResource(ConfigResourceType.TOPIC, TOPIC),
                ConfigResource(ConfigResourceType.TOPIC, DLQ),
            ]
        )
        retention = {}
        for r in resp:
            for res in r.resources:  # (error_code, error_message, type, name, configs)
                for cfg in res[4]:
                    if cfg[0] == "retention.ms":
                        retention[res[3]] = int(cfg[1])
        assert retention == {TOPIC: 7 * DAY_MS, DLQ: 14 * DAY_MS}
    finally:
        await admin.close()


async def test_idempotent_produce_manual_commit_pause_resume(kafka: KafkaNode) -> None:
    await ensure_topics(kafka.bootstrap, [TOPIC, DLQ])
    producer = AIOKafkaProducer(
        bootstrap_servers=kafka.bootstrap, enable_idempotence=True, acks="all"
    )
    consumer = AIOKafkaConsumer(
        TOPIC,
        bootstrap_servers=kafka.bootstrap,
        group_id="relais-devstack-test",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await producer.start()
    await consumer.start()
    try:
        sent: dict[int, list[bytes]] = {0: [], 1: [], 2: []}
        for i in range(9):
            p = i % 3
            md = await producer.send_and_wait(TOPIC, f"m{i}".encode(), key=b"k", partition=p)
            assert md.partition == p and md.offset == len(sent[p])
            sent[p].append(f"m{i}".encode())

        got: dict[int, list[bytes]] = {0: [], 1: [], 2: []}
        deadline = time.monotonic() + 30
        while sum(map(len, got.values())) < 9:
            assert time.monotonic() < deadline, f"consumed only {got}"
            for tp, records in (await consumer.getmany(timeout_ms=500)).items():
                got[tp.partition].extend(r.value for r in records)
        assert got == sent

        await consumer.commit()
        for p in range(3):
            tp = TopicPartition(TOPIC, p)
            assert await consumer.committed(tp) == 3
            assert await consumer.position(tp) == 3

        # Pause partition 0: new records there are held back, partition 1 still flows.
        tp0 = TopicPartition(TOPIC, 0)
        consumer.pause(tp0)
        assert tp0 in consumer.paused()
        await producer.send_and_wait(TOPIC, b"p0-late", partition=0)
        await producer.send_and_wait(TOPIC, b"p1-late", partition=1)
        seen: dict[int, list[bytes]] = {}
        deadline = time.monotonic() + 10
        while 1 not in seen:
            assert time.monotonic() < deadline
            for tp, records in (await consumer.getmany(timeout_ms=500)).items():
                seen.setdefault(tp.partition, []).extend(r.value for r in records)
        await asyncio.sleep(0.5)
        for tp, records in (await consumer.getmany(timeout_ms=500)).items():
            seen.setdefault(tp.partition, []).extend(r.value for r in records)
        assert seen == {1: [b"p1-late"]}

        consumer.resume(tp0)
        assert not consumer.paused()
        resumed = []
        deadline = time.monotonic() + 10
        while not resumed:
            assert time.monotonic() < deadline
            for tp, records in (await consumer.getmany(tp0, timeout_ms=500)).items():
                resumed.extend(r.value for r in records)
        assert resumed == [b"p0-late"]
        await consumer.commit({tp0: 4})
        assert await consumer.committed(tp0) == 4
    finally:
        await consumer.stop()
        await producer.stop()


async def test_second_kafka_beside_first_keeps_data_across_restart(
    kafka: KafkaNode, stack_dir: Path
) -> None:
    """A second node (own dir and ports) runs beside the first; its data survives a restart."""
    data = stack_dir / "kafka-2"
    node = start_kafka(data, port=free_port(), controller_port=free_port(), heap="256m")
    try:
        assert node.bootstrap != kafka.bootstrap and node.cluster_id != kafka.cluster_id
        await ensure_topics(node.bootstrap, ["second"], partitions=1)
        producer = AIOKafkaProducer(
            bootstrap_servers=node.bootstrap, enable_idempotence=True, acks="all"
        )
        await producer.start()
        try:
            await producer.send_and_wait("second", b"durable")
        finally:
            await producer.stop()
    finally:
        node.stop()
    assert not node.running
    node.stop()  # idempotent

    t0 = time.monotonic()
    node = start_kafka(data, port=free_port(), controller_port=free_port(), heap="256m")
    TIMINGS["kafka_restart"] = time.monotonic() - t0
    try:
        consumer = AIOKafkaConsumer(
            "second", bootstrap_servers=node.bootstrap, auto_offset_reset="earliest"
        )
        await consumer.start()
        try:
            msg = await asyncio.wait_for(consumer.getone(), 20)
            assert msg.value == b"durable"
        finally:
            await consumer.stop()
    finally:
        node.stop()


# ------------------------------------------------------------------------ PostgreSQL


async def test_postgres_smoke(postgres: PostgresNode) -> None:
    conn = await asyncpg.connect(postgres.url)
    try:
        assert await conn.fetchval("SHOW fsync") == "on"
        assert await conn.fetchval("SHOW listen_addresses") == "127.0.0.1"
        assert await conn.fetchval("SELECT current_user") == "relais"
        assert await conn.fetchval("SELECT current_database()") == "relais"
        await conn.execute("CREATE TABLE IF NOT EXISTS smoke (id int PRIMARY KEY, note text)")
        await conn.execute("INSERT INTO smoke VALUES (1, 'héllo') ON CONFLICT DO NOTHING")
        assert await conn.fetchval("SELECT note FROM smoke WHERE id = 1") == "héllo"
    finally:
        await conn.close()


async def test_postgres_local_url_reaches_the_same_database_over_the_unix_socket(
    postgres: PostgresNode,
) -> None:
    conn = await asyncpg.connect(postgres.local_url)
    try:
        assert await conn.fetchval("SELECT current_user") == "relais"
        assert await conn.fetchval("SELECT current_database()") == "relais"
        assert await conn.fetchval("SELECT inet_server_addr()") is None  # not TCP
    finally:
        await conn.close()


async def test_postgres_wrong_password_rejected(postgres: PostgresNode) -> None:
    bad = postgres.url.replace("relais:relais@", "relais:nope@")
    with pytest.raises(asyncpg.InvalidPasswordError):
        await asyncpg.connect(bad)


async def test_postgres_restart_is_idempotent(stack_dir: Path) -> None:
    """Second server beside the first: restart keeps data, role and database (no re-init)."""
    data = stack_dir / "postgres-2"
    node = start_postgres(data, port=free_port(), user="app", password="s3cr:t", database="appdb")
    try:
        conn = await asyncpg.connect(node.url)
        await conn.execute("CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)")
        await conn.close()
    finally:
        node.stop()
    assert not node.running

    t0 = time.monotonic()
    node = start_postgres(data, port=free_port(), user="app", password="s3cr:t", database="appdb")
    TIMINGS["postgres_restart"] = time.monotonic() - t0
    try:
        conn = await asyncpg.connect(node.url)
        assert await conn.fetchval("SELECT v FROM kept") == 42
        await conn.close()
    finally:
        node.stop()
