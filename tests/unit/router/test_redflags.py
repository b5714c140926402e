"""Red-flag detection: lexicon, typos and shorthand, negation, history, hypotheses."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from relais_router.domain.redflags import detect_red_flags
from relais_router.domain.routing import TEAMS, RoutingInput, route_contact
from relais_router.domain.text import (
    fold,
    strip_quoted_and_signature,
    tokenize,
    typo_tolerance,
)

pytestmark = pytest.mark.unit


def categories(text):
    return set(detect_red_flags(text).categories)


@pytest.mark.parametrize(
    "text, category",
    [
        ("douleur thoracique depuis ce matin", "chest_pain"),
        ("I have crushing chest pain", "chest_pain"),
        ("il a du mal à respirer", "breathing"),
        ("I can't breathe", "breathing"),
        ("sa bouche est de travers et il parle bizarrement", "stroke"),
        ("her face is drooping and her speech is slurred", "stroke"),
        ("il a perdu connaissance", "unconscious"),
        ("ça saigne énormément, ça ne s'arrête pas", "bleeding"),
        ("je veux en finir", "suicidal"),
        ("I want to kill myself", "suicidal"),
        ("mon fils convulse", "seizure"),
        ("mon bébé de 3 semaines a 38,5 de fièvre", "infant_fever"),
        ("langue qui gonfle après des cacahuètes", "anaphylaxis"),
        ("il a avalé toute la boîte de somnifères", "overdose"),
        ("enceinte de 3 mois et je saigne", "bleeding_in_pregnancy"),
        ("ma mère est confuse depuis ce matin", "confusion"),
        ("enceinte de 6 mois, très forte douleur au ventre", "pregnancy_emergency"),
        ("fièvre et nuque raide", "meningitis_purpura"),
    ],
)
def test_life_threatening_signs_are_urgent(text, category):
    report = detect_red_flags(text)
    assert report.urgent
    assert category in report.categories


@pytest.mark.parametrize(
    "text, category",
    [
        ("jpeu pa respiré", "breathing"),
        ("jarrive plu a respirer", "breathing"),
        ("mal ptrine", "chest_pain"),
        ("douleur poitirne", "chest_pain"),  # transposition
        ("douleur thorasique", "chest_pain"),  # phonetic spelling
        ("DOULEUR THORACIQUE", "chest_pain"),  # case
        ("difficulte a respirer", "breathing"),  # no accents
        ("AVC", "stroke"),
        ("il fait un avc", "stroke"),
        ("jveux mourrir", "suicidal"),  # typo in the verb
        ("il convulsse", "seizure"),
        ("evanouie dans la cuisine", "unconscious"),
        ("bb de 1 mois 39 de fievre", "infant_fever"),
    ],
)
def test_typos_shorthand_case_and_accents_are_tolerated(text, category):
    assert category in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "pas de douleur thoracique",
        "no chest pain",
        "je n'ai pas de douleur dans la poitrine",
        "il n'a jamais convulsé",
        "pas de fièvre, de toux ou de douleur thoracique",
        "je n'ai pas d'idées suicidaires",
        "la douleur thoracique est passée hier soir",
        "que faire si il refait une convulsion ?",
    ],
)
def test_negated_or_hypothetical_signs_go_to_triage_not_p1(text):
    report = detect_red_flags(text)
    assert not report.urgent
    assert report.needs_triage
    decision = route_contact(RoutingInput(text=text))
    assert (decision.priority, decision.needs_triage, decision.urgent) == ("P2", True, False)


@pytest.mark.parametrize(
    "text",
    [
        "Pas de fièvre mais il a du mal à respirer",
        "Je ne peux pas venir, j'ai mal à la poitrine",
        "j'ai de plus en plus de mal à respirer",
        "j'ai pas mal de douleurs dans la poitrine",  # "pas mal de" is "quite a lot of"
        "s'il vous plaît rappelez-moi, il a convulsé",
        "je ne sais pas quoi faire, elle ne respire plus",
    ],
)
def test_negation_does_not_leak_across_clauses_or_idioms(text):
    assert detect_red_flags(text).urgent


@pytest.mark.parametrize(
    "text",
    [
        "Mon AVC de 2019, je voudrais le compte rendu",
        "Suite à mon infarctus il y a 3 ans, renouvellement du Kardegic",
        "Conférence sur la prévention des AVC le 15 janvier",
        "je viens avc mon fils demain",  # SMS "avc" for "avec"
        "rendez-vous urgent pour un certificat",
        "le secrétariat ne répond pas au téléphone",
        "je suis confus pour le retard, désolé",
        "enceinte de 5 mois, prise de sang pour la toxo",
        "intoxication alimentaire depuis hier soir",
        "ma fille de 3 ans a 39 de fièvre",
        "renouvellement de mon epipen",
        "je me suis coupé le bras en bricolant",
        "I took my pills this morning",
        "mon fils a avalé son médicament sans problème ce matin",
        "j'ai mangé du poisson hier soir",
        "sore throat and swollen glands",
        "mon cœur bat fort quand je cours",
    ],
)
def test_non_urgent_mentions_of_urgent_words_are_not_p1(text):
    assert not detect_red_flags(text).urgent


def test_a_suicidal_hit_is_reported_with_3114():
    report = detect_red_flags("j'ai envie de mourir")
    assert report.suicidal
    assert report.emergency_numbers == ("15", "112", "114", "3114")
    assert detect_red_flags("douleur thoracique").emergency_numbers == ("15", "112", "114")


def test_hits_carry_the_patients_words_as_evidence():
    report = detect_red_flags("Bonjour, mal ptrine depuis 1h")
    hit = report.urgent_hits[0]
    assert hit.evidence == "mal ptrine"
    assert hit.as_dict() == {"category": "chest_pain", "level": "urgent", "status": "current",
                             "evidence": "mal ptrine", "discriminator": "sign"}


def test_a_combination_says_which_concepts_it_joined():
    report = detect_red_flags("enceinte de 3 mois et je saigne beaucoup")
    hit = next(h for h in report.urgent_hits if "+" in h.discriminator)
    assert "pregnancy" in hit.discriminator.split(" + ")


def test_ambiguous_signs_ask_for_triage():
    for text in ("mon bébé a de la fièvre", "j'ai fait un malaise", "je suis très essoufflé"):
        report = detect_red_flags(text)
        assert report.needs_triage and not report.urgent, text


def test_quoted_history_and_signature_are_stripped():
    text = ("Merci pour votre réponse.\n-- \nJean\n\n"
            "Le 3 mars 2026 à 10:00, Accueil <a@b.fr> a écrit :\n> ancien message\n")
    assert strip_quoted_and_signature(text) == "Merci pour votre réponse."
    english = "See you then.\nSent from my iPhone\n\nOn Mon, 2 Mar 2026, Clinic wrote:\n> hi"
    assert strip_quoted_and_signature(english) == "See you then."
    assert strip_quoted_and_signature("Cordialement") == "Cordialement"


def test_a_sign_only_in_quoted_history_is_triaged_not_p1():
    text = ("Ça va mieux merci.\n\n"
            "Le 3 mars 2026, Jean <j@x.fr> a écrit :\n> j'ai une douleur thoracique\n")
    decision = route_contact(RoutingInput(channel="email", text=text))
    assert not decision.urgent
    assert decision.needs_triage and decision.priority == "P2"
    assert decision.explanation["red_flags_quoted"][0]["category"] == "chest_pain"


def test_typo_tolerance_grows_with_word_length():
    assert [typo_tolerance(w) for w in ("avc", "sang", "saigne", "poitrine")] == [0, 0, 1, 2]


def test_common_words_are_not_read_as_typos_of_red_flag_words():
    for text in ("je me soigne bien", "s'il vous plaît", "ma femme est fermée", "les signes"):
        assert not detect_red_flags(text).hits, text


# --- properties ------------------------------------------------------------------------

@given(st.text(max_size=200))
def test_folding_is_idempotent_and_ascii(text):
    folded = fold(text)
    assert fold(folded) == folded
    assert set(folded) <= set("abcdefghijklmnopqrstuvwxyz0123456789 ")


@given(st.text(max_size=200))
def test_tokens_are_folded_words(text):
    for token in tokenize(text):
        assert token.norm == "," or fold(token.norm).strip() == token.norm


RED_FLAG_PHRASES = [
    "J'ai une douleur thoracique.",
    "jpeu pa respiré",
    "Il a perdu connaissance.",
    "je veux mourir",
    "My chest hurts and I can't breathe.",
    "Elle a la bouche de travers.",
    "Il convulse.",
    "Je saigne énormément.",
]
_BENIGN = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)


@settings(max_examples=300, deadline=None)
@given(_BENIGN, st.sampled_from(RED_FLAG_PHRASES), st.booleans())
def test_adding_a_red_flag_phrase_is_never_silently_not_urgent(benign, phrase, before):
    text = f"{phrase}\n{benign}" if before else f"{benign}\n{phrase}"
    decision = route_contact(RoutingInput(text=text))
    assert decision.team in TEAMS
    assert decision.urgent or decision.needs_triage
    assert decision.priority in ("P1", "P2")


@pytest.mark.parametrize("text, fact", [
    ("notre fils Elias (9 semaines) a de la fièvre", "#infant_age"),
    ("Ma mère, 79 ans, est diabétique", "#elderly_age"),
    ("My father (76, on apixaban) knocked his head", "#elderly_age"),
    ("ma grand-mère, 86, est tombée", "#elderly_age"),
    ("mon père a quatre vingt sept ans", "#elderly_age"),
    ("my mum she's seventy nine", "#elderly_age"),
])
def test_ages_as_relatives_give_them(text, fact):
    from relais_router.domain.redflags import _token_matches
    from relais_router.domain.text import tokenize

    assert any(fact in found for found in _token_matches(tokenize(text)))


@pytest.mark.parametrize("text", ["mon bebe a 39 de fievre", "le 12 décembre à 10 h",
                                  "il a pris 3 comprimés"])
def test_numbers_that_are_no_age(text):
    from relais_router.domain.redflags import _token_matches
    from relais_router.domain.text import tokenize

    assert not any("#older_age" in found or "#elderly_age" in found
                   for found in _token_matches(tokenize(text)))
