"""`relais simulate`'s day generator and runner: deterministic with a seed, bounded, a
realistic mix, a morning peak, follow-ups from the same numbers, a summary without PII."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from relais_cli.simulate import (
    INTENTS,
    MAX_CONTACTS,
    PlannedContact,
    contact_count,
    parse_duration,
    plan_day,
    run_plan,
)
from relais_shared.twilio import is_valid_signature
from relais_shared.twilio_webhooks import SignedWebhook

pytestmark = pytest.mark.unit
TOKEN = "sim-token"


def test_same_seed_same_day_other_seed_other_day():
    assert plan_day(200, 120, seed=7) == plan_day(200, 120, seed=7)
    assert plan_day(200, 120, seed=7) != plan_day(200, 120, seed=8)


@pytest.mark.parametrize(
    ("rate", "duration", "maximum", "expected"),
    [
        (30, 120, 1000, 60),
        (30, 120, 10, 10),
        (1, 1, 1000, 1),  # never zero for a positive rate and duration
        (6000, 86400, 10**9, MAX_CONTACTS),
        (0, 120, 1000, 0),
    ],
)
def test_the_count_follows_the_rate_and_is_bounded(rate, duration, maximum, expected):
    assert contact_count(rate, duration, maximum) == expected


def test_offsets_are_sorted_inside_the_run_with_a_morning_peak():
    plan = plan_day(2000, 600, seed=1)
    offsets = [c.offset_s for c in plan]
    assert offsets == sorted(offsets) and 0 <= offsets[0] and offsets[-1] < 600
    hours = Counter(int(c.clock[:2]) for c in plan)
    assert set(hours) <= set(range(8, 19))
    morning = sum(hours[h] for h in (8, 9, 10, 11))
    afternoon = sum(hours[h] for h in (14, 15, 16, 17))
    assert morning > 1.3 * afternoon
    assert hours[12] < hours[9] / 2  # the lunch lull
    first_half = sum(1 for c in plan if c.offset_s < 300)
    assert first_half > len(plan) * 0.55  # so the run sends faster at its start


def test_the_mix_has_every_intent_both_languages_urgent_and_stop():
    plan = plan_day(3000, 600, seed=3)
    intents = Counter(c.intent for c in plan)
    assert set(intents) == {i.name for i in INTENTS} | {"follow_up"}
    assert intents["appointment"] == max(intents.values())
    assert 0.01 < intents["urgent"] / len(plan) < 0.08
    assert 0.01 < intents["stop"] / len(plan) < 0.06
    languages = Counter(c.lang for c in plan)
    assert 0.6 < languages["fr"] / len(plan) < 0.9 and languages["en"] > 0
    assert all(c.body.strip() and len(c.body) <= 1600 for c in plan)
    assert not any("{" in c.body for c in plan)  # every slot filled


def test_follow_ups_reuse_numbers_in_the_same_language_and_never_after_stop():
    plan = plan_day(3000, 600, seed=5)
    first_seen: dict[str, PlannedContact] = {}
    stopped: set[str] = set()
    for contact in plan:
        assert contact.sender not in stopped, "a patient who sent STOP wrote again"
        if contact.intent == "follow_up":
            assert contact.sender in first_seen
            assert first_seen[contact.sender].lang == contact.lang
        first_seen.setdefault(contact.sender, contact)
        if contact.intent == "stop":
            stopped.add(contact.sender)
    follow_ups = sum(1 for c in plan if c.intent == "follow_up")
    assert 0.1 < follow_ups / len(plan) < 0.3
    assert len({c.sender for c in plan}) < len(plan)


def test_numbers_are_valid_mobiles_and_never_the_sandbox_reserved_ones():
    for contact in plan_day(3000, 600, seed=9):
        number = contact.sender
        assert number.startswith(("+336", "+337", "+447700900")), number
        assert len(number) in (12, 13)
        assert not number.startswith("+3360000")


@pytest.mark.parametrize(
    ("raw", "seconds"), [("120", 120), ("90s", 90), ("2m", 120), ("1.5h", 5400), (" 3M ", 180)]
)
def test_durations(raw, seconds):
    assert parse_duration(raw) == seconds


@pytest.mark.parametrize("raw", ["", "0", "2d", "-1m", "25h", "abc"])
def test_bad_durations(raw):
    with pytest.raises(ValueError):
        parse_duration(raw)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


async def test_the_runner_sends_every_contact_signed_and_summarises_without_pii():
    plan = plan_day(40, 60, seed=11)
    clock = FakeClock()
    received: list[SignedWebhook] = []
    in_flight = 0
    peak = 0

    async def post(webhook: SignedWebhook) -> int | None:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        received.append(webhook)
        await asyncio.sleep(0)
        in_flight -= 1
        if webhook.form["Body"] == "STOP":
            return 422
        return None if len(received) == 3 else 200

    summary = await run_plan(
        plan,
        post=post,
        public_url="http://intake.test",
        auth_token=TOKEN,
        account_sid="AC" + "0" * 32,
        clinic="+33939000000",
        concurrency=4,
        monotonic=clock.monotonic,
        sleep=clock.sleep,
    )
    assert summary.sent == summary.planned == len(received) == 40
    assert summary.accepted + summary.refused + summary.failed == 40
    assert summary.failed == 1 and summary.refused == sum(1 for c in plan if c.body == "STOP")
    assert peak <= 4
    assert [w.form["From"] for w in received] == [c.sender for c in plan]
    for webhook in received:
        assert webhook.url == "http://intake.test/v1/channels/sms/twilio"
        assert webhook.form["To"] == "+33939000000"
        assert is_valid_signature(
            TOKEN, webhook.url, webhook.form.items(), webhook.headers["X-Twilio-Signature"]
        )
    report = "\n".join(summary.lines("http://intake.test"))
    assert "sent 40" in report and f"accepted {summary.accepted}" in report
    for contact in plan:
        assert contact.sender not in report and contact.sender[1:] not in report
        assert contact.body not in report


async def test_the_runner_stops_at_the_deadline_and_when_asked():
    plan = plan_day(100, 100, seed=2)
    clock = FakeClock()

    async def post(webhook: SignedWebhook) -> int:
        return 200

    common = {
        "post": post,
        "public_url": "http://i",
        "auth_token": TOKEN,
        "account_sid": "AC1",
        "clinic": "+33939000000",
        "monotonic": clock.monotonic,
        "sleep": clock.sleep,
    }
    partial = await run_plan(plan, deadline_s=50, **common)
    assert partial.sent == sum(1 for c in plan if c.offset_s <= 50) < 100
    stop = asyncio.Event()
    stop.set()
    stopped = await run_plan(plan, stop=stop, **common)
    assert stopped.sent == 0 and stopped.interrupted
