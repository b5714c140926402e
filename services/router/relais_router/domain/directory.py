"""The service directory: sites and their teams, validated (pure: no I/O).

One canonical document shape is used everywhere — the seed YAML, `relais
directory import/export`, the admin API and each version's snapshot:
`{"sites": [{..site.., "teams": [{..team..}, …]}, …]}`. Validation errors are
pydantic `ValidationError`s, which the API turns into a 422 problem.
"""

from __future__ import annotations

import re
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from .hours import HoursError, Schedule, WeeklyHours, holiday_calendar, normalise_subdivision

# Team ids are part of the contract (DESIGN "Routing"): every site has them all.
CONTRACT_TEAMS = (
    "accueil",
    "rendez-vous",
    "ordonnances",
    "resultats",
    "facturation",
    "soins",
    "relations-patients",
)
PRIORITIES = ("P1", "P2", "P3", "P4")
DEFAULT_SLA_HOURS: dict[str, int | float] = {"P1": 1, "P2": 4, "P3": 24, "P4": 72}
CHANNELS = ("sms", "voice", "email", "chat", "other")
Channel = Literal["sms", "voice", "email", "chat", "other"]

_SLUG = r"^[a-z0-9][a-z0-9-]{0,62}$"
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Alphanumeric sender ids: 1–11 characters, at least one letter (carriers' rule).
_SENDER_ID = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9 .\-]{1,11}$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OnCall(_Model):
    """Who is told, out of hours, that a P1 arrived (staff, never a patient)."""

    channel: Literal["sms", "email"]
    address: str
    name: str | None = Field(default=None, max_length=80)
    lang: Literal["fr", "en"] = "fr"

    @model_validator(mode="after")
    def _address_fits_channel(self) -> OnCall:
        if self.channel == "sms" and not _E164.match(self.address):
            raise ValueError("an SMS on-call address is an E.164 number (+33…)")
        if self.channel == "email" and not _EMAIL.match(self.address):
            raise ValueError("an email on-call address looks like name@domain")
        return self


class PhoneLine(_Model):
    """Where the IVR dials the team: a number, a SIP URI or a PBX extension."""

    kind: Literal["number", "sip", "pbx"]
    target: str = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _target_fits_kind(self) -> PhoneLine:
        if self.kind == "number" and not _E164.match(self.target):
            raise ValueError("a number line is E.164 (+33…)")
        if self.kind == "sip" and not self.target.startswith(("sip:", "sips:")):
            raise ValueError("a SIP line is a sip: URI")
        return self


class Holidays(_Model):
    """Public holidays from the `holidays` package: country and subdivision (FR / 974)."""

    country: str = Field(default="FR", min_length=2, max_length=3)
    subdivision: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, data: Any) -> Any:
        if isinstance(data, dict):
            country = str(data.get("country") or "FR").upper()
            try:
                subdivision = normalise_subdivision(country, data.get("subdivision"))
            except HoursError as exc:
                raise ValueError(str(exc)) from None
            return {**data, "country": country, "subdivision": subdivision}
        return data


class Team(_Model):
    id: str = Field(pattern=_SLUG)
    name_fr: str = Field(min_length=1, max_length=80)
    name_en: str = Field(min_length=1, max_length=80)
    intents: tuple[str, ...] = ()
    channels: tuple[Channel, ...] = CHANNELS
    # Canonical weekday → ["HH:MM-HH:MM", …]; None: open around the clock.
    hours: dict[str, list[str]] | None = None
    open_on_holidays: bool = False
    capacity: int | None = Field(default=None, ge=1, le=100_000)
    sla_hours: dict[Literal["P1", "P2", "P3", "P4"], int | float] = Field(
        default_factory=lambda: dict(DEFAULT_SLA_HOURS)
    )
    overflow: str | None = None
    phone_line: PhoneLine | None = None
    leads: tuple[str, ...] = ()

    @field_validator("hours", mode="before")
    @classmethod
    def _canonical_hours(cls, value: Any) -> Any:
        if value is None:
            return None
        if not isinstance(value, dict):
            raise ValueError(  # noqa: TRY004 - pydantic reports ValueError, not TypeError
                "hours map weekdays (mon … sun, or mon-fri) to HH:MM-HH:MM ranges")
        try:
            return WeeklyHours.parse(value).to_spec()
        except HoursError as exc:
            raise ValueError(str(exc)) from None

    @field_validator("sla_hours", mode="before")
    @classmethod
    def _complete_sla(cls, value: Any) -> Any:
        if value is None:
            return dict(DEFAULT_SLA_HOURS)
        if isinstance(value, dict):
            return {**DEFAULT_SLA_HOURS, **value}
        return value

    @field_validator("sla_hours")
    @classmethod
    def _positive_sla(cls, value: dict[str, int | float]) -> dict[str, int | float]:
        if any(hours <= 0 or hours > 24 * 90 for hours in value.values()):
            raise ValueError("SLA hours are above 0 and at most 90 days")
        return value

    @field_validator("intents", "leads")
    @classmethod
    def _distinct(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(not item.strip() for item in value) or len(set(value)) != len(value):
            raise ValueError("entries are non-empty and distinct")
        return value

    @field_validator("channels")
    @classmethod
    def _some_channel(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value or len(set(value)) != len(value):
            raise ValueError("at least one channel, each once")
        return value

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_fr

    def sla_for(self, priority: str) -> float:
        return self.sla_hours.get(priority, DEFAULT_SLA_HOURS.get(priority, 24))  # type: ignore[call-overload]


class _Derived(dict):
    """Values a frozen model derives from its fields, kept on it: never part of its equality."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Derived)

    __hash__ = None  # type: ignore[assignment]


class Site(_Model):
    id: str = Field(pattern=_SLUG)
    name: str = Field(min_length=1, max_length=120)
    clinic_name: str | None = Field(default=None, max_length=120)
    timezone: str = "Europe/Paris"
    region: str = Field(default="FR", min_length=2, max_length=2)
    holidays: Holidays = Holidays()
    sender_kind: Literal["two_way", "one_way"] = "two_way"
    sms_from: str | None = None
    sender_id: str | None = None
    on_call: OnCall | None = None
    teams: tuple[Team, ...]
    _derived: _Derived = PrivateAttr(default_factory=lambda: _Derived())

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone") from None
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Site:
        if self.sms_from is not None and not _E164.match(self.sms_from):
            raise ValueError("sms_from is the site's two-way number in E.164 (+339…)")
        if self.sender_id is not None and not _SENDER_ID.match(self.sender_id):
            raise ValueError("sender_id is 1–11 letters or digits with at least one letter")
        if self.sender_kind == "two_way" and self.sms_from is None:
            raise ValueError("a two-way sender needs sms_from")
        if self.sender_kind == "one_way" and self.sender_id is None:
            raise ValueError("a one-way sender needs an alphanumeric sender_id")
        ids = [team.id for team in self.teams]
        if len(set(ids)) != len(ids):
            raise ValueError("team ids are unique within a site")
        missing = [t for t in CONTRACT_TEAMS if t not in ids]
        if missing:
            raise ValueError(f"the contract teams are all present; missing {missing}")
        by_id = {team.id: team for team in self.teams}
        for team in self.teams:
            if team.overflow is None:
                continue
            if team.overflow not in by_id:
                raise ValueError(f"team {team.id}: overflow team {team.overflow!r} does not exist")
            seen, current = {team.id}, team.overflow
            while current is not None:
                if current in seen:
                    raise ValueError(f"team {team.id}: overflow goes round in a circle")
                seen.add(current)
                current = by_id[current].overflow
        return self

    def _memo(self) -> _Derived:
        """What is derived from this (immutable) site once: its teams by id, their schedules."""
        memo = self._derived
        if memo.get("teams") is not self.teams:  # first use, or a copy with other teams
            memo.clear()
            memo.update(teams=self.teams, by_id={t.id: t for t in self.teams}, schedules={})
        return memo

    def team(self, team_id: str) -> Team | None:
        return self._memo()["by_id"].get(team_id)

    @property
    def display_name(self) -> str:
        """The clinic name patients see."""
        return self.clinic_name or self.name

    def schedule(self, team: Team) -> Schedule:
        """When `team` is open (remembered for the site's own teams)."""
        memo = self._memo()
        own = memo["by_id"].get(team.id) is team
        found = memo["schedules"].get(team.id) if own else None
        if found is None:
            weekly = WeeklyHours.parse(team.hours) if team.hours is not None else None
            calendar = holiday_calendar(self.holidays.country, self.holidays.subdivision)
            found = Schedule(ZoneInfo(self.timezone), weekly, calendar, team.open_on_holidays)
            if own:
                memo["schedules"][team.id] = found
        return found


class Directory(_Model):
    sites: tuple[Site, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_sites(self) -> Directory:
        ids = [site.id for site in self.sites]
        if len(set(ids)) != len(ids):
            raise ValueError("site ids are unique")
        return self

    def site(self, site_id: str) -> Site | None:
        return next((site for site in self.sites if site.id == site_id), None)

    def document(self) -> dict[str, Any]:
        """The canonical JSON-able document (what export prints and versions store)."""
        return self.model_dump(mode="json")


class TeamPatch(_Model):
    """A partial team update (PUT …/teams/{team}): the fields given replace the stored ones."""

    name_fr: str | None = None
    name_en: str | None = None
    intents: tuple[str, ...] | None = None
    channels: tuple[Channel, ...] | None = None
    hours: dict[str, Any] | None = None
    open_on_holidays: bool | None = None
    capacity: int | None = None
    sla_hours: dict[str, float] | None = None
    overflow: str | None = None
    phone_line: dict[str, Any] | None = None
    leads: tuple[str, ...] | None = None


class SitePatch(_Model):
    """A partial site update (PUT /v1/directory/sites/{id}); teams change through their own route."""

    name: str | None = None
    clinic_name: str | None = None
    timezone: str | None = None
    region: str | None = None
    holidays: dict[str, Any] | None = None
    sender_kind: Literal["two_way", "one_way"] | None = None
    sms_from: str | None = None
    sender_id: str | None = None
    on_call: dict[str, Any] | None = None


def with_team(directory: Directory, site_id: str, team_id: str,
              changes: dict[str, Any]) -> Directory:
    """A new directory with one team's fields replaced (or the team added); validates all."""
    document = directory.document()
    site = next(s for s in document["sites"] if s["id"] == site_id)
    team = next((t for t in site["teams"] if t["id"] == team_id), None)
    if team is None:
        site["teams"].append({"id": team_id, **changes})
    else:
        team.update(changes)
    return Directory.model_validate(document)


def with_site(directory: Directory, site_id: str, changes: dict[str, Any]) -> Directory:
    """A new directory with one site's own fields replaced; validates all."""
    document = directory.document()
    site = next(s for s in document["sites"] if s["id"] == site_id)
    site.update(changes)
    return Directory.model_validate(document)


def _keyed(document: Any) -> Any:
    """Lists of things with ids become dicts by id, so a diff names what changed."""
    if isinstance(document, dict):
        return {key: _keyed(value) for key, value in document.items()}
    if isinstance(document, list) and document and all(
        isinstance(item, dict) and "id" in item for item in document
    ):
        return {item["id"]: _keyed(item) for item in document}
    return document


def diff_documents(old: dict[str, Any] | None, new: dict[str, Any]) -> list[dict[str, Any]]:
    """What changed between two directory documents: `[{path, op, from, to}]`."""
    changes: list[dict[str, Any]] = []

    def walk(path: str, a: Any, b: Any) -> None:
        if isinstance(a, dict) and isinstance(b, dict):
            for key in list(a) + [k for k in b if k not in a]:
                sub = f"{path}.{key}" if path else str(key)
                if key not in b:
                    changes.append({"path": sub, "op": "remove", "from": a[key]})
                elif key not in a:
                    changes.append({"path": sub, "op": "add", "to": b[key]})
                else:
                    walk(sub, a[key], b[key])
        elif a != b:
            changes.append({"path": path, "op": "replace", "from": a, "to": b})

    walk("", _keyed(old or {}), _keyed(new))
    return changes
