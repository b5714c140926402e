"""The acknowledgement's expected answer time, and its wording for humans (pure).

ETA = the team's next open minute + the work ahead of this conversation (the
backlog ahead plus itself) ÷ the team's recent throughput, counted in open
time; capped by the SLA deadline (SLA hours counted in open time from now);
never earlier than now + the team's observed median response time. Without
throughput history the SLA deadline is the promise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from .directory import DEFAULT_SLA_HOURS
from .hours import HoursError, Schedule

_DAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_DAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
              "septembre", "octobre", "novembre", "décembre")
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")


@dataclass(frozen=True)
class QueueStats:
    """What the handler measured for the team (from the database)."""

    backlog_ahead: int
    throughput_per_hour: float | None
    median_minutes: float | None
    window_days: int = 14


@dataclass(frozen=True)
class Eta:
    deadline: datetime
    next_open: datetime
    sla_deadline: datetime
    estimate: datetime | None
    capped_by: str | None  # "sla" (the SLA bound it), "median" (the floor did), or None
    basis: str  # "throughput" or "no_history"
    priority: str
    sla_hours: float
    stats: QueueStats

    def explanation(self) -> dict[str, Any]:
        return {
            "next_open": self.next_open.isoformat(),
            "backlog": self.stats.backlog_ahead,
            "throughput_per_hour": (round(self.stats.throughput_per_hour, 3)
                                    if self.stats.throughput_per_hour is not None else None),
            "median_minutes": (round(self.stats.median_minutes, 1)
                               if self.stats.median_minutes is not None else None),
            "window_days": self.stats.window_days,
            "priority": self.priority,
            "sla_hours": self.sla_hours,
            "sla_deadline": self.sla_deadline.isoformat(),
            "estimate": self.estimate.isoformat() if self.estimate else None,
            "basis": self.basis,
            "deadline": self.deadline.isoformat(),
            "capped_by": self.capped_by,
        }


def estimate_eta(
    now: datetime, priority: str, schedule: Schedule, stats: QueueStats, sla_hours: float
) -> Eta:
    """When the patient can expect an answer, with the reason for the bound chosen."""
    next_open = schedule.next_open(now)
    sla_deadline = _after_open_time(schedule, now, next_open, sla_hours * 60)
    estimate: datetime | None = None
    if stats.throughput_per_hour and stats.throughput_per_hour > 0:
        work_minutes = (stats.backlog_ahead + 1) / stats.throughput_per_hour * 60
        estimate = _after_open_time(schedule, next_open, next_open, work_minutes)
    capped_by: str | None
    if estimate is None or estimate > sla_deadline:
        deadline, capped_by = sla_deadline, "sla"
    else:
        deadline, capped_by = estimate, None
    if stats.median_minutes:
        floor = now + timedelta(minutes=stats.median_minutes)
        if floor > deadline:
            deadline, capped_by = floor, "median"
    return Eta(
        deadline=deadline,
        next_open=next_open,
        sla_deadline=sla_deadline,
        estimate=estimate,
        capped_by=capped_by,
        basis="throughput" if estimate is not None else "no_history",
        priority=priority,
        sla_hours=sla_hours,
        stats=stats,
    )


def _after_open_time(schedule: Schedule, start: datetime, next_open: datetime,
                     minutes: float) -> datetime:
    """`minutes` of opening after `start`; hours too sparse to hold them within the search
    horizon (a valid but odd directory) count them from the next opening instead."""
    try:
        return schedule.add_open_time(start, minutes)
    except HoursError:
        return next_open + timedelta(minutes=minutes)


def answer_deadline(now: datetime, priority: str, sla_hours: dict[str, int] | None = None) -> datetime:
    """Now + the SLA in wall-clock hours (the ETA without a directory or history)."""
    hours = (sla_hours or DEFAULT_SLA_HOURS).get(priority, DEFAULT_SLA_HOURS["P3"])
    return now + timedelta(hours=hours)


def _clock(local: datetime, lang: str) -> str:
    if lang == "en":
        if local.hour == 12 and not local.minute:
            return "12 pm"
        hour = local.hour % 12 or 12
        suffix = "am" if local.hour < 12 else "pm"
        return f"{hour}:{local.minute:02d} {suffix}" if local.minute else f"{hour} {suffix}"
    return f"{local.hour} h {local.minute:02d}" if local.minute else f"{local.hour} h"


def word_moment(moment: datetime, now: datetime, tz: str, lang: str = "fr") -> str:
    """'16 h', 'demain 12 h', 'lundi 9 h', 'le lundi 9 juin 9 h' (EN: '4 pm', 'tomorrow 12 pm',
    'Monday 9 am', 'Monday 9 June 9 am'); midnight is 'minuit' / 'midnight' of the day before."""
    zone = ZoneInfo(tz)
    local = moment.astimezone(zone)
    midnight = local.hour == 0 and local.minute == 0
    day = local.date() - timedelta(days=1) if midnight else local.date()
    days = (day - now.astimezone(zone).date()).days
    en = lang == "en"
    clock = ("midnight" if en else "minuit") if midnight else _clock(local, lang)
    if days <= 0:
        return clock
    if days == 1:
        return f"tomorrow {clock}" if en else f"demain {clock}"
    if days < 7:
        return f"{_DAYS_EN[day.weekday()]} {clock}" if en else f"{_DAYS_FR[day.weekday()]} {clock}"
    if en:
        return f"{_DAYS_EN[day.weekday()]} {day.day} {_MONTHS_EN[day.month - 1]} {clock}"
    return f"le {_DAYS_FR[day.weekday()]} {day.day} {_MONTHS_FR[day.month - 1]} {clock}"


def word_deadline(deadline: datetime, now: datetime, tz: str, lang: str = "fr") -> str:
    """'avant 16 h', 'avant demain 12 h', 'avant lundi 9 h' / 'by tomorrow 12 pm' (rounded up
    to the hour: a promise is kept early, not late)."""
    local = deadline.astimezone(ZoneInfo(tz))
    if local.minute or local.second or local.microsecond:
        local = (local + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    when = word_moment(local, now, tz, lang)
    return f"by {when}" if lang == "en" else f"avant {when}"
