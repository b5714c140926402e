"""`relais status`: what on-call looks at first — database, outbox backlogs, topics,
consumer lag and dead letters — in one read-only pass."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

import asyncpg
import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError
from relais_shared import topics

from .services import SCHEMAS

SERVICE_SCHEMAS = tuple(schema for schema, _ in SCHEMAS)
CLIENT_ID = "relais-status"


@dataclass(frozen=True)
class OutboxBacklog:
    schema: str
    pending: int
    oldest_pending_seconds: float | None


@dataclass(frozen=True)
class DatabaseStatus:
    target: str
    reachable: bool
    error: str | None = None
    server_version: str | None = None
    outboxes: tuple[OutboxBacklog, ...] = ()
    missing_schemas: tuple[str, ...] = ()


@dataclass(frozen=True)
class TopicStatus:
    name: str
    partitions: int
    end_offset: int  # sum over partitions: messages ever written
    retained: int  # sum of (end - beginning): messages retention still holds


@dataclass(frozen=True)
class GroupLag:
    group: str
    state: str | None
    members: int | None
    lag: dict[str, int] = field(default_factory=dict)  # topic -> messages behind

    @property
    def total(self) -> int:
        return sum(self.lag.values())


@dataclass(frozen=True)
class KafkaStatus:
    bootstrap: str
    reachable: bool
    error: str | None = None
    topics: tuple[TopicStatus, ...] = ()
    missing_topics: tuple[str, ...] = ()
    groups: tuple[GroupLag, ...] = ()

    @property
    def dead_letters(self) -> dict[str, int]:
        """Dead letters still retained per DLQ topic (replayed ones stay until retention)."""
        return {t.name: t.retained for t in self.topics if t.name.endswith(topics.DLQ_SUFFIX)}


@dataclass(frozen=True)
class Status:
    database: DatabaseStatus
    kafka: KafkaStatus

    @property
    def healthy(self) -> bool:
        return self.database.reachable and self.kafka.reachable and not self.kafka.missing_topics


def _describe(exc: BaseException) -> str:
    text = str(exc)
    name = type(exc).__name__
    return text if text.startswith(name) else f"{name}: {text}" if text else name


def _safe_target(database_url: str) -> str:
    """host:port/db of a database URL, without the credentials."""
    parts = urlsplit(database_url)
    return f"{parts.hostname or '?'}:{parts.port or 5432}{parts.path or ''}"


async def database_status(
    database_url: str, schemas: tuple[str, ...] = SERVICE_SCHEMAS, timeout: float = 5.0
) -> DatabaseStatus:
    """Reachability and, per service schema that has one, the unpublished outbox rows."""
    target = _safe_target(database_url)
    try:
        conn = await asyncpg.connect(database_url, timeout=timeout)
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        return DatabaseStatus(target, reachable=False, error=_describe(exc))
    try:
        version = await conn.fetchval("SHOW server_version")
        backlogs, missing = [], []
        for schema in schemas:
            if await conn.fetchval("SELECT to_regclass($1)", f"{schema}.outbox") is None:
                missing.append(schema)
                continue
            row = await conn.fetchrow(
                "SELECT count(*) AS pending,"
                " extract(epoch FROM now() - min(created_at))::float8 AS oldest"
                f' FROM "{schema}".outbox'
            )
            backlogs.append(OutboxBacklog(schema, row["pending"], row["oldest"]))
        return DatabaseStatus(
            target, True, server_version=version,
            outboxes=tuple(backlogs), missing_schemas=tuple(missing),
        )
    finally:
        await conn.close()


async def kafka_status(
    bootstrap: str, wanted_topics: tuple[str, ...] = topics.ALL_TOPICS_WITH_DLQ
) -> KafkaStatus:
    """The Relais topics (partitions, offsets) and every consumer group's lag."""
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap, client_id=CLIENT_ID, request_timeout_ms=10_000
    )
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, client_id=CLIENT_ID, enable_auto_commit=False,
        request_timeout_ms=10_000,
    )
    try:
        await admin.start()
        await consumer.start()
        existing = set(await admin.list_topics())
        present = [t for t in wanted_topics if t in existing]
        committed = await _committed_offsets(admin)
        partitions = {
            TopicPartition(m["topic"], p["partition"])
            for m in (await admin.describe_topics(present) if present else [])
            for p in m["partitions"]
        } | {tp for offsets in committed.values() for tp in offsets}
        ends = await consumer.end_offsets(list(partitions)) if partitions else {}
        begins = await consumer.beginning_offsets(list(partitions)) if partitions else {}
        states = await _group_states(admin, list(committed))
    except KafkaError as exc:
        return KafkaStatus(bootstrap, reachable=False, error=_describe(exc))
    finally:
        await consumer.stop()
        await admin.close()

    topic_rows = []
    for name in present:
        parts = [tp for tp in partitions if tp.topic == name]
        topic_rows.append(TopicStatus(
            name, len(parts), sum(ends[tp] for tp in parts),
            sum(ends[tp] - begins[tp] for tp in parts),
        ))
    groups = []
    for group, offsets in sorted(committed.items()):
        lag: dict[str, int] = defaultdict(int)
        for tp, offset in offsets.items():
            if offset >= 0 and tp in ends:
                lag[tp.topic] += max(ends[tp] - offset, 0)
        state, members = states.get(group, (None, None))
        groups.append(GroupLag(group, state, members, dict(sorted(lag.items()))))
    return KafkaStatus(
        bootstrap, True, topics=tuple(topic_rows),
        missing_topics=tuple(t for t in wanted_topics if t not in existing),
        groups=tuple(groups),
    )


async def _committed_offsets(admin: AIOKafkaAdminClient) -> dict[str, dict[TopicPartition, int]]:
    """group id -> committed offset per partition, for every consumer group."""
    result = {}
    for group_id, *_ in await admin.list_consumer_groups():
        offsets = await admin.list_consumer_group_offsets(group_id)
        result[group_id] = {tp: meta.offset for tp, meta in offsets.items()}
    return result


async def _group_states(
    admin: AIOKafkaAdminClient, group_ids: list[str]
) -> dict[str, tuple[str, int]]:
    """group id -> (state, number of members): an `Empty` group has no consumer running."""
    if not group_ids:
        return {}
    states: dict[str, tuple[str, int]] = {}
    # Small chunks: aiokafka 0.14 fails to decode large DescribeGroups answers from Kafka 4
    # (seen with ~150 groups); a chunk that still fails is described group by group.
    async def describe(ids: list[str]) -> bool:
        try:
            responses = await admin.describe_consumer_groups(ids)
        except (ValueError, KafkaError):
            return False
        for response in responses:
            for error_code, group_id, state, _type, _protocol, members, *_ in response.groups:
                if not error_code:
                    states[group_id] = (state, len(members))
        return True

    # aiokafka logs each such decoding failure with a traceback on the connection's logger;
    # handled here, it is not news to whoever reads the status.
    conn_log = logging.getLogger("aiokafka.conn")
    level = conn_log.level
    conn_log.setLevel(logging.CRITICAL)
    try:
        for start in range(0, len(group_ids), 10):
            chunk = group_ids[start:start + 10]
            if not await describe(chunk) and len(chunk) > 1:
                for group_id in chunk:
                    await describe([group_id])
    finally:
        conn_log.setLevel(level)
    return states


async def collect(bootstrap: str, database_url: str) -> Status:
    database, kafka = await asyncio.gather(
        database_status(database_url), kafka_status(bootstrap)
    )
    return Status(database, kafka)


def _age(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 120:
        return f"{seconds:.0f}s"
    if seconds < 7200:
        return f"{seconds / 60:.0f}m"
    return f"{seconds / 3600:.1f}h"


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]


def format_status(status: Status) -> str:
    """The report a human reads: one section per concern, problems spelled out."""
    db, kafka = status.database, status.kafka
    lines = [f"database  {db.target}: " + (
        f"reachable (PostgreSQL {db.server_version})" if db.reachable
        else f"UNREACHABLE ({db.error})"
    )]
    if db.reachable:
        lines.append("outbox backlog (unpublished rows):")
        rows = [("SCHEMA", "PENDING", "OLDEST")]
        rows += [(o.schema, str(o.pending), _age(o.oldest_pending_seconds)) for o in db.outboxes]
        rows += [(s, "-", "not migrated") for s in db.missing_schemas]
        lines += _table(rows)
    lines.append("")
    lines.append(f"kafka     {kafka.bootstrap}: " + (
        "reachable" if kafka.reachable else f"UNREACHABLE ({kafka.error})"
    ))
    if not kafka.reachable:
        return "\n".join(lines)
    lines.append("topics:")
    rows = [("TOPIC", "PARTITIONS", "END OFFSET", "RETAINED")]
    rows += [(t.name, str(t.partitions), str(t.end_offset), str(t.retained)) for t in kafka.topics]
    rows += [(name, "MISSING", "-", "-") for name in kafka.missing_topics]
    lines += _table(rows)
    lines.append("consumer lag:")
    if kafka.groups:
        rows = [("GROUP", "STATE", "MEMBERS", "TOPIC", "LAG")]
        for g in kafka.groups:
            state, members = g.state or "?", "?" if g.members is None else str(g.members)
            if not g.lag:
                rows.append((g.group, state, members, "-", "no committed offsets"))
            for topic, lag in g.lag.items():
                rows.append((g.group, state, members, topic, str(lag)))
        lines += _table(rows)
    else:
        lines.append("  no consumer groups")
    lines.append("dead letters (retained; replayed ones stay until DLQ retention):")
    rows = [("DLQ TOPIC", "MESSAGES")]
    rows += [(name, str(count)) for name, count in kafka.dead_letters.items()]
    lines += _table(rows)
    return "\n".join(lines)


def to_json(status: Status) -> bytes:
    document = asdict(status)
    document["healthy"] = status.healthy
    document["kafka"]["dead_letters"] = status.kafka.dead_letters
    for group, row in zip(status.kafka.groups, document["kafka"]["groups"]):
        row["total_lag"] = group.total
    return orjson.dumps(document, option=orjson.OPT_INDENT_2)


def run(bootstrap: str, database_url: str, as_json: bool = False) -> int:
    """Print the status; exit 1 when the database or Kafka is unreachable or topics are missing."""
    status = asyncio.run(collect(bootstrap, database_url))
    print(to_json(status).decode() if as_json else format_status(status))
    return 0 if status.healthy else 1
