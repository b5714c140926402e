"""The sandbox's FastAPI application: the Twilio-compatible API, `/_sandbox`, and the pages
(patient phone, mail sink)."""

from __future__ import annotations

import functools

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from relais_shared.http import DirectRoutes, install_problem_handlers, ops_router

from ..adapters.smtp_sink import SmtpSink
from ..domain.errors import TwilioError
from ..mailsink import MailSink
from ..phone import PatientPhone
from ..service import SandboxService
from . import admin, mail, messages, pages, phone
from .auth import WWW_AUTHENTICATE


async def _on_twilio_error(_request: Request, exc: TwilioError) -> JSONResponse:
    headers = {"WWW-Authenticate": WWW_AUTHENTICATE} if exc.status == 401 else None
    return JSONResponse(exc.body(), status_code=exc.status, headers=headers)


def create_app(
    service: SandboxService,
    patient_phone: PatientPhone,
    mail_sink: MailSink,
    smtp: SmtpSink | None = None,
    *,
    sse_heartbeat_s: float = 15.0,
) -> FastAPI:
    app = FastAPI(
        title="Relais sandbox",
        version="1",
        description="A local Twilio-compatible SMS provider, a patient phone and an SMTP sink "
        "for development and tests.",
    )
    app.state.sandbox = service
    app.state.phone = patient_phone
    app.state.mail = mail_sink
    app.state.smtp = smtp
    app.state.sse_heartbeat_s = sse_heartbeat_s
    install_problem_handlers(app)
    app.add_exception_handler(TwilioError, _on_twilio_error)  # type: ignore[arg-type]
    app.include_router(ops_router({}))
    app.include_router(messages.router)
    app.include_router(admin.router)
    app.include_router(phone.router)
    app.include_router(mail.router)
    app.include_router(pages.router)
    # The provider's hot path: every notification is one create (FastAPI still documents it).
    create_path = f"/2010-04-01/Accounts/{service.config.account_sid}/Messages.json"
    app.add_middleware(
        DirectRoutes,
        routes={("POST", create_path): functools.partial(
            messages.create_message, service.config.account_sid)},
        handlers=app.exception_handlers,
    )
    return app
