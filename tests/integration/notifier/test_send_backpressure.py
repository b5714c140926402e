"""A full send pool slows consumption down instead of growing: the consumer waits in
`submit`, so at most one partition batch per partition waits beside the pool's bound.

Alone in its module: every notifier running at the same time consumes the same topic
(other consumer groups) and would take the scripted provider behaviours."""

from __future__ import annotations

import asyncio

import pytest
from relais_notifier.metrics import SEND_BACKPRESSURE
from relais_shared import topics

from tests.conftest import unique_phone
from tests.integration.notifier.fake_twilio import Gate
from tests.integration.notifier.support import (
    create_database,
    eventually,
    notifier_settings,
    notify_envelope,
    produce_to,
    start_notifier,
)

pytestmark = pytest.mark.integration


async def test_a_full_send_pool_slows_consumption_down(
    kafka_bootstrap, database_url, fake_twilio, producer, statuses
):
    capacity, concurrency, per_partition = 4, 2, 4
    url = await create_database(database_url)
    running = await start_notifier(notifier_settings(
        kafka_bootstrap, url, fake_twilio, notifier_send_concurrency=concurrency,
        notifier_send_queue_max=capacity, provider_timeout_seconds=20.0,
    ))
    gate = asyncio.Event()
    requests = [notify_envelope(unique_phone()) for _ in range(3 * per_partition)]
    for env in requests:
        fake_twilio.plan(env.data["address"], Gate(gate))
    waited_before = SEND_BACKPRESSURE._value.get()
    most_held = 0

    async def watch_held() -> None:
        nonlocal most_held
        while True:
            most_held = max(most_held, running.runtime.sends.held)
            await asyncio.sleep(0.005)

    watcher = asyncio.create_task(watch_held())
    try:
        for i, env in enumerate(requests):
            await produce_to(producer, topics.NOTIFY_REQUESTED, i % 3,
                             env.data["conversation_id"], env)

        async def full() -> bool:
            return running.runtime.sends.held == capacity

        await eventually(full, what="send pool full")
        await asyncio.sleep(1.0)  # would the consumer run ahead?
        written = await running.pool.fetchval("SELECT count(*) FROM notifier.notifications")
        # Each partition's batch waits in submit (its offsets uncommitted) with what it
        # admitted: at most one batch per partition beyond the pool's bound.
        assert capacity < written <= len(requests)
        assert running.runtime.sends.held == capacity
        assert sum(len(fake_twilio.posts_to(env.data["address"])) for env in requests) \
            == concurrency
        assert SEND_BACKPRESSURE._value.get() > waited_before
    finally:
        gate.set()
    try:
        for env in requests:
            await statuses.wait_for(env.data["notification_id"], "sent")
        assert all(len(fake_twilio.posts_to(env.data["address"])) == 1 for env in requests)
        assert most_held <= capacity
    finally:
        watcher.cancel()
        await running.stop()
