"""The placeholder routing rules: red flags first, explained decisions, triage below threshold."""

from datetime import datetime, timezone

import pytest
from hypothesis import given, strategies as st

from relais_router.domain.eta import answer_deadline, word_deadline
from relais_router.domain.routing import TEAMS, route_contact

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "text, team",
    [
        ("Bonjour je voudrais déplacer mon RDV de jeudi", "rendez-vous"),
        ("Pouvez-vous renouveler mon ordonnance svp", "ordonnances"),
        ("J'attends les résultats de ma prise de sang", "resultats"),
        ("Ma mutuelle n'a pas remboursé la facture", "facturation"),
        ("I need to reschedule my appointment", "rendez-vous"),
    ],
)
def test_keywords_pick_the_team_with_evidence(text, team):
    decision = route_contact(None, text)
    assert decision.team == team
    assert not decision.urgent and not decision.needs_triage
    assert decision.explanation["evidence"]


@pytest.mark.parametrize(
    "text, category",
    [
        ("J'ai une douleur thoracique depuis ce matin", "chest_pain"),
        ("mon pere a du mal a respirer", "breathing"),
        ("I have chest pain", "chest_pain"),
        ("j'ai des idées suicidaires", "suicidal"),
    ],
)
def test_red_flags_make_p1_urgent_for_soins(text, category):
    decision = route_contact(None, text)
    assert (decision.team, decision.priority, decision.urgent) == ("soins", "P1", True)
    assert decision.explanation["red_flags"][0]["category"] == category


def test_nothing_recognisable_goes_to_accueil_needing_triage():
    decision = route_contact(None, "Bonjour, pouvez-vous me rappeler ?")
    assert decision.team == "accueil" and decision.needs_triage
    assert decision.explanation["rule"] == "below_threshold"


@given(st.text(max_size=300), st.none() | st.text(max_size=80))
def test_any_text_gets_a_contract_team_and_an_explanation(text, subject):
    decision = route_contact(subject, text)
    assert decision.team in TEAMS
    assert decision.priority in ("P1", "P2", "P3", "P4")
    assert 0.0 <= decision.confidence <= 1.0
    assert "rule" in decision.explanation


def test_eta_is_worded_for_humans_in_the_site_time_zone():
    now = datetime(2026, 11, 25, 10, 30, tzinfo=timezone.utc)  # 11:30 in Paris
    deadline = answer_deadline(now, "P3")
    assert word_deadline(deadline, now, "Europe/Paris") == "avant demain 12 h"
    assert word_deadline(deadline, now, "Europe/Paris", "en") == "by tomorrow 12 pm"
    assert word_deadline(answer_deadline(now, "P1"), now, "Europe/Paris") == "avant 13 h"
