"""The triage model's catalogue: every rule belongs to a documented clinical category with
sources, and every category has something that can raise it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from relais_router.domain.lexicon.triage import CATEGORIES, COMBINATIONS, CONCEPTS, RULES

pytestmark = pytest.mark.unit

DOC = (Path(__file__).resolve().parents[3] / "docs" / "triage.md").read_text(encoding="utf-8")


def test_every_rule_and_combination_names_a_catalogued_category():
    ids = {c.id for c in CATEGORIES}
    assert len(ids) == len(CATEGORIES) >= 20
    assert {r.category for r in RULES} <= ids
    assert {c.category for c in COMBINATIONS} <= ids
    raised = {r.category for r in RULES} | {c.category for c in COMBINATIONS}
    assert ids <= raised, f"categories nothing raises: {sorted(ids - raised)}"


def test_combinations_use_defined_concepts():
    for combination in COMBINATIONS:
        assert set(combination.concepts) | set(combination.unless) <= CONCEPTS.keys(), combination


def test_every_category_and_source_is_documented():
    sources = set(re.findall(r"^- `([a-z0-9_]+)`", DOC, re.M))
    for category in CATEGORIES:
        assert f"`{category.id}`" in DOC, category.id
        assert category.sources and set(category.sources) <= sources, category.id
