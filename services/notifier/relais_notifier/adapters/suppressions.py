"""Opt-out per (site, address): the notifier is the only owner of suppression."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from .ledger import SCHEMA

_T = f'"{SCHEMA}".suppressions'


async def is_suppressed(conn: asyncpg.Connection, site_id: str, address: str) -> bool:
    value = await conn.fetchval(
        f"SELECT suppressed FROM {_T} WHERE site_id = $1 AND address = $2", site_id, address
    )
    return bool(value)


async def record(
    conn: asyncpg.Connection,
    site_id: str,
    address: str,
    *,
    suppressed: bool,
    reason: str,
    changed_at: datetime,
) -> bool:
    """Apply an opt-out/opt-in said at `changed_at`; True when the address changed state.

    An older statement never overrides a newer one (replays, reordering).
    Call inside a transaction.
    """
    previous = await conn.fetchrow(
        f"SELECT suppressed, changed_at FROM {_T} WHERE site_id = $1 AND address = $2 FOR UPDATE",
        site_id, address,
    )
    if previous is not None and previous["changed_at"] > changed_at:
        return False
    await conn.execute(
        f"INSERT INTO {_T} (site_id, address, suppressed, reason, changed_at)"
        " VALUES ($1, $2, $3, $4, $5)"
        " ON CONFLICT (site_id, address) DO UPDATE SET suppressed = EXCLUDED.suppressed,"
        " reason = EXCLUDED.reason, changed_at = EXCLUDED.changed_at, updated_at = now()",
        site_id, address, suppressed, reason, changed_at,
    )
    was_suppressed = bool(previous["suppressed"]) if previous is not None else False
    return was_suppressed != suppressed
