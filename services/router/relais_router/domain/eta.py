"""The acknowledgement's expected answer time, worded for humans."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

DEFAULT_SLA_HOURS = {"P1": 1, "P2": 4, "P3": 24, "P4": 72}
_DAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_DAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def answer_deadline(now: datetime, priority: str, sla_hours: dict[str, int] | None = None) -> datetime:
    hours = (sla_hours or DEFAULT_SLA_HOURS).get(priority, DEFAULT_SLA_HOURS["P3"])
    return now + timedelta(hours=hours)


def word_deadline(deadline: datetime, now: datetime, tz: str, lang: str = "fr") -> str:
    """'avant 16 h', 'avant demain 12 h', 'avant jeudi 9 h' (rounded up to the hour)."""
    zone = ZoneInfo(tz)
    local = deadline.astimezone(zone)
    if local.minute or local.second:
        local = (local + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    days = (local.date() - now.astimezone(zone).date()).days
    if lang == "en":
        hour = local.strftime("%-I %p").lower()
        when = "" if days == 0 else "tomorrow " if days == 1 else f"{_DAYS_EN[local.weekday()]} "
        return f"by {when}{hour}"
    when = "" if days == 0 else "demain " if days == 1 else f"{_DAYS_FR[local.weekday()]} "
    return f"avant {when}{local.hour} h"
