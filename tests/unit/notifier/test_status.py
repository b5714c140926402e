"""Delivery states only move forward, whatever order the provider's callbacks come in."""

import itertools

import pytest
from relais_notifier.domain.status import (
    FAILURES,
    PROGRESS,
    STATES,
    advances,
    state_from_provider,
    states_advancing_to,
)

pytestmark = pytest.mark.unit

ALL = list(PROGRESS) + sorted(FAILURES)


@pytest.mark.parametrize(
    ("current", "new", "expected"),
    [
        ("sending", "sent", True),
        ("sent", "delivered", True),
        ("delivered", "read", True),
        ("sending", "delivered", True),  # a skipped step is still progress
        ("delivered", "sent", False),  # late callback: never backwards
        ("read", "delivered", False),
        ("sent", "sent", False),  # duplicate callback
        ("sending", "queued", False),
        ("sent", "failed", True),
        ("sent", "undelivered", True),
        ("delivered", "undelivered", False),  # what reached the handset cannot fail after
        ("failed", "delivered", False),  # terminal
        ("undelivered", "sent", False),
        ("suppressed", "sent", False),
        ("expired", "sending", False),
        ("sending", "suppressed", True),
    ],
)
def test_advances(current, new, expected):
    assert advances(current, new) is expected


def test_no_cycle_is_possible():
    for a, b in itertools.permutations(ALL, 2):
        assert not (advances(a, b) and advances(b, a)), (a, b)


def test_any_order_of_callbacks_ends_in_the_same_state():
    callbacks = ["queued", "sent", "delivered", "read"]
    ends = set()
    for order in itertools.permutations(callbacks):
        state = "sending"
        for new in order:
            if advances(state, new):
                state = new
        ends.add(state)
    assert ends == {"read"}


@pytest.mark.parametrize(
    ("raw", "code", "state"),
    [
        ("queued", None, "queued"),
        ("accepted", None, "queued"),
        ("sending", None, "sending"),
        ("sent", None, "sent"),
        ("Delivered", None, "delivered"),
        ("read", None, "read"),
        ("undelivered", "30003", "undelivered"),
        ("failed", "30008", "failed"),
        ("failed", "21610", "suppressed"),
        ("canceled", None, "failed"),
        ("receiving", None, None),
        ("whatever", None, None),
    ],
)
def test_provider_statuses(raw, code, state):
    assert state_from_provider(raw, code) == state


def test_states_advancing_to_is_exactly_where_advances_holds():
    for new in ALL:
        for current in ALL:
            assert (current in states_advancing_to(new)) is advances(current, new), (current, new)


def test_the_ledger_check_constraint_lists_every_state():
    from pathlib import Path

    migration = Path(__file__).resolve().parents[3] / "services/notifier/migrations/0001_ledger.sql"
    text = migration.read_text()
    listed = text[text.index("status IN (") : text.index("))", text.index("status IN ("))]
    assert {s.strip(" '\n") for s in listed[len("status IN (") :].split(",")} == STATES
