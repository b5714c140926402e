"""The intake FastAPI application."""

from __future__ import annotations

from fastapi import FastAPI
from relais_shared.http import (
    DirectRoutes,
    ReadinessCheck,
    install_problem_handlers,
    ops_router,
)

from ..handlers import IntakeContext
from .sms import sms_endpoints, sms_router
from .twilio_auth import TwilioAuth
from .voice import voice_router


def create_app(
    ctx: IntakeContext,
    auth: TwilioAuth,
    checks: dict[str, ReadinessCheck],
    *,
    retry_after_s: int = 5,
) -> FastAPI:
    """Routes, problem handlers and ops endpoints; every dependency is passed in."""
    app = FastAPI(
        title="Relais intake",
        version="1",
        summary="Every patient channel in; answers 2xx only once the contact is durable.",
    )
    install_problem_handlers(app)
    app.include_router(ops_router(checks))
    sms = sms_endpoints(ctx, auth, retry_after_s)
    app.include_router(sms_router(sms))
    app.include_router(voice_router(ctx, auth, retry_after_s))
    app.add_middleware(DirectRoutes, routes={("POST", path): fn for path, fn in sms.items()},
                       handlers=app.exception_handlers)
    return app
