"""Redelivery: replaying the router's whole input topics into a fresh consumer group leaves
its database exactly as it was (every handler is idempotent)."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from datetime import UTC, datetime

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from relais_router.bootstrap import build_consumer
from relais_shared import topics
from relais_shared.contracts import encode
from relais_shared.events import Address, ContactReceived, DeliveryStatus, make_envelope
from relais_shared.ids import new_id
from tests.conftest import unique_phone
from tests.integration.router.test_threading import (  # noqa: F401  (fixtures)
    db,
    email,
    linked_patient,
    runtime,
    sms,
    unique_email,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]
INPUT_TOPICS = (topics.CONTACT_RECEIVED, topics.DELIVERY_STATUS)


async def dump(conn: asyncpg.Connection) -> dict[str, list[str]]:
    """Every row of every router table, as JSON text, sorted."""
    tables = [r["table_name"] for r in await conn.fetch(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'router'"
        " AND table_type = 'BASE TABLE' ORDER BY table_name")]
    return {
        table: [r[0] for r in await conn.fetch(
            f'SELECT to_jsonb(t)::text FROM router."{table}" t ORDER BY 1')]
        for table in tables
    }


async def end_offsets(bootstrap: str) -> dict[TopicPartition, int]:
    probe = AIOKafkaConsumer(*INPUT_TOPICS, bootstrap_servers=bootstrap)  # no group
    await probe.start()
    try:
        tps = [TopicPartition(t, p) for t in INPUT_TOPICS
               for p in sorted(probe.partitions_for_topic(t) or ())]
        assert len(tps) == 6
        return await probe.end_offsets(tps)
    finally:
        await probe.stop()


async def wait_caught_up(bootstrap: str, group: str, ends: dict[TopicPartition, int],
                         timeout: float = 120) -> None:
    """Until the group has committed at least `ends` on every partition."""
    probe = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group,
                             enable_auto_commit=False)
    await probe.start()
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            behind = {tp: end for tp, end in ends.items()
                      if end and ((await probe.committed(tp)) or 0) < end}
            if not behind:
                return
            assert asyncio.get_running_loop().time() < deadline, f"{group} still behind: {behind}"
            await asyncio.sleep(0.25)
    finally:
        await probe.stop()


async def wait_outbox_published(conn: asyncpg.Connection, timeout: float = 60) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while await conn.fetchval("SELECT count(*) FROM router.outbox"):
        assert asyncio.get_running_loop().time() < deadline, "outbox not drained"
        await asyncio.sleep(0.1)


def envelope(contact: ContactReceived, site: str = "demo"):
    return make_envelope(topics.CONTACT_RECEIVED, contact, source="test", site_id=site)


async def my_batch(db) -> list[tuple[str, bytes, bytes]]:
    """(topic, key, value): a realistic mix with duplicates, threads, patients and poison."""
    out: list[tuple[str, bytes, bytes]] = []

    def add(contact: ContactReceived, site: str = "demo") -> None:
        out.append((topics.CONTACT_RECEIVED, contact.sender.address.encode(),
                    encode(envelope(contact, site))))

    for i in range(30):
        phone = unique_phone()
        first = sms(phone, ["Je voudrais un rendez-vous", "renouvellement d'ordonnance svp",
                            "question sur ma facture", "j'ai mal à la poitrine et du mal à"
                            " respirer"][i % 4])
        add(first)
        add(sms(phone, "merci de me rappeler"))
        if i % 3 == 0:  # a provider retry: new event, same dedupe key
            out.append((topics.CONTACT_RECEIVED, phone.encode(),
                        encode(envelope(first).model_copy(update={"id": new_id()}))))
    for _ in range(8):
        mail = unique_email()
        first = email(mail, "Bonjour, une question sur mes résultats")
        add(first)
        add(email(mail, "Je complète", in_reply_to=first.provider_ids["Message-ID"]))
    for _ in range(5):
        phone, mail = unique_phone(), unique_email()
        await linked_patient(db, phone, mail)
        add(sms(phone, "rendez-vous pour mon fils"))
        add(email(mail, "rendez-vous pour mon fils, par mail"))
    for kind in ("missed_call", "voicemail", "opt_out"):
        add(ContactReceived(
            contact_id=new_id(), channel="voice" if kind != "opt_out" else "sms", kind=kind,
            dedupe_key=f"{kind}:{uuid.uuid4().hex}", sender=Address(address=unique_phone(),
            kind="phone"), recipient="+33939000000", received_at=datetime.now(UTC)))
    add(sms(unique_phone(), "site inconnu"), site="nowhere")  # dead-lettered
    out.append((topics.CONTACT_RECEIVED, b"poison", b"{not json"))  # dead-lettered
    return out


async def test_replaying_the_whole_input_topics_into_a_fresh_group_changes_nothing(
    runtime, db, kafka_bootstrap
):
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all",
                                enable_idempotence=True)
    await producer.start()
    first = build_consumer(runtime)
    tasks = [asyncio.create_task(first.run()), asyncio.create_task(runtime.relay.run())]
    try:
        for topic, key, value in await my_batch(db):
            await producer.send(topic, value, key=key)
        await producer.flush()
        await wait_caught_up(kafka_bootstrap, runtime.settings.router_consumer_group,
                             await end_offsets(kafka_bootstrap))
        # delivery statuses for the acks, one of them out of order (delivered, then sent)
        nids = [r["notification_id"] for r in await db.fetch(
            "SELECT notification_id FROM router.messages WHERE kind = 'ack' LIMIT 5")]
        assert nids, "the batch was not routed"
        for nid in nids:
            for state in ("sent", "delivered", "sent"):
                status = DeliveryStatus(notification_id=str(nid), status=state)  # type: ignore[arg-type]
                await producer.send(topics.DELIVERY_STATUS, encode(make_envelope(
                    topics.DELIVERY_STATUS, status, source="test", site_id="demo")),
                    key=str(nid).encode())
        await producer.flush()
        ends = await end_offsets(kafka_bootstrap)
        await wait_caught_up(kafka_bootstrap, runtime.settings.router_consumer_group, ends)
        await wait_outbox_published(db)
    finally:
        first.stop()
        await asyncio.wait(tasks[:1], timeout=15)
    before = await dump(db)
    assert len(before["conversations"]) >= 45 and before["email_message_ids"]
    assert {"delivered"} <= {r["delivery_status"] for r in await db.fetch(
        "SELECT delivery_status FROM router.messages WHERE notification_id = ANY($1)", nids)}

    group = "test-router-replay-" + uuid.uuid4().hex[:8]
    replay_runtime = dataclasses.replace(
        runtime, settings=runtime.settings.model_copy(update={"router_consumer_group": group}))
    second = build_consumer(replay_runtime)
    replay = asyncio.create_task(second.run())
    try:
        await wait_caught_up(kafka_bootstrap, group, ends)
        await asyncio.sleep(0.5)  # anything the replay enqueued would be published by now
        await wait_outbox_published(db)
    finally:
        second.stop()
        runtime.relay.stop()
        await asyncio.wait([replay, tasks[1]], timeout=15)
        await producer.stop()
    after = await dump(db)
    changed = {t for t in before if before[t] != after[t]}
    assert not changed, f"replay changed {sorted(changed)}"
