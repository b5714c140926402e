"""Read models the API returns (conversation with its messages)."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import orjson

_CONVERSATION = """
    SELECT c.id, c.site_id, c.status, c.team, c.priority, c.urgent, c.needs_triage,
           c.reference, c.lang, c.explanation, c.created_at, c.updated_at, c.version,
           u.username AS assignee, k.address, k.kind AS address_kind, k.verified
    FROM router.conversations c
    JOIN router.correspondents k ON k.id = c.correspondent_id
    LEFT JOIN router.users u ON u.id = c.assignee
"""


def _conversation(row: asyncpg.Record, messages: list[dict[str, Any]] | None) -> dict[str, Any]:
    view = {
        "id": str(row["id"]),
        "site": row["site_id"],
        "status": row["status"],
        "team": row["team"],
        "priority": row["priority"],
        "urgent": row["urgent"],
        "needs_triage": row["needs_triage"],
        "assignee": row["assignee"],
        "reference": row["reference"],
        "lang": row["lang"],
        "explanation": orjson.loads(row["explanation"]),
        "correspondent": {"address": row["address"], "kind": row["address_kind"],
                          "verified": row["verified"]},
        "created_at": row["created_at"].isoformat(),
        "updated_at": row["updated_at"].isoformat(),
        "version": row["version"],
    }
    if messages is not None:
        view["messages"] = messages
    return view


async def messages_of(conn: asyncpg.Connection, conversation_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        """
        SELECT m.id, m.direction, m.channel, m.kind, m.contact_id, m.notification_id,
               m.subject, m.body, m.attachments, m.delivery_status, m.provider_code,
               m.created_at, u.username AS author, u.display_name AS author_name
        FROM router.messages m LEFT JOIN router.users u ON u.id = m.author
        WHERE m.conversation_id = $1 ORDER BY m.created_at, m.id
        """,
        conversation_id,
    )
    return [
        {
            "id": str(r["id"]),
            "direction": r["direction"],
            "channel": r["channel"],
            "kind": r["kind"],
            "contact_id": str(r["contact_id"]) if r["contact_id"] else None,
            "notification_id": str(r["notification_id"]) if r["notification_id"] else None,
            "subject": r["subject"],
            "text": r["body"],
            "attachments": orjson.loads(r["attachments"]),
            "delivery_status": r["delivery_status"],
            "provider_code": r["provider_code"],
            "author": r["author"],
            "author_name": r["author_name"],
            "created_at": r["created_at"].isoformat(),
        }
        for r in rows
    ]


async def conversation(conn: asyncpg.Connection, conversation_id: uuid.UUID) -> dict[str, Any] | None:
    row = await conn.fetchrow(_CONVERSATION + " WHERE c.id = $1", conversation_id)
    if row is None:
        return None
    return _conversation(row, await messages_of(conn, conversation_id))


async def conversation_id_of_contact(conn: asyncpg.Connection, contact_id: uuid.UUID) -> uuid.UUID | None:
    return await conn.fetchval(
        "SELECT conversation_id FROM router.messages WHERE contact_id = $1", contact_id
    )


async def conversations_of_address(conn: asyncpg.Connection, address: str) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        _CONVERSATION + " WHERE k.address = $1 ORDER BY c.created_at DESC, c.id DESC", address
    )
    return [_conversation(r, None) for r in rows]
