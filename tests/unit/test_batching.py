"""The coalescer: concurrent calls share a flush, calls made during a flush share the next
one, and every caller gets its own answer or the batch's failure."""

from __future__ import annotations

import asyncio

import pytest
from relais_shared.batching import Coalescer


class Recorder:
    def __init__(self, fail_on: int | None = None) -> None:
        self.batches: list[list[int]] = []
        self.fail_on = fail_on
        self.gate = asyncio.Event()
        self.gate.set()

    async def __call__(self, items: list[int]) -> list[int]:
        self.batches.append(list(items))
        await self.gate.wait()
        if self.fail_on in items:
            raise ValueError(f"{self.fail_on} refused")
        return [i * 10 for i in items]


async def test_calls_made_together_share_one_flush_and_get_their_own_answers():
    flush = Recorder()
    coalesce = Coalescer(flush)
    assert await asyncio.gather(*(coalesce(i) for i in range(5))) == [0, 10, 20, 30, 40]
    assert flush.batches == [[0, 1, 2, 3, 4]]


async def test_calls_made_during_a_flush_wait_for_the_next_one_together():
    flush = Recorder()
    flush.gate.clear()
    coalesce = Coalescer(flush)
    first = asyncio.ensure_future(coalesce(1))
    await asyncio.sleep(0)
    await asyncio.sleep(0)  # the first flush is in flight, held at the gate
    later = [asyncio.ensure_future(coalesce(i)) for i in (2, 3, 4)]
    await asyncio.sleep(0)
    flush.gate.set()
    assert await first == 10 and await asyncio.gather(*later) == [20, 30, 40]
    assert flush.batches == [[1], [2, 3, 4]]


@pytest.mark.parametrize(("linger", "batches"), [(0.0, [[0], [1], [2]]), (0.2, [[0, 1, 2]])])
async def test_with_linger_a_flush_waits_for_callers_arriving_a_little_later(linger, batches):
    flush = Recorder()
    coalesce = Coalescer(flush, linger=linger)

    async def call_after(delay: float, item: int) -> int:
        await asyncio.sleep(delay)
        return await coalesce(item)

    assert await asyncio.gather(*(call_after(0.03 * i, i) for i in range(3))) == [0, 10, 20]
    assert flush.batches == batches


async def test_a_full_batch_does_not_linger():
    coalesce = Coalescer(Recorder(), max_batch=2, linger=30.0)
    assert await asyncio.wait_for(asyncio.gather(coalesce(1), coalesce(2)), 5) == [10, 20]
    with pytest.raises(ValueError, match="linger"):
        Coalescer(Recorder(), linger=-1)


async def test_a_batch_never_exceeds_max_batch():
    flush = Recorder()
    coalesce = Coalescer(flush, max_batch=2)
    await asyncio.gather(*(coalesce(i) for i in range(5)))
    assert flush.batches == [[0, 1], [2, 3], [4]]


async def test_a_failed_flush_fails_the_callers_of_its_batch_only_and_the_next_ones_go_on():
    flush = Recorder(fail_on=2)
    coalesce = Coalescer(flush, max_batch=2)
    results = await asyncio.gather(*(coalesce(i) for i in range(6)), return_exceptions=True)
    assert results[:2] == [0, 10] and results[4:] == [40, 50]
    assert all(isinstance(r, ValueError) for r in results[2:4])
    assert await coalesce(7) == 70  # still serving


async def test_a_caller_that_gives_up_does_not_disturb_the_others():
    flush = Recorder()
    flush.gate.clear()
    coalesce = Coalescer(flush)
    impatient = asyncio.ensure_future(coalesce(1))
    patient = asyncio.ensure_future(coalesce(2))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    impatient.cancel()
    flush.gate.set()
    assert await patient == 20
    with pytest.raises(asyncio.CancelledError):
        await impatient


async def test_a_flush_answering_the_wrong_count_is_an_error_for_its_callers():
    async def short(items: list[int]) -> list[int]:
        return items[:-1]

    coalesce = Coalescer(short)
    results = await asyncio.gather(coalesce(1), coalesce(2), return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)


async def test_a_flush_runs_in_the_coalescers_context_not_the_first_callers():
    import contextvars

    marker: contextvars.ContextVar[str] = contextvars.ContextVar("marker", default="built")
    seen: list[str] = []

    async def flush(items: list[int]) -> list[int]:
        seen.append(marker.get())
        return items

    coalesce = Coalescer(flush)
    marker.set("caller")  # e.g. a unit of work or log bindings of the caller
    assert await coalesce(1) == 1
    assert seen == ["built"]
