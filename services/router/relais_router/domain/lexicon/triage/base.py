"""What every triage module is written with: rule and combination types, the clinical
category a rule belongs to, word lists shared across categories, and the concepts that are
risk contexts or modifiers rather than signs (age, pregnancy, fever, sudden, severe).

Pattern syntax (see `text.Pattern`): spaces separate slots that must appear in order with
at most `gap` tokens between them, ``|`` separates alternatives, ``stem*`` is a prefix.
All words are written folded (no accents, lower case) and shorthand-expanded.
A rule's `level` is "urgent" (P1 when current) or "ambiguous" (human triage, P2).
`kind` "diagnosis" marks a named condition ("mon AVC", "son infarctus") that is often
history rather than what is happening now; "symptom" is a described sign.
`unless` words anywhere in the same clause cancel the hit ("intoxication alimentaire").
Combinations fire when every named concept appears somewhere in the message.
"""

from __future__ import annotations

from typing import NamedTuple

URGENT = "urgent"
AMBIGUOUS = "ambiguous"
SYMPTOM = "symptom"
DIAGNOSIS = "diagnosis"


class RedFlagRule(NamedTuple):
    category: str
    pattern: str
    gap: int = 3
    level: str = URGENT
    kind: str = SYMPTOM
    unless: str = ""


class Combination(NamedTuple):
    category: str
    concepts: tuple[str, ...]
    level: str = URGENT
    unless: tuple[str, ...] = ()  # concepts whose presence cancels the combination


class Category(NamedTuple):
    """A clinical category of the triage model: what it is, in the words of its sources."""

    id: str
    name_fr: str
    name_en: str
    sources: tuple[str, ...]  # keys of docs/triage.md "Sources"
    discriminators: str  # what settles it, in a line (documentation and explanations)


R = RedFlagRule

# "prise de sang", "blood test": blood mentioned for a test, not a bleed.
BLOOD_TEST = ("prise prises analyse analyses bilan test tests resultat resultats results "
               "prelevement groupe sugar pressure tension sucre donneur don sanguin")

PAIN = ("douleur*|mal|maux|oppression|serrement|pression|poids|brulure*|serre|compression|"
         "pain|pains|ache|aching|tightness|pressure|crushing|tight|hurts|hurting|heaviness|sore|"
         "etau")
CHEST = "poitrine|thorax|thoracique*|torse|sternum|chest|breastbone"
FACE = "bouche|visage|face|figure|levre|levres|joue|sourire|mouth"
LIMB = "bras|jambe|jambes|main|arm|leg|hand|moitie|membre|membres"
MEDS = ("medicament*|comprime*|cachet*|gelule*|pilule*|pills|pill|tablets|tablet|meds|"
         "medication*|doliprane|paracetamol|dafalgan|efferalgan|xanax|lexomil|somnifere*|"
         "antidepresseur*|anxiolytique*|insuline|tramadol|codeine|morphine|opioid*|"
         "sleeping|painkillers|ibuprofene|ibuprofen|lithium|benzo*")
TOXIC = ("javel|detergent*|lessive|nettoyant*|menager|menagers|chimique*|corrosif*|"
          "caustique*|pile|piles|aimant*|battery|batteries|bleach|chemical*|poison|"
          "deboucheur|essence|petrole|antigel|raticide|mort|antifreeze|detergents|cleaner|"
          "produit*|vaisselle|insecticide|pesticide|herbicide|solvant|acetone|ammoniaque")


# Risk contexts and modifiers shared by categories: not signs by themselves.
CONCEPTS: dict[str, tuple[tuple[str, int] | tuple[str, int, str], ...]] = {
    "severe": (
        (("intense*|violent*|forte|fortes|fort|atroce*|terrible*|insupportable*|horrible*|"
         "severe|unbearable|extreme*|enorme*|plie*|worst|excruciating|agony|hurle|crie|"
         "pleure|insoutenable*|bad"), 0),
    ),
    "sudden": (
        ("soudain*|brutal*|brusque*|subit*|sudden*|tonnerre|thunderclap|explosi*", 0),
        ("tout|d coup", 1), ("all once", 1), ("pire|worst vie|life|jamais|ever", 4),
    ),
    "acute_onset": (
        ("soudain*|brutal*|brusque*|subit*|sudden*|suddenly", 0), ("tout|d coup", 1),
        ("ce|cette matin|nuit|soir|midi", 1), ("depuis hier|heure|heures|minutes", 2),
        ("this morning|tonight|afternoon|evening", 1), ("aujourd hui", 0),
        ("heure|heures|minutes|hour|hours|minute", 0),
    ),
    "fever": (
        ("fievre|fever|febrile|fiebre|temperature|feverish|hyperthermie|brulant|brulante", 0),
        ("#temp", 0),
    ),
    "baby_young": (
        ("nourrisson*|newborn*|neonat*", 0), ("nouveau|nouveaux ne|nes|nee|nees", 0),
        ("neo natal", 0),
        ("moins 3 mois", 2), ("under 3 months", 1), ("#infant_age", 0),
    ),
    "baby_any": (
        ("bebe|bebes|baby|babies|nourrisson*|newborn*|infant|infants", 0), ("#infant_age", 0),
        ("nouveau|nouveaux ne|nes|nee|nees", 0),
    ),
    "older_age": (("#older_age", 0),),
    # A child who swallowed medicines or household products, however it is phrased.
    "child": (
        (("fils|fille|enfant|enfants|bebe|bb|petit|petite|garcon|son|daughter|child|kid|kids|"
         "toddler|baby|boy|girl|nourrisson*|niece|neveu|nephew"), 0),
    ),
    # Risk contexts that upgrade a sign (MTS and NICE discriminators): an anticoagulant, a
    # diabetes, old age (75 and over), a sign that will not stop or lasts.
    "anticoagulant": (
        (("anticoag*|kardegic|aspirine|xarelto|eliquis|apixaban|rivaroxaban|previscan|"
          "fluindione|coumadine|warfarin*|sintrom|pradaxa|dabigatran|heparine|lovenox|"
          "fluidifiant*|thinner|thinners|clopidogrel|plavix"), 0),
    ),
    "diabetic": (("diabet*|insuline|insulin|glycemie*|glucose|sucre", 0),),
    "elderly": (("#elderly_age", 0), ("personne|dame|monsieur agee|age", 1),
                ("grand mere|pere|parents", 1),
                ("elderly|grandma|grandpa|grandmother|grandfather|granny|mamie|papi|papy", 0)),
    "persisting": (
        ("arrete|arreter|arrive|stop|stops|stopping pas|plus|not|won|wont|doesn|isn|t", 2),
        ("depuis|since|for|pendant #num minutes|min|mn|heure|heures|h|hours|hour|hrs", 2),
        ("won|wont|doesn|isn|not|will stop|stopping", 2),
    ),
}
