"""SLA clocks of the inbox: open-hours deadlines, holidays, pausing and resuming, night alerts."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from relais_router.domain import sla
from relais_router.domain.hours import Schedule, WeeklyHours, holiday_calendar

pytestmark = pytest.mark.unit

PARIS = ZoneInfo("Europe/Paris")
WEEKDAYS = Schedule(
    PARIS, WeeklyHours.parse({"mon-fri": "08:00-18:00"}), holiday_calendar("FR", None)
)
ALWAYS = Schedule(PARIS, None)


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def test_first_answer_due_counts_open_hours_only_and_skips_weekends_and_holidays():
    # Friday 17:00 + 4 h: one hour on Friday, three on Monday morning
    assert sla.first_answer_due(paris(2026, 12, 4, 17), 4, WEEKDAYS, urgent=False) == paris(
        2026, 12, 7, 11
    )
    # Thursday 24 December 17:00 + 2 h: Christmas Day is a holiday -> Monday 28th 09:00
    assert sla.first_answer_due(paris(2026, 12, 24, 17), 2, WEEKDAYS, urgent=False) == paris(
        2026, 12, 28, 9
    )
    # at night, the clock starts at the opening
    assert sla.first_answer_due(paris(2026, 12, 8, 23), 1, WEEKDAYS, urgent=False) == paris(
        2026, 12, 9, 9
    )


def test_an_urgent_clock_runs_day_and_night():
    start = paris(2026, 12, 5, 23)  # Saturday night
    assert sla.first_answer_due(start, 0.25, WEEKDAYS, urgent=True) == start + timedelta(minutes=15)
    assert sla.first_answer_due(start, 2, ALWAYS, urgent=False) == start + timedelta(hours=2)


def test_a_pause_keeps_the_open_hours_left_and_resumes_with_them():
    due = paris(2026, 12, 7, 11)  # Monday 11:00
    paused_at = paris(2026, 12, 4, 17)  # Friday 17:00: one hour Friday + three Monday left
    left = sla.remaining_when_paused(paused_at, due, WEEKDAYS, urgent=False)
    assert left == pytest.approx(4 * 3600)
    # woken on Tuesday 10:00 with four open hours left: due Tuesday 14:00, the pause not counted
    assert sla.due_after_resume(paris(2026, 12, 8, 10), left, WEEKDAYS, urgent=False) == paris(
        2026, 12, 8, 14
    )
    # woken at night: the four hours count from the opening
    assert sla.due_after_resume(paris(2026, 12, 8, 22), left, WEEKDAYS, urgent=False) == paris(
        2026, 12, 9, 12
    )


def test_a_clock_paused_when_already_late_stays_late_by_as_much():
    now = paris(2026, 12, 8, 12)
    left = sla.remaining_when_paused(now, now - timedelta(minutes=20), WEEKDAYS, urgent=False)
    assert left == pytest.approx(-20 * 60)
    later = paris(2026, 12, 9, 9)
    assert sla.due_after_resume(later, left, WEEKDAYS, urgent=False) == later - timedelta(
        minutes=20
    )


def test_urgent_pauses_count_real_seconds():
    now = paris(2026, 12, 5, 23)
    left = sla.remaining_when_paused(now, now + timedelta(minutes=10), WEEKDAYS, urgent=True)
    assert left == pytest.approx(600)
    assert sla.due_after_resume(
        now + timedelta(hours=1), left, WEEKDAYS, urgent=True
    ) == now + timedelta(hours=1, minutes=10)


def test_a_non_urgent_breach_never_pages_at_night_or_on_a_holiday():
    assert sla.breach_may_alert(paris(2026, 12, 8, 10), WEEKDAYS, urgent=False)
    assert not sla.breach_may_alert(paris(2026, 12, 8, 3), WEEKDAYS, urgent=False)
    assert not sla.breach_may_alert(paris(2026, 12, 25, 10), WEEKDAYS, urgent=False)
    assert sla.breach_may_alert(paris(2026, 12, 8, 3), WEEKDAYS, urgent=True)
