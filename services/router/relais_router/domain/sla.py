"""SLA clocks of the inbox (pure): when a first answer is due, pausing and resuming the clock,
and whether a breach may page anyone now.

- The clock runs in the team's opening hours and stops on the site's holidays (the
  `Schedule` of the directory), except for an urgent conversation, whose clock runs day
  and night: urgency does not wait for the clinic to open.
- It stops for good once an agent has answered (the database stamps `first_response_at`).
- Snoozed or waiting on the patient, it is paused: what was left of it, in open hours, is
  kept and counted again from the moment it resumes.
- A breach alerts the team's leads only while the team is open; only an urgent one may
  page anyone at night (peers' users complain most about being woken for a non-urgent
  backlog).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .hours import HoursError, Schedule


def first_answer_due(
    start: datetime, sla_hours: float, schedule: Schedule, *, urgent: bool
) -> datetime:
    """When the first answer is due for a conversation opened at `start`."""
    if urgent or schedule.always_open:
        return start + timedelta(hours=sla_hours)
    return _add_open_seconds(schedule, start, sla_hours * 3600)


def remaining_when_paused(
    now: datetime, due_at: datetime, schedule: Schedule, *, urgent: bool
) -> float:
    """Seconds of the clock left at `now` (open-hours seconds unless urgent); negative once
    past due."""
    if due_at <= now:
        return (due_at - now).total_seconds()
    if urgent or schedule.always_open:
        return (due_at - now).total_seconds()
    return schedule.open_hours_between(now, due_at) * 3600


def due_after_resume(
    now: datetime, remaining_s: float, schedule: Schedule, *, urgent: bool
) -> datetime:
    """The new deadline when a paused clock runs again at `now` with `remaining_s` left."""
    if remaining_s <= 0:
        return now + timedelta(seconds=remaining_s)  # it was already late: it stays late
    if urgent or schedule.always_open:
        return now + timedelta(seconds=remaining_s)
    return _add_open_seconds(schedule, now, remaining_s)


def breach_may_alert(now: datetime, schedule: Schedule, *, urgent: bool) -> bool:
    """May a breach alert the team's leads at `now`? Urgent: always; otherwise only while
    the team is open (the alert waits for the opening instead of paging at night)."""
    return urgent or schedule.is_open(now)


def _add_open_seconds(schedule: Schedule, start: datetime, seconds: float) -> datetime:
    try:
        return schedule.add_open_time(start, seconds / 60)
    except HoursError:  # hours too sparse to hold it within the search horizon
        return schedule.next_open(start) + timedelta(seconds=seconds)
