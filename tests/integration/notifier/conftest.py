"""Fixtures for the notifier on real Kafka and PostgreSQL with a fake Twilio over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import asyncpg
from aiokafka import AIOKafkaProducer

from tests.integration.notifier.fake_twilio import FakeTwilio
from tests.integration.notifier.support import (
    RunningNotifier,
    StatusWatcher,
    create_database,
    notifier_settings,
    start_notifier,
)


@pytest.fixture(scope="module")
async def db(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    """A pool on a database of the notifier's schema alone (ledger-level tests)."""
    pool = await asyncpg.create_pool(await create_database(database_url), min_size=1, max_size=8)
    yield pool
    await pool.close()


@pytest.fixture(scope="module")
async def fake_twilio() -> AsyncIterator[FakeTwilio]:
    fake = FakeTwilio()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture(scope="module")
async def statuses(kafka_bootstrap: str) -> AsyncIterator[StatusWatcher]:
    watcher = StatusWatcher(kafka_bootstrap)
    await watcher.start()
    yield watcher
    await watcher.stop()


@pytest.fixture(scope="module")
async def producer(kafka_bootstrap: str) -> AsyncIterator[AIOKafkaProducer]:
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all",
                                enable_idempotence=True)
    await producer.start()
    yield producer
    await producer.stop()


@pytest.fixture(scope="module")
async def notifier(
    kafka_bootstrap: str, database_url: str, fake_twilio: FakeTwilio, statuses: StatusWatcher
) -> AsyncIterator[RunningNotifier]:
    """One notifier for the module, on its own database and consumer group."""
    url = await create_database(database_url)
    running = await start_notifier(notifier_settings(kafka_bootstrap, url, fake_twilio))
    yield running
    await running.stop()
