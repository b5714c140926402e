"""Notifier settings (RELAIS_*)."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from pydantic import Field, field_validator, model_validator
from relais_shared.settings import RelaisSettings

STATUS_CALLBACK_PATH = "/v1/channels/sms/twilio/status"


def _http_url(value: str, *, allow_path: bool) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an absolute http(s) URL")
    if parts.query or parts.fragment:
        raise ValueError("must not carry a query or a fragment")
    if not allow_path and parts.path not in ("", "/"):
        raise ValueError("must be scheme + host (+ port) only; Relais appends the API path")
    return value.strip().rstrip("/")


class NotifierSettings(RelaisSettings):
    host: str = "127.0.0.1"
    notifier_port: int = 8082
    notifier_consumer_group: str = "relais-notifier"

    # Twilio-compatible SMS REST API: Relais appends /2010-04-01/Accounts/{sid}/Messages.json
    sms_api_base: str = "http://127.0.0.1:8090"
    twilio_account_sid: str = "ACdev00000000000000000000000000000"
    twilio_auth_token: str = "dev-only-change-me-twilio"
    sms_from: str = "+33939000000"
    # Intake's external base URL: status callbacks come back through it.
    public_url: str = "http://127.0.0.1:8081"

    provider_timeout_seconds: float = 10.0
    # POSTs per notification before it is marked failed (delivery.status failed, an error
    # log and relais_notifier_sends_exhausted_total; no dead letter).
    provider_max_attempts: int = 12
    # Backoff, with jitter, between a notification's attempts in the send pool, and of
    # the consumer (partition paused) when the database fails under a handler.
    retry_base_seconds: float = 1.0
    retry_max_seconds: float = 120.0

    # The send pool: provider calls off the partition loop, in order per conversation.
    # Throughput is about concurrency / time per call (lease, POST, record): 16 capped it
    # near 300/s once a call took 50 ms on a busy node; concurrent calls also share their
    # lease and record statements. Twilio accepts far more concurrent API requests.
    notifier_send_concurrency: int = Field(default=64, ge=1)
    # Notifications held by the pool before the consumer waits for room (backpressure).
    notifier_send_queue_max: int = Field(default=1_000, ge=1)
    # On stop, how long provider calls in flight may take to finish.
    notifier_send_stop_grace_seconds: float = Field(default=10.0, ge=0)
    # The sweeper: how often it looks for `sending` rows nobody works on, and how long
    # such a row must have been untouched (with no live lease) to be picked up.
    notifier_sweep_interval_seconds: float = Field(default=5.0, gt=0)
    notifier_sweep_idle_seconds: float = Field(default=30.0, ge=0)
    # After an ambiguous attempt, let the provider settle before asking it what it has.
    reconcile_settle_seconds: float = 2.0
    # Tolerated clock difference between us and the provider when matching a message.
    reconcile_clock_skew_seconds: float = 300.0

    @field_validator("sms_api_base")
    @classmethod
    def _api_base(cls, value: str) -> str:
        return _http_url(value, allow_path=False)

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        return _http_url(value, allow_path=True)

    @model_validator(mode="after")
    def _queue_holds_the_workers(self) -> NotifierSettings:
        if self.notifier_send_queue_max < self.notifier_send_concurrency:
            raise ValueError("notifier_send_queue_max must be >= notifier_send_concurrency")
        return self

    def secret_fields(self) -> tuple[str, ...]:
        return ("twilio_auth_token",)

    @property
    def lease_seconds(self) -> float:
        """How long one attempt (a lookup plus a send) may hold a notification."""
        return 2 * self.provider_timeout_seconds + 5.0

    def status_callback_url(self, notification_id: str) -> str:
        """Where the provider reports this notification's delivery states (through intake)."""
        return f"{self.public_url}{STATUS_CALLBACK_PATH}?nid={quote(notification_id, safe='')}"
