"""The send pool with an in-memory deliver function: bounded concurrency, order per
lane, backpressure, retries with backoff, and stopping."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
import pytest
from relais_notifier.dispatch import Outcome
from relais_notifier.metrics import SEND_BACKPRESSURE, SENDS_EXHAUSTED
from relais_notifier.send_pool import SendPool, SendPoolPolicy

pytestmark = pytest.mark.unit


class Provider:
    """A deliver function whose calls the test finishes one by one (or scripts)."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.triggers: dict[str, list[str]] = defaultdict(list)
        self.running: set[str] = set()
        self.most_running = 0
        self.answers: dict[str, list[Outcome | BaseException]] = {}
        self.gates: dict[str, asyncio.Event] = {}
        self.auto = True  # answer at once unless a gate is set for that id

    def gate(self, *nids: str) -> None:
        for nid in nids:
            self.gates[nid] = asyncio.Event()

    def open(self, nid: str) -> None:
        self.gates.pop(nid).set()

    async def deliver(self, notification_id: str, *, trigger: str) -> Outcome:
        self.started.append(notification_id)
        self.triggers[notification_id].append(trigger)
        self.running.add(notification_id)
        self.most_running = max(self.most_running, len(self.running))
        try:
            gate = self.gates.get(notification_id)
            if gate is not None:
                await gate.wait()
            else:
                await asyncio.sleep(0)
            script = self.answers.get(notification_id)
            answer = script.pop(0) if script else Outcome.DONE
            if isinstance(answer, BaseException):
                raise answer
            return answer
        finally:
            self.running.discard(notification_id)


@asynccontextmanager
async def running_pool(provider: Provider, **policy: float) -> AsyncIterator[SendPool]:
    values = {"concurrency": 4, "capacity": 100, "retry_base_seconds": 0.01,
              "retry_max_seconds": 0.05, "stop_grace_seconds": 1.0, **policy}
    pool = SendPool(provider.deliver, SendPoolPolicy(**values), jitter=lambda: 0.0)  # type: ignore[arg-type]
    task = asyncio.create_task(pool.run())
    try:
        yield pool
    finally:
        pool.stop()
        await asyncio.wait_for(task, 5)


async def until(check, timeout: float = 2.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "condition not met"
        await asyncio.sleep(0.001)


async def test_a_lane_goes_in_order_while_other_lanes_run_beside_it():
    provider = Provider()
    provider.gate("guidance")
    async with running_pool(provider) as pool:
        await pool.submit("guidance", "conv-1")
        await pool.submit("ack", "conv-1")
        await pool.submit("other-1", "conv-2")
        await pool.submit("other-2", "conv-3")
        await until(lambda: {"other-1", "other-2"} <= set(provider.started) and pool.held == 2)
        assert "ack" not in provider.started  # behind the hanging guidance
        provider.open("guidance")
        await until(lambda: pool.held == 0)
    assert provider.started.index("guidance") < provider.started.index("ack")


async def test_concurrency_is_bounded():
    provider = Provider()
    nids = [f"n{i}" for i in range(10)]
    provider.gate(*nids)
    async with running_pool(provider, concurrency=3) as pool:
        for nid in nids:
            await pool.submit(nid, nid)
        await until(lambda: len(provider.running) == 3)
        await asyncio.sleep(0.02)
        assert len(provider.started) == 3 and pool.in_flight == 3
        for nid in nids:
            await until(lambda nid=nid: nid in provider.gates and nid in provider.started)
            provider.open(nid)
        await until(lambda: pool.held == 0)
    assert provider.most_running == 3 and sorted(provider.started) == sorted(nids)


async def test_submit_waits_for_room_when_the_pool_is_full():
    provider = Provider()
    provider.gate("a", "b", "c")
    waited_before = SEND_BACKPRESSURE._value.get()
    async with running_pool(provider, concurrency=2, capacity=3) as pool:
        for nid in ("a", "b", "c"):
            assert await pool.submit(nid, nid)
        fourth = asyncio.create_task(pool.submit("d", "d"))
        await asyncio.sleep(0.05)
        assert not fourth.done() and pool.held == 3  # consumption waits, memory does not grow
        assert await pool.submit("a", "a")  # one already held never waits
        provider.open("a")
        assert await asyncio.wait_for(fourth, 1) is True
        assert pool.held <= 3
        provider.open("b")
        provider.open("c")
        await until(lambda: pool.held == 0)
    assert SEND_BACKPRESSURE._value.get() == waited_before + 1


async def test_a_notification_submitted_twice_is_delivered_once():
    provider = Provider()
    provider.gate("n")
    async with running_pool(provider) as pool:
        await pool.submit("n", "lane")
        await pool.submit("n", "lane", trigger="sweep")
        assert pool.held_ids() == ["n"]
        await until(lambda: "n" in provider.running)
        provider.open("n")
        await until(lambda: pool.held == 0)
    assert provider.started == ["n"]


async def test_retry_comes_back_after_a_backoff_and_keeps_its_lane_waiting():
    provider = Provider()
    provider.answers["first"] = [Outcome.RETRY, Outcome.RETRY, Outcome.DONE]
    async with running_pool(provider, retry_base_seconds=0.05, retry_max_seconds=1.0) as pool:
        started = asyncio.get_running_loop().time()
        await pool.submit("first", "lane")
        await pool.submit("second", "lane")
        await pool.submit("elsewhere", "other-lane")
        await until(lambda: pool.held == 0)
        elapsed = asyncio.get_running_loop().time() - started
    # Second waited for first's retries; the other lane did not.
    assert provider.started == ["first", "elsewhere", "first", "first", "second"]
    assert provider.triggers["first"] == ["request", "retry", "retry"]
    assert elapsed >= 0.05 + 0.1  # the backoff doubled


async def test_a_database_hiccup_is_retried_not_fatal():
    provider = Provider()
    provider.answers["n"] = [asyncpg.exceptions.ConnectionDoesNotExistError("gone"), Outcome.DONE]
    async with running_pool(provider) as pool:
        await pool.submit("n", "lane")
        await until(lambda: pool.held == 0)
    assert provider.started == ["n", "n"]


async def test_exhausted_is_counted_and_the_lane_moves_on():
    provider = Provider()
    provider.answers["failed"] = [Outcome.EXHAUSTED]
    before = SENDS_EXHAUSTED._value.get()
    async with running_pool(provider) as pool:
        await pool.submit("failed", "lane")
        await pool.submit("next", "lane")
        await until(lambda: pool.held == 0)
    assert provider.started == ["failed", "next"]
    assert SENDS_EXHAUSTED._value.get() == before + 1


async def test_stop_lets_calls_in_flight_finish_and_takes_nothing_more():
    provider = Provider()
    provider.gate("in-flight")
    pool = SendPool(provider.deliver, SendPoolPolicy(concurrency=1, capacity=10,
                                                     stop_grace_seconds=2.0))
    task = asyncio.create_task(pool.run())
    await pool.submit("in-flight", "a")
    await pool.submit("queued", "b")
    await until(lambda: "in-flight" in provider.running)
    pool.stop()
    assert await pool.submit("late", "c") is False  # its row stays `sending` for the next start
    await asyncio.sleep(0.05)
    assert not task.done()  # waiting for the provider call in flight
    provider.open("in-flight")
    await asyncio.wait_for(task, 1)
    await pool.wait_stopped()
    assert provider.started == ["in-flight"]  # the queued one was left to the next start


async def test_stop_cancels_what_outlives_the_grace_period():
    provider = Provider()
    provider.gate("hanging")
    pool = SendPool(provider.deliver, SendPoolPolicy(concurrency=1, capacity=10,
                                                     stop_grace_seconds=0.1))
    task = asyncio.create_task(pool.run())
    await pool.submit("hanging", "a")
    await until(lambda: "hanging" in provider.running)
    pool.stop()
    await asyncio.wait_for(task, 1)
    assert provider.running == set() and pool.in_flight == 0


async def test_a_stop_releases_a_submit_waiting_for_room():
    provider = Provider()
    provider.gate("a")
    async with running_pool(provider, concurrency=1, capacity=1, stop_grace_seconds=0.1) as pool:
        await pool.submit("a", "a")
        waiting = asyncio.create_task(pool.submit("b", "b"))
        await asyncio.sleep(0.02)
        assert not waiting.done()
        pool.stop()
        assert await asyncio.wait_for(waiting, 1) is False


async def test_an_unexpected_error_stops_the_pool_and_is_raised():
    provider = Provider()
    provider.answers["bug"] = [RuntimeError("a bug")]
    pool = SendPool(provider.deliver, SendPoolPolicy(concurrency=2, capacity=10))
    task = asyncio.create_task(pool.run())
    await pool.submit("bug", "a")
    with pytest.raises(RuntimeError, match="a bug"):
        await asyncio.wait_for(task, 1)
    assert await pool.submit("after", "b") is False


def test_the_policy_must_hold_its_workers():
    with pytest.raises(ValueError):
        SendPool(Provider().deliver, SendPoolPolicy(concurrency=8, capacity=4))
