"""Opening hours in the site's time zone: weekly ranges, DST days, public holidays."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from relais_router.domain.hours import (
    HoursError,
    Schedule,
    WeeklyHours,
    holiday_calendar,
    normalise_subdivision,
)

pytestmark = pytest.mark.unit

PARIS = ZoneInfo("Europe/Paris")
REUNION = ZoneInfo("Indian/Reunion")
ACCUEIL = WeeklyHours.parse({"mon-fri": "08:00-19:00", "sat": "08:00-12:00"})


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def schedule(weekly=ACCUEIL, zone=PARIS, country="FR", subdivision=None, **kw) -> Schedule:
    return Schedule(zone, weekly, holiday_calendar(country, subdivision), **kw)


def test_weekly_hours_parse_ranges_split_days_and_midnight():
    hours = WeeklyHours.parse({"mon-thu": "09:00-12:00, 14:00-17:00", "fri": ["09:00-12:00"],
                               "sun": "20:00-24:00"})
    spec = hours.to_spec()
    assert spec["tue"] == ["09:00-12:00", "14:00-17:00"]
    assert spec["fri"] == ["09:00-12:00"] and spec["sat"] == []
    assert spec["sun"] == ["20:00-24:00"]
    assert hours.to_compact() == {"mon-thu": "09:00-12:00, 14:00-17:00", "fri": "09:00-12:00",
                                  "sun": "20:00-24:00"}
    assert WeeklyHours.parse(hours.to_compact()) == hours == WeeklyHours.parse(spec)


@pytest.mark.parametrize("spec, message", [
    ({"mon": "09:00-12:00, 11:00-13:00"}, "overlap"),
    ({"mon-fri": "08:00-19:00", "fri": "08:00-12:00"}, "twice"),
    ({"mon": "19:00-08:00"}, "ends before"),
    ({"mon": "8h-12h"}, "HH:MM"),
    ({"lundi": "08:00-12:00"}, "mon"),
    ({"fri-mon": "08:00-12:00"}, "forward"),
    ({"mon": "25:00-26:00"}, "time of day"),
    ({"mon": "closed"}, "no opening"),
])
def test_unusable_hours_are_refused_with_a_reason(spec, message):
    with pytest.raises(HoursError, match=message):
        WeeklyHours.parse(spec)


def test_open_during_hours_and_next_open_after_the_weekend():
    s = schedule()
    assert s.is_open(paris(2026, 11, 25, 10, 0))  # Wednesday
    assert not s.is_open(paris(2026, 11, 25, 19, 0))  # closing time is exclusive
    saturday_noon = paris(2026, 11, 28, 12, 30)
    assert s.next_open(saturday_noon) == paris(2026, 11, 30, 8, 0)  # Monday
    assert s.next_open(paris(2026, 11, 25, 10, 0)) == paris(2026, 11, 25, 10, 0)


def test_spring_forward_weekend_next_open_and_open_time_are_real_hours():
    # Clocks go 02:00 -> 03:00 in Paris on Sunday 29 March 2026.
    s = schedule()
    saturday_night = paris(2026, 3, 28, 22, 0)
    monday = s.next_open(saturday_night)
    assert monday == paris(2026, 3, 30, 8, 0)
    assert monday.astimezone(UTC).hour == 6  # CEST now
    always = Schedule(PARIS, None)
    assert always.open_hours_between(paris(2026, 3, 29, 0, 0), paris(2026, 3, 30, 0, 0)) == 23
    night = Schedule(PARIS, WeeklyHours.parse({"sun": "01:00-04:00"}))
    assert night.open_hours_between(paris(2026, 3, 29, 0, 0), paris(2026, 3, 30, 0, 0)) == 2
    # An opening at a wall time that does not exist starts when the clocks do.
    gap = Schedule(PARIS, WeeklyHours.parse({"sun": "02:30-05:00"}))
    start = gap.next_open(paris(2026, 3, 28, 12, 0))
    assert start.astimezone(PARIS).replace(tzinfo=None) == datetime(2026, 3, 29, 3, 30)
    assert gap.is_open(start)


def test_fall_back_day_has_a_25_hour_opening_and_add_open_time_counts_real_time():
    always = Schedule(PARIS, None)
    assert always.open_hours_between(paris(2026, 10, 25, 0, 0), paris(2026, 10, 26, 0, 0)) == 25
    night = Schedule(PARIS, WeeklyHours.parse({"sun": "01:00-04:00"}))
    start = datetime(2026, 10, 24, 23, 0, tzinfo=UTC)  # Sunday 01:00 CEST
    end = night.add_open_time(start, 4 * 60)  # the opening lasts 4 real hours that night
    assert end == datetime(2026, 10, 25, 3, 0, tzinfo=UTC)


def test_add_open_time_skips_closed_hours():
    s = schedule()
    friday_evening = paris(2026, 11, 27, 18, 0)
    # 1 h left on Friday, 4 h on Saturday morning, then Monday 08:00 + 3 h.
    assert s.add_open_time(friday_evening, 8 * 60) == paris(2026, 11, 30, 11, 0)
    assert s.add_open_time(paris(2026, 11, 28, 13, 0), 0) == paris(2026, 11, 30, 8, 0)


def test_national_holiday_closes_the_team_unless_it_opens_on_holidays():
    bastille = paris(2026, 7, 14, 10, 0)  # a Tuesday
    assert not schedule().is_open(bastille)
    assert schedule().next_open(bastille) == paris(2026, 7, 15, 8, 0)
    assert schedule(open_on_holidays=True).is_open(bastille)
    assert schedule().holiday_name(date(2026, 7, 14))


def test_overseas_subdivision_holiday_in_its_own_time_zone():
    # 20 December: abolition of slavery, a public holiday in La Réunion only.
    monday = datetime(2027, 12, 20, 9, 0, tzinfo=REUNION)
    reunion = schedule(zone=REUNION, subdivision="974")
    assert not reunion.is_open(monday)
    assert reunion.next_open(monday) == datetime(2027, 12, 21, 8, 0, tzinfo=REUNION)
    assert schedule(zone=REUNION).is_open(monday)  # metropolitan calendar: a working day
    assert normalise_subdivision("FR", "La Réunion") == "974"
    assert normalise_subdivision("FR", "RE") == "974"


def test_alsace_moselle_good_friday():
    good_friday = paris(2026, 4, 3, 10, 0)
    assert not schedule(subdivision="57").is_open(good_friday)
    assert schedule().is_open(good_friday)


def test_unknown_subdivision_or_country_is_refused():
    with pytest.raises(HoursError, match="974"):
        normalise_subdivision("FR", "Atlantis")
    with pytest.raises(HoursError):
        normalise_subdivision("ZZ", None)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        schedule().is_open(datetime(2026, 1, 5, 10, 0))


_ZONES = ["Europe/Paris", "Indian/Reunion", "America/Martinique", "America/Cayenne",
          "Pacific/Noumea", "America/New_York"]


@st.composite
def weekly_hours(draw) -> WeeklyHours:
    days: dict[str, list[str]] = {}
    for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"):
        cuts = sorted(draw(st.sets(st.integers(0, 96), max_size=4)))
        if len(cuts) % 2:
            cuts = cuts[:-1]
        ranges = [(cuts[i] * 15, cuts[i + 1] * 15) for i in range(0, len(cuts), 2)]
        days[day] = [f"{a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d}" for a, b in ranges]
    if not any(days.values()):
        days["wed"] = ["09:00-10:00"]
    return WeeklyHours.parse(days)


@settings(max_examples=300, deadline=None)
@given(
    weekly=weekly_hours(),
    zone=st.sampled_from(_ZONES),
    subdivision=st.sampled_from([None, "974", "971", "57"]),
    moment=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31),
                        timezones=st.just(UTC)),
    minutes=st.floats(0, 3000),
)
def test_next_open_minute_is_open_and_not_before_now(weekly, zone, subdivision, moment, minutes):
    s = schedule(weekly=weekly, zone=ZoneInfo(zone), subdivision=subdivision)
    nxt = s.next_open(moment)
    assert nxt >= moment
    assert s.is_open(nxt)
    if s.is_open(moment):
        assert nxt == moment
    else:  # nothing open in between: one minute earlier it was still closed
        assert nxt - timedelta(minutes=1) < moment or not s.is_open(nxt - timedelta(minutes=1))
    try:
        later = s.add_open_time(moment, minutes)
    except HoursError:  # hours too sparse: refused only when a year and more cannot hold it
        horizon = s.open_hours_between(moment, moment + timedelta(days=366))
        assert horizon * 60 < minutes
        return
    assert later >= nxt
    assert s.open_hours_between(moment, later) == pytest.approx(minutes / 60, abs=1e-6)
