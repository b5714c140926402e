"""`relais dlq` lists dead letters with their reasons, without bodies, and replays them."""

from __future__ import annotations

import uuid

import pytest
from aiokafka import AIOKafkaProducer

from relais_cli import dlq
from relais_shared import topics

pytestmark = pytest.mark.integration


async def test_list_show_and_replay_a_dead_letter(kafka_bootstrap, capsys):
    marker = "patient-body-" + uuid.uuid4().hex
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(
            topics.dlq_topic(topics.PROVIDER_CALLBACK), marker.encode(), key=b"nid-1",
            headers=[("dlq.reason", b"schema: (root): fails type"),
                     ("dlq.source_topic", topics.PROVIDER_CALLBACK.encode()),
                     ("event_id", b"e-1")],
        )
    finally:
        await producer.stop()
    letters = await dlq.read_dead_letters(kafka_bootstrap, [topics.dlq_topic(topics.PROVIDER_CALLBACK)])
    mine = [d for d in letters if d.value == marker.encode()]
    assert len(mine) == 1 and mine[0].reason.startswith("schema:")
    table = dlq.format_table(mine)
    shown = dlq.describe(mine[0])
    assert mine[0].ref in table and "fails type" in table
    assert marker not in table and marker not in shown  # bodies are redacted

    await dlq.replay(kafka_bootstrap, mine)
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(topics.PROVIDER_CALLBACK, bootstrap_servers=kafka_bootstrap,
                                group_id="t-" + uuid.uuid4().hex, auto_offset_reset="earliest")
    await consumer.start()
    try:
        found = None
        for _ in range(20):
            for records in (await consumer.getmany(timeout_ms=500)).values():
                found = found or next((r for r in records if r.value == marker.encode()), None)
            if found:
                break
        assert found is not None and found.key == b"nid-1"
        headers = dict(found.headers)
        assert "dlq.reason" not in headers and headers["event_id"] == b"e-1"
        assert headers["dlq.replayed_from"] == mine[0].ref.encode()
    finally:
        await consumer.stop()
