"""The fault plan: FIFO, counted, optionally aimed at one recipient."""

from __future__ import annotations

import pytest
from relais_sandbox.domain.faults import FaultPlan, InjectedFault

pytestmark = pytest.mark.unit


def test_a_fault_applies_to_exactly_the_next_n_requests():
    plan = FaultPlan()
    plan.add("http_429", count=2)
    assert plan.take("+33612345678") == InjectedFault("http_429", 20.0)
    assert plan.take(None) == InjectedFault("http_429", 20.0)
    assert plan.take("+33612345678") is None
    assert plan.pending() == []


def test_faults_queue_in_order():
    plan = FaultPlan()
    plan.add("http_500", count=1)
    plan.add("hang", count=1, seconds=3)
    assert [plan.take(None), plan.take(None), plan.take(None)] == [
        InjectedFault("http_500", 20.0),
        InjectedFault("hang", 3),
        None,
    ]


def test_an_aimed_fault_spares_other_recipients_and_lets_later_faults_through():
    plan = FaultPlan()
    plan.add("http_500", count=1, to="+33611111111")
    plan.add("http_429", count=1)
    assert plan.take("+33622222222") == InjectedFault("http_429", 20.0)
    assert plan.take("+33622222222") is None
    assert plan.take("+33611111111") == InjectedFault("http_500", 20.0)


def test_remaining_counts_down_and_clear_empties_the_plan():
    plan = FaultPlan()
    fault = plan.add("timeout_after_create", count=3, seconds=1)
    plan.take(None)
    assert fault.remaining == 2 and plan.pending() == [fault]
    plan.clear()
    assert plan.take(None) is None


@pytest.mark.parametrize(
    ("mode", "count", "seconds"),
    [("explode", 1, 1.0), ("http_429", 0, 1.0), ("hang", 1, -1.0), ("hang", 1, 301.0)],
)
def test_nonsense_faults_are_refused(mode, count, seconds):
    with pytest.raises(ValueError):
        FaultPlan().add(mode, count, seconds)
