"""Finding, at the provider, the copy of a message whose send attempt was ambiguous."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime

from .sms import ProviderMessage


def normalise_body(text: str) -> str:
    """Bodies compare modulo line endings and surrounding whitespace."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _same_address(a: str, b: str) -> bool:
    return a.replace(" ", "").lower() == b.replace(" ", "").lower()


def lookup_since(written_at: datetime, clock_skew: timedelta) -> date:
    """The `DateSent>=` day (UTC) to ask the provider about."""
    return (written_at - clock_skew).astimezone(UTC).date()


def parse_provider_date(value: str | None) -> datetime | None:
    """Twilio dates are RFC 2822 ("Wed, 25 Nov 2026 09:30:00 +0000"); ISO 8601 is accepted too."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def find_sent_copy(
    candidates: Iterable[ProviderMessage],
    *,
    to: str,
    sender: str,
    body: str,
    written_at: datetime,
    clock_skew: timedelta,
    claimed: frozenset[str] = frozenset(),
) -> ProviderMessage | None:
    """The provider's message that is this notification, if any.

    Same recipient, same body, created after the ledger row was written (give or
    take the clock skew), outbound, and not already claimed by another
    notification (an identical text sent earlier must not be mistaken for this one).
    The earliest such message wins.
    """
    wanted = normalise_body(body)
    earliest = written_at - clock_skew
    matches = [
        m
        for m in candidates
        if m.sid not in claimed
        and _same_address(m.to, to)
        and (m.sender is None or _same_address(m.sender, sender))
        and not (m.direction or "").startswith("inbound")
        and normalise_body(m.body) == wanted
        and (m.date_created is None or m.date_created >= earliest)
    ]
    if not matches:
        return None
    far_future = datetime.max.replace(tzinfo=UTC)
    return min(matches, key=lambda m: m.date_created or far_future)
