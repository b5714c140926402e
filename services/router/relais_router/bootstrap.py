"""The one place the router is wired: settings, pool, producer, handlers, apps."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from aiokafka import AIOKafkaProducer
from relais_shared import db, topics
from relais_shared.kafka.producer import make_producer
from relais_shared.kafka.runner import ConsumerRunner
from relais_shared.logging import configure_logging
from relais_shared.outbox import OutboxRelay

from .adapters.directory import DirectoryCache
from .adapters.feed import InboxHub
from .commands import InboxContext
from .handlers import HANDLERS, PREPARERS, RouterContext
from .settings import RouterSettings
from .sweeper import InboxSweeper

SCHEMA = "router"
MIGRATIONS_DIR = Path(__file__).resolve().parents[1] / "migrations"


@dataclass
class RouterRuntime:
    settings: RouterSettings
    pool: asyncpg.Pool
    producer: AIOKafkaProducer
    relay: OutboxRelay
    inbox: InboxContext

    async def close(self) -> None:
        self.relay.stop()
        await self.producer.stop()
        await self.pool.close()


async def build_runtime(
    settings: RouterSettings, client_id: str, relay_standby_seconds: float = 0.0
) -> RouterRuntime:
    configure_logging(settings.log_level, settings.log_format, service=client_id)
    pool = await db.create_pool(settings.database_url, max_size=settings.db_pool_max)
    producer = make_producer(settings.kafka_bootstrap, client_id=client_id)
    await producer.start()
    relay = OutboxRelay(
        settings.database_url, SCHEMA, producer, standby_seconds=relay_standby_seconds
    )
    return RouterRuntime(settings, pool, producer, relay, InboxContext(pool, DirectoryCache()))


def build_hub(runtime: RouterRuntime) -> InboxHub:
    """The API process's live feed for its Server-Sent Events streams."""
    return InboxHub(runtime.settings.database_url, runtime.pool)


def build_sweeper(runtime: RouterRuntime) -> InboxSweeper:
    """The worker's inbox housekeeping: SLA clocks resumed, idle claims returned, breaches."""
    settings = runtime.settings
    return InboxSweeper(runtime.inbox, every_seconds=settings.inbox_sweep_seconds,
                        claim_idle_minutes=settings.inbox_claim_idle_minutes)


def build_consumer(runtime: RouterRuntime) -> ConsumerRunner:
    ctx = RouterContext(runtime.pool, runtime.settings.thread_window_hours)
    handlers = {topic: functools.partial(fn, ctx) for topic, fn in HANDLERS.items()}
    return ConsumerRunner(
        bootstrap=runtime.settings.kafka_bootstrap,
        group_id=runtime.settings.router_consumer_group,
        topics=[topics.CONTACT_RECEIVED, topics.DELIVERY_STATUS],
        handlers=handlers,
        dlq_producer=runtime.producer,
        client_id="router-worker",
        # The handlers only write to the database: a partition batch is one transaction,
        # and a larger one spreads its commit, flush and directory read over more contacts.
        max_batch=600,
        batch_scope=functools.partial(db.transaction, runtime.pool),
        preparers={topic: functools.partial(fn, ctx) for topic, fn in PREPARERS.items()},
        paced_topics={topics.DELIVERY_STATUS: 0.25},
    )
