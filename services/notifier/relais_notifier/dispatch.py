"""Sending one notification at most once, whatever crashes or timeouts happen.

The ledger row is committed as `sending` before the provider is called. Each
attempt takes a lease on the row (so two processes never send it at once) and
marks it `in_doubt` before the POST. An answer that proves the message was not
taken clears the doubt; one that may hide a sent message (timeout, dropped
connection) leaves it, and the next attempt first asks the provider whether it
has the message (reconciliation) instead of sending blindly.
"""

from __future__ import annotations

import asyncio
import collections
import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
from relais_shared import db
from relais_shared.batching import Coalescer
from relais_shared.ids import new_id
from relais_shared.logging import get_logger
from structlog.contextvars import bound_contextvars

from .adapters import ledger, suppressions
from .adapters.ledger import Move, NewNotification, Notification
from .adapters.sms import SmsProvider
from .domain.reconcile import find_sent_copy, lookup_since
from .domain.sms import Accepted, Ambiguous, NotSent, OutboundSms, ProviderUnavailable, Refused
from .domain.templates import HELP_REPLY, OPT_OUT_CONFIRMATION
from .metrics import AMBIGUOUS_ATTEMPTS, NOTIFICATIONS, RECONCILIATIONS, SEND_ATTEMPTS
from .state import advance, apply_moves, emit_status, move_request

log = get_logger(__name__)

# Answers to the patient's own keyword go out even to a suppressed address.
SUPPRESSION_EXEMPT = frozenset({OPT_OUT_CONFIRMATION, HELP_REPLY})
# Rows settled at once on startup (each may wait on the provider).
STARTUP_CONCURRENCY = 8
# Accepted sends wait this long for others to share their recording transaction.
RECORD_LINGER_S = 0.02
# Ambiguous attempts settled inline (settle, ask, maybe send) before handing back to backoff.
INLINE_AMBIGUOUS_PASSES = 3


class Outcome(enum.Enum):
    DONE = "done"  # nothing more to do for this notification
    RETRY = "retry"  # try again later: provider unavailable, attempt in flight, settling
    EXHAUSTED = "exhausted"  # marked failed after too many attempts


@dataclass(frozen=True)
class DispatchPolicy:
    status_callback: Callable[[str], str]
    max_attempts: int = 12
    lease_seconds: float = 25.0
    settle_seconds: float = 2.0
    clock_skew: timedelta = timedelta(minutes=5)


async def admit_all(
    conn: asyncpg.Connection, requests: Sequence[tuple[NewNotification, str | None]]
) -> list[str]:
    """Write requested notifications once, in one statement, in the caller's transaction.

    Each (notification, refuse code) gets its ledger status: `sending` when it is to be
    sent, or an end state decided without the provider (`suppressed`, `expired`, or
    `failed` with the refuse code: its delivery.status is queued), or `duplicate` when
    another notification holds its dedupe key.
    """
    rows = await ledger.admit_many(conn, [
        ledger.Admission(new, refuse is not None, new.kind not in SUPPRESSION_EXEMPT)
        for new, refuse in requests
    ])
    statuses = []
    for (new, refuse), row in zip(requests, rows, strict=True):
        if row is None:
            statuses.append(await _known_status(conn, new))
            continue
        if row.status != "sending":
            emit_status(row, row.status, provider_code=refuse)
        NOTIFICATIONS.labels(row.status).inc()
        statuses.append(row.status)
    return statuses


async def _known_status(conn: asyncpg.Connection, new: NewNotification) -> str:
    existing = await ledger.get(conn, new.notification_id)
    if existing is None:
        NOTIFICATIONS.labels("duplicate").inc()
        log.info("notification_duplicate", dedupe_key=new.dedupe_key)
        return "duplicate"
    NOTIFICATIONS.labels("seen_again").inc()
    return existing.status


class Dispatcher:
    def __init__(self, pool: asyncpg.Pool, provider: SmsProvider, policy: DispatchPolicy) -> None:
        self._pool = pool
        self._provider = provider
        self._policy = policy
        # Leases taken by this process carry its id, so it can extend them between steps.
        self._owner = new_id()
        # Concurrent deliveries share their round trips: the clean attempts taken together,
        # the accepted sends recorded together (one transaction). Recording is off the
        # patient's path (the provider has the message): it gathers for RECORD_LINGER_S.
        self._take_clean = Coalescer(self._take_clean_attempts)
        self._record_sent = Coalescer(self._record_sent_batch, linger=RECORD_LINGER_S)

    async def admit(self, new: NewNotification, *, refuse: str | None = None) -> str:
        """Write a requested notification once (see `admit_all`); its ledger status."""
        async with db.transaction(self._pool) as conn:  # joins the handler's, if any
            return (await admit_all(conn, [(new, refuse)]))[0]

    async def deliver(self, notification_id: str, *, trigger: str = "request") -> Outcome:
        """Bring a `sending` notification to the provider exactly once (or to an end state).

        An ambiguous attempt is settled right here while the lease is held: wait for the
        provider to settle, ask it, and send again only if it does not have the message.
        """
        fresh = await self._clean_attempt(notification_id)
        if fresh is not None:
            outcome = await self._record(*fresh)
            if outcome is not None:
                return outcome
            # Ambiguous: the provider may have the message. Let it settle, then ask.
            await asyncio.sleep(self._policy.settle_seconds)
            trigger = "ambiguous"
        row = await self._claim(notification_id)
        if not isinstance(row, Notification):
            return row
        for _ in range(INLINE_AMBIGUOUS_PASSES):
            if row.in_doubt:
                settled = await self._reconcile(row, trigger)
                if settled is not None:
                    return settled
            outcome = await self._attempt(row)
            if outcome is not None:
                return outcome
            # Ambiguous: the provider may have the message. Let it settle, then ask.
            await asyncio.sleep(self._policy.settle_seconds)
            row = await self._claim(notification_id)
            if not isinstance(row, Notification):
                return row
            trigger = "ambiguous"
        async with self._pool.acquire() as conn:
            await ledger.release(
                conn, notification_id, self._owner, in_doubt=True, last_error="ambiguous",
                hold_seconds=self._policy.settle_seconds,
            )
        return Outcome.RETRY

    async def _clean_attempt(
        self, notification_id: str
    ) -> tuple[Notification, int, Accepted | NotSent | Refused | Ambiguous] | None:
        """The usual case: lease and attempt in one statement, then the POST. None when
        anything stands in the way (in doubt, leased, suppressed, expired, out of attempts):
        the careful path below decides."""
        row = await self._take_clean(notification_id)
        if row is None:
            return None
        return row, row.attempts, await self._post(row)

    async def _take_clean_attempts(self, ids: list[str]) -> list[Notification | None]:
        async with self._pool.acquire() as conn:
            taken = await ledger.take_clean_attempts(
                conn, ids, self._owner, self._policy.lease_seconds,
                self._policy.max_attempts, SUPPRESSION_EXEMPT,
            )
        return [taken.get(nid) for nid in ids]

    async def _record_sent_batch(self, accepted: list[tuple[str, str]]) -> list[Move | None]:
        """Accepted sends moved to `sent` (provider message id kept) in one transaction."""
        async with db.transaction(self._pool) as conn:
            return await apply_moves(conn, [
                move_request(nid, "sent", provider_message_id=sid) for nid, sid in accepted
            ])

    async def _post(self, row: Notification) -> Accepted | NotSent | Refused | Ambiguous:
        return await self._provider.send(
            OutboundSms(
                to=row.address,
                sender=row.sender,
                body=row.body,
                status_callback=self._policy.status_callback(row.notification_id),
            )
        )

    async def _claim(self, notification_id: str) -> Notification | Outcome:
        """The row with our lease on it, or what to do when it cannot be had."""
        async with self._pool.acquire() as conn:
            row = await ledger.claim(
                conn, notification_id, self._owner, self._policy.lease_seconds
            )
            if row is not None:
                return row
            current = await ledger.get(conn, notification_id)
        busy = current is not None and current.status == "sending"
        return Outcome.RETRY if busy else Outcome.DONE

    async def _attempt(self, row: Notification) -> Outcome | None:
        """One POST unless a policy ends the notification first; None when it was ambiguous."""
        nid = row.notification_id
        async with self._pool.acquire() as conn:
            if row.kind not in SUPPRESSION_EXEMPT and await suppressions.is_suppressed(
                conn, row.site_id, row.address
            ):
                await advance(self._pool, nid, "suppressed")
                return Outcome.DONE
            if await ledger.is_past(conn, row.expires_at):
                await advance(self._pool, nid, "expired")
                return Outcome.DONE
            if row.attempts >= self._policy.max_attempts:
                return await self._give_up(row, row.last_error)
            attempt = await ledger.start_attempt(conn, nid, self._owner)
        if attempt is None:
            return Outcome.RETRY  # finished meanwhile, or our lease ran out: look again later
        return await self._record(row, attempt, await self._post(row))

    async def reconcile_pending(self) -> dict[str, int]:
        """Startup: settle every notification still `sending` before consuming anything."""
        async with self._pool.acquire() as conn:
            pending = await ledger.sending_ids(conn)
        outcomes: collections.Counter[str] = collections.Counter()
        limit = asyncio.Semaphore(STARTUP_CONCURRENCY)

        async def settle(notification_id: str) -> None:
            async with limit:
                with bound_contextvars(notification_id=notification_id):
                    outcome = await self.deliver(notification_id, trigger="startup")
            outcomes[outcome.value] += 1

        await asyncio.gather(*(settle(nid) for nid in pending))
        log.info("startup_reconciliation_done", pending=len(pending), **outcomes)
        return dict(outcomes)

    async def _record(
        self,
        row: Notification,
        attempt: int,
        result: Accepted | NotSent | Refused | Ambiguous,
    ) -> Outcome | None:
        nid = row.notification_id
        if isinstance(result, Accepted):
            SEND_ATTEMPTS.labels("accepted").inc()
            await self._record_sent((nid, result.sid))
            log.info("notification_sent", attempt=attempt, kind=row.kind)
            return Outcome.DONE
        if isinstance(result, Refused):
            SEND_ATTEMPTS.labels("refused").inc()
            if result.state == "suppressed":  # first, so that a crash in between loses nothing
                async with self._pool.acquire() as conn, conn.transaction():
                    await suppressions.record(
                        conn, row.site_id, row.address, suppressed=True,
                        reason="provider_opt_out", changed_at=datetime.now(UTC),
                    )
            await advance(
                self._pool, nid, result.state, provider_code=result.code, last_error=result.reason
            )
            log.warning("notification_refused", state=result.state, provider_code=result.code)
            return Outcome.DONE
        if isinstance(result, NotSent):
            SEND_ATTEMPTS.labels("not_sent").inc()
            if attempt >= self._policy.max_attempts:
                return await self._give_up(row, result.code or result.reason)
            async with self._pool.acquire() as conn:
                await ledger.release(conn, nid, self._owner, in_doubt=False,
                                     last_error=result.reason)
            log.warning("notification_not_sent", attempt=attempt, reason=result.reason)
            return Outcome.RETRY
        SEND_ATTEMPTS.labels("ambiguous").inc()
        AMBIGUOUS_ATTEMPTS.labels(result.reason).inc()
        log.warning("send_ambiguous", attempt=attempt, reason=result.reason)
        return None  # still in doubt, lease kept: the caller settles it

    async def _give_up(self, row: Notification, code: str | None) -> Outcome:
        await advance(
            self._pool, row.notification_id, "failed",
            provider_code=code, last_error="retries_exhausted",
        )
        log.error("notification_failed", attempts=row.attempts, provider_code=code)
        return Outcome.EXHAUSTED

    async def _reconcile(self, row: Notification, trigger: str) -> Outcome | None:
        """Ask the provider whether an in-doubt attempt got through; None: it did not, send."""
        nid = row.notification_id
        try:
            candidates = await self._provider.find_messages(
                to=row.address,
                sent_since=lookup_since(row.created_at, self._policy.clock_skew),
            )
        except ProviderUnavailable as exc:
            self._count("lookup_failed", trigger, row, error=str(exc))
            async with self._pool.acquire() as conn:
                await ledger.release(
                    conn, nid, self._owner, in_doubt=True, last_error="lookup_failed",
                    hold_seconds=self._policy.settle_seconds,
                )
            return Outcome.RETRY
        async with self._pool.acquire() as conn:
            claimed = await ledger.claimed_message_ids(
                conn, [c.sid for c in candidates], other_than=nid
            )
        match = find_sent_copy(
            candidates,
            to=row.address,
            sender=row.sender,
            body=row.body,
            written_at=row.created_at,
            clock_skew=self._policy.clock_skew,
            claimed=claimed,
        )
        if match is not None:
            await advance(self._pool, nid, "sent", provider_message_id=match.sid)
            self._count("found", trigger, row)
            return Outcome.DONE
        self._count("not_found", trigger, row)
        return None

    @staticmethod
    def _count(outcome: str, trigger: str, row: Notification, **extra: str) -> None:
        RECONCILIATIONS.labels(outcome).inc()
        # outcome/trigger are bound so that they follow the event name in JSON logs.
        with bound_contextvars(outcome=outcome, trigger=trigger):
            log.info(
                "reconciliation",
                notification_id=row.notification_id,
                attempts=row.attempts,
                **extra,
            )
