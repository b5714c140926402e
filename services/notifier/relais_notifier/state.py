"""Moving a notification forward: ledger row and delivery.status event in one transaction
(the events of a unit of work are queued together at its end: `StatusEvents`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import asyncpg
from relais_shared import db, topics
from relais_shared.errors import Retryable
from relais_shared.events import DeliveryStatus, Envelope, make_envelope
from relais_shared.outbox import enqueue_many

from .adapters import ledger
from .adapters.ledger import SCHEMA, Move, Notification
from .domain.status import states_advancing_to
from .metrics import DELIVERY_STATES
from .transient import TRANSIENT_DB_ERRORS

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


async def advance_in(
    conn: asyncpg.Connection,
    notification_id: str,
    status: str,
    *,
    provider_message_id: str | None = None,
    provider_code: str | None = None,
    last_error: str | None = None,
) -> Move | None:
    """In the caller's transaction: apply `status` if it is progress (one conditional
    UPDATE, no read first) and queue delivery.status with it. None: unknown notification.

    A move that is not progress changes nothing, except that a provider message id the
    row lacks is kept.
    """
    move = await ledger.move_forward(
        conn,
        notification_id,
        status,
        from_states=states_advancing_to(status),
        provider_message_id=provider_message_id,
        provider_code=provider_code,
        last_error=last_error,
    )
    if move is None:
        return None
    if move.advanced:
        emit_status(
            move.row,
            status,
            provider_code=provider_code,
            provider_message_id=provider_message_id,
        )
    elif provider_message_id and move.row.provider_message_id is None:
        await ledger.fill_message_id(conn, notification_id, provider_message_id)
    return move


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
