"""The router's Kafka worker: consumes contacts and delivery statuses, relays its outbox,
and serves health/readiness/metrics on RELAIS_ROUTER_WORKER_PORT (8083)."""

from __future__ import annotations

from fastapi import FastAPI
from relais_shared.http import db_check, kafka_check, ops_router
from relais_shared.process import http_server, run, run_until_signalled

from .bootstrap import build_consumer, build_runtime, build_sweeper
from .settings import RouterSettings


async def main() -> None:
    settings = RouterSettings()
    # The API process relays the outbox when it runs: there it publishes while the worker's
    # loop is busy threading a batch (measured: p99 webhook -> ack at 300/s, docs/operations.md).
    runtime = await build_runtime(settings, "router-worker", relay_standby_seconds=5.0)
    consumer = build_consumer(runtime)
    sweeper = build_sweeper(runtime)
    health = FastAPI(title="relais-router-worker")
    health.include_router(
        ops_router({"db": db_check(runtime.pool), "kafka": kafka_check(runtime.producer)})
    )
    server = http_server(health, settings.host, settings.router_worker_port)

    async def stop() -> None:
        consumer.stop()  # stop polling; the batch in hand finishes and commits
        sweeper.stop()
        runtime.relay.stop()
        server.should_exit = True

    try:
        await run_until_signalled(
            [consumer.run(), runtime.relay.run(), sweeper.run(), server.serve()], stop)
    finally:
        await runtime.close()


if __name__ == "__main__":
    run(main())
