"""Reserved test numbers: what the sandbox does for them (documented in services/sandbox/README.md).

Like Twilio's magic test numbers, but French: `+33600000XXX` accept the message and end
with delivery error 30XXX; `+336000YYYYY` refuse it at creation with Twilio error YYYYY.
Every other number gets its message delivered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from . import errors
from .errors import TwilioError

FinalStatus = Literal["sent", "delivered", "undelivered", "failed"]


@dataclass(frozen=True)
class FinalOutcome:
    """Where a created message ends; `sent` means no delivery receipt ever comes."""

    status: FinalStatus
    error_code: int | None = None
    error_message: str | None = None


DELIVERED = FinalOutcome("delivered")

DELIVERY_OUTCOMES: dict[str, FinalOutcome] = {
    "+33600000001": FinalOutcome("sent"),
    "+33600000003": FinalOutcome("undelivered", 30003, "Unreachable destination handset"),
    "+33600000005": FinalOutcome("undelivered", 30005, "Unknown destination handset"),
    "+33600000006": FinalOutcome("undelivered", 30006, "Landline or unreachable carrier"),
    "+33600000007": FinalOutcome("undelivered", 30007, "Message filtered"),
    "+33600000008": FinalOutcome("failed", 30008, "Unknown error"),
}

CREATE_REJECTIONS: dict[str, tuple[int, str]] = {
    "+33600021211": (errors.INVALID_TO, "The 'To' number {to} is not a valid phone number."),
    "+33600021610": (errors.UNSUBSCRIBED_RECIPIENT, "Attempt to send to unsubscribed recipient"),
    "+33600021612": (
        errors.TO_NOT_REACHABLE,
        "The 'To' phone number: {to}, is not currently reachable via SMS.",
    ),
    "+33600021614": (errors.TO_NOT_MOBILE, "'To' number is not a valid mobile number"),
}


def check_creatable(to: str) -> None:
    """Raise the Twilio error a reserved refusing number gets at creation time."""
    rejection = CREATE_REJECTIONS.get(to)
    if rejection is not None:
        code, message = rejection
        raise TwilioError(code, message.format(to=to))


def outcome_for(to: str) -> FinalOutcome:
    return DELIVERY_OUTCOMES.get(to, DELIVERED)
