"""Opening hours and public holidays in a site's time zone (pure: no I/O).

Hours are wall-clock intervals per weekday in the site's IANA zone; every
instant handed in or out is an aware datetime. Intervals are turned into real
instants day by day, so DST days are right: an interval's length is the real
elapsed time, and a wall-clock time that does not exist (spring forward) is
moved forward like the clocks are.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays as holidays_lib

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
MINUTES_A_DAY = 24 * 60
# Searching further than this for an opening means the hours are unusable.
_SEARCH_DAYS = 400
_DAYS_REMEMBERED = 1024  # dates of open intervals a schedule keeps (more than one search)

Interval = tuple[int, int]  # [start, end) in minutes after local midnight; end <= 1440


class HoursError(ValueError):
    """An opening-hours specification that cannot be used."""


def _minutes(hours: str, minutes: str, text: str) -> int:
    h, m = int(hours), int(minutes)
    if m > 59 or h > 24 or (h == 24 and m):
        raise HoursError(f"{text!r}: not a time of day")
    return h * 60 + m


def _parse_ranges(value: str | Sequence[str] | None, day: str) -> tuple[Interval, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        if value.strip().lower() in ("", "closed", "ferme", "fermé"):
            return ()
        parts = [p for p in value.split(",") if p.strip()]
    else:
        parts = list(value)
    ranges: list[Interval] = []
    for part in parts:
        if not isinstance(part, str):
            raise HoursError(f"{day}: {part!r} is not a 'HH:MM-HH:MM' range")
        match = _RANGE.match(part)
        if not match:
            raise HoursError(f"{day}: {part!r} is not a 'HH:MM-HH:MM' range")
        start = _minutes(match[1], match[2], part)
        end = _minutes(match[3], match[4], part)
        if end <= start:
            raise HoursError(f"{day}: {part!r} ends before it starts")
        ranges.append((start, end))
    ranges.sort()
    for (_, end), (start, _) in itertools.pairwise(ranges):
        if start < end:
            raise HoursError(f"{day}: ranges overlap")
    return tuple(ranges)


def _day_keys(key: str) -> list[int]:
    names = key.strip().lower().split("-")
    if not all(n in WEEKDAYS for n in names) or len(names) > 2:
        raise HoursError(f"{key!r}: use mon … sun or a range such as mon-fri")
    first, last = WEEKDAYS.index(names[0]), WEEKDAYS.index(names[-1])
    if last < first:
        raise HoursError(f"{key!r}: a range runs forward (mon-fri)")
    return list(range(first, last + 1))


def _fmt(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@dataclass(frozen=True)
class WeeklyHours:
    """Opening intervals for each weekday (Monday first)."""

    days: tuple[tuple[Interval, ...], ...]

    @classmethod
    def parse(cls, spec: Mapping[str, str | Sequence[str] | None]) -> WeeklyHours:
        """From `{"mon-fri": "08:00-19:00", "sat": ["08:00-12:00"]}`; HoursError if unusable."""
        days: list[tuple[Interval, ...] | None] = [None] * 7
        for key, value in spec.items():
            for index in _day_keys(str(key)):
                if days[index] is not None:
                    raise HoursError(f"{WEEKDAYS[index]} is given twice")
                days[index] = _parse_ranges(value, WEEKDAYS[index])
        result = cls(tuple(d or () for d in days))
        if not any(result.days):
            raise HoursError("no opening at all: give at least one range, or no hours (always open)")
        return result

    def to_compact(self) -> dict[str, str]:
        """Readable form for YAML: runs of equal days grouped ("mon-fri": "08:00-19:00")."""
        compact: dict[str, str] = {}
        index = 0
        while index < 7:
            end = index
            while end + 1 < 7 and self.days[end + 1] == self.days[index]:
                end += 1
            if self.days[index]:
                key = WEEKDAYS[index] if end == index else f"{WEEKDAYS[index]}-{WEEKDAYS[end]}"
                compact[key] = ", ".join(f"{_fmt(s)}-{_fmt(e)}" for s, e in self.days[index])
            index = end + 1
        return compact

    def to_spec(self) -> dict[str, list[str]]:
        """Canonical form, every weekday present (an empty list is a closed day)."""
        return {
            WEEKDAYS[i]: [f"{_fmt(s)}-{_fmt(e)}" for s, e in ranges]
            for i, ranges in enumerate(self.days)
        }


@functools.lru_cache(maxsize=64)
def holiday_calendar(country: str, subdivision: str | None) -> holidays_lib.HolidayBase:
    """The public holidays of a country (and subdivision, e.g. FR / 974 for La Réunion)."""
    return holidays_lib.country_holidays(country, subdiv=subdivision)


@functools.lru_cache(maxsize=64)
def _subdivisions(country: str) -> tuple[tuple[str, ...], dict[str, str]]:
    try:
        calendar = holidays_lib.country_holidays(country)
    except NotImplementedError:
        raise HoursError(f"no public holidays known for country {country!r}") from None
    aliases = calendar.get_subdivision_aliases() if hasattr(
        calendar, "get_subdivision_aliases") else {}
    by_alias = {name: str(code) for code, names in aliases.items() for name in names}
    return tuple(str(code) for code in calendar.subdivisions), by_alias


def normalise_subdivision(country: str, subdivision: str | None) -> str | None:
    """The package's code for a subdivision or one of its aliases ("La Réunion" → "974")."""
    codes, by_alias = _subdivisions(country)
    if subdivision is None:
        return None
    if subdivision in codes:
        return subdivision
    if subdivision in by_alias:
        return by_alias[subdivision]
    raise HoursError(f"unknown subdivision {subdivision!r} for {country}; one of {', '.join(codes)}")


def _utc(moment: datetime) -> datetime:
    """The instant in UTC: arithmetic between datetimes sharing a zone is wall-clock in
    Python, so everything here is computed on UTC instants."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("an aware datetime is required")
    return moment.astimezone(UTC)


@dataclass(frozen=True, eq=False)
class Schedule:
    """When a team is open: weekly hours in a zone, minus public holidays.

    `weekly=None` is a team open around the clock (holidays included).
    """

    zone: ZoneInfo
    weekly: WeeklyHours | None = None
    holidays: Mapping[date, str] | None = None
    open_on_holidays: bool = False
    _days: dict[date, tuple[tuple[datetime, datetime], ...]] = field(
        default_factory=dict, init=False, repr=False)

    @property
    def always_open(self) -> bool:
        return self.weekly is None

    def is_holiday(self, day: date) -> bool:
        return self.holidays is not None and day in self.holidays

    def holiday_name(self, day: date) -> str | None:
        return self.holidays.get(day) if self.holidays is not None else None

    def _instant(self, day: date, minute: int) -> datetime:
        if minute >= MINUTES_A_DAY:
            day, minute = day + timedelta(days=1), minute - MINUTES_A_DAY
        local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=self.zone)
        # Through UTC and back: a wall time skipped by DST lands where the clocks do.
        return local.astimezone(UTC)

    def intervals_on(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """Open intervals of a local date as UTC instants (none on a closed holiday);
        remembered per date, for a schedule lives as long as its directory version."""
        spans = self._days.get(day)
        if spans is None:
            if len(self._days) > _DAYS_REMEMBERED:
                self._days.clear()
            spans = self._days[day] = tuple(self._compute_intervals_on(day))
        return spans

    def _compute_intervals_on(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        if self.weekly is None:
            yield self._instant(day, 0), self._instant(day, MINUTES_A_DAY)
            return
        if self.is_holiday(day) and not self.open_on_holidays:
            return
        for start, end in self.weekly.days[day.weekday()]:
            a, b = self._instant(day, start), self._instant(day, end)
            if b > a:
                yield a, b

    def _intervals_from(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        first = moment.astimezone(self.zone).date() - timedelta(days=1)
        for offset in range(_SEARCH_DAYS):
            yield from self.intervals_on(first + timedelta(days=offset))

    def is_open(self, moment: datetime) -> bool:
        moment = _utc(moment)
        if self.weekly is None:
            return True
        local_day = moment.astimezone(self.zone).date()
        return any(a <= moment < b for a, b in self.intervals_on(local_day))

    def next_open(self, moment: datetime) -> datetime:
        """`moment` itself when open, else the start of the next opening."""
        moment = _utc(moment)
        if self.is_open(moment):
            return moment
        for start, end in self._intervals_from(moment):
            if start > moment:
                return start
        raise HoursError("no opening within a year")

    def add_open_time(self, start: datetime, minutes: float) -> datetime:
        """The instant at which `minutes` of open time have passed since `start`."""
        start = _utc(start)
        if self.weekly is None:
            return start + timedelta(minutes=minutes)
        remaining = timedelta(minutes=max(0.0, minutes))
        for a, b in self._intervals_from(start):
            if b <= start:
                continue
            begin = max(a, start)
            if remaining <= b - begin:
                return begin + remaining
            remaining -= b - begin
        raise HoursError("no opening within a year")

    def open_hours_between(self, begin: datetime, end: datetime) -> float:
        """Hours of opening within [begin, end)."""
        begin = _utc(begin)
        end = _utc(end)
        if end <= begin:
            return 0.0
        if self.weekly is None:
            return (end - begin).total_seconds() / 3600
        total = timedelta()
        day = begin.astimezone(self.zone).date() - timedelta(days=1)
        last = end.astimezone(self.zone).date()
        while day <= last:
            for a, b in self.intervals_on(day):
                lo, hi = max(a, begin), min(b, end)
                if hi > lo:
                    total += hi - lo
            day += timedelta(days=1)
        return total.total_seconds() / 3600
