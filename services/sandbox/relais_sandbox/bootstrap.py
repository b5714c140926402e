"""The one place the sandbox is wired: settings → store, journal, callback client, service, app."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime

import aiohttp
import httpx
from fastapi import FastAPI
from relais_shared.logging import configure_logging, get_logger
from relais_shared.process import http_server, run_until_signalled

from .adapters.callbacks import RetryPolicy, SignedCallbackClient, callback_session
from .adapters.intake_webhooks import HttpWebhookSender
from .adapters.journal import MessageJournal
from .adapters.smtp_sink import SmtpSink
from .api.app import create_app
from .domain.dates import utc_now
from .domain.lifecycle import CallbackChaos, Timing
from .domain.mail import Mailbox
from .domain.patient_phone import PatientLog
from .domain.phone_events import PhoneEventLog
from .domain.senders import SenderConfig
from .domain.store import MessageStore
from .mailsink import MailSink
from .phone import PatientPhone, PhoneConfig
from .service import SandboxConfig, SandboxService
from .settings import SandboxSettings

log = get_logger(__name__)


@dataclass
class SandboxRuntime:
    settings: SandboxSettings
    service: SandboxService
    phone: PatientPhone
    mail: MailSink
    smtp: SmtpSink | None
    callback_http: aiohttp.ClientSession  # status callbacks (the hot path)
    http: httpx.AsyncClient  # the patient phone's webhooks to intake
    app: FastAPI

    async def start_smtp(self) -> bool:
        """Start the SMTP sink (if enabled); False when its port could not be had."""
        return await self.smtp.start() if self.smtp is not None else False

    async def close(self) -> None:
        self.phone.close()
        if self.smtp is not None:
            await self.smtp.stop()
        await self.service.close()
        await self.callback_http.close()
        await self.http.aclose()


def sandbox_config(settings: SandboxSettings) -> SandboxConfig:
    numbers = tuple(dict.fromkeys([settings.sms_from, *settings.sandbox_extra_numbers]))
    chaos = (
        CallbackChaos(
            settings.sandbox_callback_duplicate_rate, settings.sandbox_callback_reorder_rate
        )
        if settings.sandbox_callback_chaos
        else CallbackChaos()
    )
    return SandboxConfig(
        account_sid=settings.twilio_account_sid,
        auth_token=settings.twilio_auth_token,
        senders=SenderConfig(
            two_way_numbers=numbers,
            alphanumeric_id=settings.sandbox_alphanumeric_id,
            messaging_service_sid=settings.sandbox_messaging_service_sid,
        ),
        timing=Timing(
            settings.sandbox_sent_after_ms / 1000, settings.sandbox_final_after_ms / 1000
        ),
        chaos=chaos,
    )


def build_runtime(settings: SandboxSettings) -> SandboxRuntime:
    """Everything the sandbox needs; call inside the running event loop."""
    store = MessageStore(settings.sandbox_max_messages)
    journal = None
    if settings.sandbox_store_path is not None:
        journal = MessageJournal(settings.sandbox_store_path, settings.sandbox_max_messages)
        store.load(journal.load())
        log.info("history_loaded", messages=len(store))
    # Webhooks and callbacks go to local/compose services: an HTTP(S)_PROXY from the
    # environment must not capture them.
    http = httpx.AsyncClient(
        trust_env=False,
        follow_redirects=False,
        timeout=httpx.Timeout(settings.sandbox_webhook_timeout_s),
    )
    callback_http = callback_session()
    callbacks = SignedCallbackClient(
        callback_http,
        settings.twilio_auth_token,
        RetryPolicy(
            attempts=settings.sandbox_callback_attempts,
            backoff=settings.sandbox_callback_backoff_ms / 1000,
            timeout=settings.sandbox_callback_timeout_s,
        ),
    )
    config = sandbox_config(settings)
    service = SandboxService(
        config,
        store,
        callbacks,
        journal=journal,
        rng=random.Random(settings.sandbox_seed),
        clock=utc_now,
    )
    phone = PatientPhone(
        PhoneConfig(
            account_sid=settings.twilio_account_sid,
            auth_token=settings.twilio_auth_token,
            public_url=settings.public_url,
            clinic_numbers=config.senders.two_way_numbers,
        ),
        store,
        HttpWebhookSender(http, settings.sandbox_webhook_timeout_s),
        entries=PatientLog(settings.sandbox_phone_max_entries),
        events=PhoneEventLog(settings.sandbox_phone_max_events),
        clock=utc_now,  # to the second, like the clinic's messages: ties sort patient first
    )
    service.add_listener(phone.on_outbound)
    mail = MailSink(Mailbox(settings.sandbox_max_mails), clock=lambda: datetime.now(UTC))
    smtp = (
        SmtpSink(
            mail.receive,
            settings.host,
            settings.sandbox_smtp_port,
            max_bytes=settings.sandbox_max_mail_bytes,
        )
        if settings.sandbox_smtp_enabled
        else None
    )
    app = create_app(service, phone, mail, smtp, sse_heartbeat_s=settings.sandbox_sse_heartbeat_s)
    return SandboxRuntime(settings, service, phone, mail, smtp, callback_http, http, app)


async def main() -> None:
    settings = SandboxSettings()
    configure_logging(settings.log_level, settings.log_format, service="sandbox")
    runtime = build_runtime(settings)
    await runtime.start_smtp()
    server = http_server(runtime.app, settings.host, settings.sandbox_port)
    log.info("sandbox_listening", port=settings.sandbox_port)

    async def stop() -> None:
        runtime.phone.close()  # ends the open SSE streams, so the server can finish
        server.should_exit = True

    try:
        await run_until_signalled([server.serve()], stop)
    finally:
        await runtime.close()
