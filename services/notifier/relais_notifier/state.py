"""Moving a notification forward: ledger row and delivery.status event in one transaction
(the events of a unit of work are queued together at its end: `StatusEvents`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import asyncpg
from relais_shared import db, topics
from relais_shared.errors import TRANSIENT_DB_ERRORS, Retryable
from relais_shared.events import DeliveryStatus, Envelope, make_envelope
from relais_shared.outbox import enqueue_many

from .adapters import ledger
from .adapters.ledger import SCHEMA, Move, MoveRequest, Notification
from .domain.status import states_advancing_to
from .metrics import DELIVERY_STATES

SOURCE = "notifier"


@dataclass
class StatusEvents(db.WriteBehind):
    """The delivery.status events of a unit of work (a send's, or a partition batch of
    callbacks), queued in the outbox in one statement just before it commits."""

    events: list[tuple[str, str, Envelope]] = field(default_factory=list)

    async def flush(self, conn: asyncpg.Connection) -> None:
        try:
            await enqueue_many(conn, SCHEMA, self.events)
        except TRANSIENT_DB_ERRORS as exc:
            raise Retryable(type(exc).__name__) from exc


def emit_status(
    row: Notification,
    status: str,
    *,
    provider_code: str | None = None,
    provider_message_id: str | None = None,
) -> None:
    """Queue a delivery.status event (keyed by notification id) in the enclosing unit of work."""
    data = DeliveryStatus(
        notification_id=row.notification_id,
        conversation_id=row.conversation_id,
        status=status,  # type: ignore[arg-type]
        provider_code=provider_code,
        provider_message_id=provider_message_id or row.provider_message_id,
    )
    envelope = make_envelope(
        topics.DELIVERY_STATUS,
        data,
        source=SOURCE,
        site_id=row.site_id,
        correlation_id=row.correlation_id,
    )
    StatusEvents.current().events.append((topics.DELIVERY_STATUS, row.notification_id, envelope))
    DELIVERY_STATES.labels(status).inc()


def move_request(
    notification_id: str,
    status: str,
    *,
    provider_message_id: str | None = None,
    provider_code: str | None = None,
    last_error: str | None = None,
) -> MoveRequest:
    """Apply `status` if it is progress (never backwards, never twice)."""
    return MoveRequest(notification_id, status, states_advancing_to(status),
                       provider_message_id, provider_code, last_error)


async def apply_moves(conn: asyncpg.Connection, requests: Sequence[MoveRequest]) -> list[Move | None]:
    """In the caller's transaction, as if one after the other: each move that is progress
    is written and queues its delivery.status (one conditional UPDATE per round of distinct
    notifications, no read first). None for an unknown notification."""
    answers: list[Move | None] = [None] * len(requests)
    for round_ in _rounds(requests):
        moves = await ledger.move_many(conn, [requests[i] for i in round_])
        for i, move in zip(round_, moves, strict=True):
            answers[i] = move
            if move is not None and move.advanced:
                request = requests[i]
                emit_status(move.row, request.status, provider_code=request.provider_code,
                            provider_message_id=request.provider_message_id)
    return answers


def _rounds(requests: Sequence[MoveRequest]) -> list[list[int]]:
    """Indexes of `requests` in rounds where a notification appears at most once, each
    notification's requests in their order (its k-th request in round k)."""
    rounds: list[list[int]] = []
    seen: dict[str, int] = {}
    for i, request in enumerate(requests):
        k = seen.get(request.notification_id, 0)
        seen[request.notification_id] = k + 1
        if k == len(rounds):
            rounds.append([])
        rounds[k].append(i)
    return rounds


async def advance_in(
    conn: asyncpg.Connection,
    notification_id: str,
    status: str,
    *,
    provider_message_id: str | None = None,
    provider_code: str | None = None,
    last_error: str | None = None,
) -> Move | None:
    """In the caller's transaction: apply `status` if it is progress and queue
    delivery.status with it. None: unknown notification. A move that is not progress
    changes nothing, except that a provider message id the row lacks is kept."""
    request = move_request(notification_id, status, provider_message_id=provider_message_id,
                           provider_code=provider_code, last_error=last_error)
    return (await apply_moves(conn, [request]))[0]


async def advance(
    pool: asyncpg.Pool,
    notification_id: str,
    status: str,
    *,
    provider_message_id: str | None = None,
    provider_code: str | None = None,
    last_error: str | None = None,
) -> bool:
    """Apply `status` if it is progress and emit delivery.status; False when it is not."""
    async with db.transaction(pool) as conn:
        move = await advance_in(
            conn,
            notification_id,
            status,
            provider_message_id=provider_message_id,
            provider_code=provider_code,
            last_error=last_error,
        )
    return move is not None and move.advanced
