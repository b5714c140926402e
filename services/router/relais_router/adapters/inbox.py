"""SQL of the inbox: conversations as agents change them, notes, command keys, viewers,
canned replies and the change feed. I/O only: what to do is decided by the service layer."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg
import orjson

from ..domain.access import Scope
from ..domain.inbox import Change

_LOCKED = """
    SELECT c.id, c.site_id, c.team, c.status, c.version, c.assignee, c.priority, c.urgent,
           c.needs_triage, c.reference, c.lang, c.patient_id, c.due_at, c.sla_paused_at,
           c.sla_remaining_s, c.snoozed_until, c.waiting_on_patient, c.first_response_at,
           c.tags, c.reason, u.username AS assignee_username,
           k.address, k.kind AS address_kind, k.is_mobile, k.unparsed
    FROM router.conversations c
    JOIN router.correspondents k ON k.id = c.correspondent_id
    LEFT JOIN router.users u ON u.id = c.assignee
    WHERE c.id = $1
"""

# Columns a command may set (with `version`, `updated_at`, `last_change`, `last_actor`).
_SETTABLE = frozenset({
    "status", "assignee", "claimed_at", "agent_touched_at", "due_at", "sla_paused_at",
    "sla_remaining_s", "snoozed_until", "waiting_on_patient", "tags", "reason",
    "breach_alerted_at",
})


async def lock_conversation(conn: asyncpg.Connection, conversation_id: uuid.UUID) -> asyncpg.Record | None:
    """The conversation, row-locked for the command (commands on it serialise here). Locked
    first, read after: a read that waited for the lock would join the rows of its snapshot
    (the assignee's name before the claim that just committed)."""
    if await conn.fetchval("SELECT id FROM router.conversations WHERE id = $1 FOR UPDATE",
                           conversation_id) is None:
        return None
    return await conn.fetchrow(_LOCKED, conversation_id)


async def conversation_state(conn: asyncpg.Connection, conversation_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(_LOCKED, conversation_id)


async def update_conversation(
    conn: asyncpg.Connection, conversation_id: uuid.UUID, change: str, actor: str | None,
    *, bump: bool = True, **columns: Any,
) -> int:
    """Set `columns` and, with `bump`, a new version that says what changed and who changed
    it (the feed trigger turns it into a feed row); returns the version."""
    unknown = set(columns) - _SETTABLE
    if unknown:
        raise ValueError(f"not settable: {sorted(unknown)}")
    values: list[Any] = [conversation_id, *columns.values()]
    sets = [f"{name} = ${i}" for i, name in enumerate(columns, 2)]
    if bump:
        values += [change, actor]
        sets += ["version = version + 1", f"last_change = ${len(values) - 1}",
                 f"last_actor = ${len(values)}"]
    sets.append("updated_at = now()")
    return await conn.fetchval(
        f"UPDATE router.conversations SET {', '.join(sets)} WHERE id = $1 RETURNING version",
        *values,
    )


async def changes_since(conn: asyncpg.Connection, conversation_id: uuid.UUID, version: int) -> list[Change]:
    rows = await conn.fetch(
        "SELECT version, change, at, actor FROM router.inbox_feed"
        " WHERE conversation_id = $1 AND version > $2 AND change <> 'delivery_status'"
        " ORDER BY id",
        conversation_id, version,
    )
    return [Change(r["version"], r["change"], r["at"], r["actor"]) for r in rows]


async def timeline(conn: asyncpg.Connection, conversation_id: uuid.UUID, limit: int = 200) -> list[Change]:
    rows = await conn.fetch(
        "SELECT version, change, at, actor FROM router.inbox_feed"
        " WHERE conversation_id = $1 AND change <> 'delivery_status' ORDER BY id DESC LIMIT $2",
        conversation_id, limit,
    )
    return [Change(r["version"], r["change"], r["at"], r["actor"]) for r in reversed(rows)]


async def last_inbound_channel(conn: asyncpg.Connection, conversation_id: uuid.UUID) -> str | None:
    return await conn.fetchval(
        "SELECT channel FROM router.messages WHERE conversation_id = $1 AND direction = 'in'"
        " ORDER BY created_at DESC, id DESC LIMIT 1",
        conversation_id,
    )


async def insert_note(
    conn: asyncpg.Connection, note_id: uuid.UUID, conversation_id: uuid.UUID,
    author: uuid.UUID, body: str,
) -> None:
    await conn.execute(
        "INSERT INTO router.notes (id, conversation_id, author, body) VALUES ($1, $2, $3, $4)",
        note_id, conversation_id, author, body,
    )


async def notes_of(conn: asyncpg.Connection, conversation_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT n.id, n.body, n.created_at, u.username, u.display_name FROM router.notes n"
        " JOIN router.users u ON u.id = n.author WHERE n.conversation_id = $1"
        " ORDER BY n.created_at, n.id",
        conversation_id,
    )
    return [{"id": str(r["id"]), "body": r["body"], "author": r["username"],
             "author_name": r["display_name"], "created_at": r["created_at"].isoformat()}
            for r in rows]


async def command_answer(
    conn: asyncpg.Connection, user_id: uuid.UUID, client_key: str
) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT command, conversation_id, status, answer FROM router.command_keys"
        " WHERE user_id = $1 AND client_key = $2",
        user_id, client_key,
    )


async def remember_answer(
    conn: asyncpg.Connection, user_id: uuid.UUID, client_key: str, command: str,
    conversation_id: uuid.UUID, status: int, answer: dict[str, Any],
) -> None:
    await conn.execute(
        "INSERT INTO router.command_keys (user_id, client_key, command, conversation_id,"
        " status, answer) VALUES ($1, $2, $3, $4, $5, $6)",
        user_id, client_key, command, conversation_id, status, orjson.dumps(answer).decode(),
    )


async def user_for_assignment(conn: asyncpg.Connection, username: str) -> asyncpg.Record | None:
    """An agent a lead assigns to: presence, capacity, memberships and open assignments."""
    return await conn.fetchrow(
        """
        SELECT u.id, u.username, u.role, u.presence, u.capacity, u.disabled_at,
               coalesce(array_agg(m.site_id || '/' || m.team_id)
                        FILTER (WHERE m.team_id IS NOT NULL), '{}') AS memberships,
               (SELECT count(*) FROM router.conversations c
                WHERE c.assignee = u.id AND c.status = 'open') AS open_assigned
        FROM router.users u LEFT JOIN router.team_members m ON m.user_id = u.id
        WHERE u.username = $1 GROUP BY u.id
        """,
        username,
    )


async def open_assigned(conn: asyncpg.Connection, user_id: uuid.UUID) -> int:
    return await conn.fetchval(
        "SELECT count(*) FROM router.conversations WHERE assignee = $1 AND status = 'open'",
        user_id,
    )


async def next_unassigned(conn: asyncpg.Connection, site_id: str, team: str) -> uuid.UUID | None:
    """The queue's first unassigned conversation, locked (one another caller holds is skipped)."""
    return await conn.fetchval(
        """
        SELECT id FROM router.conversations
        WHERE site_id = $1 AND team = $2 AND status = 'open' AND assignee IS NULL
          AND sla_paused_at IS NULL
        ORDER BY urgent DESC, priority, due_at NULLS LAST, created_at
        LIMIT 1 FOR UPDATE SKIP LOCKED
        """,
        site_id, team,
    )


async def presence_of(conn: asyncpg.Connection, user_id: uuid.UUID) -> tuple[str, int]:
    row = await conn.fetchrow("SELECT presence, capacity FROM router.users WHERE id = $1", user_id)
    return (row["presence"], row["capacity"]) if row else ("offline", 0)


async def set_presence(conn: asyncpg.Connection, user_id: uuid.UUID, presence: str) -> None:
    await conn.execute(
        "UPDATE router.users SET presence = $2, presence_at = now() WHERE id = $1",
        user_id, presence,
    )


# --- queues --------------------------------------------------------------------------------

def _queue_items(conversations: str) -> str:
    """The queue item columns over `conversations` (a table or a subquery aliased c): the
    joins and the last inbound message are read only for the rows it yields."""
    return f"""
    SELECT c.id, c.reference, c.site_id, c.team, c.status, c.priority, c.urgent,
           c.needs_triage, c.version, c.due_at, c.last_inbound_at, c.created_at,
           c.waiting_on_patient, c.snoozed_until, c.sla_paused_at, c.first_response_at,
           c.tags, c.reason, u.username AS assignee, k.address, k.kind AS address_kind,
           k.verified,
           (c.first_response_at IS NULL AND c.sla_paused_at IS NULL AND c.due_at < now())
               AS breached,
           (SELECT json_build_object('channel', m.channel, 'text', left(m.body, 140))
            FROM router.messages m WHERE m.conversation_id = c.id AND m.direction = 'in'
            ORDER BY m.created_at DESC LIMIT 1) AS last_inbound
    FROM {conversations} c
    JOIN router.correspondents k ON k.id = c.correspondent_id
    LEFT JOIN router.users u ON u.id = c.assignee
"""


_QUEUE_ORDER = "c.urgent DESC, c.priority, c.due_at NULLS LAST, c.created_at"

_FILTERS = {
    "urgent": "c.urgent",
    "needs_triage": "c.needs_triage",
    "breached": "(c.first_response_at IS NULL AND c.sla_paused_at IS NULL AND c.due_at < now())",
    "mine": "c.assignee = $3",
    "unassigned": "c.assignee IS NULL",
    "waiting": "c.sla_paused_at IS NOT NULL",
}


def queue_item(r: asyncpg.Record) -> dict[str, Any]:
    last = orjson.loads(r["last_inbound"]) if r["last_inbound"] else {}
    return {
        "id": str(r["id"]), "reference": r["reference"], "site": r["site_id"],
        "team": r["team"], "status": r["status"], "priority": r["priority"],
        "urgent": r["urgent"], "needs_triage": r["needs_triage"], "version": r["version"],
        "assignee": r["assignee"],
        "due_at": r["due_at"].isoformat() if r["due_at"] else None,
        "breached": bool(r["breached"]),
        "waiting_on_patient": r["waiting_on_patient"],
        "snoozed_until": r["snoozed_until"].isoformat() if r["snoozed_until"] else None,
        "sla_paused": r["sla_paused_at"] is not None,
        "answered": r["first_response_at"] is not None,
        "last_inbound_at": r["last_inbound_at"].isoformat(),
        "created_at": r["created_at"].isoformat(),
        "channel": last.get("channel"), "preview": last.get("text"),
        "correspondent": {"address": r["address"], "kind": r["address_kind"],
                          "verified": r["verified"]},
        "tags": list(r["tags"]), "reason": r["reason"],
    }


def queue_sql(filters: Sequence[str]) -> tuple[str, str]:
    """(count, page) statements of a team's open queue: $1 site, $2 team, $3 the caller when
    filtering on "mine", then LIMIT and OFFSET. The page is cut from the conversations alone,
    then joined, so a deep page costs what a first one does."""
    where = " AND ".join(["c.site_id = $1", "c.team = $2", "c.status = 'open'",
                          *(_FILTERS[f] for f in filters)])
    n = 3 if "mine" in filters else 2
    page = (f"(SELECT * FROM router.conversations c WHERE {where}"
            f" ORDER BY {_QUEUE_ORDER} LIMIT ${n + 1} OFFSET ${n + 2})")
    return (f"SELECT count(*) FROM router.conversations c WHERE {where}",
            f"{_queue_items(page)} ORDER BY {_QUEUE_ORDER}")


async def queue(
    conn: asyncpg.Connection, site_id: str, team: str, filters: Sequence[str],
    user_id: uuid.UUID, limit: int, offset: int,
) -> tuple[list[dict[str, Any]], int]:
    """A team's open conversations: urgent first, then priority, then due time."""
    count_sql, page_sql = queue_sql(filters)
    params: list[Any] = [site_id, team, user_id] if "mine" in filters else [site_id, team]
    total = await conn.fetchval(count_sql, *params)
    rows = await conn.fetch(page_sql, *params, limit, offset)
    return [queue_item(r) for r in rows], total


async def queue_counts(
    conn: asyncpg.Connection, scope: Scope, user_id: uuid.UUID
) -> list[asyncpg.Record]:
    """Per (site, team) the caller sees: the teams of the directory with their counts."""
    clause, params = scope.sql("t.site_id", "t.id", 2)
    return await conn.fetch(
        f"""
        SELECT t.site_id, t.id AS team, t.name_fr, t.name_en, t.position,
               count(c.id) AS open,
               count(c.id) FILTER (WHERE c.urgent) AS urgent,
               count(c.id) FILTER (WHERE c.needs_triage) AS needs_triage,
               count(c.id) FILTER (WHERE c.first_response_at IS NULL
                                   AND c.sla_paused_at IS NULL AND c.due_at < now()) AS breached,
               count(c.id) FILTER (WHERE c.assignee IS NULL) AS unassigned,
               count(c.id) FILTER (WHERE c.assignee = $1) AS mine,
               count(c.id) FILTER (WHERE c.sla_paused_at IS NOT NULL) AS waiting,
               min(c.due_at) FILTER (WHERE c.first_response_at IS NULL
                                     AND c.sla_paused_at IS NULL) AS oldest_due
        FROM router.teams t
        LEFT JOIN router.conversations c
               ON c.site_id = t.site_id AND c.team = t.id AND c.status = 'open'
        WHERE {clause}
        GROUP BY t.site_id, t.id
        ORDER BY t.site_id, t.position, t.id
        """,
        user_id, *params,
    )


async def agents_present(conn: asyncpg.Connection, sites: Sequence[str] | None) -> list[asyncpg.Record]:
    """Per (site, team): agents available, and their open assignments."""
    return await conn.fetch(
        """
        SELECT m.site_id, m.team_id AS team,
               count(*) FILTER (WHERE u.presence = 'available') AS available,
               count(*) AS members
        FROM router.team_members m JOIN router.users u ON u.id = m.user_id
        WHERE u.disabled_at IS NULL AND ($1::text[] IS NULL OR m.site_id = ANY($1::text[]))
        GROUP BY m.site_id, m.team_id
        """,
        list(sites) if sites is not None else None,
    )


async def search(
    conn: asyncpg.Connection, scope: Scope, *, reference: str | None, address: str | None,
    text: str | None, limit: int = 50,
) -> list[dict[str, Any]]:
    """Conversations the caller sees matching a reference, an address, a patient's name or
    words of their messages (French and English full text, accents folded)."""
    params: list[Any] = []

    def param(value: Any) -> str:
        params.append(value)
        return f"${len(params)}"

    conditions = []
    if reference:
        conditions.append(f"c.reference = {param(reference)}")
    if address:
        a = param(address)
        conditions.append(f"(k.address = {a} OR c.id IN (SELECT m.conversation_id FROM"
                          " router.messages m JOIN router.correspondents a"
                          f" ON a.id = m.correspondent_id WHERE a.address = {a}))")
    if text:
        t = param(text)
        name = param(text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
        folded = f"public.unaccent('public.unaccent', {t})"
        conditions.append(
            "(c.id IN (SELECT m.conversation_id FROM router.messages m"
            "  WHERE router.search_vector(m.body) @@"
            f" (websearch_to_tsquery('pg_catalog.french', {folded})"
            f"  || websearch_to_tsquery('pg_catalog.english', {folded})))"
            " OR c.patient_id IN (SELECT p.id FROM router.patients p"
            f"  WHERE lower(p.display_name) LIKE {name}))")
    if not conditions:
        return []
    clause, scope_params = scope.sql("c.site_id", "c.team", len(params) + 1)
    rows = await conn.fetch(
        f"{_queue_items('router.conversations')} WHERE ({' OR '.join(conditions)}) AND {clause}"
        f" ORDER BY c.created_at DESC LIMIT {int(limit)}",
        *params, *scope_params,
    )
    return [queue_item(r) for r in rows]


# --- viewers, canned replies -----------------------------------------------------------------

VIEWER_TTL_S = 30


async def touch_viewer(
    conn: asyncpg.Connection, conversation_id: uuid.UUID, user_id: uuid.UUID, typing: bool
) -> None:
    await conn.execute(
        """
        INSERT INTO router.conversation_viewers (conversation_id, user_id, typing, seen_at)
        VALUES ($1, $2, $3, now())
        ON CONFLICT (conversation_id, user_id) DO UPDATE SET typing = $3, seen_at = now()
        """,
        conversation_id, user_id, typing,
    )
    await conn.execute("SELECT pg_notify('router_presence', $1)", str(conversation_id))


async def viewers_of(conn: asyncpg.Connection, conversation_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        f"""
        SELECT u.username, u.display_name, v.typing FROM router.conversation_viewers v
        JOIN router.users u ON u.id = v.user_id
        WHERE v.conversation_id = $1 AND v.seen_at > now() - interval '{VIEWER_TTL_S} seconds'
        ORDER BY u.username
        """,
        conversation_id,
    )
    return [{"username": r["username"], "display_name": r["display_name"],
             "typing": r["typing"]} for r in rows]


async def canned_of(conn: asyncpg.Connection, site_id: str, team: str) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT id, team, lang, title, body FROM router.canned_replies"
        " WHERE site_id = $1 AND team = $2 ORDER BY lang, position, title",
        site_id, team,
    )


# --- feed and housekeeping --------------------------------------------------------------------


async def feed_since(
    conn: asyncpg.Connection, after_id: int, limit: int = 500, *,
    missing: Sequence[int] = (), upto: int | None = None,
) -> list[asyncpg.Record]:
    """Feed rows after `after_id` (up to `upto`), and those of the `missing` ids that have
    committed since, in id order."""
    return await conn.fetch(
        "SELECT id, conversation_id, site_id, team, version, change FROM router.inbox_feed"
        " WHERE (id > $1 AND ($4::bigint IS NULL OR id <= $4)) OR id = ANY($3::bigint[])"
        " ORDER BY id LIMIT $2",
        after_id, limit, list(missing), upto,
    )


async def feed_ids_since(conn: asyncpg.Connection, after_id: int) -> list[int]:
    return [r["id"] for r in await conn.fetch(
        "SELECT id FROM router.inbox_feed WHERE id > $1 ORDER BY id", after_id)]


async def feed_head(conn: asyncpg.Connection) -> int:
    return await conn.fetchval("SELECT coalesce(max(id), 0) FROM router.inbox_feed")


async def record_feed(
    conn: asyncpg.Connection, conversation_id: uuid.UUID, change: str, actor: str | None = None
) -> None:
    """A feed row without a new version (an SLA breach: the queues show it live)."""
    await conn.execute(
        "INSERT INTO router.inbox_feed (conversation_id, site_id, team, version, change, actor)"
        " SELECT id, site_id, team, version, $2, $3 FROM router.conversations WHERE id = $1",
        conversation_id, change, actor,
    )
    await conn.execute("SELECT pg_notify('router_inbox', '')")


async def to_resume(conn: asyncpg.Connection, now: datetime, limit: int = 200) -> list[uuid.UUID]:
    """Paused clocks that run again: the patient wrote (the worker cleared the wait) or the
    snooze is over."""
    rows = await conn.fetch(
        """
        SELECT id FROM router.conversations
        WHERE sla_paused_at IS NOT NULL AND status = 'open'
          AND NOT waiting_on_patient AND (snoozed_until IS NULL OR snoozed_until <= $1)
        LIMIT $2
        """,
        now, limit,
    )
    return [r["id"] for r in rows]


async def stale_claims(conn: asyncpg.Connection, idle_minutes: float, limit: int = 200) -> list[uuid.UUID]:
    rows = await conn.fetch(
        """
        SELECT id FROM router.conversations
        WHERE status = 'open' AND assignee IS NOT NULL AND sla_paused_at IS NULL
          AND coalesce(agent_touched_at, claimed_at, updated_at)
              < now() - make_interval(secs => $1)
        LIMIT $2
        """,
        idle_minutes * 60, limit,
    )
    return [r["id"] for r in rows]


async def new_breaches(conn: asyncpg.Connection, limit: int = 200) -> list[uuid.UUID]:
    rows = await conn.fetch(
        """
        SELECT id FROM router.conversations
        WHERE status = 'open' AND first_response_at IS NULL AND breach_alerted_at IS NULL
          AND sla_paused_at IS NULL AND due_at < now()
        ORDER BY due_at LIMIT $1
        """,
        limit,
    )
    return [r["id"] for r in rows]


async def prune(conn: asyncpg.Connection) -> None:
    await conn.execute("DELETE FROM router.inbox_feed WHERE at < now() - interval '2 days'")
    await conn.execute("DELETE FROM router.command_keys WHERE created_at < now() - interval '1 day'")
    await conn.execute(
        "DELETE FROM router.conversation_viewers WHERE seen_at < now() - interval '10 minutes'")
