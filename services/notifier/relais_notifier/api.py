"""The notifier's HTTP surface: health, readiness and metrics only."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from relais_shared.http import db_check, install_problem_handlers, kafka_check, ops_router


class StartupGate:
    """Readiness waits for the startup reconciliation and the consumer to be running."""

    def __init__(self) -> None:
        self.reconciled = False
        self.consumer: Any = None

    async def check(self) -> None:
        if not self.reconciled:
            raise RuntimeError("startup reconciliation in progress")
        if self.consumer is None or not self.consumer.started:
            raise RuntimeError("consumer not started")


def build_app(pool: Any, producer: Any, gate: StartupGate) -> FastAPI:
    app = FastAPI(title="relais-notifier", docs_url=None, redoc_url=None)
    install_problem_handlers(app)
    app.include_router(
        ops_router({"db": db_check(pool), "kafka": kafka_check(producer), "worker": gate.check})
    )
    return app
