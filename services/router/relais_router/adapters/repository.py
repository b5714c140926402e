"""PostgreSQL access for the router (schema `router`). Functions take a connection
so callers control the transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg
import orjson
from relais_shared.ids import uuid7

from ..domain.threading import parse_message_ids

SCHEMA = "router"

DELIVERY_RANK = {
    "queued": 0, "sending": 1, "sent": 2, "delivered": 3, "read": 4,
    "failed": 5, "undelivered": 5, "bounced": 5, "suppressed": 5, "expired": 5,
}


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


@dataclass(frozen=True)
class SenderSeen:
    """A contact's sender as the router keys it, and the contact's dedupe key."""

    address: str
    kind: str
    raw: str | None
    unparsed: bool
    is_mobile: bool
    number_type: str | None
    dedupe_key: str


async def upsert_correspondents_with_links(
    conn: asyncpg.Connection, seen: Sequence[SenderSeen]
) -> dict[str, asyncpg.Record]:
    """Create or touch (and row-lock, in address order) each sender's correspondent, in one
    trip with what threading reads next; the addresses must be distinct. By dedupe key:
    id, verified, patients/relations/link_verified (active links), duplicate (the dedupe
    key is already stored: a redelivery or a provider's retry), and open_ids/open_sites/
    open_last (its open conversations without a patient, one per site; NULL when none).

    Those conversations are read in the statement's snapshot, which may predate a
    concurrent commit this statement waited for, or (for a partition batch's senders read
    at its start) an agent's action since: `conversations_one_open` refuses a second open
    conversation, and `touch_conversation` one closed meanwhile (both: retry).
    """
    rows = await conn.fetch(
        """
        WITH i AS (
            SELECT i.*, EXISTS (SELECT 1 FROM router.messages m
                                WHERE m.dedupe_key = i.dedupe_key) AS duplicate
            FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::bool[],
                        $6::bool[], $7::text[], $8::text[])
                 AS i(id, address, kind, raw, unparsed, is_mobile, number_type, dedupe_key)
        ), c AS (
            INSERT INTO router.correspondents AS t
                (id, address, kind, raw, unparsed, is_mobile, number_type)
            SELECT id, address, kind, raw, unparsed, is_mobile, number_type
            FROM i ORDER BY address
            ON CONFLICT (address) DO UPDATE SET  -- a duplicate is nothing new seen
                last_seen_at = CASE WHEN (SELECT duplicate FROM i
                                          WHERE i.address = EXCLUDED.address)
                                    THEN t.last_seen_at ELSE now() END,
                is_mobile = EXCLUDED.is_mobile, number_type = EXCLUDED.number_type
            RETURNING t.id, t.verified, t.address
        )
        SELECT i.dedupe_key, c.id, c.verified, l.patients, l.relations, l.link_verified,
               i.duplicate, o.open_ids, o.open_sites, o.open_last
        FROM c JOIN i USING (address)
        CROSS JOIN LATERAL (
            SELECT coalesce(array_agg(patient_id), '{}') AS patients,
                   coalesce(array_agg(relation), '{}') AS relations,
                   coalesce(array_agg(verified), '{}') AS link_verified
            FROM router.correspondent_links WHERE correspondent_id = c.id AND unlinked_at IS NULL
        ) l
        -- the site is picked by the caller: with `site_id = …` here the planner may take
        -- the (site, team) queue index and scan every open conversation of the site
        CROSS JOIN LATERAL (
            SELECT array_agg(id) AS open_ids, array_agg(site_id) AS open_sites,
                   array_agg(last_inbound_at) AS open_last
            FROM router.conversations
            WHERE correspondent_id = c.id AND status = 'open' AND patient_id IS NULL
        ) o
        """,
        [uuid7() for _ in seen], [s.address for s in seen], [s.kind for s in seen],
        [s.raw for s in seen], [s.unparsed for s in seen], [s.is_mobile for s in seen],
        [s.number_type for s in seen], [s.dedupe_key for s in seen],
    )
    return {row["dedupe_key"]: row for row in rows}


async def lock_patient(conn: asyncpg.Connection, patient_id: uuid.UUID) -> bool:
    """Serialise threading for one patient across their addresses (and partitions)."""
    return bool(await conn.fetchval(
        "SELECT 1 FROM router.patients WHERE id = $1 FOR NO KEY UPDATE", patient_id
    ))


_CANDIDATE_COLUMNS = "id, status, last_inbound_at, patient_id, correspondent_id, team"


async def open_candidates(
    conn: asyncpg.Connection,
    correspondent_id: uuid.UUID,
    patient_id: uuid.UUID | None,
    site_id: str,
) -> tuple[asyncpg.Record | None, asyncpg.Record | None]:
    """(the patient's open conversation, the address's own open one without a patient) at the site.

    Run after the row locks are held: a fresh statement sees what a concurrent
    thread committed while we waited.
    """
    # Each branch is served by its partial unique index. The site is filtered here, not in
    # SQL: with `site_id = …` the planner may pick the (site, team) queue index and scan
    # every open conversation of the site while the table's statistics are young.
    rows = await conn.fetch(
        f"""
        SELECT {_CANDIDATE_COLUMNS}, site_id FROM router.conversations
        WHERE correspondent_id = $1 AND status = 'open' AND patient_id IS NULL
        UNION ALL
        SELECT {_CANDIDATE_COLUMNS}, site_id FROM router.conversations
        WHERE patient_id = $2 AND status = 'open'
        """,
        correspondent_id, patient_id,
    )
    rows = [r for r in rows if r["site_id"] == site_id]
    patient_open = next((r for r in rows if patient_id and r["patient_id"] == patient_id), None)
    address_open = next((r for r in rows if r["patient_id"] is None), None)
    return patient_open, address_open


async def conversations_by_message_ids(
    conn: asyncpg.Connection, message_ids: list[str], site_id: str
) -> list[asyncpg.Record]:
    """Conversations at the site named by these Message-IDs, in the order of the ids."""
    if not message_ids:
        return []
    rows = await conn.fetch(
        f"""
        SELECT e.message_id, {", ".join("c." + col for col in _CANDIDATE_COLUMNS.split(", "))}
        FROM router.email_message_ids e JOIN router.conversations c ON c.id = e.conversation_id
        WHERE e.message_id = ANY($1::text[]) AND c.site_id = $2
        """,
        message_ids, site_id,
    )
    by_id = {r["message_id"]: r for r in rows}
    ordered, seen = [], set()
    for mid in message_ids:
        row = by_id.get(mid)
        if row is not None and row["id"] not in seen:
            seen.add(row["id"])
            ordered.append(row)
    return ordered


async def remember_message_id(
    conn: asyncpg.Connection,
    message_id: str,
    conversation_id: uuid.UUID,
    direction: str,
    notification_id: uuid.UUID | None = None,
) -> bool:
    """Map an email Message-ID to its conversation (the first mapping wins): whether this
    one did."""
    # clock_timestamp(): ids written in one transaction keep their order (References)
    status = await conn.execute(
        "INSERT INTO router.email_message_ids"
        " (message_id, conversation_id, direction, notification_id, created_at)"
        " VALUES ($1, $2, $3, $4, clock_timestamp()) ON CONFLICT (message_id) DO NOTHING",
        message_id, conversation_id, direction, notification_id,
    )
    return status == "INSERT 0 1"


async def remember_outbound_message_id(
    conn: asyncpg.Connection, notification_id: uuid.UUID, message_id: str
) -> None:
    """The Message-ID an outgoing email was sent with (from its delivery status)."""
    ids = parse_message_ids(message_id)
    if not ids:
        return
    await conn.execute(
        """
        INSERT INTO router.email_message_ids
            (message_id, conversation_id, direction, notification_id, created_at)
        SELECT $2, conversation_id, 'out', notification_id, clock_timestamp() FROM router.messages
        WHERE notification_id = $1 AND channel = 'email'
        ON CONFLICT (message_id) DO NOTHING
        """,
        notification_id, ids[0],
    )


async def thread_message_ids(
    conn: asyncpg.Connection, conversation_id: uuid.UUID
) -> list[tuple[str, str]]:
    """The conversation's (Message-ID, direction), oldest first (an outgoing email's References)."""
    rows = await conn.fetch(
        "SELECT message_id, direction FROM router.email_message_ids WHERE conversation_id = $1"
        " ORDER BY created_at, message_id",
        conversation_id,
    )
    return [(r["message_id"], r["direction"]) for r in rows]


async def adopt_patient(conn: asyncpg.Connection, conversation_id: uuid.UUID, patient_id: uuid.UUID) -> None:
    """An address's open conversation joins the patient it was since verified for."""
    await conn.execute(
        "UPDATE router.conversations SET patient_id = $2, updated_at = now(), version = version + 1,"
        " last_change = 'patient_linked', last_actor = NULL WHERE id = $1 AND patient_id IS NULL",
        conversation_id, patient_id,
    )


async def close_conversations(
    conn: asyncpg.Connection, conversation_ids: Sequence[uuid.UUID]
) -> list[asyncpg.Record]:
    """Resolve open conversations left past the threading window; returns those it closed."""
    if not conversation_ids:
        return []
    # The status is tested on the locked rows, not in the scan: see touch_conversation.
    return await conn.fetch(
        """
        WITH locked AS MATERIALIZED (
            SELECT id, status FROM router.conversations WHERE id = ANY($1::uuid[]) FOR UPDATE)
        UPDATE router.conversations c SET status = 'resolved', updated_at = now(),
               version = c.version + 1, last_change = 'resolved', last_actor = NULL
        FROM locked WHERE c.id = locked.id AND locked.status = 'open'
        RETURNING c.id, c.team, c.priority, c.urgent, c.needs_triage
        """,
        list(conversation_ids),
    )


async def latest_csat_survey(
    conn: asyncpg.Connection, correspondent_id: uuid.UUID, site_id: str
) -> asyncpg.Record | None:
    """The newest CSAT survey sent on the address's conversations at the site, and whether an
    agent wrote in that conversation since."""
    return await conn.fetchrow(
        """
        SELECT m.conversation_id, m.created_at, m.notification_id,
               EXISTS (SELECT 1 FROM router.messages r WHERE r.conversation_id = m.conversation_id
                       AND r.direction = 'out' AND r.kind = 'reply'
                       AND r.created_at > m.created_at) AS agent_replied_since
        FROM router.conversations c JOIN router.messages m ON m.conversation_id = c.id
        WHERE c.correspondent_id = $1 AND c.site_id = $2
          AND m.direction = 'out' AND m.kind = 'csat_survey'
        ORDER BY m.created_at DESC LIMIT 1
        """,
        correspondent_id, site_id,
    )


def _unnest_insert(
    table: str, columns: str, types: Sequence[str], tail: str, *,
    into: str | None = None, select: str | None = None,
) -> str:
    """An INSERT of many rows in one statement, one array parameter a column."""
    arrays = ", ".join(f"${i}::{t}[]" for i, t in enumerate(types, 1))
    return (f"INSERT INTO {table} ({into or columns}) SELECT {select or columns}"
            f" FROM unnest({arrays}) AS r({columns}) {tail}")


@dataclass(frozen=True)
class ConversationRow:
    """A new row of router.conversations as the worker opens it."""

    id: uuid.UUID
    site_id: str
    correspondent_id: uuid.UUID
    reference: str
    team: str
    priority: str
    urgent: bool
    needs_triage: bool
    explanation: dict[str, Any]
    lang: str
    at: datetime
    patient_id: uuid.UUID | None = None
    follows_id: uuid.UUID | None = None
    due_at: datetime | None = None  # the SLA deadline of a first answer

    def values(self) -> tuple[Any, ...]:
        return (
            self.id, self.site_id, self.correspondent_id, self.reference, self.team,
            self.priority, self.urgent, self.needs_triage, _json(self.explanation), self.lang,
            self.at, self.patient_id, self.follows_id, self.due_at,
        )


_CONVERSATION_COLUMNS = (
    "id, site_id, correspondent_id, reference, team, priority, urgent, needs_triage,"
    " explanation, lang, created_at, patient_id, follows_id, due_at"
)
_CONVERSATION_TYPES = (
    "uuid", "text", "uuid", "text", "text", "text", "bool", "bool",
    "jsonb", "text", "timestamptz", "uuid", "uuid", "timestamptz",
)
_INSERT_CONVERSATIONS = _unnest_insert(
    "router.conversations", _CONVERSATION_COLUMNS, _CONVERSATION_TYPES,
    "ON CONFLICT (reference) DO NOTHING RETURNING id",
    into=f"{_CONVERSATION_COLUMNS}, updated_at, last_inbound_at",
    select=f"{_CONVERSATION_COLUMNS}, created_at, created_at",
)


async def insert_conversations(
    conn: asyncpg.Connection, rows: Sequence[ConversationRow]
) -> set[uuid.UUID]:
    """Write new conversations in one statement; returns the ids written (one whose
    reference is taken is not)."""
    columns = list(zip(*(row.values() for row in rows), strict=True))
    return {r["id"] for r in await conn.fetch(_INSERT_CONVERSATIONS, *columns)}


async def taken_references(conn: asyncpg.Connection, references: Sequence[str]) -> set[str]:
    """Which of `references` conversations already have."""
    rows = await conn.fetch(
        "SELECT reference FROM router.conversations WHERE reference = ANY($1::text[])",
        list(references),
    )
    return {r["reference"] for r in rows}


async def touch_conversation(
    conn: asyncpg.Connection, conversation_id: uuid.UUID, at: datetime
) -> asyncpg.Record | None:
    """A new inbound message: the clock of the threading window moves; returns what a
    follow-up is weighed against (team, priority, urgent) and how to word to the patient;
    None when it is no longer open (the caller's transaction is then rolled back).

    The key alone selects the row: with `status = 'open'` in the WHERE clause, a plan
    cached while the table was empty scans a partial index of open conversations instead
    of the primary key (2 ms a touch at 10,000 open conversations in the router bench)."""
    row = await conn.fetchrow(
        "UPDATE router.conversations SET last_inbound_at = greatest(last_inbound_at, $2),"
        " updated_at = now(), version = version + 1, last_change = 'patient_message',"
        " last_actor = NULL, waiting_on_patient = false, snoozed_until = NULL WHERE id = $1"
        " RETURNING status, team, priority, urgent, lang, reference",
        conversation_id, at,
    )
    return row if row is not None and row["status"] == "open" else None


async def escalate_conversation(
    conn: asyncpg.Connection, conversation_id: uuid.UUID, *, team: str, priority: str,
    urgent: bool, escalation: dict[str, Any],
) -> None:
    """A follow-up raised the clinical risk: new team/priority, needs triage unless urgent,
    the agent released when the team changes, the why appended to the explanation."""
    await conn.execute(
        """
        UPDATE router.conversations SET
          assignee = CASE WHEN team = $2 THEN assignee END,
          team = $2, priority = $3, urgent = $4, needs_triage = NOT $4,
          explanation = jsonb_set(explanation, '{escalations}',
                                  coalesce(explanation->'escalations', '[]'::jsonb) || $5::jsonb),
          updated_at = now(), version = version + 1, last_change = 'escalated', last_actor = NULL
        WHERE id = $1
        """,
        conversation_id, team, priority, urgent, _json([escalation]),
    )


@dataclass(frozen=True)
class MessageRow:
    """One row of router.messages as the worker and the API write it."""

    conversation_id: uuid.UUID
    direction: str
    channel: str
    kind: str
    dedupe_key: str
    contact_id: uuid.UUID | None = None
    notification_id: uuid.UUID | None = None
    subject: str | None = None
    body: str | None = None
    attachments: list[dict[str, Any]] | None = None
    delivery_status: str | None = None
    at: datetime | None = None
    correspondent_id: uuid.UUID | None = None
    rating: int | None = None
    author: uuid.UUID | None = None  # the agent who wrote a reply
    id: uuid.UUID | None = None

    def values(self) -> tuple[Any, ...]:
        return (
            self.id or uuid7(), self.conversation_id, self.direction, self.channel, self.kind,
            self.dedupe_key, self.contact_id, self.notification_id, self.subject, self.body,
            _json(self.attachments or []), self.delivery_status, self.at,
            self.correspondent_id, self.rating, self.author,
        )


_MESSAGE_COLUMNS = (
    "id, conversation_id, direction, channel, kind, dedupe_key, contact_id, notification_id,"
    " subject, body, attachments, delivery_status, created_at, correspondent_id, rating, author"
)
_MESSAGE_TYPES = (
    "uuid", "uuid", "text", "text", "text", "text", "uuid", "uuid",
    "text", "text", "jsonb", "text", "timestamptz", "uuid", "smallint", "uuid",
)
_INSERT_MESSAGES = _unnest_insert(
    "router.messages", _MESSAGE_COLUMNS, _MESSAGE_TYPES,
    "ON CONFLICT (dedupe_key) DO NOTHING RETURNING dedupe_key",
    select=_MESSAGE_COLUMNS.replace("created_at", "coalesce(created_at, now())"),
)


async def insert_messages(conn: asyncpg.Connection, rows: Sequence[MessageRow]) -> set[str]:
    """Insert messages in one statement; returns the dedupe keys stored (a key already
    there, or twice in `rows`, is a no-op)."""
    columns = list(zip(*(row.values() for row in rows), strict=True))
    return {r["dedupe_key"] for r in await conn.fetch(_INSERT_MESSAGES, *columns)}


async def insert_message(conn: asyncpg.Connection, **fields: Any) -> bool:
    """Insert a message (the fields of `MessageRow`); False when its dedupe_key was already
    stored (a no-op)."""
    return bool(await insert_messages(conn, [MessageRow(**fields)]))


async def site(conn: asyncpg.Connection, site_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM router.sites WHERE id = $1", site_id)


async def team_sla(conn: asyncpg.Connection, site_id: str, team: str) -> dict[str, int] | None:
    raw = await conn.fetchval(
        "SELECT sla_hours FROM router.teams WHERE site_id = $1 AND id = $2", site_id, team
    )
    return orjson.loads(raw) if raw else None


async def advance_deliveries(
    conn: asyncpg.Connection, updates: Sequence[tuple[uuid.UUID, str, str | None]]
) -> None:
    """Move outbound messages' delivery states forward only (callbacks arrive out of order
    and twice), in one statement: (notification id, status, provider code), at most one
    per notification. A state moves to a status of higher rank (an unknown state to any),
    re-checked on the locked row by PostgreSQL."""
    if not updates:
        return
    nids, statuses, codes = (list(column) for column in zip(*updates, strict=True))
    await conn.execute(
        """
        UPDATE router.messages m
        SET delivery_status = u.status, provider_code = u.code, updated_at = now()
        FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[]) AS u(nid, status, code, rank)
        WHERE m.notification_id = u.nid
          AND (m.delivery_status IS NULL OR coalesce(
                (SELECT r.rank FROM unnest($5::text[], $6::int[]) AS r(state, rank)
                 WHERE r.state = m.delivery_status), -1) < u.rank)
        """,
        nids, statuses, codes, [DELIVERY_RANK.get(status, 0) for status in statuses],
        list(DELIVERY_RANK), list(DELIVERY_RANK.values()),
    )


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
