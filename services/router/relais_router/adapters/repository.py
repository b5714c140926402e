"""PostgreSQL access for the router (schema `router`). Functions take a connection
so callers control the transaction."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import asyncpg
import orjson

SCHEMA = "router"

DELIVERY_RANK = {
    "queued": 0, "sending": 1, "sent": 2, "delivered": 3, "read": 4,
    "failed": 5, "undelivered": 5, "bounced": 5, "suppressed": 5, "expired": 5,
}


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


async def message_exists(conn: asyncpg.Connection, dedupe_key: str) -> bool:
    return bool(
        await conn.fetchval("SELECT 1 FROM router.messages WHERE dedupe_key = $1", dedupe_key)
    )


async def upsert_correspondent(
    conn: asyncpg.Connection, address: str, kind: str, raw: str | None, unparsed: bool
) -> uuid.UUID:
    """Create or touch the correspondent; the UPDATE takes its row lock for the transaction."""
    return await conn.fetchval(
        """
        INSERT INTO router.correspondents (id, address, kind, raw, unparsed)
        VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (address) DO UPDATE SET last_seen_at = now()
        RETURNING id
        """,
        uuid.uuid4(), address, kind, raw, unparsed,
    )


async def open_conversation(
    conn: asyncpg.Connection, correspondent_id: uuid.UUID, site_id: str, window_hours: int
) -> asyncpg.Record | None:
    return await conn.fetchrow(
        """
        SELECT id, team, priority, urgent, needs_triage, assignee, reference, lang
        FROM router.conversations
        WHERE correspondent_id = $1 AND site_id = $2 AND status = 'open'
          AND last_inbound_at > now() - make_interval(hours => $3)
        """,
        correspondent_id, site_id, window_hours,
    )


async def close_stale_open(
    conn: asyncpg.Connection, correspondent_id: uuid.UUID, site_id: str
) -> None:
    """An open conversation silent past the threading window is resolved before a new one opens."""
    await conn.execute(
        """
        UPDATE router.conversations SET status = 'resolved', updated_at = now(),
               version = version + 1
        WHERE correspondent_id = $1 AND site_id = $2 AND status = 'open'
        """,
        correspondent_id, site_id,
    )


async def insert_conversation(
    conn: asyncpg.Connection,
    *,
    conversation_id: uuid.UUID,
    site_id: str,
    correspondent_id: uuid.UUID,
    reference: str,
    team: str,
    priority: str,
    urgent: bool,
    needs_triage: bool,
    explanation: dict[str, Any],
    lang: str,
    at: datetime,
) -> None:
    await conn.execute(
        """
        INSERT INTO router.conversations
          (id, site_id, correspondent_id, reference, team, priority, urgent, needs_triage,
           explanation, lang, created_at, updated_at, last_inbound_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $11)
        """,
        conversation_id, site_id, correspondent_id, reference, team, priority, urgent,
        needs_triage, _json(explanation), lang, at,
    )


async def touch_conversation(conn: asyncpg.Connection, conversation_id: uuid.UUID, at: datetime) -> None:
    await conn.execute(
        "UPDATE router.conversations SET last_inbound_at = greatest(last_inbound_at, $2),"
        " updated_at = now(), version = version + 1 WHERE id = $1",
        conversation_id, at,
    )


async def insert_message(
    conn: asyncpg.Connection,
    *,
    conversation_id: uuid.UUID,
    direction: str,
    channel: str,
    kind: str,
    dedupe_key: str,
    contact_id: uuid.UUID | None = None,
    notification_id: uuid.UUID | None = None,
    subject: str | None = None,
    body: str | None = None,
    attachments: list[dict[str, Any]] | None = None,
    delivery_status: str | None = None,
    at: datetime | None = None,
) -> bool:
    """Insert a message; False when its dedupe_key was already stored (a no-op)."""
    status = await conn.execute(
        """
        INSERT INTO router.messages
          (id, conversation_id, direction, channel, kind, dedupe_key, contact_id,
           notification_id, subject, body, attachments, delivery_status, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, coalesce($13, now()))
        ON CONFLICT (dedupe_key) DO NOTHING
        """,
        uuid.uuid4(), conversation_id, direction, channel, kind, dedupe_key, contact_id,
        notification_id, subject, body, _json(attachments or []), delivery_status, at,
    )
    return status.endswith(" 1")


async def site(conn: asyncpg.Connection, site_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM router.sites WHERE id = $1", site_id)


async def team_sla(conn: asyncpg.Connection, site_id: str, team: str) -> dict[str, int] | None:
    raw = await conn.fetchval(
        "SELECT sla_hours FROM router.teams WHERE site_id = $1 AND id = $2", site_id, team
    )
    return orjson.loads(raw) if raw else None


async def team_name(conn: asyncpg.Connection, site_id: str, team: str, lang: str) -> str:
    column = "name_en" if lang == "en" else "name_fr"
    name = await conn.fetchval(
        f"SELECT {column} FROM router.teams WHERE site_id = $1 AND id = $2", site_id, team
    )
    return name or team


async def advance_delivery(
    conn: asyncpg.Connection, notification_id: uuid.UUID, status: str, provider_code: str | None
) -> bool:
    """Move an outbound message's delivery state forward only (callbacks arrive out of order)."""
    current = await conn.fetchval(
        "SELECT delivery_status FROM router.messages WHERE notification_id = $1 FOR UPDATE",
        notification_id,
    )
    if current is not None and DELIVERY_RANK.get(status, 0) <= DELIVERY_RANK.get(current, -1):
        return False
    result = await conn.execute(
        "UPDATE router.messages SET delivery_status = $2, provider_code = $3, updated_at = now()"
        " WHERE notification_id = $1",
        notification_id, status, provider_code,
    )
    return result.endswith(" 1")


async def audit(
    conn: asyncpg.Connection,
    actor: str,
    action: str,
    conversation_id: uuid.UUID | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    await conn.execute(
        "INSERT INTO router.audit_log (actor, action, conversation_id, details)"
        " VALUES ($1, $2, $3, $4)",
        actor, action, conversation_id, _json(details or {}),
    )
