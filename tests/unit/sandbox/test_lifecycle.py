"""Status steps after creation, callback plans with chaos, and the callback form."""

from __future__ import annotations

import random

import pytest
from relais_sandbox.domain.lifecycle import (
    CallbackChaos,
    Emission,
    StatusStep,
    Timing,
    callback_params,
    plan_emissions,
    status_steps,
)
from relais_sandbox.domain.reserved import DELIVERED, outcome_for

from tests.unit.sandbox.factories import message

pytestmark = pytest.mark.unit

TIMING = Timing(sent_after=0.2, final_after=0.5)


def statuses(steps: list[StatusStep]) -> list[str]:
    return [s.status for s in steps]


def test_a_delivered_message_goes_sent_then_delivered():
    steps = status_steps(DELIVERED, via_service=False, timing=TIMING)
    assert statuses(steps) == ["sent", "delivered"]
    assert [s.after for s in steps] == [0.2, 0.5]


def test_a_messaging_service_send_is_queued_first():
    assert statuses(status_steps(DELIVERED, True, TIMING)) == ["queued", "sent", "delivered"]


def test_reserved_outcomes():
    undelivered = status_steps(outcome_for("+33600000003"), False, TIMING)
    assert statuses(undelivered) == ["sent", "undelivered"]
    assert undelivered[-1].error_code == 30003
    failed = status_steps(outcome_for("+33600000008"), False, TIMING)
    assert statuses(failed) == ["failed"] and failed[0].error_code == 30008
    assert statuses(status_steps(outcome_for("+33600000001"), False, TIMING)) == ["sent"]


def test_without_chaos_one_callback_per_step_in_order():
    rng = random.Random(1)
    assert plan_emissions(2, CallbackChaos(), rng) == [Emission(0, 0), Emission(1, 1)]


def test_full_chaos_reorders_the_last_two_and_duplicates_everything():
    plan = plan_emissions(2, CallbackChaos(duplicate_rate=1.0, reorder_rate=1.0), random.Random(1))
    assert [(e.after_step, e.step, e.duplicate) for e in plan] == [
        (1, 1, False),
        (1, 1, True),
        (1, 0, False),
        (1, 0, True),
    ]


def test_small_rates_are_rare_but_happen():
    rng = random.Random(7)
    chaos = CallbackChaos(duplicate_rate=0.05, reorder_rate=0.05)
    plans = [plan_emissions(2, chaos, rng) for _ in range(2000)]
    duplicated = sum(any(e.duplicate for e in p) for p in plans)
    reordered = sum(p[0].step == 1 for p in plans)
    assert 100 < duplicated < 300 and 50 < reordered < 160


def test_rates_outside_0_1_are_refused():
    with pytest.raises(ValueError):
        CallbackChaos(duplicate_rate=1.5)


def test_callback_params_name_fields_as_twilio():
    m = message(messaging_service_sid="MG" + "1" * 32)
    params = dict(callback_params(m, StatusStep("undelivered", 0, 30003, "x")))
    assert params["MessageSid"] == params["SmsSid"] == m.sid
    assert params["MessageStatus"] == params["SmsStatus"] == "undelivered"
    assert params["AccountSid"] == m.account_sid and params["ApiVersion"] == "2010-04-01"
    assert params["From"] == m.from_ and params["To"] == m.to
    assert params["ErrorCode"] == "30003"
    assert params["MessagingServiceSid"] == m.messaging_service_sid
    assert "ErrorCode" not in dict(callback_params(m, StatusStep("delivered", 0)))
