"""The one place intake is wired: settings, pool, Kafka sink, app, process."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

import asyncpg
from fastapi import FastAPI
from relais_shared import topics
from relais_shared.db import create_pool
from relais_shared.http import db_check
from relais_shared.kafka.producer import make_producer
from relais_shared.logging import configure_logging, get_logger
from relais_shared.process import http_server, run_until_signalled

from .adapters.calls import PostgresCallLedger
from .adapters.sink import KafkaSink
from .api.app import create_app
from .api.twilio_auth import TwilioAuth
from .domain.sites import SiteDirectory
from .handlers import IntakeContext
from .settings import IntakeSettings

SCHEMA: Final = "intake"
MIGRATIONS_DIR: Final = Path(__file__).resolve().parents[1] / "migrations"
CLIENT_ID: Final = "relais-intake"
PRODUCED_TOPICS: Final = (topics.CONTACT_RECEIVED, topics.PROVIDER_CALLBACK)

log = get_logger(__name__)


@dataclass
class IntakeRuntime:
    """Everything a running intake holds; `close()` releases it in order."""

    settings: IntakeSettings
    pool: asyncpg.Pool
    sink: KafkaSink
    app: FastAPI

    async def close(self) -> None:
        """Flush and close the producer, then the pool."""
        await self.sink.stop()
        await self.pool.close()


def build_sink(settings: IntakeSettings) -> KafkaSink:
    """The Kafka sink with intake's bounded produce wait."""
    return KafkaSink(
        lambda: make_producer(settings.kafka_bootstrap, client_id=CLIENT_ID),
        timeout=settings.produce_timeout,
        required_topics=PRODUCED_TOPICS,
    )


async def build_runtime(settings: IntakeSettings) -> IntakeRuntime:
    """Build the pool, sink and app (nothing is connected until first used)."""
    # min_size=0: intake serves SMS even while the database is down; /readyz tells.
    pool = await create_pool(settings.database_url, min_size=0, max_size=settings.db_pool_max)
    sink = build_sink(settings)
    ctx = IntakeContext(
        sink=sink,
        sites=SiteDirectory(settings.site_numbers, settings.default_site, settings.default_region),
        region=settings.default_region,
        calls=PostgresCallLedger(pool, timeout=settings.produce_timeout),
        voice_lines=settings.intake_voice_lines,
        clinic_names=settings.intake_clinic_names,
        ivr_menu=settings.intake_ivr_menu,
    )
    app = create_app(
        ctx,
        TwilioAuth(settings.twilio_auth_token, settings.public_url),
        {"db": db_check(pool), "kafka": sink.check},
        retry_after_s=settings.intake_retry_after_s,
    )
    return IntakeRuntime(settings, pool, sink, app)


async def main() -> None:
    """Run the intake HTTP server until SIGTERM/SIGINT."""
    settings = IntakeSettings()
    configure_logging(settings.log_level, settings.log_format, service="intake")
    runtime = await build_runtime(settings)
    await runtime.sink.start()
    server = http_server(runtime.app, settings.host, settings.intake_port)
    log.info("intake_listening", host=settings.host, port=settings.intake_port)

    async def stop() -> None:
        server.should_exit = True  # uvicorn finishes in-flight requests, then returns

    try:
        await run_until_signalled([server.serve()], stop)
    finally:
        await runtime.close()
