"""Team assignment for a new conversation: red flags first, then intent, always explained.

1. Red flags (`redflags.detect_red_flags`): a current life-threatening sign makes the
   contact P1 urgent for `soins`; a negated, hypothetical or ambiguous one sends it to
   human triage (P2, short SLA) — never silently to "not urgent".
2. Explicit signals (`intents.explicit_signal`): IVR digit, chat menu, mailbox alias,
   SMS keyword.
3. The classifier over subject and text (quoted history and signatures stripped);
   below the confidence threshold the contact goes to `accueil`, marked needs triage.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .classifier import Classifier, IntentResult, WeightedRulesClassifier
from .intents import explicit_signal
from .redflags import RedFlagReport, detect_red_flags, red_flags_in
from .text import strip_quoted_and_signature, strip_reply_prefix, tokenize_pair

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
CLINICAL_TRIAGE_TEAM = "soins"
CONFIDENCE_THRESHOLD = 0.40
RULES_VERSION = "routing-2026.11-r2"
PRIORITY_URGENT, PRIORITY_TRIAGE, PRIORITY_DEFAULT = "P1", "P2", "P3"
PRIORITY_RANK = {"P1": 1, "P2": 2, "P3": 3, "P4": 4}


@dataclass(frozen=True)
class RoutingInput:
    """What routing looks at: the contact's channel, kind, words, recipient and metadata.

    `ivr_menu` is the site's digit → team menu from the directory when it has one.
    """

    channel: str = "other"
    kind: str = "message"
    subject: str | None = None
    text: str | None = None
    recipient: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    ivr_menu: Mapping[str, str] | None = None


@dataclass(frozen=True)
class RoutingDecision:
    team: str
    priority: str
    urgent: bool
    needs_triage: bool
    confidence: float
    explanation: dict[str, Any] = field(default_factory=dict)
    red_flag_categories: tuple[str, ...] = ()
    emergency_numbers: tuple[str, ...] = ()

    @property
    def suicidal(self) -> bool:
        return "suicidal" in self.red_flag_categories


_DEFAULT_CLASSIFIER: Classifier = WeightedRulesClassifier()


def _red_flag_explanation(report: RedFlagReport) -> dict[str, Any]:
    explained: dict[str, Any] = {
        "red_flags": [h.as_dict() for h in report.urgent_hits],
    }
    if report.triage_hits:
        explained["red_flags_triage"] = [h.as_dict() for h in report.triage_hits]
    if report.noted_hits:
        explained["red_flags_set_aside"] = [h.as_dict() for h in report.noted_hits]
    return explained


def _intent_explanation(intent: IntentResult, source: str, classifier: Classifier) -> dict[str, Any]:
    return {
        "team": intent.team,
        "confidence": intent.confidence,
        "evidence": list(intent.evidence),
        "source": source,
        "classifier": classifier.version,
        "scores": intent.scores,
    }


def route_contact(contact: RoutingInput, classifier: Classifier | None = None,
                  threshold: float = CONFIDENCE_THRESHOLD) -> RoutingDecision:
    """Decide the team, priority and triage flag for a new conversation, with why."""
    classifier = classifier or _DEFAULT_CLASSIFIER
    subject = strip_reply_prefix(contact.subject or "").strip()
    raw_text = contact.text or ""
    text = strip_quoted_and_signature(raw_text) if raw_text.strip() else ""
    subject_tokens, text_tokens, tokens = tokenize_pair(subject, text)
    report = red_flags_in(tokens)
    removed = text != raw_text.strip() and bool(raw_text.strip())
    quoted_risk = ()
    if removed and not report.urgent:
        # Signs only in quoted history or a signature are old or not the patient's own
        # words: never P1 on their own, but never silently dropped either.
        quoted = detect_red_flags(raw_text)
        quoted_risk = tuple(h.as_dict() | {"status": "quoted"} for h in quoted.urgent_hits)
    common: dict[str, Any] = {
        "threshold": threshold,
        "rules_version": RULES_VERSION,
        "history_or_signature_removed": removed,
        **_red_flag_explanation(report),
        **({"red_flags_quoted": list(quoted_risk)} if quoted_risk else {}),
    }

    if report.urgent:
        return RoutingDecision(
            team=URGENT_TEAM, priority=PRIORITY_URGENT, urgent=True, needs_triage=False,
            confidence=1.0,
            explanation={"rule": "red_flag", "confidence": 1.0, "alternatives": [],
                         "emergency": {"numbers": list(report.emergency_numbers),
                                       "suicidal": report.suicidal},
                         **common},
            red_flag_categories=report.categories,
            emergency_numbers=report.emergency_numbers,
        )

    if not (subject or text).strip() and contact.kind in ("voicemail", "missed_call"):
        return _call_without_words(contact, common)

    signal = explicit_signal(contact.channel, contact.recipient, raw_text, contact.metadata,
                             contact.ivr_menu)
    # The rules read the tokens the red flags read; another model gets the text.
    intent = (classifier.classify_tokens(subject_tokens, text_tokens)
              if isinstance(classifier, WeightedRulesClassifier)
              else classifier.classify(subject, text))
    if signal is not None:
        team, confidence, rule = signal.team, signal.confidence, "explicit_signal"
        alternatives = [{"team": intent.team, "confidence": intent.confidence,
                         "source": "classifier"}] if intent.team != signal.team else []
        intent_info = {"team": signal.team, "confidence": confidence, "source": signal.source,
                       "evidence": [signal.value],
                       "classifier": _intent_explanation(intent, "classifier", classifier)}
    else:
        team, confidence, rule = intent.team, intent.confidence, "classifier"
        alternatives = [{"team": t, "score": s} for t, s in intent.alternatives]
        intent_info = _intent_explanation(intent, "classifier", classifier)

    confident = confidence >= threshold
    if report.needs_triage or quoted_risk:
        # Risky words that are negated, hypothetical or ambiguous: a person looks soon.
        # The safety net: for a sign that may be happening the patient gets the emergency
        # numbers at once, day or night (not for a negated one, nor one only quoted).
        chosen = team if confident else CLINICAL_TRIAGE_TEAM
        numbers = report.emergency_numbers if report.guidance_hits else ()
        return RoutingDecision(
            team=chosen, priority=PRIORITY_TRIAGE, urgent=False, needs_triage=True,
            confidence=confidence,
            explanation={"rule": "red_flag_triage", "best_candidate": team,
                         "confidence": confidence, "intent": intent_info,
                         "alternatives": alternatives,
                         **({"emergency": {"numbers": list(numbers), "suicidal": report.suicidal}}
                            if numbers else {}),
                         **common},
            red_flag_categories=report.risk_categories, emergency_numbers=numbers,
        )
    if not confident:
        return RoutingDecision(
            team=TRIAGE_TEAM, priority=PRIORITY_DEFAULT, urgent=False, needs_triage=True,
            confidence=confidence,
            explanation={"rule": "below_threshold", "best_candidate": team,
                         "confidence": confidence, "intent": intent_info,
                         "evidence": intent_info.get("evidence", []),
                         "alternatives": alternatives, **common},
        )
    return RoutingDecision(
        team=team, priority=PRIORITY_DEFAULT, urgent=False, needs_triage=False,
        confidence=confidence,
        explanation={"rule": rule, "confidence": confidence, "intent": intent_info,
                     "evidence": intent_info.get("evidence", []),
                     "alternatives": alternatives, **common},
    )


def _call_without_words(contact: RoutingInput, common: dict[str, Any]) -> RoutingDecision:
    """A voicemail without transcript is listened to soon; a missed call gets a callback."""
    signal = explicit_signal(contact.channel, contact.recipient, None, contact.metadata,
                             contact.ivr_menu)
    if contact.kind == "voicemail":
        # Red-flag detection never depends on a transcript: someone listens, soon.
        return RoutingDecision(
            team=signal.team if signal else TRIAGE_TEAM, priority=PRIORITY_TRIAGE,
            urgent=False, needs_triage=True, confidence=signal.confidence if signal else 0.0,
            explanation={"rule": "voicemail_to_listen", "confidence": 0.0, "alternatives": [],
                         **({"intent": {"team": signal.team, "source": signal.source,
                                        "evidence": [signal.value]}} if signal else {}),
                         **common},
        )
    return RoutingDecision(
        team=signal.team if signal else TRIAGE_TEAM, priority=PRIORITY_DEFAULT, urgent=False,
        needs_triage=signal is None, confidence=signal.confidence if signal else 0.0,
        explanation={"rule": "missed_call_callback", "confidence": 0.0, "alternatives": [],
                     **({"intent": {"team": signal.team, "source": signal.source,
                                    "evidence": [signal.value]}} if signal else {}),
                     **common},
    )


@dataclass(frozen=True)
class OpenConversation:
    """What a follow-up is weighed against: the open conversation it joins."""

    team: str
    priority: str
    urgent: bool


def follow_up_escalation(current: OpenConversation, decision: RoutingDecision) -> RoutingDecision | None:
    """Continuity keeps a follow-up with its team and agent — unless it raises clinical risk.

    `decision` is `route_contact` on the follow-up alone. A current red flag makes a
    conversation that is not yet urgent P1 for `soins`; negated, hypothetical or ambiguous
    risk raises a lower-priority conversation to P2 human triage within its team. Nothing
    else moves it (the intent of a follow-up never re-routes a conversation). None: no change.
    """
    if decision.urgent:
        return None if current.urgent else decision
    rule = decision.explanation.get("rule")
    if rule == "red_flag_triage" and PRIORITY_RANK[current.priority] > PRIORITY_RANK[decision.priority]:
        return replace(decision, team=current.team)
    return None
