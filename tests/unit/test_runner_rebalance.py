"""The consumer runner's bookkeeping when a rebalance revokes partitions while their
batches are in flight (no broker: the consumer is never started)."""

from __future__ import annotations

import asyncio

from aiokafka import TopicPartition

from relais_shared.kafka.runner import ConsumerRunner


def _runner() -> ConsumerRunner:
    return ConsumerRunner(bootstrap="127.0.0.1:9", group_id="g", topics=["t"],
                          handlers={"t": lambda delivery: None},  # type: ignore[dict-item]
                          dlq_producer=None, client_id="test")  # type: ignore[arg-type]


async def test_a_batch_collected_by_the_poll_loop_while_a_revocation_waits_on_it():
    runner = _runner()
    tp = TopicPartition("t", 0)
    batch = asyncio.create_task(asyncio.sleep(0.01))
    runner._in_flight[tp] = batch
    revocation = asyncio.create_task(runner.on_revoked({tp}))
    await batch  # the poll loop resumes before the revocation does…
    await runner._reap(wait=False)  # …and collects the finished batch first
    await revocation  # no KeyError: the revocation sees it already collected
    assert runner._in_flight == {}


async def test_offsets_of_partitions_no_longer_assigned_are_not_committed():
    runner = _runner()
    committed: list[dict] = []

    async def commit(offsets):  # what the broker would refuse for an unassigned partition
        committed.append(offsets)

    runner.consumer.commit = commit  # type: ignore[method-assign]
    runner._done_offsets[TopicPartition("t", 0)] = 42  # revoked meanwhile: not assigned
    await runner._commit_done()
    assert committed == [] and runner._done_offsets == {}
