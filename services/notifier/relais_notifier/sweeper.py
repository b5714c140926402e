"""The sweeper: `sending` notifications nobody works on go back to the send pool.

Startup reconciliation settles what a previous process left, but a replica can die
while others keep running, a stopped process may leave queued notifications behind,
and a row whose lease was still running at startup is skipped then. Every few
seconds the sweeper picks such rows (no live lease, untouched for a grace period,
not already held here) and hands them to the pool with trigger "sweep"; the
dispatcher's lease and reconciliation keep that at most once.
"""

from __future__ import annotations

import asyncio
import contextlib

import asyncpg
from relais_shared.errors import TRANSIENT_DB_ERRORS
from relais_shared.logging import get_logger

from .adapters import ledger
from .metrics import SWEPT
from .send_pool import SendPool

log = get_logger(__name__)


class Sweeper:
    def __init__(
        self,
        db: asyncpg.Pool,
        sends: SendPool,
        *,
        interval_seconds: float,
        idle_seconds: float,
        batch: int = 200,
    ) -> None:
        self._db = db
        self._sends = sends
        self._interval = interval_seconds
        self._idle = idle_seconds
        self._batch = batch
        self._stopping = asyncio.Event()

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        """Sweep every interval until stopped; a database hiccup waits for the next round."""
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self._interval)
                break
            try:
                await self.sweep()
            except TRANSIENT_DB_ERRORS as exc:
                log.warning("sweep_failed", error=type(exc).__name__)

    async def sweep(self) -> int:
        """One pass: how many notifications were handed to the pool."""
        async with self._db.acquire() as conn:
            found = await ledger.orphans(
                conn, idle_seconds=self._idle, skip=self._sends.held_ids(), limit=self._batch
            )
        taken = 0
        for orphan in found:
            if self._stopping.is_set():
                break
            if not await self._sends.submit(orphan.notification_id, orphan.lane, trigger="sweep"):
                break  # the pool is stopping
            taken += 1
        if taken:
            SWEPT.inc(taken)
            picked = [o.notification_id for o in found[: min(taken, 20)]]
            log.info("sweep_picked_up", notifications=taken, first_ids=picked)
        return taken
