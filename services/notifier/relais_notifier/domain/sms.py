"""What one SMS send attempt can come to, and what a provider's answer means.

The classification matters more than anything else here: only an answer that
proves the message was *not* taken may be retried blindly; anything that may
have reached the provider is ambiguous and must be reconciled first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from .status import TWILIO_NOT_SMS_CAPABLE, TWILIO_OPTED_OUT


@dataclass(frozen=True)
class OutboundSms:
    to: str
    sender: str
    body: str
    status_callback: str


@dataclass(frozen=True)
class ProviderMessage:
    """A message as the provider lists it (Twilio's Message resource, trimmed)."""

    sid: str
    to: str
    sender: str | None
    body: str
    status: str | None
    direction: str | None
    date_created: datetime | None


@dataclass(frozen=True)
class Accepted:
    """The provider took the message (2xx)."""

    sid: str | None


@dataclass(frozen=True)
class NotSent:
    """The provider certainly did not take it (429, 503, refused connection): retry later."""

    reason: str
    code: str | None = None


@dataclass(frozen=True)
class Refused:
    """A permanent refusal for this message (4xx): never retried."""

    state: Literal["failed", "suppressed"]
    code: str | None
    reason: str


@dataclass(frozen=True)
class Ambiguous:
    """The request may have reached the provider (timeout, dropped connection, other 5xx)."""

    reason: str


SendResult = Accepted | NotSent | Refused | Ambiguous


class ProviderUnavailable(Exception):
    """A lookup at the provider failed; nothing can be concluded from it."""


# Answers that say "not now" before any processing: rate limit, unavailable, a timeout
# of the request itself, credentials (not the message's fault). Retried later.
_NOT_SENT = frozenset({401, 403, 408, 429, 503})


def classify_refusal(http_status: int, error_code: str | None) -> SendResult:
    """The meaning of a non-2xx answer to a send request."""
    if http_status in _NOT_SENT:
        return NotSent(f"http_{http_status}", error_code)
    if http_status >= 500:
        # A 500 may come after the message was created (an error while answering), and a
        # gateway's 502/504 after it forwarded the request: reconcile before any resend.
        return Ambiguous(f"http_{http_status}")
    if error_code == TWILIO_OPTED_OUT:
        return Refused("suppressed", error_code, "recipient opted out at the provider")
    if error_code == TWILIO_NOT_SMS_CAPABLE:
        return Refused("failed", error_code, "address is not SMS-capable")
    return Refused("failed", error_code or str(http_status), f"http_{http_status}")
