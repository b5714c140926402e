"""`relais dlq list|show|replay`: inspect and bring back dead letters (bodies redacted)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timezone

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition
from relais_shared import topics
from relais_shared.kafka.producer import make_producer

REPLAY_GROUP = "relais-dlq-replay"
_DLQ_HEADER_PREFIX = "dlq."


@dataclass(frozen=True)
class DeadLetter:
    topic: str
    partition: int
    offset: int
    source_topic: str
    reason: str
    failed_at: str
    event_type: str | None
    event_id: str | None
    size: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]

    @property
    def ref(self) -> str:
        return f"{self.topic}:{self.partition}:{self.offset}"


def _parse(record) -> DeadLetter:
    headers = {k: v.decode(errors="replace") for k, v in record.headers or ()}
    failed_ms = int(headers.get("dlq.failed_at", "0") or 0)
    event_type = event_id = None
    try:
        payload = orjson.loads(record.value or b"")
        if isinstance(payload, dict):
            event_type, event_id = payload.get("type"), payload.get("id")
    except orjson.JSONDecodeError:
        pass
    return DeadLetter(
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        source_topic=headers.get("dlq.source_topic", record.topic.removesuffix(topics.DLQ_SUFFIX)),
        reason=headers.get("dlq.reason", "?"),
        failed_at=datetime.fromtimestamp(failed_ms / 1000, timezone.utc).isoformat() if failed_ms else "?",
        event_type=event_type if isinstance(event_type, str) else None,
        event_id=event_id if isinstance(event_id, str) else None,
        size=len(record.value or b""),
        key=record.key,
        value=record.value,
        headers=tuple(record.headers or ()),
    )


async def read_dead_letters(bootstrap: str, dlq_topics: list[str]) -> list[DeadLetter]:
    """Every message currently in the given DLQ topics (from the beginning to the end)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        parts = [
            TopicPartition(t, p)
            for t in dlq_topics
            for p in sorted(consumer.partitions_for_topic(t) or await _partitions(consumer, t))
        ]
        if not parts:
            return []
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        letters: list[DeadLetter] = []
        while [tp for tp in parts if await consumer.position(tp) < ends[tp]]:
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                letters += [_parse(r) for r in records]
        return sorted(letters, key=lambda d: (d.topic, d.partition, d.offset))
    finally:
        await consumer.stop()


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    await consumer._client.force_metadata_update()  # noqa: SLF001 - aiokafka has no public call
    return consumer.partitions_for_topic(topic) or set()


async def replay(bootstrap: str, letters: list[DeadLetter]) -> int:
    """Publish dead letters back to their source topic, with key and original headers."""
    producer = make_producer(bootstrap, client_id="relais-dlq-replay")
    await producer.start()
    try:
        for letter in letters:
            headers = [(k, v) for k, v in letter.headers if not k.startswith(_DLQ_HEADER_PREFIX)]
            headers.append(("dlq.replayed_from", letter.ref.encode()))
            await producer.send_and_wait(
                letter.source_topic, letter.value, key=letter.key, headers=headers
            )
        return len(letters)
    finally:
        await producer.stop()


def format_table(letters: list[DeadLetter]) -> str:
    rows = [("REF", "TYPE", "EVENT ID", "FAILED AT", "BYTES", "REASON")]
    rows += [
        (d.ref, d.event_type or "-", d.event_id or "-", d.failed_at, str(d.size), d.reason[:80])
        for d in letters
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows)


def describe(letter: DeadLetter) -> str:
    """Everything about one dead letter except its body and key (patient data)."""
    lines = [f"ref: {letter.ref}", f"source topic: {letter.source_topic}",
             f"reason: {letter.reason}", f"failed at: {letter.failed_at}",
             f"event type: {letter.event_type}", f"event id: {letter.event_id}",
             f"size: {letter.size} bytes (body redacted)", "headers:"]
    lines += [f"  {k}: {v.decode(errors='replace')}" for k, v in letter.headers]
    return "\n".join(lines)


def select(letters: list[DeadLetter], refs: list[str]) -> list[DeadLetter]:
    wanted = set(refs)
    chosen = [d for d in letters if d.ref in wanted]
    missing = wanted - {d.ref for d in chosen}
    if missing:
        raise SystemExit(f"no such dead letter: {', '.join(sorted(missing))}")
    return chosen


def run(bootstrap: str, action: str, topic: str | None, refs: list[str], replay_all: bool) -> int:
    dlq_topics = [topics.dlq_topic(topic.removesuffix(topics.DLQ_SUFFIX))] if topic else [
        topics.dlq_topic(t) for t in topics.ALL_TOPICS
    ]
    letters = asyncio.run(read_dead_letters(bootstrap, dlq_topics))
    if action == "list":
        print(format_table(letters) if letters else "no dead letters")
    elif action == "show":
        for letter in select(letters, refs):
            print(describe(letter), end="\n\n")
    elif action == "replay":
        chosen = letters if replay_all else select(letters, refs)
        count = asyncio.run(replay(bootstrap, chosen))
        print(f"replayed {count} message(s) to their source topics")
    return 0
