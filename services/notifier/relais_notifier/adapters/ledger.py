"""The send ledger in Postgres (schema `notifier`): one row per notification id.

Timestamps that order attempts (leases, expiry) come from the database clock,
so several notifier processes agree on them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

import asyncpg

SCHEMA = "notifier"
_T = f'"{SCHEMA}".notifications'
_SUPPRESSIONS = f'"{SCHEMA}".suppressions'
# A compare-and-set on one row tests `status = $n` with SENDING passed as a value, never the
# literal: with the literal, a generic plan cached while few rows were `sending` scans the
# partial index of `sending` rows (notifications_sending) instead of the primary key, so
# every send costs more as the backlog grows (0.6 ms a send in the e2e bench).
SENDING = "sending"


@dataclass(frozen=True)
class NewNotification:
    notification_id: str
    dedupe_key: str
    site_id: str
    conversation_id: str | None
    correlation_id: str | None
    kind: str
    channel: str
    address: str
    sender: str
    lang: str
    body: str
    expires_at: datetime | None = None


@dataclass(frozen=True)
class Notification:
    notification_id: str
    dedupe_key: str
    site_id: str
    conversation_id: str | None
    correlation_id: str | None
    kind: str
    channel: str
    address: str
    sender: str
    lang: str
    body: str
    status: str
    provider_message_id: str | None
    provider_code: str | None
    attempts: int
    in_doubt: bool
    lease_until: datetime | None
    lease_owner: str | None
    last_error: str | None
    expires_at: datetime | None
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None

    @classmethod
    def from_record(cls, record: asyncpg.Record) -> Notification:
        return cls(**{f.name: record[f.name] for f in fields(cls)})


_COLUMNS = ("notification_id, dedupe_key, site_id, conversation_id, correlation_id, kind,"
            " channel, address, sender, lang, body, expires_at")


def _new_values(new: NewNotification) -> tuple[Any, ...]:
    return (new.notification_id, new.dedupe_key, new.site_id, new.conversation_id,
            new.correlation_id, new.kind, new.channel, new.address, new.sender, new.lang,
            new.body, new.expires_at)


async def insert(conn: asyncpg.Connection, new: NewNotification, status: str) -> bool:
    """Write a new notification; False when its id or dedupe key is already known."""
    return await conn.fetchrow(
        f"INSERT INTO {_T} ({_COLUMNS}, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
        " $11, $12, $13) ON CONFLICT DO NOTHING RETURNING 1", *_new_values(new), status,
    ) is not None


@dataclass(frozen=True)
class Admission:
    new: NewNotification
    refused: bool
    check_suppression: bool


async def admit_many(
    conn: asyncpg.Connection, admissions: Sequence[Admission]
) -> list[Notification | None]:
    """Write new notifications in one statement, each with the status it starts in, decided
    by the statement: `failed` when refused, `expired` past its expiry (database clock),
    `suppressed` when its address opted out at the site (if `check_suppression`), else
    `sending`. None for one whose id or dedupe key is already known (also by an earlier one
    of the same call). Answers are in the order of `admissions`."""
    columns: list[list[Any]] = [[] for _ in range(14)]
    for admission in admissions:
        values = (*_new_values(admission.new), admission.refused, admission.check_suppression)
        for column, value in zip(columns, values, strict=True):
            column.append(value)
    records = await conn.fetch(
        f"INSERT INTO {_T} ({_COLUMNS}, status) SELECT {_COLUMNS},"
        " CASE WHEN refused THEN 'failed' WHEN expires_at <= now() THEN 'expired'"
        f" WHEN check_suppression AND EXISTS (SELECT FROM {_SUPPRESSIONS} s"
        "   WHERE s.site_id = i.site_id AND s.address = i.address AND s.suppressed)"
        " THEN 'suppressed' ELSE 'sending' END"
        " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],"
        " $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::timestamptz[],"
        " $13::bool[], $14::bool[]) WITH ORDINALITY AS i(notification_id, dedupe_key, site_id,"
        " conversation_id, correlation_id, kind, channel, address, sender, lang, body,"
        " expires_at, refused, check_suppression, n)"
        " ORDER BY n ON CONFLICT DO NOTHING RETURNING *",
        *columns,
    )
    rows = (Notification.from_record(record) for record in records)
    written = {row.notification_id: row for row in rows}
    return [written.pop(a.new.notification_id, None) for a in admissions]


async def get(conn: asyncpg.Connection, notification_id: str) -> Notification | None:
    record = await conn.fetchrow(f"SELECT * FROM {_T} WHERE notification_id = $1", notification_id)
    return Notification.from_record(record) if record else None


async def is_past(conn: asyncpg.Connection, when: datetime | None) -> bool:
    return when is not None and bool(await conn.fetchval("SELECT $1::timestamptz <= now()", when))


async def claim(
    conn: asyncpg.Connection, notification_id: str, owner: str, lease_seconds: float
) -> Notification | None:
    """Take (or extend, for its holder) the lease on a `sending` notification.

    None when it is not `sending` any more or another holder's lease still runs.
    """
    record = await conn.fetchrow(
        f"UPDATE {_T} SET lease_until = now() + make_interval(secs => $3), lease_owner = $2,"
        " updated_at = now()"
        " WHERE notification_id = $1 AND status = $4"
        " AND (lease_until IS NULL OR lease_until <= now() OR lease_owner = $2) RETURNING *",
        notification_id, owner, lease_seconds, SENDING,
    )
    return Notification.from_record(record) if record else None


async def take_clean_attempts(
    conn: asyncpg.Connection,
    notification_ids: Sequence[str],
    owner: str,
    lease_seconds: float,
    max_attempts: int,
    exempt_kinds: Collection[str],
) -> dict[str, Notification]:
    """The usual send in one statement for many notifications: the lease and the attempt
    (`in_doubt` before the POST, as `start_attempt`) taken together — for those where
    nothing stands in the way: not in doubt, lease free or ours, not expired, attempts
    left, address not suppressed (unless the kind is exempt). The rows taken, by id; the
    others take the careful path (`claim`, checks, …). Rows are locked in id order."""
    records = await conn.fetch(
        f"UPDATE {_T} n SET lease_until = now() + make_interval(secs => $3), lease_owner = $2,"
        " attempts = attempts + 1, in_doubt = true, updated_at = now()"
        " WHERE notification_id = ANY($1::text[]) AND status = $6 AND NOT in_doubt"
        " AND (lease_until IS NULL OR lease_until <= now() OR lease_owner = $2)"
        " AND (expires_at IS NULL OR expires_at > now()) AND attempts < $4"
        " AND (kind = ANY($5::text[]) OR NOT EXISTS ("
        f"   SELECT FROM {_SUPPRESSIONS} s"
        "   WHERE s.site_id = n.site_id AND s.address = n.address AND s.suppressed))"
        " RETURNING *",
        sorted(notification_ids), owner, lease_seconds, max_attempts, list(exempt_kinds), SENDING,
    )
    rows = (Notification.from_record(record) for record in records)
    return {row.notification_id: row for row in rows}


async def start_attempt(conn: asyncpg.Connection, notification_id: str, owner: str) -> int | None:
    """Record, before the POST, that it may reach the provider; the attempt number, or None
    when the notification is no longer `sending` or the lease was lost."""
    value = await conn.fetchval(
        f"UPDATE {_T} SET attempts = attempts + 1, in_doubt = true, updated_at = now()"
        " WHERE notification_id = $1 AND status = $3"
        " AND lease_owner = $2 AND lease_until > now() RETURNING attempts",
        notification_id, owner, SENDING,
    )
    return int(value) if value is not None else None


async def release(
    conn: asyncpg.Connection,
    notification_id: str,
    owner: str,
    *,
    in_doubt: bool,
    last_error: str | None,
    hold_seconds: float = 0.0,
) -> None:
    """End an attempt that left the notification `sending` (to be retried or reconciled);
    `hold_seconds` keeps others away that long (the provider settles)."""
    await conn.execute(
        f"UPDATE {_T} SET in_doubt = $3, last_error = $4, updated_at = now(),"
        " lease_until = CASE WHEN $5::float8 > 0 THEN now() + make_interval(secs => $5)"
        " ELSE NULL END"
        " WHERE notification_id = $1 AND status = $6 AND lease_owner = $2",
        notification_id, owner, in_doubt, last_error, hold_seconds, SENDING,
    )


@dataclass(frozen=True)
class Move:
    """The row after a requested move, and whether the move happened."""

    row: Notification
    advanced: bool


@dataclass(frozen=True)
class MoveRequest:
    """Move a notification to `status` if it is in one of `from_states`."""

    notification_id: str
    status: str
    from_states: frozenset[str]
    provider_message_id: str | None = None
    provider_code: str | None = None
    last_error: str | None = None


async def move_many(conn: asyncpg.Connection, requests: Sequence[MoveRequest]) -> list[Move | None]:
    """Apply each request to its row if the row is in one of its `from_states`, all in one
    statement (each notification id at most once; rows locked in id order).

    The condition is checked by the UPDATE itself (re-checked on the newest row version
    when another transaction changed it meanwhile), so concurrent moves never go
    backwards and only one of two identical moves wins. A move that does not apply
    writes nothing but a provider message id the row lacks, and answers the current row;
    None when the notification is unknown. Answers are in the order of `requests`.
    """
    ordered = sorted(requests, key=lambda r: r.notification_id)
    records = await conn.fetch(
        "WITH i AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],"
        " $5::text[], $6::text[]) AS i(notification_id, status, from_states,"
        " provider_message_id, provider_code, last_error)),"
        f" moved AS (UPDATE {_T} n SET status = i.status,"
        " provider_message_id = COALESCE(n.provider_message_id, i.provider_message_id),"
        " provider_code = COALESCE(i.provider_code, n.provider_code),"
        " last_error = COALESCE(i.last_error, n.last_error),"
        " in_doubt = false, lease_until = NULL, lease_owner = NULL, updated_at = now(),"
        " sent_at = CASE WHEN i.status IN ('sent', 'delivered', 'read')"
        " THEN COALESCE(n.sent_at, now()) ELSE n.sent_at END"
        " FROM i WHERE n.notification_id = i.notification_id"
        " AND n.status = ANY(string_to_array(i.from_states, ',')) RETURNING n.*),"
        f" filled AS (UPDATE {_T} n SET provider_message_id = i.provider_message_id,"
        " updated_at = now() FROM i WHERE n.notification_id = i.notification_id"
        " AND n.provider_message_id IS NULL AND i.provider_message_id IS NOT NULL"
        " AND NOT EXISTS (SELECT FROM moved m WHERE m.notification_id = i.notification_id))"
        " SELECT true AS advanced, * FROM moved"
        f" UNION ALL SELECT false, n.* FROM {_T} n JOIN i USING (notification_id)"
        " WHERE NOT EXISTS (SELECT FROM moved m WHERE m.notification_id = n.notification_id)",
        [r.notification_id for r in ordered],
        [r.status for r in ordered],
        [",".join(sorted(r.from_states)) for r in ordered],
        [r.provider_message_id for r in ordered],
        [r.provider_code for r in ordered],
        [r.last_error for r in ordered],
    )
    found = {
        record["notification_id"]: Move(Notification.from_record(record), record["advanced"])
        for record in records
    }
    return [found.get(request.notification_id) for request in requests]


async def sending_ids(conn: asyncpg.Connection, limit: int = 10_000) -> list[str]:
    """Notifications still `sending`, oldest first (startup reconciliation)."""
    rows = await conn.fetch(
        f"SELECT notification_id FROM {_T} WHERE status = 'sending' ORDER BY created_at LIMIT $1",
        limit,
    )
    return [r["notification_id"] for r in rows]


@dataclass(frozen=True)
class Orphan:
    notification_id: str
    lane: str  # conversation id, or the address when there is none: never log it


async def orphans(
    conn: asyncpg.Connection, *, idle_seconds: float, skip: Sequence[str], limit: int
) -> list[Orphan]:
    """`sending` notifications nobody works on: no live lease, untouched for `idle_seconds`
    (left by a process that died or was stopped mid-send), oldest first.

    A notification is left out while an earlier one of its lane is still being worked
    on elsewhere, so that picking it up cannot overtake that one. `skip`: ids the
    caller already holds.
    """
    rows = await conn.fetch(
        "WITH pending AS (SELECT notification_id, created_at,"
        " COALESCE(conversation_id, address) AS lane,"
        " (lease_until IS NULL OR lease_until <= now())"
        " AND updated_at <= now() - make_interval(secs => $1) AS idle"
        f" FROM {_T} WHERE status = 'sending'),"
        " ranked AS (SELECT notification_id, created_at, lane, bool_and(idle)"
        " OVER (PARTITION BY lane ORDER BY created_at, notification_id) AS clear_ahead"
        " FROM pending)"
        " SELECT notification_id, lane FROM ranked"
        " WHERE clear_ahead AND notification_id <> ALL($2::text[])"
        " ORDER BY created_at, notification_id LIMIT $3",
        idle_seconds, list(skip), limit,
    )
    return [Orphan(r["notification_id"], r["lane"]) for r in rows]


async def claimed_message_ids(
    conn: asyncpg.Connection, sids: Sequence[str], *, other_than: str
) -> frozenset[str]:
    """Provider message ids already recorded for other notifications."""
    if not sids:
        return frozenset()
    rows = await conn.fetch(
        f"SELECT provider_message_id FROM {_T}"
        " WHERE provider_message_id = ANY($1::text[]) AND notification_id <> $2",
        list(sids), other_than,
    )
    return frozenset(r["provider_message_id"] for r in rows)


async def sent_recently(
    conn: asyncpg.Connection, address: str, kind: str, within_seconds: float
) -> bool:
    """Whether a `kind` message went (or is going) to `address` within the window."""
    found: Any = await conn.fetchval(
        f"SELECT true FROM {_T} WHERE address = $1 AND kind = $2"
        " AND created_at > now() - make_interval(secs => $3)"
        " AND status NOT IN ('failed', 'suppressed', 'expired') LIMIT 1",
        address, kind, within_seconds,
    )
    return bool(found)
