"""Intake settings (RELAIS_*)."""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import Field, field_validator
from relais_shared.settings import RelaisSettings


class IntakeSettings(RelaisSettings):
    """Everything intake reads from the environment."""

    host: str = "127.0.0.1"
    intake_port: int = Field(default=8081, ge=1, le=65535)
    # External base URL providers call (may carry a path prefix behind a proxy).
    public_url: str = "http://127.0.0.1:8081"
    twilio_auth_token: str = "dev-only-change-me-twilio"
    intake_produce_timeout_ms: int = Field(default=4000, gt=0, le=60_000)
    # Seconds a provider is asked to wait before retrying after a 503.
    intake_retry_after_s: int = Field(default=5, ge=1)
    # Clinic number (any format parseable in default_region) -> site id.
    site_numbers: dict[str, str] = Field(default_factory=dict)
    default_region: str = "FR"
    # Voice: site id -> the line an incoming call is dialled to (E.164 number or sip: URI).
    # The directory lives in the router's database; intake only knows what it is told here.
    # A site with no line sends callers straight to voicemail.
    intake_voice_lines: dict[str, str] = Field(default_factory=dict)
    # Voice: site id -> the clinic's name the greeting says.
    intake_clinic_names: dict[str, str] = Field(default_factory=dict)
    # Voice: an optional one-digit menu before the Dial, digit -> intent (a team slug such
    # as rendez-vous); the choice reaches the router as metadata.ivr_digit (and intent).
    intake_ivr_menu: dict[str, str] = Field(default_factory=dict)

    def secret_fields(self) -> tuple[str, ...]:
        """Secrets refused in production while they keep a dev default."""
        return ("twilio_auth_token",)

    @field_validator("public_url")
    @classmethod
    def _public_url_is_absolute(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("RELAIS_PUBLIC_URL must be an absolute http(s) URL")
        if parts.query or parts.fragment:
            raise ValueError("RELAIS_PUBLIC_URL must not carry a query or fragment")
        return value.rstrip("/")

    @field_validator("default_region")
    @classmethod
    def _region_is_iso(cls, value: str) -> str:
        if len(value) != 2 or not value.isalpha():
            raise ValueError("RELAIS_DEFAULT_REGION must be an ISO 3166-1 alpha-2 code")
        return value.upper()

    @field_validator("intake_ivr_menu")
    @classmethod
    def _menu_keys_are_digits(cls, value: dict[str, str]) -> dict[str, str]:
        bad = [key for key in value if len(key) != 1 or key not in "0123456789"]
        if bad:
            raise ValueError("RELAIS_INTAKE_IVR_MENU keys must be single digits 0-9")
        if any(not intent.strip() for intent in value.values()):
            raise ValueError("RELAIS_INTAKE_IVR_MENU intents must not be empty")
        return value

    @property
    def produce_timeout(self) -> float:
        """The bounded wait for a broker acknowledgement, in seconds."""
        return self.intake_produce_timeout_ms / 1000
