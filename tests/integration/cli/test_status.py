"""`relais status` shows what on-call needs: database, outbox backlog, topics, lag, DLQs."""

from __future__ import annotations

import subprocess
import sys
import uuid

import asyncpg
import orjson
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from relais_cli import status
from relais_cli.devstack.topics import ensure_topics
from relais_shared import topics
from relais_shared.db import migrate

pytestmark = pytest.mark.integration


def _relais_status(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "relais_cli.main", "status", *args],
        check=False, capture_output=True, text=True, timeout=60,
    )


async def _router_outbox_with_backlog(database_url: str, tmp_path) -> None:
    """A `router` schema with the shared outbox: two rows pending."""
    conn = await asyncpg.connect(database_url)
    try:
        await migrate(conn, "router", tmp_path)  # base migrations only: the outbox
        await conn.executemany(
            "INSERT INTO router.outbox (topic, key, payload, created_at)"
            " VALUES ($1, 'k', '\\x7b7d'::bytea, now() - interval '90 seconds')",
            [(topics.NOTIFY_REQUESTED,), (topics.NOTIFY_REQUESTED,)],
        )
    finally:
        await conn.close()


async def _lagging_group(bootstrap: str, topic: str, group: str) -> None:
    """Three messages on `topic`; `group` has committed after the first one only."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        first = await producer.send_and_wait(topic, b"m0", partition=0)
        for i in (1, 2):
            await producer.send_and_wait(topic, f"m{i}".encode(), partition=0)
        await producer.send_and_wait(topics.dlq_topic(topics.DELIVERY_STATUS), b"dead")
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group,
                                enable_auto_commit=False)
    await consumer.start()
    try:
        tp = TopicPartition(topic, 0)
        consumer.assign([tp])
        await consumer.commit({tp: first.offset + 1})
    finally:
        await consumer.stop()


async def test_status_shows_backlog_topics_lag_and_dead_letters(
    kafka_bootstrap, fresh_database_url, tmp_path
):
    dlq = topics.dlq_topic(topics.DELIVERY_STATUS)
    before = await status.kafka_status(kafka_bootstrap)
    await _router_outbox_with_backlog(fresh_database_url, tmp_path)
    topic, group = "t-status-" + uuid.uuid4().hex[:8], "t-status-" + uuid.uuid4().hex[:8]
    await ensure_topics(kafka_bootstrap, [topic], partitions=1)
    await _lagging_group(kafka_bootstrap, topic, group)

    result = _relais_status("--bootstrap", kafka_bootstrap, "--database-url",
                            fresh_database_url, "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    report = orjson.loads(result.stdout)
    assert report["healthy"] is True
    assert report["database"]["reachable"] is True
    assert report["database"]["outboxes"][0]["schema"] == "router"
    assert report["database"]["outboxes"][0]["pending"] == 2
    assert report["database"]["outboxes"][0]["oldest_pending_seconds"] >= 90
    assert set(report["database"]["missing_schemas"]) == {"intake", "notifier"}
    assert fresh_database_url not in result.stdout  # the report shows host:port/db only

    by_topic = {t["name"]: t for t in report["kafka"]["topics"]}
    assert set(topics.ALL_TOPICS_WITH_DLQ) <= set(by_topic)
    assert all(by_topic[t]["partitions"] == 3 for t in topics.ALL_TOPICS_WITH_DLQ)
    assert report["kafka"]["missing_topics"] == []
    assert report["kafka"]["dead_letters"][dlq] >= before.dead_letters[dlq] + 1
    mine = next(g for g in report["kafka"]["groups"] if g["group"] == group)
    assert mine["lag"] == {topic: 2} and mine["total_lag"] == 2
    assert mine["state"] == "Empty" and mine["members"] == 0  # no consumer running

    text = _relais_status("--bootstrap", kafka_bootstrap, "--database-url", fresh_database_url)
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert any(line.split()[:2] == ["router", "2"] for line in lines), text.stdout
    assert any(line.split()[0] == group and line.split()[-2:] == [topic, "2"]
               for line in lines if line.strip()), text.stdout
    assert any(line.split()[:2] == [topics.CONTACT_RECEIVED, "3"] for line in lines), text.stdout
    assert any(line.split()[0] == dlq for line in lines if line.strip()), text.stdout


async def test_status_fails_loudly_when_nothing_is_reachable(unused_tcp_port):
    result = _relais_status(
        "--bootstrap", f"127.0.0.1:{unused_tcp_port}",
        "--database-url", f"postgresql://relais:s3cret@127.0.0.1:{unused_tcp_port}/relais",
    )
    assert result.returncode == 1
    assert "database  127.0.0.1:" in result.stdout and "UNREACHABLE" in result.stdout
    assert result.stdout.count("UNREACHABLE") == 2
    assert "s3cret" not in result.stdout + result.stderr
