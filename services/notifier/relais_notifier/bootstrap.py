"""The one place the notifier is wired: settings, pool, producer, provider, send pool,
sweeper, handlers, and the order things start and stop in."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
from aiokafka import AIOKafkaProducer
from relais_shared import db, topics
from relais_shared.kafka.producer import make_producer
from relais_shared.kafka.runner import ConsumerRunner, Handler, RetryPolicy
from relais_shared.logging import configure_logging, get_logger
from relais_shared.outbox import OutboxRelay
from relais_shared.process import http_server, run_until_signalled

from .adapters.ledger import SCHEMA
from .adapters.sms import SmsProvider, TwilioSmsProvider, provider_session
from .api import StartupGate, build_app
from .dispatch import Dispatcher, DispatchPolicy
from .handlers import HANDLERS, NotifierContext
from .send_pool import SendPool, SendPoolPolicy
from .settings import NotifierSettings
from .sweeper import Sweeper

__all__ = [
    "CONSUMED_TOPICS",
    "MIGRATIONS_DIR",
    "SCHEMA",
    "build_consumer",
    "build_runtime",
    "main",
    "runtime_tasks",
    "stop_runtime",
]

MIGRATIONS_DIR = Path(__file__).resolve().parents[1] / "migrations"
CONSUMED_TOPICS = (topics.NOTIFY_REQUESTED, topics.PROVIDER_CALLBACK, topics.CONTACT_RECEIVED)
CLIENT_ID = "notifier"

log = get_logger(__name__)


@dataclass
class NotifierRuntime:
    settings: NotifierSettings
    pool: asyncpg.Pool
    producer: AIOKafkaProducer
    http: aiohttp.ClientSession
    relay: OutboxRelay
    dispatcher: Dispatcher
    sends: SendPool
    sweeper: Sweeper

    async def close(self) -> None:
        self.relay.stop()
        await self.http.close()
        await self.producer.stop()
        await self.pool.close()


def dispatch_policy(settings: NotifierSettings) -> DispatchPolicy:
    return DispatchPolicy(
        status_callback=settings.status_callback_url,
        max_attempts=settings.provider_max_attempts,
        lease_seconds=settings.lease_seconds,
        settle_seconds=settings.reconcile_settle_seconds,
        clock_skew=timedelta(seconds=settings.reconcile_clock_skew_seconds),
    )


def send_pool_policy(settings: NotifierSettings) -> SendPoolPolicy:
    return SendPoolPolicy(
        concurrency=settings.notifier_send_concurrency,
        capacity=settings.notifier_send_queue_max,
        retry_base_seconds=settings.retry_base_seconds,
        retry_max_seconds=settings.retry_max_seconds,
        stop_grace_seconds=settings.notifier_send_stop_grace_seconds,
    )


async def build_runtime(
    settings: NotifierSettings, *, provider: SmsProvider | None = None
) -> NotifierRuntime:
    """Connect everything (no consuming yet). `provider` replaces the Twilio client in tests."""
    configure_logging(settings.log_level, settings.log_format, service=CLIENT_ID)
    pool = await db.create_pool(settings.database_url, max_size=settings.db_pool_max,
                                generic_plans=True)
    producer = make_producer(settings.kafka_bootstrap, client_id=CLIENT_ID)
    await producer.start()
    http = provider_session(settings.provider_timeout_seconds)
    sms = provider or TwilioSmsProvider(
        http,
        base_url=settings.sms_api_base,
        account_sid=settings.twilio_account_sid,
        auth_token=settings.twilio_auth_token,
    )
    relay = OutboxRelay(settings.database_url, SCHEMA, producer)
    dispatcher = Dispatcher(pool, sms, dispatch_policy(settings))
    sends = SendPool(dispatcher.deliver, send_pool_policy(settings))
    sweeper = Sweeper(
        pool,
        sends,
        interval_seconds=settings.notifier_sweep_interval_seconds,
        idle_seconds=settings.notifier_sweep_idle_seconds,
    )
    return NotifierRuntime(settings, pool, producer, http, relay, dispatcher, sends, sweeper)


def build_consumer(runtime: NotifierRuntime) -> ConsumerRunner:
    ctx = NotifierContext(
        runtime.pool, runtime.dispatcher, runtime.sends, runtime.settings.sms_from
    )
    handlers: dict[str, Handler] = {
        topic: functools.partial(fn, ctx) for topic, fn in HANDLERS.items()
    }
    return ConsumerRunner(
        bootstrap=runtime.settings.kafka_bootstrap,
        group_id=runtime.settings.notifier_consumer_group,
        topics=list(CONSUMED_TOPICS),
        handlers=handlers,
        dlq_producer=runtime.producer,
        client_id=CLIENT_ID,
        retry=RetryPolicy(
            base_seconds=runtime.settings.retry_base_seconds,
            max_seconds=runtime.settings.retry_max_seconds,
        ),
        # Handlers write through db.transaction and hand sends over after the commit:
        # a partition batch is one transaction.
        batch_scope=functools.partial(db.transaction, runtime.pool),
        # Every contact passes by for its keywords, few are: no empty BEGIN/COMMIT a batch.
        unscoped_topics=frozenset({topics.CONTACT_RECEIVED}),
        paced_topics={topics.PROVIDER_CALLBACK: 0.25},
    )


async def reconcile_then_consume(
    runtime: NotifierRuntime, consumer: ConsumerRunner, gate: StartupGate | None = None
) -> None:
    """Settle every notification left `sending` by a previous process, then consume
    (provider calls go to the send pool) and sweep."""
    await runtime.dispatcher.reconcile_pending()
    if gate is not None:
        gate.reconciled = True
        gate.consumer = consumer
    async with asyncio.TaskGroup() as group:
        group.create_task(consumer.run())
        group.create_task(runtime.sweeper.run())


def runtime_tasks(
    runtime: NotifierRuntime, consumer: ConsumerRunner, gate: StartupGate | None = None
) -> list[Coroutine[Any, Any, None]]:
    """What runs for the notifier's whole life (beside its HTTP server)."""
    return [
        reconcile_then_consume(runtime, consumer, gate),
        runtime.sends.run(),
        runtime.relay.run(),
    ]


async def stop_runtime(runtime: NotifierRuntime, consumer: ConsumerRunner) -> None:
    """Stop in order: take no more work (the pool first, so a handler waiting for room
    returns at once and its offset commits; its row stays `sending` for the next start),
    stop polling and sweeping (the batch in hand finishes and commits), let provider calls
    in flight finish within the grace period, then stop the outbox relay."""
    runtime.sends.stop()
    runtime.sweeper.stop()
    consumer.stop()
    await runtime.sends.wait_stopped()
    runtime.relay.stop()


async def main() -> None:
    settings = NotifierSettings()
    runtime = await build_runtime(settings)
    consumer = build_consumer(runtime)
    gate = StartupGate()
    server = http_server(
        build_app(runtime.pool, runtime.producer, gate), settings.host, settings.notifier_port
    )
    log.info(
        "notifier_starting",
        port=settings.notifier_port,
        group=settings.notifier_consumer_group,
        send_concurrency=settings.notifier_send_concurrency,
    )

    async def stop() -> None:
        await stop_runtime(runtime, consumer)
        server.should_exit = True

    try:
        await run_until_signalled([*runtime_tasks(runtime, consumer, gate), server.serve()], stop)
    finally:
        await runtime.close()
