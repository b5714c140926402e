"""Team assignment: red flags first, then weighted keyword rules per team.

Deliberately simple placeholder rules (the routing engine replaces them behind
the same `route_contact` interface); every decision carries its explanation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .text import fold

TEAMS = (
    "accueil",
    "rendez-vous",
    "ordonnances",
    "resultats",
    "facturation",
    "soins",
    "relations-patients",
)
TRIAGE_TEAM = "accueil"
URGENT_TEAM = "soins"
CONFIDENCE_THRESHOLD = 0.5
RULES_VERSION = "keywords-v1"

# Folded phrases (accents stripped, lower case). A hit makes the contact P1 urgent.
RED_FLAGS: dict[str, tuple[str, ...]] = {
    "chest_pain": ("douleur thoracique", "mal a la poitrine", "chest pain"),
    "breathing": ("difficulte a respirer", "du mal a respirer", "j etouffe", "can t breathe",
                  "cannot breathe", "short of breath"),
    "stroke": ("avc", "paralysie du visage", "bouche de travers", "stroke"),
    "unconscious": ("perte de connaissance", "inconscient", "s est evanoui", "unconscious",
                    "passed out"),
    "bleeding": ("saignement abondant", "hemorragie", "heavy bleeding"),
    "suicidal": ("idees suicidaires", "me suicider", "envie de mourir", "en finir",
                 "suicidal", "kill myself"),
    "seizure": ("convulsion", "crise d epilepsie", "seizure"),
    "anaphylaxis": ("anaphylaxie", "gonfle la gorge", "anaphylaxis", "throat swelling"),
    "overdose": ("overdose", "intoxication", "surdosage"),
}

TEAM_KEYWORDS: dict[str, dict[str, float]] = {
    "rendez-vous": {"rendez vous": 1.0, "rdv": 1.0, "annuler": 0.6, "deplacer": 0.6,
                    "reporter": 0.5, "appointment": 1.0, "reschedule": 1.0, "cancel": 0.5,
                    "consultation": 0.4, "creneau": 0.6, "disponibilite": 0.4},
    "ordonnances": {"ordonnance": 1.0, "renouvellement": 0.8, "renouveler": 0.8,
                    "prescription": 1.0, "medicament": 0.5, "refill": 0.8, "traitement": 0.3},
    "resultats": {"resultat": 1.0, "analyse": 0.7, "prise de sang": 0.8, "bilan": 0.6,
                  "radio": 0.6, "irm": 0.7, "scanner": 0.6, "results": 1.0, "test result": 1.0},
    "facturation": {"facture": 1.0, "paiement": 0.8, "rembourse": 0.8, "mutuelle": 0.9,
                    "tiers payant": 1.0, "tarif": 0.6, "invoice": 1.0, "bill": 0.8,
                    "payment": 0.8, "refund": 0.8},
    "soins": {"douleur": 0.6, "fievre": 0.7, "symptome": 0.7, "pansement": 0.8, "plaie": 0.7,
              "pain": 0.6, "fever": 0.7, "vaccin": 0.5, "infirmier": 0.6},
    "relations-patients": {"plainte": 1.0, "reclamation": 1.0, "mecontent": 0.8,
                           "dossier medical": 1.0, "rgpd": 1.0, "remercier": 0.6,
                           "complaint": 1.0, "medical record": 1.0, "merci beaucoup": 0.4},
}


@dataclass(frozen=True)
class RoutingDecision:
    team: str
    priority: str
    urgent: bool
    needs_triage: bool
    confidence: float
    explanation: dict[str, Any] = field(default_factory=dict)


def find_red_flags(folded: str) -> list[tuple[str, str]]:
    """(category, phrase) pairs found in folded text."""
    return [
        (category, phrase)
        for category, phrases in RED_FLAGS.items()
        for phrase in phrases
        if f" {phrase} " in folded
    ]


def score_teams(folded: str) -> dict[str, tuple[float, list[str]]]:
    scores: dict[str, tuple[float, list[str]]] = {}
    for team, keywords in TEAM_KEYWORDS.items():
        evidence = [kw for kw in keywords if f" {kw}" in folded]
        if evidence:
            scores[team] = (sum(keywords[kw] for kw in evidence), evidence)
    return scores


def route_contact(subject: str | None, text: str | None, kind: str = "message") -> RoutingDecision:
    """Decide the team, priority and triage flag for a new conversation, with why."""
    folded = fold(f"{subject or ''} {text or ''}")
    flags = find_red_flags(folded)
    if flags:
        return RoutingDecision(
            team=URGENT_TEAM,
            priority="P1",
            urgent=True,
            needs_triage=False,
            confidence=1.0,
            explanation={
                "rule": "red_flag",
                "red_flags": [{"category": c, "evidence": p} for c, p in flags],
                "confidence": 1.0,
                "rules_version": RULES_VERSION,
            },
        )
    if kind in ("missed_call", "voicemail") and not folded.strip():
        return RoutingDecision(
            team=TRIAGE_TEAM,
            priority="P3",
            urgent=False,
            needs_triage=True,
            confidence=0.0,
            explanation={"rule": "call_without_transcript", "confidence": 0.0,
                         "rules_version": RULES_VERSION},
        )
    scores = score_teams(folded)
    ranked = sorted(scores.items(), key=lambda item: item[1][0], reverse=True)
    total = sum(score for score, _ in scores.values())
    alternatives = [{"team": t, "score": round(s, 2)} for t, (s, _) in ranked[1:4]]
    if not ranked:
        confidence, team, evidence = 0.0, TRIAGE_TEAM, []
    else:
        team, (best, evidence) = ranked[0]
        confidence = round(min(1.0, best) * best / total, 3)
    needs_triage = confidence < CONFIDENCE_THRESHOLD
    chosen = TRIAGE_TEAM if needs_triage else team
    return RoutingDecision(
        team=chosen,
        priority="P3",
        urgent=False,
        needs_triage=needs_triage,
        confidence=confidence,
        explanation={
            "rule": "below_threshold" if needs_triage else "keywords",
            "best_candidate": team,
            "evidence": evidence,
            "confidence": confidence,
            "threshold": CONFIDENCE_THRESHOLD,
            "alternatives": alternatives,
            "rules_version": RULES_VERSION,
        },
    )
