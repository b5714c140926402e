"""The triage model: clinical categories, each with its discriminators, in FR and EN.

One module per group of categories; this package gathers their categories, rules,
concepts and combinations for `domain.redflags`, which reads each rule's clause (negated,
hypothetical, historical, current) and raises or lowers the hit accordingly.
"""

from __future__ import annotations

from . import (
    airway_bleeding_trauma,
    base,
    cardio_neuro,
    children_pregnancy_abdomen,
    poisoning_mental,
)
from .base import AMBIGUOUS, DIAGNOSIS, SYMPTOM, URGENT, Category, Combination, RedFlagRule
from .cues import (
    ADMIN_WORDS,
    CONTEXT_CUES,
    CURRENT_CUES,
    DETERMINERS,
    ENUMERATION_MARKERS,
    HISTORY_PHRASES,
    HISTORY_UNITS,
    HISTORY_WORDS,
    HYPOTHETICAL_CUES,
    HYPOTHETICAL_PHRASES,
    NEGATION_AFTER,
    NEGATION_CUES,
    POSSESSIVES,
    RESOLVED_AFTER,
    SCOPE_BREAKERS,
)

_GROUPS = (cardio_neuro, airway_bleeding_trauma, poisoning_mental, children_pregnancy_abdomen)


def _merged_concepts() -> dict[str, tuple[tuple[str, int] | tuple[str, int, str], ...]]:
    merged = dict(base.CONCEPTS)
    for group in _GROUPS:
        twice = merged.keys() & group.CONCEPTS.keys()
        if twice:
            raise ValueError(f"concepts defined twice: {sorted(twice)}")
        merged.update(group.CONCEPTS)
    return merged


CATEGORIES: tuple[Category, ...] = tuple(c for group in _GROUPS for c in group.CATEGORIES)
RULES: tuple[RedFlagRule, ...] = tuple(r for group in _GROUPS for r in group.RULES)
CONCEPTS = _merged_concepts()
COMBINATIONS: tuple[Combination, ...] = tuple(c for group in _GROUPS for c in group.COMBINATIONS)

__all__ = [
    "ADMIN_WORDS", "AMBIGUOUS", "CATEGORIES", "COMBINATIONS", "CONCEPTS", "CONTEXT_CUES",
    "CURRENT_CUES", "DETERMINERS", "DIAGNOSIS", "ENUMERATION_MARKERS", "HISTORY_PHRASES",
    "HISTORY_UNITS", "HISTORY_WORDS", "HYPOTHETICAL_CUES", "HYPOTHETICAL_PHRASES",
    "NEGATION_AFTER", "NEGATION_CUES", "POSSESSIVES", "RESOLVED_AFTER", "RULES",
    "SCOPE_BREAKERS", "SYMPTOM", "URGENT", "Category", "Combination", "RedFlagRule",
]
