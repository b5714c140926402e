"""Checks of a `POST …/Messages.json` form, in the order and with the codes Twilio uses."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from . import errors
from .errors import TwilioError
from .messages import SenderKind
from .senders import SenderConfig, check_messaging_service, classify_from

MAX_BODY_CHARS = 1600
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_PHONE_PUNCTUATION = re.compile(r"[\s.\-()]")


@dataclass(frozen=True)
class CreateRequest:
    """The form fields the sandbox reads (others are ignored, as Twilio ignores unknown ones)."""

    to: str | None = None
    from_: str | None = None
    messaging_service_sid: str | None = None
    body: str | None = None
    status_callback: str | None = None

    @classmethod
    def from_form(cls, form: Mapping[str, str]) -> CreateRequest:
        def field(name: str) -> str | None:
            value = form.get(name)
            return value if value not in (None, "") else None

        return cls(
            to=field("To"),
            from_=field("From"),
            messaging_service_sid=field("MessagingServiceSid"),
            body=form.get("Body"),
            status_callback=field("StatusCallback"),
        )


@dataclass(frozen=True)
class ValidCreate:
    to: str
    from_: str | None  # None when sent through the Messaging Service (chosen when queued)
    sender_kind: SenderKind
    messaging_service_sid: str | None
    body: str
    status_callback: str | None


def normalize_phone(raw: str) -> str | None:
    """E.164 with spaces, dots, dashes and brackets removed; None when not E.164.

    A leading space before digits is the `+` of an unescaped form or query value
    (`curl -d To=+336…` sends a space), so it counts as the `+`.
    """
    if raw.startswith(" ") and raw.strip().isdigit():
        raw = "+" + raw.strip()
    candidate = _PHONE_PUNCTUATION.sub("", raw)
    return candidate if _E164.match(candidate) else None


def _is_http_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def validate_create(request: CreateRequest, senders: SenderConfig) -> ValidCreate:
    """A message the provider accepts, or the TwilioError it answers."""
    if request.to is None:
        raise TwilioError(errors.TO_REQUIRED, "A 'To' phone number is required.")
    if request.from_ is None and request.messaging_service_sid is None:
        raise TwilioError(errors.FROM_REQUIRED, "A 'From' phone number is required.")
    if request.body is None or not request.body.strip():
        raise TwilioError(errors.BODY_REQUIRED, "Message body is required.")
    to = normalize_phone(request.to)
    if to is None:
        raise TwilioError(
            errors.INVALID_TO, f"The 'To' number {request.to} is not a valid phone number."
        )
    if request.messaging_service_sid is not None:
        check_messaging_service(request.messaging_service_sid, senders)
    from_: str | None = None
    sender_kind: SenderKind = "two_way"
    if request.from_ is not None:
        from_ = normalize_phone(request.from_) or request.from_.strip()
        sender_kind = classify_from(from_, senders)
    if len(request.body) > MAX_BODY_CHARS:
        raise TwilioError(
            errors.BODY_TOO_LONG,
            f"The concatenated message body exceeds the {MAX_BODY_CHARS} character limit.",
        )
    if request.status_callback is not None and not _is_http_url(request.status_callback):
        raise TwilioError(errors.INVALID_STATUS_CALLBACK, "Invalid StatusCallback URL.")
    return ValidCreate(
        to=to,
        from_=from_,
        sender_kind=sender_kind,
        messaging_service_sid=request.messaging_service_sid,
        body=request.body,
        status_callback=request.status_callback,
    )
