"""The send pool: provider calls run here, off the Kafka partition loop.

A notify request is done for the consumer once its ledger row is committed as
`sending`: from then on nothing is lost (a restart or the sweeper settles what this
process did not finish), so the handler hands the notification id over and its
offset commits. The pool calls `Dispatcher.deliver` with bounded concurrency, one
notification at a time per lane (conversation, or address) in the order handed
over, retries with backoff, and makes `submit` wait when too much is held, so that
consumption slows down instead of memory growing.

The pool is the only caller of `deliver` once the consumer runs (startup
reconciliation finishes before): leases are per process, so two concurrent
deliveries of one notification must never happen inside one process.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from relais_shared.errors import TRANSIENT_DB_ERRORS, Retryable
from relais_shared.logging import get_logger
from structlog.contextvars import bound_contextvars

from .dispatch import Outcome
from .domain.backoff import retry_delay
from .domain.lanes import Lanes
from .metrics import (
    SEND_BACKPRESSURE,
    SEND_QUEUE_DEPTH,
    SEND_RETRIES,
    SENDS_EXHAUSTED,
    SENDS_IN_FLIGHT,
)

log = get_logger(__name__)


class Deliver(Protocol):
    def __call__(self, notification_id: str, *, trigger: str) -> Awaitable[Outcome]: ...


@dataclass(frozen=True)
class SendPoolPolicy:
    concurrency: int = 16
    # Notifications held (waiting, backing off or in flight) before `submit` waits.
    capacity: int = 1_000
    retry_base_seconds: float = 1.0
    retry_max_seconds: float = 120.0
    # On stop, how long deliveries in flight may take to finish before they are cancelled.
    stop_grace_seconds: float = 10.0


@dataclass
class _Job:
    notification_id: str
    lane: str  # a conversation id or an address: never logged
    trigger: str
    retries: int = 0


class SendPool:
    def __init__(
        self,
        deliver: Deliver,
        policy: SendPoolPolicy,
        *,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        if policy.concurrency < 1 or policy.capacity < policy.concurrency:
            raise ValueError("need 1 <= concurrency <= capacity")
        self._deliver = deliver
        self._policy = policy
        self._jitter = jitter
        self._lanes: Lanes[_Job] = Lanes()
        self._held: set[str] = set()
        self._waiting = 0  # held, not in flight (queued or backing off)
        self._in_flight: set[asyncio.Task[None]] = set()
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._wake = asyncio.Event()  # work may start: submitted, finished, retry due, stop
        self._room = asyncio.Event()  # a held notification finished, or the pool closed
        self._stopped = asyncio.Event()
        self._closed = False
        self._running = False
        self._crash: BaseException | None = None

    # -- what the consumer and the sweeper see ---------------------------------------
    async def submit(self, notification_id: str, lane: str, *, trigger: str = "request") -> bool:
        """Hand over a `sending` notification, waiting while the pool is full.

        True once it is held (or already was); False when the pool is stopping and did
        not take it — its row stays `sending` for the next start or another replica.
        """
        waited = False
        while (
            not self._closed
            and notification_id not in self._held
            and len(self._held) >= self._policy.capacity
        ):
            if not waited:
                SEND_BACKPRESSURE.inc()
                waited = True
            self._room.clear()
            await self._room.wait()
        if self._closed:
            return False
        if notification_id in self._held:
            return True
        self._held.add(notification_id)
        self._lanes.push(lane, _Job(notification_id, lane, trigger))
        self._waiting += 1
        SEND_QUEUE_DEPTH.inc()
        self._wake.set()
        return True

    def held_ids(self) -> list[str]:
        """Notifications the pool holds (waiting, backing off or in flight)."""
        return list(self._held)

    @property
    def held(self) -> int:
        return len(self._held)

    @property
    def in_flight(self) -> int:
        return len(self._in_flight)

    # -- running and stopping --------------------------------------------------------
    async def run(self) -> None:
        """Deliver until `stop()`, then give deliveries in flight the grace period.

        An unexpected error in a delivery stops the pool and is raised here: the
        process exits and its supervisor restarts it; the ledger keeps the rest.
        """
        self._running = True
        try:
            while not self._closed:
                if len(self._in_flight) < self._policy.concurrency:
                    taken = self._lanes.take()
                    if taken is not None:
                        self._start(taken[1])
                        continue
                self._wake.clear()
                await self._wake.wait()
            await self._wind_down()
        finally:
            self._abandon()
            self._stopped.set()
        if self._crash is not None:
            raise self._crash

    def stop(self) -> None:
        """Take no more work: `submit` answers False and no new delivery starts."""
        self._closed = True
        self._wake.set()
        self._room.set()

    async def wait_stopped(self) -> None:
        """Until `run` has returned (at once if it never ran)."""
        if self._running:
            await self._stopped.wait()

    async def _wind_down(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        if not self._in_flight:
            return
        log.info("send_pool_draining", in_flight=len(self._in_flight))
        _, late = await asyncio.wait(set(self._in_flight), timeout=self._policy.stop_grace_seconds)
        for task in late:
            task.cancel()
        if late:
            await asyncio.wait(late)
            log.warning("send_pool_cancelled_in_flight", cancelled=len(late))

    def _abandon(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        for task in self._in_flight:
            task.cancel()
        SEND_QUEUE_DEPTH.dec(self._waiting)
        self._waiting = 0
        self._room.set()
        log.info("send_pool_stopped", left_sending=len(self._held))

    # -- one delivery ----------------------------------------------------------------
    def _start(self, job: _Job) -> None:
        self._waiting -= 1
        SEND_QUEUE_DEPTH.dec()
        SENDS_IN_FLIGHT.inc()
        task = asyncio.create_task(self._deliver_one(job), name=f"send-{job.notification_id}")
        self._in_flight.add(task)
        task.add_done_callback(self._ended)

    def _ended(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        if not task.cancelled() and task.exception() is not None and self._crash is None:
            self._crash = task.exception()
            self.stop()
        self._wake.set()

    async def _deliver_one(self, job: _Job) -> None:
        with bound_contextvars(notification_id=job.notification_id):
            try:
                outcome = await self._deliver(job.notification_id, trigger=job.trigger)
            except (*TRANSIENT_DB_ERRORS, Retryable) as exc:  # Retryable: from a commit's flush
                log.warning("send_db_error", error=type(exc).__name__, trigger=job.trigger)
                outcome = Outcome.RETRY
            finally:
                SENDS_IN_FLIGHT.dec()
            self._conclude(job, outcome)

    def _conclude(self, job: _Job, outcome: Outcome) -> None:
        if outcome is Outcome.RETRY:
            if not self._closed:  # stopping: the row stays `sending` for the next start
                self._retry_later(job)
            return
        if outcome is Outcome.EXHAUSTED:
            # The ledger says failed and delivery.status failed is on its way; the Kafka
            # record was committed long ago, so this log line and metric are the alert.
            SENDS_EXHAUSTED.inc()
            log.error("send_exhausted", trigger=job.trigger, pool_retries=job.retries)
        self._lanes.finish(job.lane)
        self._held.discard(job.notification_id)
        self._room.set()

    def _retry_later(self, job: _Job) -> None:
        job.retries += 1
        job.trigger = "retry"
        delay = retry_delay(
            job.retries,
            base=self._policy.retry_base_seconds,
            cap=self._policy.retry_max_seconds,
            jitter=self._jitter(),
        )
        SEND_RETRIES.inc()
        self._waiting += 1
        SEND_QUEUE_DEPTH.inc()
        self._timers[job.lane] = asyncio.get_running_loop().call_later(delay, self._due, job.lane)
        log.info("send_retry_later", pool_retries=job.retries, delay=round(delay, 2))

    def _due(self, lane: str) -> None:
        self._timers.pop(lane, None)
        if not self._closed:
            self._lanes.again(lane)
            self._wake.set()
