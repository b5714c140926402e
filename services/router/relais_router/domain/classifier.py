"""Intent classification over subject and text: a `Classifier` protocol and weighted rules.

`WeightedRulesClassifier` scores each team by the weighted FR/EN features it finds
(typo-tolerant, see `text.WordMatcher`); a trained model can replace it behind the same
protocol. Confidence combines how much evidence the best team has with how far it leads.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Protocol

from .lexicon.common_words import COMMON_WORDS
from .lexicon.intents import TEAM_FEATURES, Feature
from .lexicon.real_words import REAL_WORDS
from .redflags import VOCABULARY as RED_FLAG_VOCABULARY
from .text import (
    Pattern,
    Token,
    WordMatcher,
    evidence_words,
    find_pattern,
    is_temperature,
    tokenize,
)

ACCUEIL = "accueil"


@dataclass(frozen=True)
class IntentResult:
    """The best team, how sure, why, and the runners-up (team, score)."""

    team: str
    confidence: float
    evidence: tuple[str, ...] = ()
    alternatives: tuple[tuple[str, float], ...] = ()
    scores: dict[str, float] = field(default_factory=dict)


class Classifier(Protocol):
    """Anything that maps a subject and a text to a team with a confidence and evidence."""

    version: str

    def classify(self, subject: str, text: str) -> IntentResult: ...


@dataclass(frozen=True)
class _Feature:
    team: str
    label: str
    patterns: tuple[Pattern, ...]
    weight: float


def _compile(features: dict[str, tuple[Feature, ...]]) -> list[_Feature]:
    compiled = []
    for team, entries in features.items():
        for entry in entries:
            phrases, weight = entry[0], entry[1]
            gap = entry[2] if len(entry) > 2 else 1  # type: ignore[misc]
            patterns = tuple(Pattern.parse(p.strip(), gap) for p in phrases.split(",") if p.strip())
            compiled.append(_Feature(team, phrases.split(",")[0].strip()[:40], patterns, weight))
    return compiled


_HOUR_UNITS = frozenset({"h", "heure", "heures", "am", "pm", "hr", "hrs", "oclock"})


class WeightedRulesClassifier:
    """Weighted keyword/phrase rules per team (FR and EN)."""

    version = "weighted-rules-2"

    def __init__(self, features: dict[str, tuple[Feature, ...]] = TEAM_FEATURES,
                 subject_boost: float = 1.3, evidence_scale: float = 1.6,
                 first_mention: float = 0.2) -> None:
        self._features = _compile(features)
        vocabulary: set[str] = set()
        for feature in self._features:
            for pattern in feature.patterns:
                vocabulary |= pattern.entries()
        # Red-flag words are real words too: "main" is a hand, not a typo of "matin".
        # Fuzzy matching only reaches long words here ("cloque" is not "choqué").
        self._matcher = WordMatcher(vocabulary, COMMON_WORDS | REAL_WORDS | RED_FLAG_VOCABULARY,
                                    min_fuzzy_length=7)
        self._first: dict[str, list[tuple[_Feature, Pattern]]] = {}
        for feature in self._features:
            for pattern in feature.patterns:
                for entry in pattern.slots[0]:
                    self._first.setdefault(entry, []).append((feature, pattern))
        self._subject_boost = subject_boost
        self._scale = evidence_scale
        self._first_mention = first_mention

    def _matches(self, tokens: list[Token]) -> list[frozenset[str]]:
        out = []
        for index, token in enumerate(tokens):
            found = set(self._matcher.matches(token.norm)) if token.norm != "," else set()
            if token.norm.isdigit():
                nxt = tokens[index + 1].norm if index + 1 < len(tokens) else ""
                if int(token.norm) <= 24 and nxt in _HOUR_UNITS:
                    found.add("#hour")
                if is_temperature(tokens, index):
                    found.add("#temp")
            out.append(frozenset(found))
        return out

    def scores(self, subject: str, text: str) -> dict[str, tuple[float, list[str]]]:
        """Score and evidence per team (subject hits weigh more)."""
        return self.token_scores(tokenize(subject), tokenize(text))

    def token_scores(self, subject_tokens: list[Token], text_tokens: list[Token]
                     ) -> dict[str, tuple[float, list[str]]]:
        body_tokens = [Token(t.norm, t.raw, t.clause + 10_000) for t in text_tokens]
        tokens = subject_tokens + body_tokens
        matches = self._matches(tokens)
        best: dict[_Feature, tuple[float, str]] = {}
        for start, token_matches in enumerate(matches):
            for entry in token_matches:
                for feature, pattern in self._first.get(entry, ()):
                    end = find_pattern(pattern, tokens, matches, start)
                    if end is None:
                        continue
                    weight = feature.weight * (
                        self._subject_boost if tokens[start].clause < 10_000 else 1.0)
                    # Patients tend to open with their main request.
                    weight *= 1.0 + self._first_mention * (1.0 - start / len(tokens))
                    if weight > best.get(feature, (0.0, ""))[0]:
                        words = evidence_words(tokens[start:end + 1])
                        best[feature] = (weight, words)
        per_team: dict[str, tuple[float, list[str]]] = {}
        for feature, (weight, words) in best.items():
            score, evidence = per_team.get(feature.team, (0.0, []))
            per_team[feature.team] = (score + weight, evidence + [words])
        return per_team

    def classify(self, subject: str, text: str) -> IntentResult:
        return self.classify_tokens(tokenize(subject), tokenize(text))

    def classify_tokens(self, subject_tokens: list[Token], text_tokens: list[Token]
                        ) -> IntentResult:
        """`classify` of text already tokenized (by the red-flag reading of the message)."""
        per_team = self.token_scores(subject_tokens, text_tokens)
        ranked = sorted(per_team.items(), key=lambda item: item[1][0], reverse=True)
        if not ranked:
            return IntentResult(ACCUEIL, 0.0)
        team, (top, evidence) = ranked[0]
        runner_up = ranked[1][1][0] if len(ranked) > 1 else 0.0
        strength = 1.0 - math.exp(-top / self._scale)
        share = top / (top + runner_up)
        confidence = round(strength * (0.3 + 0.7 * share) / 1.0, 3)
        alternatives = tuple((t, round(s, 2)) for t, (s, _) in ranked[1:4] if s >= 0.3 * top)
        return IntentResult(
            team=team,
            confidence=min(1.0, confidence),
            evidence=tuple(evidence),
            alternatives=alternatives,
            scores={t: round(s, 2) for t, (s, _) in ranked},
        )
