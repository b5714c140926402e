"""Routing decisions: red flags first, explicit signals, the classifier, triage, explanations."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from relais_router.domain.classifier import IntentResult
from relais_router.domain.routing import (
    CONFIDENCE_THRESHOLD,
    RULES_VERSION,
    TEAMS,
    OpenConversation,
    RoutingInput,
    follow_up_escalation,
    route_contact,
)

pytestmark = pytest.mark.unit


def route(text, subject=None, **kwargs):
    return route_contact(RoutingInput(subject=subject, text=text, **kwargs))


@pytest.mark.parametrize(
    "text, team",
    [
        ("Bonjour je voudrais déplacer mon RDV de jeudi", "rendez-vous"),
        ("Pouvez-vous renouveler mon ordonnance svp", "ordonnances"),
        ("J'attends les résultats de ma prise de sang", "resultats"),
        ("Ma mutuelle n'a pas remboursé la facture", "facturation"),
        ("I need to reschedule my appointment", "rendez-vous"),
        ("Je souhaite porter réclamation, la secrétaire a été très désagréable", "relations-patients"),
        ("Quels sont vos horaires d'ouverture le samedi ?", "accueil"),
        ("mon fils tousse depuis 4 jours et a le nez qui coule, dois-je m'inquiéter ?", "soins"),
    ],
)
def test_the_classifier_picks_the_team_with_evidence(text, team):
    decision = route(text)
    assert decision.team == team
    assert not decision.urgent and not decision.needs_triage
    assert decision.priority == "P3"
    assert decision.explanation["evidence"]
    assert decision.explanation["confidence"] >= CONFIDENCE_THRESHOLD


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
    decision = route(text)
    assert (decision.team, decision.priority, decision.urgent) == ("soins", "P1", True)
    assert not decision.needs_triage
    assert decision.explanation["rule"] == "red_flag"
    assert decision.explanation["red_flags"][0]["category"] == category
    assert category in decision.red_flag_categories
    assert {"15", "112", "114"} <= set(decision.emergency_numbers)


def test_a_suicidal_hit_adds_3114_and_says_so():
    decision = route("je n'en peux plus, je veux mourir")
    assert decision.suicidal
    assert "3114" in decision.emergency_numbers
    assert decision.explanation["emergency"]["suicidal"] is True
    assert "3114" not in route("douleur dans la poitrine qui serre").emergency_numbers


def test_red_flags_win_over_explicit_signals_and_subjects():
    decision = route("je saigne énormément depuis ce matin", subject="RDV",
                     channel="email", recipient="rdv@centre-demo.fr", metadata={"ivr_digit": "1"})
    assert decision.team == "soins" and decision.urgent


@pytest.mark.parametrize(
    "kwargs, team, source",
    [
        ({"metadata": {"ivr_digit": "2"}, "channel": "voice"}, "ordonnances", "ivr_digit"),
        ({"metadata": {"chat_choice": "Résultats"}, "channel": "chat"}, "resultats", "chat_choice"),
        ({"recipient": "facturation@centre-demo.fr", "channel": "email"}, "facturation", "mailbox"),
        ({"recipient": "Ordonnances@centre-demo.fr", "channel": "email"}, "ordonnances", "mailbox"),
        ({"channel": "sms"}, "rendez-vous", "sms_keyword"),
    ],
)
def test_explicit_signals_come_before_the_classifier(kwargs, team, source):
    text = "RDV svp" if kwargs.get("channel") == "sms" else "Bonjour, une petite question"
    decision = route(text, **kwargs)
    assert decision.team == team
    assert decision.explanation["rule"] == "explicit_signal"
    assert decision.explanation["intent"]["source"] == source


def test_a_generic_mailbox_leaves_the_decision_to_the_classifier():
    decision = route("Je voudrais annuler mon rendez-vous de demain", channel="email",
                     recipient="contact@centre-demo.fr")
    assert decision.team == "rendez-vous"
    assert decision.explanation["rule"] == "classifier"


def test_nothing_recognisable_goes_to_accueil_needing_triage():
    assert route("Bonjour, pouvez-vous me rappeler ?").team == "accueil"
    decision = route("Bonjour, c'est encore moi.")
    assert decision.team == "accueil" and decision.needs_triage
    assert decision.explanation["rule"] == "below_threshold"
    assert decision.explanation["threshold"] == CONFIDENCE_THRESHOLD


def test_multi_topic_messages_pick_the_dominant_team_and_list_the_others():
    decision = route("Bonjour, pouvez-vous renouveler mon ordonnance de Levothyrox ? "
                     "Et aussi, je n'ai pas reçu la facture de la dernière consultation.")
    assert decision.team == "ordonnances"
    assert any(a.get("team") == "facturation" for a in decision.explanation["alternatives"])


def test_quoted_history_and_signatures_do_not_route():
    text = ("Merci, c'est bien noté pour jeudi.\n\n"
            "Cordialement,\nJean Martin\nTél. 06 11 22 33 44\n\n"
            "Le 12 nov. 2026 à 10:02, Secrétariat <contact@centre-demo.fr> a écrit :\n"
            "> Votre facture est disponible, la mutuelle a été facturée.\n"
            "> En cas de douleur thoracique appelez le 15.\n")
    decision = route(text, subject="RE: votre rendez-vous", channel="email")
    assert not decision.urgent
    assert decision.team != "facturation"
    assert decision.explanation["history_or_signature_removed"] is True


def test_negated_risk_goes_to_short_triage_never_silently_not_urgent():
    decision = route("Pas de douleur thoracique, je voudrais juste renouveler mon traitement")
    assert not decision.urgent
    assert decision.needs_triage and decision.priority == "P2"
    assert decision.team == "ordonnances"
    assert decision.explanation["rule"] == "red_flag_triage"
    assert decision.explanation["red_flags_triage"][0]["status"] == "negated"


def test_negated_risk_without_another_intent_goes_to_clinical_triage():
    decision = route("no chest pain")
    assert decision.needs_triage and decision.priority == "P2" and not decision.urgent


@pytest.mark.parametrize(
    "text, subject",
    [
        ("Mon AVC de 2019, je voudrais le compte rendu pour ma mutuelle", None),
        ("Bonjour, il me faut un rendez-vous urgent pour un certificat de sport", None),
        ("Merci de m'envoyer la facture de la consultation", "URGENT"),
        ("Suite à mon infarctus il y a 3 ans, pouvez-vous renouveler mon Kardegic ?", None),
    ],
)
def test_non_urgent_mentions_of_urgent_words_are_not_p1(text, subject):
    decision = route(text, subject=subject)
    assert not decision.urgent and decision.priority != "P1"


def test_voicemail_without_transcript_is_listened_to_soon():
    decision = route(None, channel="voice", kind="voicemail")
    assert decision.needs_triage and decision.priority == "P2"
    assert decision.explanation["rule"] == "voicemail_to_listen"


def test_missed_call_follows_the_ivr_digit():
    decision = route(None, channel="voice", kind="missed_call", metadata={"ivr_digit": "1"})
    assert decision.team == "rendez-vous" and not decision.needs_triage


def test_explanation_names_the_rules_version_and_alternatives():
    decision = route("Bonjour, je voudrais prendre rendez-vous")
    for key in ("rule", "confidence", "threshold", "alternatives", "rules_version", "red_flags"):
        assert key in decision.explanation
    assert decision.explanation["rules_version"] == RULES_VERSION


def test_another_classifier_plugs_in_behind_the_protocol():
    class Always:
        version = "stub-1"

        def classify(self, subject, text):
            return IntentResult("facturation", 0.99, ("stub",))

    decision = route_contact(RoutingInput(text="n'importe quoi"), classifier=Always())
    assert decision.team == "facturation"
    assert decision.explanation["intent"]["classifier"] == "stub-1"


@settings(max_examples=200, deadline=None)
@given(st.none() | st.text(max_size=300), st.none() | st.text(max_size=80),
       st.sampled_from(["sms", "email", "voice", "chat", "other"]),
       st.sampled_from(["message", "voicemail", "missed_call", "call_answered"]))
def test_any_text_gets_a_contract_team_and_an_explanation(text, subject, channel, kind):
    decision = route(text, subject=subject, channel=channel, kind=kind)
    assert decision.team in TEAMS
    assert decision.priority in ("P1", "P2", "P3", "P4")
    assert 0.0 <= decision.confidence <= 1.0
    assert "rule" in decision.explanation
    assert decision.urgent == (decision.priority == "P1")
    if decision.urgent:
        assert decision.team == "soins"


# --- follow-ups: continuity, unless the clinical risk rises ------------------------------------

BILLING = OpenConversation(team="facturation", priority="P3", urgent=False)


def test_a_follow_up_with_a_red_flag_escalates_a_calm_conversation_to_p1_soins():
    escalated = follow_up_escalation(BILLING, route("et là j'ai une douleur a la poitrine qui serre"))
    assert escalated is not None
    assert (escalated.team, escalated.priority, escalated.urgent) == ("soins", "P1", True)


def test_a_follow_up_with_a_red_flag_in_an_urgent_conversation_changes_nothing_more():
    urgent = OpenConversation(team="soins", priority="P1", urgent=True)
    assert follow_up_escalation(urgent, route("j'ai toujours du mal a respirer")) is None


def test_ambiguous_risk_in_a_follow_up_raises_it_to_triage_within_its_team():
    escalated = follow_up_escalation(BILLING, route("pas de douleur thoracique mais je m'inquiete"))
    assert escalated is not None
    assert (escalated.team, escalated.priority, escalated.urgent, escalated.needs_triage) == (
        "facturation", "P2", False, True)
    already = OpenConversation(team="soins", priority="P2", urgent=False)
    assert follow_up_escalation(already, route("pas de douleur thoracique")) is None


@pytest.mark.parametrize("text", [
    "Et aussi une question sur ma facture, et un rendez-vous",
    "merci beaucoup",
    "je voudrais plutot parler a la secretaire",
])
def test_a_follow_up_without_risk_never_re_routes_the_conversation(text):
    assert follow_up_escalation(BILLING, route(text)) is None


def test_the_intent_intake_resolved_from_its_menu_wins_over_re_reading_the_digit():
    # intake's menu said "1 = ordonnances" to the caller; the default menu reads 1 as rendez-vous
    decision = route(None, channel="voice", kind="voicemail",
                     metadata={"ivr_digit": "1", "intent": "ordonnances"})
    assert decision.team == "ordonnances"
    assert decision.explanation["intent"]["source"] == "intent"


def test_the_safety_net_gives_the_emergency_numbers_at_once_for_unsettled_risk():
    unsettled = route("je respire vite et bizarrement depuis ce matin")
    assert unsettled.needs_triage and unsettled.priority == "P2" and not unsettled.urgent
    assert unsettled.emergency_numbers[:2] == ("15", "112")
    assert unsettled.explanation["emergency"]["numbers"][:2] == ["15", "112"]
    what_if = route("que faire s'il refait une convulsion ?")
    assert what_if.needs_triage and what_if.emergency_numbers
    negated = route("Pas de douleur thoracique, je voudrais juste renouveler mon traitement")
    assert negated.needs_triage and negated.emergency_numbers == ()
    calm = route("Je voudrais renouveler mon ordonnance")
    assert calm.emergency_numbers == ()
