"""Patient-facing texts: the promised wording, FR/EN, and never any clinical content."""

import re

import pytest
from relais_notifier.domain.templates import KINDS, TemplateError, render

pytestmark = pytest.mark.unit

PARAMS = {"clinic": "MSP des Lilas", "team": "Rendez-vous", "reference": "R-4D5E",
          "link": "https://relais.example/m/abc"}
# Words that would reveal health information to whoever reads the phone.
CLINICAL = re.compile(
    r"douleur|thorac|respir|avc|saign|suicid|convuls|fi[eè]vre|anaphyla|intoxic|overdose|"
    r"grossesse|diagnos|m[ée]dicament|traitement|ordonnance|r[ée]sultat|analyse|sympt|"
    r"cancer|enceinte|pain|bleed|medication|prescription|result|pregnan|symptom",
    re.IGNORECASE,
)
AUTOMATED = sorted(KINDS - {"reply"})


def test_ack_in_french_says_team_reference_eta_and_emergency_numbers():
    text = render("ack", lang="fr", params=PARAMS, eta="avant demain 12 h")
    assert text == (
        "Relais MSP des Lilas: nous avons bien reçu votre message. Équipe : Rendez-vous. "
        "Réf. R-4D5E. Réponse prévue avant demain 12 h. Urgence vitale : 15 ou 112 (114 par "
        "SMS pour les personnes sourdes/malentendantes). Ce numéro n'est pas surveillé en "
        "temps réel."
    )


def test_ack_in_english():
    text = render("ack", lang="en", params=PARAMS, eta="by tomorrow 12 pm")
    assert text.startswith("Relais MSP des Lilas: we have received your message. Team: Rendez-vous.")
    assert "Ref. R-4D5E." in text and "Expected answer by tomorrow 12 pm." in text
    assert "15 or 112" in text and "114" in text and "not monitored in real time" in text


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("kind", AUTOMATED)
def test_automated_templates_carry_no_clinical_words_even_when_params_do(kind, lang):
    leaky = {
        **PARAMS,
        "text": "douleur thoracique depuis ce matin",
        "subject": "résultat de mon analyse",
        "medication": "Doliprane",
        "team": "Rendez-vous\n\n  ",
    }
    text = render(kind, lang=lang, params=leaky, text="douleur thoracique", eta="avant 16 h",
                  sender_profile="two_way")
    assert text and not CLINICAL.search(text), text
    assert "\n" not in text and "  " not in text


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("kind", AUTOMATED)
def test_every_template_renders_without_optional_params(kind, lang):
    params = {"link": PARAMS["link"]}  # a one-way survey needs its link, nothing else does
    assert render(kind, lang=lang, params=params, sender_profile="one_way").startswith("Relais")


def test_emergency_guidance_gives_15_112_114_and_3114_only_when_suicidal():
    plain = render("emergency_guidance", params=PARAMS)
    assert all(n in plain for n in ("15", "112", "114")) and "3114" not in plain
    suicidal = render("emergency_guidance", params={**PARAMS, "suicidal": True})
    assert "3114" in suicidal
    assert "3114" in render("emergency_guidance", lang="en", params={"suicidal": "true"})
    assert "3114" not in render("emergency_guidance", params={"suicidal": False})


def test_reply_is_the_agent_text_and_a_sensitive_one_is_only_a_link():
    assert render("reply", text="  Votre ordonnance est prête.  ") == "Votre ordonnance est prête."
    sensitive = render("reply", text="Votre résultat est normal", params={**PARAMS, "sensitive": True})
    assert sensitive == "Nouveau message de MSP des Lilas : https://relais.example/m/abc"
    with pytest.raises(TemplateError):
        render("reply", text="   ")
    with pytest.raises(TemplateError):
        render("reply", text="x", params={"sensitive": True})


def test_one_way_senders_never_invite_a_reply_or_mention_stop():
    for kind in AUTOMATED:
        text = render(kind, params=PARAMS, sender_profile="one_way")
        assert "répondre" not in text.lower() and "répondez" not in text.lower(), kind
        assert "STOP" not in text or kind == "opt_in_confirmation", kind
    with pytest.raises(TemplateError):
        render("csat_survey", params={}, sender_profile="one_way")


def test_survey_from_a_two_way_sender_asks_for_a_rating_and_mentions_stop():
    text = render("csat_survey", params=PARAMS, sender_profile="two_way")
    assert "1" in text and "5" in text and "STOP" in text


def test_missed_call_ack_promises_a_callback_and_offers_sms_reply_when_two_way():
    text = render("missed_call_ack", params=PARAMS, eta="avant 16 h", sender_profile="two_way")
    assert "nous avons manqué votre appel" in text and "Nous vous rappelons avant 16 h." in text
    assert "répondre à ce SMS" in text


def test_params_are_trimmed_and_capped():
    text = render("ack", params={"team": "x" * 500, "reference": "R-1"})
    assert "x" * 60 not in text and "…" in text


def test_unknown_kind_is_refused():
    with pytest.raises(TemplateError):
        render("newsletter")
