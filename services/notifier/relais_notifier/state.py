"""Moving a notification forward: ledger row and delivery.status event in one transaction."""

from __future__ import annotations

import asyncpg
from relais_shared import topics
from relais_shared.events import DeliveryStatus, make_envelope
from relais_shared.outbox import enqueue

from .adapters import ledger
from .adapters.ledger import SCHEMA, Move, Notification
from .domain.status import states_advancing_to
from .metrics import DELIVERY_STATES

SOURCE = "notifier"


async def emit_status(
    conn: asyncpg.Connection,
    row: Notification,
    status: str,
    *,
    provider_code: str | None = None,
    provider_message_id: str | None = None,
) -> None:
    """Queue a delivery.status event (keyed by notification id) in the caller's transaction."""
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
    await enqueue(conn, SCHEMA, topics.DELIVERY_STATUS, row.notification_id, envelope)
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
        await emit_status(
            conn,
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
    async with pool.acquire() as conn, conn.transaction():
        move = await advance_in(
            conn,
            notification_id,
            status,
            provider_message_id=provider_message_id,
            provider_code=provider_code,
            last_error=last_error,
        )
    return move is not None and move.advanced
