"""Calls that arrive together are served by one round trip (automatic batching).

`Coalescer(flush)` is awaited like a function of one item. The first call starts a flush
on the next turn of the event loop, with every item submitted by then; calls made while a
flush is in flight wait for the next one, which takes all of them. By default nothing
waits on a timer: an idle process pays one loop turn, a busy one shares a statement between
all its concurrent callers. With `linger` (seconds) a flush first waits that long for more
callers: for work off the latency path whose statements cost more than their rows (e.g.
the send pool recording accepted sends: one transaction for a few dozen instead of a few).

A flush runs in the context the coalescer was built in, never a caller's: it does not join
a caller's unit of work (`db.transaction`) nor carry its log bindings.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Coalescer(Generic[T, R]):
    def __init__(
        self, flush: Callable[[list[T]], Awaitable[Sequence[R]]], *, max_batch: int = 256,
        linger: float = 0.0,
    ) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        if linger < 0:
            raise ValueError("linger must not be negative")
        self._flush = flush
        self._max_batch = max_batch
        self._linger = linger
        self._pending: list[tuple[T, asyncio.Future[R]]] = []
        self._worker: asyncio.Task[None] | None = None
        self._context = contextvars.copy_context()

    async def __call__(self, item: T) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._worker is None:
            self._worker = asyncio.create_task(self._drain(), context=self._context.copy())
        return await future

    async def _drain(self) -> None:
        try:
            while self._pending:
                if self._linger and len(self._pending) < self._max_batch:
                    await asyncio.sleep(self._linger)
                batch = self._pending[: self._max_batch]
                del self._pending[: self._max_batch]
                await self._serve(batch)
        except asyncio.CancelledError:  # stopping: nobody is left waiting for ever
            for _, future in self._pending:
                future.cancel()
            self._pending.clear()
            raise
        finally:
            self._worker = None

    async def _serve(self, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        try:
            results = await self._flush([item for item, _ in batch])
            if len(results) != len(batch):
                raise RuntimeError(f"flush answered {len(results)} results for {len(batch)} items")
        except asyncio.CancelledError:
            for _, future in batch:
                future.cancel()
            raise
        except Exception as exc:  # noqa: BLE001 - every caller of the batch sees the failure
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():  # a caller cancelled meanwhile
                future.set_result(result)
