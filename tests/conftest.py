"""Test session infrastructure: one real Kafka broker and one real PostgreSQL.

Both start once per session on free ports with their own data directories
(so tests run beside a running Relais), unless RELAIS_KAFKA_BOOTSTRAP /
RELAIS_DATABASE_URL point at existing ones (or a Docker engine is present and
RELAIS_TEST_TESTCONTAINERS=1, see `_testcontainers`).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, ConsumerRecord
from relais_shared.topics import ALL_TOPICS_WITH_DLQ

REPO = Path(__file__).resolve().parents[1]


def _testcontainers() -> tuple[str, str] | None:
    """Kafka and Postgres from testcontainers when a Docker engine is usable."""
    if os.environ.get("RELAIS_TEST_TESTCONTAINERS") != "1":
        return None
    from testcontainers.kafka import KafkaContainer  # type: ignore[import-not-found]
    from testcontainers.postgres import PostgresContainer  # type: ignore[import-not-found]

    kafka = KafkaContainer("apache/kafka:4.1.1").with_kraft()
    pg = PostgresContainer("postgres:17.6", driver=None)
    kafka.start()
    pg.start()
    return kafka.get_bootstrap_server(), pg.get_connection_url()


@pytest.fixture(scope="session")
def infra_dir() -> Iterator[Path]:
    base = Path(tempfile.mkdtemp(prefix="relais-test-", dir="/var/tmp"))
    os.chmod(base, 0o755)
    yield base
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def _infra(infra_dir: Path) -> Iterator[tuple[str, str]]:
    bootstrap = os.environ.get("RELAIS_KAFKA_BOOTSTRAP")
    database_url = os.environ.get("RELAIS_DATABASE_URL")
    if bootstrap and database_url:
        yield bootstrap, database_url
        return
    containers = _testcontainers()
    if containers:
        yield containers
        return
    from relais_cli.devstack import free_port
    from relais_cli.devstack.kafka import start_kafka
    from relais_cli.devstack.postgres import start_postgres

    pg = start_postgres(infra_dir / "postgres", port=free_port())
    # The migrations of every test database hand the audit log to its owner role.
    os.environ["RELAIS_DATABASE_ADMIN_URL"] = pg.admin_url
    kafka = start_kafka(infra_dir / "kafka", port=free_port(), controller_port=free_port())
    try:
        yield kafka.bootstrap, pg.url
    finally:
        kafka.stop()
        pg.stop()


@pytest.fixture(scope="session")
async def kafka_bootstrap(_infra: tuple[str, str]) -> str:
    """A real broker with every v1 topic (and its DLQ) created with 3 partitions."""
    from relais_cli.devstack.topics import ensure_topics

    await ensure_topics(_infra[0], list(ALL_TOPICS_WITH_DLQ))
    return _infra[0]


@pytest.fixture(scope="session")
def database_url(_infra: tuple[str, str]) -> str:
    """The URL of the session's PostgreSQL database (shared by tests)."""
    return _infra[1]


@pytest.fixture
async def fresh_database_url(database_url: str) -> str:
    """A new, empty database on the session's server, for tests that need a clean slate."""
    name = "t_" + uuid.uuid4().hex[:12]
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return database_url.rsplit("/", 1)[0] + "/" + name


def unique_phone() -> str:
    """A metropolitan French mobile number no other test uses (E.164). Not in the overseas
    ranges of the shared plan (0639…, 069…): typed nationally ("06…") those are read as
    Mayotte's, the Antilles' or Réunion's numbers, not as this one."""
    n = uuid.uuid4().int
    return f"+336{'1245678'[n % 7]}{(n // 7) % 10**7:07d}"


async def published(
    bootstrap: str, topic_names: list[str], key: str, expected: int, timeout: float = 20
) -> list[ConsumerRecord]:
    """The records keyed `key` on `topic_names`, from the start: once `expected` arrived (or
    at `timeout`), plus any that a further short poll finds (a duplicate would show)."""
    consumer = AIOKafkaConsumer(
        *topic_names, bootstrap_servers=bootstrap, group_id="t-" + uuid.uuid4().hex,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    got: list[ConsumerRecord] = []

    async def poll() -> None:
        for records in (await consumer.getmany(timeout_ms=500)).values():
            got.extend(r for r in records if r.key == key.encode())

    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(got) < expected and asyncio.get_running_loop().time() < deadline:
            await poll()
        await poll()
    finally:
        await consumer.stop()
    return got
