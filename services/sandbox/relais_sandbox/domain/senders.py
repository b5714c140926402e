"""Who a message is sent from: a two-way number of the account or a one-way alphanumeric ID.

French rules (2023) keep 06/07 numbers for person-to-person traffic: a clinic sends from a
two-way 09 37–09 39 number or short code (patients may answer), or from an alphanumeric
sender ID (one-way, nobody can answer).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import errors
from .errors import TwilioError
from .messages import SenderKind

# Up to 11 of A–Z a–z 0–9 space + - _ & . with at least one letter (as Twilio accepts them).
_ALPHANUMERIC_ID = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9 +\-_&.]{1,11}$")
_MESSAGING_SERVICE_SID = re.compile(r"^MG[0-9A-Za-z]{32}$")


@dataclass(frozen=True)
class SenderConfig:
    """The sandbox account's senders."""

    two_way_numbers: tuple[str, ...]
    alphanumeric_id: str
    messaging_service_sid: str

    @property
    def service_number(self) -> str:
        """The number a Messaging Service send goes out from (its sender pool's first)."""
        return self.two_way_numbers[0]


def is_alphanumeric_id(value: str) -> bool:
    return bool(_ALPHANUMERIC_ID.match(value))


def classify_from(from_: str, senders: SenderConfig) -> SenderKind:
    """`two_way` for one of the account's numbers, `one_way` for an alphanumeric ID.

    Any well-formed alphanumeric ID is accepted (an account with alpha sender enabled may
    use any); a number must belong to the account (Twilio 21606), else it is malformed (21212).
    """
    if from_ in senders.two_way_numbers:
        return "two_way"
    if from_.startswith("+") and from_[1:].isdigit():
        raise TwilioError(
            errors.FROM_NOT_OWNED,
            f"The From phone number {from_} is not a valid, SMS-capable inbound phone number "
            "or short code for your account.",
        )
    if is_alphanumeric_id(from_):
        return "one_way"
    raise TwilioError(
        errors.INVALID_FROM,
        f"The 'From' number {from_} is not a valid phone number, shortcode, "
        "or alphanumeric sender ID.",
    )


def check_messaging_service(sid: str, senders: SenderConfig) -> None:
    if not _MESSAGING_SERVICE_SID.match(sid):
        raise TwilioError(errors.MESSAGING_SERVICE_INVALID, "The Messaging Service Sid is invalid.")
    if sid != senders.messaging_service_sid:
        raise TwilioError(
            errors.MESSAGING_SERVICE_NOT_FOUND, f"The Messaging Service {sid} does not exist."
        )
