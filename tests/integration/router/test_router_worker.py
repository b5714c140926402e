"""The router worker on real Kafka and PostgreSQL: routing, idempotence, outbox, DLQ."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from datetime import UTC, datetime

import asyncpg
import orjson
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from relais_cli.stack import prepare_database
from relais_router.bootstrap import build_consumer, build_runtime
from relais_router.settings import RouterSettings
from relais_shared import topics
from relais_shared.contracts import decode, encode
from relais_shared.events import Address, ContactReceived, make_envelope
from relais_shared.ids import new_id

from tests.conftest import published, unique_phone

pytestmark = pytest.mark.integration


def contact_envelope(phone: str, text: str, sid: str | None = None):
    contact = ContactReceived(
        contact_id=new_id(),
        channel="sms",
        kind="message",
        dedupe_key=f"sms:{sid or 'SM' + uuid.uuid4().hex}",
        sender=Address(address=phone, kind="phone"),
        recipient="+33939000000",
        text=text,
        received_at=datetime.now(UTC),
    )
    return make_envelope(topics.CONTACT_RECEIVED, contact, source="test", site_id="demo")


@pytest.fixture
async def router(kafka_bootstrap, fresh_database_url, tmp_path):
    await prepare_database(fresh_database_url, tmp_path / "creds.txt")
    settings = RouterSettings(
        kafka_bootstrap=kafka_bootstrap,
        database_url=fresh_database_url,
        router_consumer_group="test-router-" + uuid.uuid4().hex[:8],
        log_format="json",
    )
    runtime = await build_runtime(settings, "router-test")
    consumer = build_consumer(runtime)
    tasks = [asyncio.create_task(consumer.run()), asyncio.create_task(runtime.relay.run())]
    yield runtime
    consumer.stop()
    runtime.relay.stop()
    await asyncio.wait(tasks, timeout=15)
    await runtime.close()


@pytest.fixture
async def producer(kafka_bootstrap):
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    yield producer
    await producer.stop()


async def eventually(query, conn, *args, expected, timeout=30.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await conn.fetchval(query, *args)
        if value == expected:
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{query!r} -> {value!r}, expected {expected!r}")
        await asyncio.sleep(0.1)


async def test_contact_is_routed_stored_and_acknowledged_once_even_when_redelivered(
    router, producer, kafka_bootstrap
):
    phone = unique_phone()
    envelope = contact_envelope(phone, "Je voudrais renouveler mon ordonnance")
    replay = envelope.model_copy(update={"id": new_id()})  # a provider retry: new event, same dedupe_key
    for env in (envelope, envelope, replay):
        await producer.send_and_wait(topics.CONTACT_RECEIVED, encode(env), key=phone.encode())
    second = contact_envelope(phone, "et aussi, merci")
    await producer.send_and_wait(topics.CONTACT_RECEIVED, encode(second), key=phone.encode())

    conn = await asyncpg.connect(router.settings.database_url)
    try:
        await eventually(
            "SELECT count(*) FROM router.messages m JOIN router.conversations c ON c.id = m.conversation_id"
            " JOIN router.correspondents k ON k.id = c.correspondent_id WHERE k.address = $1 AND m.direction = 'in'",
            conn, phone, expected=2,
        )
        conv = await conn.fetchrow(
            "SELECT c.* FROM router.conversations c JOIN router.correspondents k"
            " ON k.id = c.correspondent_id WHERE k.address = $1", phone
        )
        assert conv["team"] == "ordonnances" and conv["priority"] == "P3"
        assert "renouveler" in orjson.loads(conv["explanation"])["evidence"]
        acks = await conn.fetchval(
            "SELECT count(*) FROM router.messages WHERE conversation_id = $1 AND kind = 'ack'", conv["id"]
        )
        assert acks == 1  # one ack for the conversation, none for the threaded follow-up
        await eventually(
            "SELECT count(*) FROM router.outbox WHERE key = $1",
            conn, str(conv["id"]), expected=0,
        )
        out = await published(kafka_bootstrap, [topics.CONVERSATION_EVENTS,
                                                topics.NOTIFY_REQUESTED], str(conv["id"]), 3)
        assert Counter(r.topic for r in out) == {
            topics.CONVERSATION_EVENTS: 2, topics.NOTIFY_REQUESTED: 1
        }
    finally:
        await conn.close()

    # The ack request really reached Kafka, schema-valid, keyed by conversation id.
    consumer = AIOKafkaConsumer(
        topics.NOTIFY_REQUESTED, bootstrap_servers=kafka_bootstrap,
        group_id="t-" + uuid.uuid4().hex, auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        found = []
        deadline = asyncio.get_running_loop().time() + 20
        while not found and asyncio.get_running_loop().time() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    env, data = decode(topics.NOTIFY_REQUESTED, record.value)
                    if data.address == phone:
                        found.append((record.key.decode(), data))
        assert len(found) == 1
        key, request = found[0]
        assert key == str(conv["id"]) and request.kind == "ack"
        assert request.params["reference"] == conv["reference"] and request.eta
    finally:
        await consumer.stop()


_NOT_ON_CALL = " AND m.kind <> 'on_call_escalation'"  # out of hours the on-call person is told too


async def _conversation_once_told(router, phone: str, messages: int) -> asyncpg.Record:
    """The sender's conversation with the kinds of its messages, once it holds `messages`
    (the patient's and what Relais asked to tell them; on-call notices left out)."""
    conn = await asyncpg.connect(router.settings.database_url)
    try:
        await eventually(
            "SELECT count(*) FROM router.messages m JOIN router.conversations c ON c.id = m.conversation_id"
            " JOIN router.correspondents k ON k.id = c.correspondent_id WHERE k.address = $1"
            + _NOT_ON_CALL, conn, phone, expected=messages,
        )
        return await conn.fetchrow(
            "SELECT c.team, c.priority, c.urgent, c.needs_triage,"
            " array_agg(m.kind ORDER BY m.kind) AS kinds"
            " FROM router.conversations c JOIN router.correspondents k ON k.id = c.correspondent_id"
            " JOIN router.messages m ON m.conversation_id = c.id WHERE k.address = $1"
            + _NOT_ON_CALL + " GROUP BY c.id", phone,
        )
    finally:
        await conn.close()


async def test_red_flag_contact_is_p1_for_soins_with_emergency_guidance(router, producer):
    phone = unique_phone()
    env = contact_envelope(phone, "j'ai une douleur thoracique depuis une heure")
    await producer.send_and_wait(topics.CONTACT_RECEIVED, encode(env), key=phone.encode())
    row = await _conversation_once_told(router, phone, 3)
    assert (row["team"], row["priority"], row["urgent"]) == ("soins", "P1", True)
    assert row["kinds"] == ["ack", "emergency_guidance", "message"]


async def test_unsettled_risk_is_p2_triage_and_the_patient_gets_the_numbers_at_once(
        router, producer):
    phone = unique_phone()
    env = contact_envelope(phone, "je respire vite et bizarrement depuis ce matin")
    await producer.send_and_wait(topics.CONTACT_RECEIVED, encode(env), key=phone.encode())
    row = await _conversation_once_told(router, phone, 3)
    assert (row["priority"], row["urgent"], row["needs_triage"]) == ("P2", False, True)
    assert row["kinds"] == ["ack", "emergency_guidance", "message"]


async def test_poison_event_goes_to_the_dlq_with_its_reason_and_the_partition_keeps_flowing(
    router, producer, kafka_bootstrap
):
    phone = unique_phone()
    marker = uuid.uuid4().hex
    await producer.send_and_wait(
        topics.CONTACT_RECEIVED, b'{"not": "an envelope", "marker": "' + marker.encode() + b'"}',
        key=phone.encode(),
    )
    good = contact_envelope(phone, "bonjour, une question sur ma facture")
    await producer.send_and_wait(topics.CONTACT_RECEIVED, encode(good), key=phone.encode())

    conn = await asyncpg.connect(router.settings.database_url)
    try:
        await eventually(
            "SELECT count(*) FROM router.messages WHERE contact_id = $1",
            conn, uuid.UUID(good.data["contact_id"]), expected=1,
        )
    finally:
        await conn.close()
    dlq = AIOKafkaConsumer(
        topics.dlq_topic(topics.CONTACT_RECEIVED), bootstrap_servers=kafka_bootstrap,
        group_id="t-" + uuid.uuid4().hex, auto_offset_reset="earliest",
    )
    await dlq.start()
    try:
        deadline = asyncio.get_running_loop().time() + 20
        hit = None
        while hit is None and asyncio.get_running_loop().time() < deadline:
            for records in (await dlq.getmany(timeout_ms=500)).values():
                for record in records:
                    if marker.encode() in (record.value or b""):
                        hit = record
        assert hit is not None, "poison message not dead-lettered"
        headers = dict(hit.headers)
        assert headers["dlq.reason"].startswith(b"schema:")
        assert headers["dlq.source_topic"] == topics.CONTACT_RECEIVED.encode()
        assert hit.key == phone.encode()
    finally:
        await dlq.stop()


async def group_at_topic_end(kafka_bootstrap, producer) -> str:
    """A new consumer group starting where contact.received ends now: other tests' events
    (a poison one among them) would make a different batch."""
    group = "test-router-" + uuid.uuid4().hex[:8]
    start = AIOKafkaConsumer(bootstrap_servers=kafka_bootstrap, group_id=group,
                             enable_auto_commit=False)
    await start.start()
    try:
        parts = [TopicPartition(topics.CONTACT_RECEIVED, p)
                 for p in await producer.partitions_for(topics.CONTACT_RECEIVED)]
        start.assign(parts)
        await start.seek_to_end(*parts)
        await start.commit({tp: await start.position(tp) for tp in parts})
    finally:
        await start.stop()
    return group


async def test_a_batch_with_a_provider_retry_and_a_follow_up_stores_each_contact_once(
    kafka_bootstrap, fresh_database_url, tmp_path, producer
):
    """Waiting events are handled as one partition batch, whose message rows and events are
    written at its end: a retry of a contact still unwritten in the same batch is seen as a
    duplicate, and the sender's follow-up in the batch threads into the new conversation."""
    group = await group_at_topic_end(kafka_bootstrap, producer)
    phone = unique_phone()
    first = contact_envelope(phone, "Bonjour, je voudrais prendre rendez-vous")
    retry = first.model_copy(update={"id": new_id()})  # same dedupe_key, new event
    follow_up = contact_envelope(phone, "plutôt le matin si possible")
    for env in (first, retry, follow_up):
        await producer.send(topics.CONTACT_RECEIVED, encode(env), key=phone.encode())
    await producer.flush()
    await prepare_database(fresh_database_url, tmp_path / "creds.txt")
    settings = RouterSettings(
        kafka_bootstrap=kafka_bootstrap, database_url=fresh_database_url,
        router_consumer_group=group, log_format="json",
    )
    runtime = await build_runtime(settings, "router-test")
    consumer = build_consumer(runtime)
    task = asyncio.create_task(consumer.run())
    conn = await asyncpg.connect(fresh_database_url)
    try:
        await eventually(
            "SELECT count(*) FROM router.messages m JOIN router.correspondents k"
            " ON k.id = m.correspondent_id WHERE k.address = $1", conn, phone, expected=2,
        )
        rows = await conn.fetch(
            "SELECT m.direction, m.kind, m.dedupe_key, m.conversation_id, m.xmin::text AS tx"
            " FROM router.messages m JOIN router.conversations c ON c.id = m.conversation_id"
            " JOIN router.correspondents k ON k.id = c.correspondent_id WHERE k.address = $1",
            phone,
        )
        assert sorted((r["direction"], r["kind"]) for r in rows) == [
            ("in", "message"), ("in", "message"), ("out", "ack")]
        assert {r["dedupe_key"] for r in rows if r["direction"] == "in"} == {
            first.data["dedupe_key"], follow_up.data["dedupe_key"]}
        assert len({r["conversation_id"] for r in rows}) == 1
        assert len({r["tx"] for r in rows}) == 1  # one batch, one transaction
        events = await conn.fetchval(
            "SELECT count(*) FROM router.outbox WHERE key = $1::text", str(rows[0]["conversation_id"]))
        assert events == 3  # created, routed, the ack request
    finally:
        await conn.close()
        consumer.stop()
        await asyncio.wait([task], timeout=15)
        await runtime.close()


async def test_a_batch_reads_its_senders_at_once_and_threads_as_one_by_one(
    kafka_bootstrap, fresh_database_url, tmp_path, producer
):
    """A partition batch upserts its senders in one statement at its start: a sender with
    an open conversation threads into it, a redelivered stored contact is a duplicate, and
    a sender's second contact in the batch joins the conversation its first one opened."""
    await prepare_database(fresh_database_url, tmp_path / "creds.txt")
    group = await group_at_topic_end(kafka_bootstrap, producer)
    settings = RouterSettings(
        kafka_bootstrap=kafka_bootstrap, database_url=fresh_database_url,
        router_consumer_group=group, log_format="json",
    )
    known, new = unique_phone(), unique_phone()
    opened = contact_envelope(known, "Bonjour, je voudrais prendre rendez-vous")
    conn = await asyncpg.connect(fresh_database_url)

    async def run_until(count_sql: str, expected: int) -> None:
        runtime = await build_runtime(settings, "router-test")
        consumer = build_consumer(runtime)
        task = asyncio.create_task(consumer.run())
        try:
            await eventually(count_sql, conn, known, new, expected=expected)
        finally:
            consumer.stop()
            await asyncio.wait([task], timeout=15)
            await runtime.close()

    messages = ("SELECT count(*) FROM router.messages m JOIN router.correspondents k"
                " ON k.id = m.correspondent_id WHERE k.address IN ($1, $2)")
    try:
        await producer.send_and_wait(topics.CONTACT_RECEIVED, encode(opened), key=known.encode())
        await run_until(messages, 1)
        batch = [
            (new, contact_envelope(new, "Bonjour, une question sur mon ordonnance")),
            (known, contact_envelope(known, "plutôt le matin si possible")),
            (known, opened.model_copy(update={"id": new_id()})),  # stored already
            (new, contact_envelope(new, "c'est pour le renouvellement")),
        ]
        for phone, env in batch:  # one partition: one batch
            await producer.send(topics.CONTACT_RECEIVED, encode(env), key=b"same-partition")
        await producer.flush()
        await run_until(messages, 4)
        rows = await conn.fetch(
            "SELECT k.address, m.dedupe_key, m.conversation_id, m.xmin::text AS tx"
            " FROM router.messages m JOIN router.correspondents k ON k.id = m.correspondent_id"
            " WHERE k.address IN ($1, $2) AND m.direction = 'in'", known, new,
        )
        assert len(rows) == 4  # the redelivery stored nothing
        by_phone = {p: {r["conversation_id"] for r in rows if r["address"] == p} for p in (known, new)}
        assert len(by_phone[known]) == 1 and len(by_phone[new]) == 1
        assert by_phone[known] != by_phone[new]
        assert len({r["tx"] for r in rows if r["dedupe_key"] != opened.data["dedupe_key"]}) == 1
        acks = await conn.fetchval(
            "SELECT count(*) FROM router.messages WHERE conversation_id = ANY($1::uuid[])"
            " AND kind = 'ack'", [*by_phone[known], *by_phone[new]],
        )
        assert acks == 2  # one per conversation, none for a follow-up or a duplicate
    finally:
        await conn.close()
