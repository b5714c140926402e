"""Assignment after routing: directory team, capacity overflow, hours, ETA, on-call (pure).

The handler measures the teams' load and history in the database and passes
them in; this module decides and explains:
- a closed team still receives (the explanation says when it opens again);
- a team at or over capacity overflows to its overflow team, hop by hop, with
  the reason recorded — except P1: an urgent conversation stays with its team;
- the ETA (see `eta.py`) for the team finally chosen;
- out of hours, a P1 escalates to the site's on-call person (staff, with a
  privacy-safe text: no patient content).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from .directory import Site, Team
from .eta import Eta, QueueStats, estimate_eta, word_deadline, word_moment

TRIAGE_TEAM = "accueil"
NO_OVERFLOW_PRIORITIES = frozenset({"P1"})


@dataclass(frozen=True)
class TeamLoad:
    """Live counts for a team: open conversations (the database counts them only up to the
    team's capacity: enough to know it is full), and those waiting ahead of a new one."""

    open_conversations: int = 0
    waiting_ahead: int = 0


@dataclass(frozen=True)
class TeamHistory:
    """The team's recent past: conversations handled (first answer or closure) and the
    median minutes to a first answer, over `window_days`."""

    handled: int = 0
    median_minutes: float | None = None
    window_days: int = 14


@dataclass(frozen=True)
class Escalation:
    channel: str
    address: str
    lang: str
    text: str
    name: str | None = None

    def explanation(self, next_open: datetime) -> dict[str, Any]:
        return {"to_role": "on_call", "channel": self.channel, "name": self.name,
                "reason": "p1_out_of_hours", "team_next_open": next_open.isoformat()}


@dataclass(frozen=True)
class AssignmentPlan:
    team: str
    requested_team: str
    directory_version: int
    open_now: bool
    next_open: datetime
    eta: Eta
    eta_words: str
    escalation: Escalation | None
    overflow: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    holiday: str | None = None

    def explanation(self) -> dict[str, Any]:
        """The directory part of the routing explanation."""
        assignment: dict[str, Any] = {
            "requested_team": self.requested_team,
            "team": self.team,
            "overflow": self.overflow,
            "open_now": self.open_now,
            "next_open": self.next_open.isoformat(),
        }
        if self.holiday:
            assignment["holiday"] = self.holiday
        if self.notes:
            assignment["notes"] = self.notes
        explanation: dict[str, Any] = {
            "directory_version": self.directory_version,
            "assignment": assignment,
            "eta": {**self.eta.explanation(), "wording": self.eta_words},
        }
        if self.escalation is not None:
            explanation["escalation"] = self.escalation.explanation(self.next_open)
        return explanation

    def routed_details(self) -> dict[str, Any]:
        """Details of the `routed` conversation event (the on-call escalation, if any)."""
        if self.escalation is None:
            return {}
        return {"escalation": {"channel": self.escalation.channel, "to_role": "on_call"}}

    @property
    def ack_eta_params(self) -> dict[str, Any]:
        """ETA inputs for the acknowledgement request (no patient data)."""
        return {"eta_deadline": self.eta.deadline.isoformat(),
                "eta_inputs": self.eta.explanation()}


def overflow_chain(site: Site, team_id: str) -> list[str]:
    """The team and the teams it may overflow to, in order (the handler measures these)."""
    team = site.team(team_id) or site.team(TRIAGE_TEAM)
    chain: list[str] = []
    while team is not None and team.id not in chain:
        chain.append(team.id)
        team = site.team(team.overflow) if team.overflow else None
    return chain


def escalation_text(site: Site, reference: str, lang: str) -> str:
    """What the on-call person receives: who and which reference, never the patient's words."""
    if lang == "en":
        return (f"Relais {site.display_name}: new urgent P1 request, ref. {reference}, "
                "to handle. Open the inbox.")
    return (f"Relais {site.display_name} : nouvelle demande urgente P1, réf. {reference}, "
            "à traiter. Ouvrez la boîte de réception.")


def _over(team: Team, load: TeamLoad) -> bool:
    return team.capacity is not None and load.open_conversations >= team.capacity


def plan_assignment(
    site: Site,
    directory_version: int,
    team_id: str,
    priority: str,
    loads: Mapping[str, TeamLoad],
    history: Mapping[str, TeamHistory],
    now: datetime,
    lang: str,
    reference: str,
) -> AssignmentPlan:
    """Choose the team that receives the conversation and say when it will be answered."""
    notes: list[str] = []
    team = site.team(team_id)
    if team is None:
        notes.append(f"team {team_id!r} is not in the directory; sent to {TRIAGE_TEAM}")
        team = site.team(TRIAGE_TEAM)
        assert team is not None  # the directory validates the contract teams
    overflow: list[dict[str, Any]] = []
    visited = {team.id}
    while _over(team, loads.get(team.id, TeamLoad())):
        load = loads.get(team.id, TeamLoad())
        if priority in NO_OVERFLOW_PRIORITIES:
            notes.append(f"{team.id} at capacity ({load.open_conversations}/{team.capacity});"
                         f" {priority} stays with it")
            break
        target = site.team(team.overflow) if team.overflow else None
        if target is None or target.id in visited:
            notes.append(f"{team.id} at capacity ({load.open_conversations}/{team.capacity});"
                         " no overflow team")
            break
        overflow.append({"from": team.id, "to": target.id, "reason": "over_capacity",
                         "open_conversations": load.open_conversations,
                         "capacity": team.capacity})
        visited.add(target.id)
        team = target

    schedule = site.schedule(team)
    open_now = schedule.is_open(now)
    next_open = schedule.next_open(now)
    local_day = now.astimezone(schedule.zone).date()
    holiday = schedule.holiday_name(local_day) if not schedule.always_open else None
    if not open_now:
        notes.append(f"closed, next open at {word_moment(next_open, now, site.timezone, 'en')}"
                     f" ({next_open.astimezone(schedule.zone).isoformat()})")

    past = history.get(team.id, TeamHistory())
    open_hours = schedule.open_hours_between(now - timedelta(days=past.window_days), now)
    throughput = past.handled / open_hours if past.handled and open_hours > 0 else None
    stats = QueueStats(
        backlog_ahead=loads.get(team.id, TeamLoad()).waiting_ahead,
        throughput_per_hour=throughput,
        median_minutes=past.median_minutes,
        window_days=past.window_days,
    )
    eta = estimate_eta(now, priority, schedule, stats, team.sla_for(priority))

    escalation = None
    if priority == "P1" and not open_now:
        if site.on_call is None:
            notes.append("P1 out of hours but the site has no on-call contact")
        else:
            escalation = Escalation(
                channel=site.on_call.channel,
                address=site.on_call.address,
                lang=site.on_call.lang,
                text=escalation_text(site, reference, site.on_call.lang),
                name=site.on_call.name,
            )
    return AssignmentPlan(
        team=team.id,
        requested_team=team_id,
        directory_version=directory_version,
        open_now=open_now,
        next_open=next_open,
        eta=eta,
        eta_words=word_deadline(eta.deadline, now, site.timezone, lang),
        escalation=escalation,
        overflow=overflow,
        notes=notes,
        holiday=holiday,
    )
