"""Sandbox settings (RELAIS_*; the sandbox's own knobs are RELAIS_SANDBOX_*)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from relais_shared.settings import RelaisSettings


class SandboxSettings(RelaisSettings):
    host: str = "127.0.0.1"
    sandbox_port: int = 8090
    # The account Relais authenticates with (HTTP Basic) and whose token signs callbacks.
    twilio_account_sid: str = "ACdev00000000000000000000000000000"
    twilio_auth_token: str = "dev-only-change-me-twilio"
    # The account's senders: the site's two-way number (plus any others) and an alphanumeric ID.
    sms_from: str = "+33939000000"
    sandbox_extra_numbers: list[str] = Field(default_factory=list)
    sandbox_alphanumeric_id: str = "RELAIS"
    sandbox_messaging_service_sid: str = "MGdev00000000000000000000000000000"
    # History: last N messages in memory, optionally journaled to a JSON-lines file.
    sandbox_max_messages: int = Field(default=50_000, ge=1)
    sandbox_store_path: Path | None = None
    # Status lifecycle after creation (milliseconds).
    sandbox_sent_after_ms: int = Field(default=200, ge=0)
    sandbox_final_after_ms: int = Field(default=500, ge=0)
    # Real-provider untidiness in status callbacks; rates 0..1, or switch it all off.
    sandbox_callback_chaos: bool = True
    sandbox_callback_duplicate_rate: float = Field(default=0.02, ge=0.0, le=1.0)
    sandbox_callback_reorder_rate: float = Field(default=0.02, ge=0.0, le=1.0)
    sandbox_seed: int | None = None
    # Delivery of each callback: attempts on 5xx/connection errors, backoff doubling from base.
    sandbox_callback_attempts: int = Field(default=4, ge=1)
    sandbox_callback_backoff_ms: int = Field(default=500, ge=0)
    sandbox_callback_timeout_s: float = Field(default=10.0, gt=0)
    # Patient phone: where a patient's SMS and calls go (intake's external base URL, which is
    # also the URL intake checks signatures against), and how long to wait for its answer.
    public_url: str = "http://127.0.0.1:8081"
    sandbox_webhook_timeout_s: float = Field(default=15.0, gt=0)
    sandbox_phone_max_entries: int = Field(default=10_000, ge=1)
    sandbox_phone_max_events: int = Field(default=10_000, ge=1)
    sandbox_sse_heartbeat_s: float = Field(default=15.0, gt=0)
    # SMTP sink (Relais' own inbound SMTP is 2525); 0 picks a free port.
    sandbox_smtp_enabled: bool = True
    sandbox_smtp_port: int = Field(default=2526, ge=0, le=65535)
    sandbox_max_mails: int = Field(default=1000, ge=1)
    sandbox_max_mail_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)

    def secret_fields(self) -> tuple[str, ...]:
        return ("twilio_auth_token",)
