"""Provider calls run in the send pool, not in the partition loop: a provider hanging for
one conversation holds neither the partition nor other conversations, the request's
offset commits before the provider answers, a conversation's notifications keep their
order. (test_send_backpressure.py: a full pool slows consumption down.)"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from relais_shared import topics
from relais_shared.ids import new_id

from tests.conftest import unique_phone
from tests.integration.notifier.fake_twilio import Fail, FakeTwilio, Gate
from tests.integration.notifier.support import (
    RunningNotifier,
    StatusWatcher,
    committed_offset,
    create_database,
    eventually,
    notifier_settings,
    notify_envelope,
    produce_to,
    start_notifier,
)

pytestmark = pytest.mark.integration

# Long enough that a gated provider call is still waiting when the test looks.
SLOW_PROVIDER = {"provider_timeout_seconds": 20.0}


@pytest.fixture(scope="module")
async def slow_notifier(
    kafka_bootstrap: str, database_url: str, fake_twilio: FakeTwilio, statuses: StatusWatcher
) -> AsyncIterator[RunningNotifier]:
    url = await create_database(database_url)
    running = await start_notifier(notifier_settings(kafka_bootstrap, url, fake_twilio,
                                                     **SLOW_PROVIDER))
    yield running
    await running.stop()


def nid_of(envelope) -> str:
    return envelope.data["notification_id"]


async def test_a_provider_hanging_for_one_conversation_holds_no_other_of_its_partition(
    slow_notifier, fake_twilio, producer, statuses, kafka_bootstrap
):
    gate = asyncio.Event()
    stuck_phone = unique_phone()
    fake_twilio.plan(stuck_phone, Gate(gate))
    stuck = notify_envelope(stuck_phone)
    others = [notify_envelope(unique_phone()) for _ in range(5)]
    group = slow_notifier.runtime.settings.notifier_consumer_group
    try:
        offsets = [
            await produce_to(producer, topics.NOTIFY_REQUESTED, 0,
                             env.data["conversation_id"], env)
            for env in (stuck, *others)
        ]
        for env in others:  # all behind the hanging one in the partition, all sent
            await statuses.wait_for(nid_of(env), "sent")

        async def committed_past_all() -> bool:
            return await committed_offset(kafka_bootstrap, group, topics.NOTIFY_REQUESTED,
                                          0) > offsets[-1]

        await eventually(committed_past_all, what="offsets committed")
        # ...while the provider still has not answered for the first one.
        assert len(fake_twilio.posts_to(stuck_phone)) == 1
        row = await slow_notifier.row(nid_of(stuck))
        assert row["status"] == "sending" and row["in_doubt"] and row["attempts"] == 1
        assert statuses.statuses(nid_of(stuck)) == []
    finally:
        gate.set()
    status = await statuses.wait_for(nid_of(stuck), "sent")
    [message] = fake_twilio.messages_to(stuck_phone)
    assert status.provider_message_id == message["sid"]
    assert len(fake_twilio.posts_to(stuck_phone)) == 1


async def test_a_conversations_notifications_reach_the_provider_in_request_order(
    slow_notifier, fake_twilio, producer, statuses
):
    gate = asyncio.Event()
    phone = unique_phone()
    conversation = new_id()
    fake_twilio.plan(phone, Gate(gate))
    guidance = notify_envelope(phone, kind="emergency_guidance", conversation_id=conversation)
    ack = notify_envelope(phone, kind="ack", conversation_id=conversation)
    other = notify_envelope(unique_phone())
    try:
        for env in (guidance, ack, other):
            await produce_to(producer, topics.NOTIFY_REQUESTED, 1,
                             env.data["conversation_id"], env)
        await statuses.wait_for(nid_of(other), "sent")  # another conversation flows
        await asyncio.sleep(0.5)
        [first] = fake_twilio.posts_to(phone)  # the ack waits for the guidance
        assert "appelez maintenant le 15" in first["Body"]
        assert (await slow_notifier.row(nid_of(ack)))["attempts"] == 0
    finally:
        gate.set()
    await statuses.wait_for(nid_of(ack), "sent")
    bodies = [post["Body"] for post in fake_twilio.posts_to(phone)]
    assert len(bodies) == 2 and "bien reçu" in bodies[1]
    assert statuses.statuses(nid_of(guidance)) == ["sent"]


async def test_order_holds_while_the_first_notification_is_retried(
    slow_notifier, fake_twilio, producer, statuses
):
    phone = unique_phone()
    conversation = new_id()
    fake_twilio.plan(phone, Fail(503), Fail(429, 20429))
    guidance = notify_envelope(phone, kind="emergency_guidance", conversation_id=conversation)
    ack = notify_envelope(phone, kind="ack", conversation_id=conversation)
    for env in (guidance, ack):
        await produce_to(producer, topics.NOTIFY_REQUESTED, 2, conversation, env)

    await statuses.wait_for(nid_of(ack), "sent")
    bodies = [post["Body"] for post in fake_twilio.posts_to(phone)]
    assert len(bodies) == 4  # two refusals of the guidance, then the guidance, then the ack
    assert all("appelez maintenant le 15" in body for body in bodies[:3])
    assert "bien reçu" in bodies[3]
    assert (await slow_notifier.row(nid_of(guidance)))["attempts"] == 3
