"""The worker's inbox housekeeping loop (the commands themselves are in `commands.sweep`)."""

from __future__ import annotations

import asyncio
import contextlib

from relais_shared.errors import TRANSIENT_DB_ERRORS
from relais_shared.logging import get_logger

from .commands import InboxContext, sweep

log = get_logger(__name__)


class InboxSweeper:
    def __init__(self, ctx: InboxContext, *, every_seconds: float, claim_idle_minutes: float) -> None:
        self._ctx = ctx
        self._every = every_seconds
        self._idle = claim_idle_minutes
        self._stopping = asyncio.Event()

    async def run(self) -> None:
        while not self._stopping.is_set():
            try:
                done = await sweep(self._ctx, claim_idle_minutes=self._idle)
                if any(done.values()):
                    log.info("inbox_swept", **done)
            except TRANSIENT_DB_ERRORS as exc:  # the database is away: the next round retries
                log.warning("inbox_sweep_postponed", error=type(exc).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self._every)

    def stop(self) -> None:
        self._stopping.set()
