"""Provider dates: RFC 2822 on the wire (as Twilio), UTC and whole seconds inside."""

from __future__ import annotations

from datetime import UTC, date, datetime
from email.utils import format_datetime


def utc_now() -> datetime:
    """Now in UTC, truncated to the second as the provider stores it."""
    return datetime.now(UTC).replace(microsecond=0)


def rfc2822(value: datetime | None) -> str | None:
    """`Thu, 24 Aug 2023 05:01:45 +0000`, or None for a date not reached yet."""
    if value is None:
        return None
    return format_datetime(value.astimezone(UTC))


def parse_day_or_instant(raw: str) -> tuple[datetime, bool]:
    """`YYYY-MM-DD` (midnight UTC, True) or an ISO 8601 date-time (False); naive means UTC.

    Raises ValueError for anything else.
    """
    text = raw.strip()
    if len(text) == 10:
        day = date.fromisoformat(text)
        return datetime(day.year, day.month, day.day, tzinfo=UTC), True
    instant = datetime.fromisoformat(text)
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(UTC), False
