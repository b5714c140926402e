"""The ETA: next open minute + work ahead ÷ throughput, capped by the SLA, floored by the
median; worded for humans in French and English."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from relais_router.domain.eta import QueueStats, estimate_eta, word_deadline, word_moment
from relais_router.domain.hours import Schedule, WeeklyHours

pytestmark = pytest.mark.unit

PARIS = ZoneInfo("Europe/Paris")
WEEKDAYS_8_19 = Schedule(PARIS, WeeklyHours.parse({"mon-fri": "08:00-19:00"}))
ALWAYS = Schedule(PARIS, None)


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS).astimezone(UTC)


WEDNESDAY_10 = paris(2026, 11, 25, 10, 0)


@pytest.mark.parametrize("deadline, fr, en", [
    (paris(2026, 11, 25, 15, 20), "avant 16 h", "by 4 pm"),
    (paris(2026, 11, 26, 12, 0), "avant demain 12 h", "by tomorrow 12 pm"),
    (paris(2026, 11, 26, 0, 0), "avant minuit", "by midnight"),
    (paris(2026, 11, 25, 23, 10), "avant minuit", "by midnight"),
    (paris(2026, 11, 30, 9, 0), "avant lundi 9 h", "by Monday 9 am"),
    (paris(2026, 11, 28, 8, 45), "avant samedi 9 h", "by Saturday 9 am"),
    (paris(2026, 12, 9, 14, 0), "avant le mercredi 9 décembre 14 h",
     "by Wednesday 9 December 2 pm"),
])
def test_deadline_is_worded_in_french_and_english(deadline, fr, en):
    assert word_deadline(deadline, WEDNESDAY_10, "Europe/Paris", "fr") == fr
    assert word_deadline(deadline, WEDNESDAY_10, "Europe/Paris", "en") == en


def test_a_moment_keeps_its_minutes_and_the_site_time_zone_decides_the_day():
    assert word_moment(paris(2026, 11, 30, 8, 30), WEDNESDAY_10, "Europe/Paris") == "lundi 8 h 30"
    assert word_moment(paris(2026, 11, 30, 8, 30), WEDNESDAY_10, "Europe/Paris", "en") == \
        "Monday 8:30 am"
    # 23:30 in Paris on Wednesday is already Thursday 02:30 in La Réunion.
    late = paris(2026, 11, 25, 23, 30)
    assert word_deadline(late, WEDNESDAY_10, "Indian/Reunion") == "avant demain 3 h"


def test_backlog_over_throughput_from_the_next_open_minute():
    stats = QueueStats(backlog_ahead=3, throughput_per_hour=2.0, median_minutes=None)
    eta = estimate_eta(WEDNESDAY_10, "P3", WEEKDAYS_8_19, stats, sla_hours=24)
    # (3 ahead + this one) / 2 per hour = 2 h of open time.
    assert eta.deadline == WEDNESDAY_10 + timedelta(hours=2)
    assert (eta.basis, eta.capped_by) == ("throughput", None)
    assert eta.next_open == WEDNESDAY_10


def test_closed_team_starts_counting_at_the_next_open_minute():
    friday_night = paris(2026, 11, 27, 21, 0)
    stats = QueueStats(backlog_ahead=1, throughput_per_hour=4.0, median_minutes=None)
    eta = estimate_eta(friday_night, "P3", WEEKDAYS_8_19, stats, sla_hours=24)
    assert eta.next_open == paris(2026, 11, 30, 8, 0)
    assert eta.deadline == paris(2026, 11, 30, 8, 30)
    assert word_deadline(eta.deadline, friday_night, "Europe/Paris") == "avant lundi 9 h"


def test_capped_by_the_sla_counted_in_opening_hours():
    stats = QueueStats(backlog_ahead=40, throughput_per_hour=1.0, median_minutes=None)
    eta = estimate_eta(paris(2026, 11, 27, 17, 0), "P2", WEEKDAYS_8_19, stats, sla_hours=4)
    # Friday 17:00 + 4 opening hours = 2 h on Friday and 2 h on Monday.
    assert eta.deadline == eta.sla_deadline == paris(2026, 11, 30, 10, 0)
    assert eta.capped_by == "sla"
    assert eta.estimate is not None and eta.estimate > eta.sla_deadline


def test_never_earlier_than_the_observed_median():
    stats = QueueStats(backlog_ahead=0, throughput_per_hour=30.0, median_minutes=150)
    eta = estimate_eta(WEDNESDAY_10, "P3", ALWAYS, stats, sla_hours=24)
    assert eta.deadline == WEDNESDAY_10 + timedelta(minutes=150)
    assert eta.capped_by == "median"


def test_the_median_wins_over_the_sla_an_honest_promise():
    stats = QueueStats(backlog_ahead=0, throughput_per_hour=30.0, median_minutes=300)
    eta = estimate_eta(WEDNESDAY_10, "P1", ALWAYS, stats, sla_hours=1)
    assert eta.deadline == WEDNESDAY_10 + timedelta(minutes=300)
    assert eta.capped_by == "median"


def test_without_history_the_sla_is_the_promise():
    stats = QueueStats(backlog_ahead=5, throughput_per_hour=None, median_minutes=None)
    eta = estimate_eta(WEDNESDAY_10, "P3", WEEKDAYS_8_19, stats, sla_hours=12)
    assert eta.deadline == paris(2026, 11, 26, 11, 0)  # 9 h today, then 3 h tomorrow
    assert (eta.basis, eta.capped_by) == ("no_history", "sla")


def test_explanation_lists_every_input():
    stats = QueueStats(backlog_ahead=2, throughput_per_hour=1.23456, median_minutes=42.04,
                       window_days=14)
    explained = estimate_eta(WEDNESDAY_10, "P3", ALWAYS, stats, sla_hours=24).explanation()
    assert {"next_open", "backlog", "throughput_per_hour", "median_minutes", "sla_hours",
            "deadline", "capped_by"} <= set(explained)
    assert explained["backlog"] == 2 and explained["throughput_per_hour"] == 1.235
    assert explained["median_minutes"] == 42.0 and explained["sla_hours"] == 24


def test_hours_too_sparse_for_the_sla_still_give_an_eta():
    # One minute a week cannot hold an hour of SLA within the search horizon: the worker
    # must still answer (from the next opening, in elapsed time), never crash.
    sparse = Schedule(PARIS, WeeklyHours.parse({"sun": "03:00-03:01"}))
    stats = QueueStats(backlog_ahead=0, throughput_per_hour=None, median_minutes=None)
    eta = estimate_eta(WEDNESDAY_10, "P1", sparse, stats, sla_hours=100)
    assert eta.next_open == paris(2026, 11, 29, 3, 0)
    assert eta.deadline == eta.next_open + timedelta(hours=100)
