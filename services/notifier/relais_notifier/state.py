"""Moving a notification forward: ledger row and delivery.status event in one transaction."""

from __future__ import annotations

import asyncpg
from relais_shared import topics
from relais_shared.events import DeliveryStatus, make_envelope
from relais_shared.outbox import enqueue

from .adapters import ledger
from .adapters.ledger import SCHEMA, Notification
from .domain.status import advances
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
        row = await ledger.get(conn, notification_id, for_update=True)
        if row is None:
            return False
        if not advances(row.status, status):
            if provider_message_id and row.provider_message_id is None:
                await ledger.fill_message_id(conn, notification_id, provider_message_id)
            return False
        await ledger.set_status(
            conn,
            notification_id,
            status,
            provider_message_id=provider_message_id,
            provider_code=provider_code,
            last_error=last_error,
        )
        await emit_status(
            conn,
            row,
            status,
            provider_code=provider_code,
            provider_message_id=provider_message_id,
        )
        return True
