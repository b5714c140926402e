"""Which messages a listing returns: Twilio's `To`/`From`/`DateSent` filters and the sandbox's own.

Twilio's inequalities arrive as query names `DateSent>` and `DateSent<` (the URL reads
`DateSent>=2024-05-01`, i.e. name `DateSent>` and value `2024-05-01`). A `YYYY-MM-DD` value
means midnight UTC of that day ("on or after / on or before midnight"); an ISO 8601
date-time is compared to the second. `DateSent=YYYY-MM-DD` is that whole UTC day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from . import errors
from .dates import parse_day_or_instant
from .errors import TwilioError
from .messages import Message
from .validation import normalize_phone

_ONE_DAY = timedelta(days=1)
_ONE_SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class MessageFilter:
    """All set conditions must hold; bounds are inclusive except `sent_before` (exclusive)."""

    to: str | None = None
    from_: str | None = None
    status: str | None = None
    sent_from: datetime | None = None
    sent_before: datetime | None = None
    created_from: datetime | None = None

    def matches(self, message: Message) -> bool:
        if self.to is not None and message.to != self.to:
            return False
        if self.from_ is not None and message.from_ != self.from_:
            return False
        if self.status is not None and message.status != self.status:
            return False
        if self.created_from is not None and message.date_created < self.created_from:
            return False
        if self.sent_from is not None or self.sent_before is not None:
            sent = message.date_sent
            if sent is None:
                return False
            if self.sent_from is not None and sent < self.sent_from:
                return False
            if self.sent_before is not None and sent >= self.sent_before:
                return False
        return True


def _address(raw: str | None) -> str | None:
    if raw is None or raw == "":
        return None
    return normalize_phone(raw) or raw


def _date_param(name: str, raw: str) -> tuple[datetime, bool]:
    try:
        return parse_day_or_instant(raw)
    except ValueError:
        raise TwilioError(
            errors.INVALID_PARAMETER,
            f"Invalid {name}: expected YYYY-MM-DD or ISO 8601, got {raw!r}",
        ) from None


def _lift_inequalities(params: Mapping[str, str]) -> dict[str, str]:
    """Also accept `DateSent>=…` sent as one escaped name with an empty value."""
    lifted = dict(params)
    for key, value in params.items():
        for op in (">", "<"):
            prefix = f"DateSent{op}="
            if key.startswith(prefix) and not value:
                lifted.setdefault(f"DateSent{op}", key[len(prefix) :])
    return lifted


def parse_twilio_filter(params: Mapping[str, str]) -> MessageFilter:
    """The filter of `GET …/Messages.json`; raises TwilioError 20001 for an unreadable date."""
    query = _lift_inequalities(params)
    sent_from: datetime | None = None
    sent_before: datetime | None = None
    if query.get("DateSent"):
        at, whole_day = _date_param("DateSent", query["DateSent"])
        sent_from, sent_before = at, at + (_ONE_DAY if whole_day else _ONE_SECOND)
    if query.get("DateSent>"):
        at, _ = _date_param("DateSent>", query["DateSent>"])
        sent_from = max(at, sent_from) if sent_from else at
    if query.get("DateSent<"):
        at, _ = _date_param("DateSent<", query["DateSent<"])
        upper = at + _ONE_SECOND
        sent_before = min(upper, sent_before) if sent_before else upper
    return MessageFilter(
        to=_address(query.get("To")),
        from_=_address(query.get("From")),
        status=query.get("Status") or None,
        sent_from=sent_from,
        sent_before=sent_before,
    )


def parse_since(raw: str | None) -> datetime | None:
    """The sandbox listing's `since` (creation time, inclusive): a day or an ISO date-time."""
    if not raw:
        return None
    try:
        return parse_day_or_instant(raw)[0]
    except ValueError:
        raise ValueError(f"since must be YYYY-MM-DD or ISO 8601, got {raw!r}") from None
