"""Assignment after routing: closed teams still receive, capacity overflows (never for P1),
the ETA comes from the team finally chosen, and out-of-hours P1s reach the on-call person."""

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from relais_router.adapters.directory import parse_yaml
from relais_router.domain.assignment import (
    TeamHistory,
    TeamLoad,
    overflow_chain,
    plan_assignment,
)
from relais_router.domain.directory import with_site, with_team

pytestmark = pytest.mark.unit

DEMO = parse_yaml((Path(__file__).resolve().parents[3] / "deploy/directory/demo.yaml").read_text())
PARIS = ZoneInfo("Europe/Paris")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS).astimezone(UTC)


WEDNESDAY_11 = paris(2026, 11, 25, 11, 0)
SUNDAY_NIGHT = paris(2026, 11, 29, 23, 0)


def plan(team="rendez-vous", priority="P3", loads=None, history=None, now=WEDNESDAY_11,
         lang="fr", directory=DEMO):
    return plan_assignment(directory.site("demo"), 7, team, priority, loads or {},
                           history or {}, now, lang, "R-ABC123")


def test_open_team_under_capacity_keeps_the_conversation():
    p = plan(loads={"rendez-vous": TeamLoad(3, 2)})
    assert p.team == "rendez-vous" and p.open_now and not p.overflow
    explained = p.explanation()
    assert explained["directory_version"] == 7
    assert explained["assignment"]["requested_team"] == "rendez-vous"
    assert "escalation" not in explained


def test_closed_team_still_receives_and_says_when_it_opens():
    p = plan(now=SUNDAY_NIGHT)
    assert p.team == "rendez-vous" and not p.open_now
    assert p.next_open == paris(2026, 11, 30, 8, 30)
    assert any(n.startswith("closed, next open at tomorrow 8:30 am") for n in p.notes)
    assert p.explanation()["assignment"]["open_now"] is False


def test_over_capacity_overflows_with_the_reason():
    p = plan(loads={"rendez-vous": TeamLoad(40, 30), "accueil": TeamLoad(5, 1)})
    assert p.team == "accueil"
    assert p.overflow == [{"from": "rendez-vous", "to": "accueil", "reason": "over_capacity",
                           "open_conversations": 40, "capacity": 40}]
    assert p.eta.stats.backlog_ahead == 1  # the ETA is the overflow team's


def test_overflow_follows_the_chain_and_stops_where_there_is_none():
    directory = with_team(DEMO, "demo", "accueil", {"capacity": 2})
    assert overflow_chain(directory.site("demo"), "ordonnances") == ["ordonnances", "soins"]
    loads = {"rendez-vous": TeamLoad(40, 0), "accueil": TeamLoad(9, 9)}
    p = plan(loads=loads, directory=directory)
    assert p.team == "accueil" and len(p.overflow) == 1
    assert any("accueil at capacity (9/2); no overflow team" in n for n in p.notes)
    chained = with_team(directory, "demo", "relations-patients", {"overflow": None})
    chained = with_team(chained, "demo", "accueil", {"overflow": "relations-patients"})
    p = plan(loads=loads, directory=chained)
    assert [hop["to"] for hop in p.overflow] == ["accueil", "relations-patients"]


def test_p1_never_overflows_out_of_soins():
    p = plan(team="soins", priority="P1", loads={"soins": TeamLoad(80, 3)})
    assert p.team == "soins" and not p.overflow
    assert any("P1 stays with it" in n for n in p.notes)


def test_p1_out_of_hours_escalates_to_on_call_without_patient_content():
    p = plan(team="soins", priority="P1", now=SUNDAY_NIGHT)
    assert p.escalation is not None
    assert (p.escalation.channel, p.escalation.address) == ("sms", "+33939000099")
    assert p.escalation.text == ("Relais Centre de santé Demo : nouvelle demande urgente P1,"
                                 " réf. R-ABC123, à traiter. Ouvrez la boîte de réception.")
    explained = p.explanation()["escalation"]
    assert explained["to_role"] == "on_call" and explained["reason"] == "p1_out_of_hours"
    assert "address" not in explained
    assert p.routed_details() == {"escalation": {"channel": "sms", "to_role": "on_call"}}
    # The patient is told when it will be read: the next opening + the P1 SLA (1 h).
    assert p.eta_words == "avant demain 9 h"


def test_p1_in_hours_or_lower_priority_out_of_hours_does_not_escalate():
    assert plan(team="soins", priority="P1").escalation is None
    assert plan(team="soins", priority="P2", now=SUNDAY_NIGHT).escalation is None


def test_p1_out_of_hours_without_on_call_is_noted():
    directory = with_site(DEMO, "demo", {"on_call": None})
    p = plan(team="soins", priority="P1", now=SUNDAY_NIGHT, directory=directory)
    assert p.escalation is None
    assert any("no on-call contact" in n for n in p.notes)


def test_english_on_call_text():
    directory = with_site(DEMO, "demo", {"on_call": {"channel": "email",
                                                     "address": "astreinte@demo.example",
                                                     "lang": "en"}})
    p = plan(team="soins", priority="P1", now=SUNDAY_NIGHT, directory=directory)
    assert p.escalation.text.startswith("Relais Centre de santé Demo: new urgent P1 request")
    assert p.escalation.channel == "email"


def test_unknown_team_goes_to_accueil_with_a_note():
    p = plan(team="radiologie")
    assert p.team == "accueil"
    assert any("not in the directory" in n for n in p.notes)


def test_eta_uses_the_team_history_per_open_hour():
    # rendez-vous opens 8:30–18:30 Mon–Fri and 9–12 Sat. The 14 days before Wednesday 25
    # November 11:00 hold 98.5 opening hours: 11 November (Armistice) is closed, then
    # 2 + 5 + 2 weekdays (90 h), two Saturdays (6 h) and this morning (2.5 h).
    history = {"rendez-vous": TeamHistory(handled=197, median_minutes=None, window_days=14)}
    p = plan(loads={"rendez-vous": TeamLoad(5, 3)}, history=history)
    assert p.eta.stats.throughput_per_hour == pytest.approx(2.0)
    # (3 ahead + this one) / 2 per hour = 2 h from now.
    assert p.eta.deadline == paris(2026, 11, 25, 13, 0)
    assert p.eta_words == "avant 13 h"
    explained = p.explanation()["eta"]
    assert explained["backlog"] == 3 and explained["wording"] == p.eta_words
    assert p.ack_eta_params["eta_inputs"]["backlog"] == 3
