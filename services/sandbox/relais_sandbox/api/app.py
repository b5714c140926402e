"""The sandbox's FastAPI application (more pages, e.g. a patient phone, plug in as routers)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from relais_shared.http import install_problem_handlers, ops_router

from ..domain.errors import TwilioError
from ..service import SandboxService
from . import admin, messages
from .auth import WWW_AUTHENTICATE


async def _on_twilio_error(_request: Request, exc: TwilioError) -> JSONResponse:
    headers = {"WWW-Authenticate": WWW_AUTHENTICATE} if exc.status == 401 else None
    return JSONResponse(exc.body(), status_code=exc.status, headers=headers)


def create_app(service: SandboxService) -> FastAPI:
    app = FastAPI(
        title="Relais SMS sandbox",
        version="1",
        description="A local Twilio-compatible SMS provider for development and tests.",
    )
    app.state.sandbox = service
    install_problem_handlers(app)
    app.add_exception_handler(TwilioError, _on_twilio_error)  # type: ignore[arg-type]
    app.include_router(ops_router({}))
    app.include_router(messages.router)
    app.include_router(admin.router)
    return app
