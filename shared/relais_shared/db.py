"""asyncpg pool, units of work (one event's transaction, a partition batch's transaction)
and the per-service numbered migrations runner."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

import asyncpg

from .logging import get_logger

log = get_logger(__name__)
_MIGRATION = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


async def _keep_session(conn: asyncpg.Connection) -> None:
    """What a pooled connection needs on its way back: asyncpg has already rolled back an
    unfinished transaction and dropped listeners. Nothing else: pool connections never hold
    session state (LISTEN and session advisory locks live on dedicated connections: the
    outbox relay's, migrations'), so the default RESET ALL/UNLISTEN/unlock round trip on
    every release is saved."""


async def create_pool(
    url: str, *, min_size: int = 1, max_size: int = 10, generic_plans: bool = False
) -> asyncpg.Pool:
    """`generic_plans`: prepared statements always run their generic plan. PostgreSQL
    otherwise keeps planning a statement over array parameters (`unnest($1::text[])`,
    `= ANY($1)`) for every execution, its custom plans looking cheaper: 0.4 ms of planning
    for a batch of moves that executes in less. Only for a service whose statements were
    checked to have good generic plans (none filters a partial index's column by value).
    Sequential scans are off for them: a connection keeps its generic plan until the next
    ANALYZE, and one made while a table is nearly empty (a fresh database) scanned the
    table whole for every batch as it grew (2,278 scans reading 9.4 M rows of notifications
    in the first 30 s of bench/e2e.py at 300/s); their statements all reach rows by key."""
    settings = (
        {"plan_cache_mode": "force_generic_plan", "enable_seqscan": "off"} if generic_plans
        else None
    )
    pool = await asyncpg.create_pool(url, min_size=min_size, max_size=max_size,
                                     reset=_keep_session, server_settings=settings)
    assert pool is not None
    return pool


@dataclass
class _Unit:
    conn: asyncpg.Connection
    after_commit: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    buffers: dict[type, WriteBehind] = field(default_factory=dict)
    memo: dict[str, Any] = field(default_factory=dict)


class WriteBehind(ABC):
    """Rows a unit of work writes at its end, just before its commit, in as few statements
    as possible (a partition batch's acknowledgements, outbox events…), rather than one
    round trip each. Subclass it with the rows and a `flush`; `current()` is the enclosing
    unit's buffer of that kind. Only for rows nothing reads back before the commit: a
    failing flush (e.g. `Retryable`) rolls the whole unit back like any statement."""

    @classmethod
    def current(cls) -> Self:
        unit = _UNIT.get()
        if unit is None:
            raise RuntimeError(f"{cls.__name__} outside a db.transaction()")
        buffer = unit.buffers.get(cls)
        if buffer is None:
            buffer = unit.buffers[cls] = cls()
        return buffer  # type: ignore[return-value]

    @abstractmethod
    async def flush(self, conn: asyncpg.Connection) -> None:
        """Write the buffered rows (called once, inside the transaction, before COMMIT)."""


# The unit of work the current task writes in, if any.
_UNIT: ContextVar[_Unit | None] = ContextVar("relais_unit_of_work", default=None)


@asynccontextmanager
async def transaction(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """A unit of work: all of it is written, or none of it.

    A `transaction()` opened inside another one joins it and the outermost commits —
    an event's inside its partition batch's (the consumer runner's `batch_scope`), a
    helper's inside its handler's. Its `WriteBehind` buffers are flushed just before the
    commit; hooks given to `after_commit` run once it committed.
    """
    unit = _UNIT.get()
    if unit is not None:
        yield unit.conn
        return
    async with pool.acquire() as conn:
        unit = _Unit(conn)
        token = _UNIT.set(unit)
        try:
            async with conn.transaction():
                yield conn
                while unit.buffers:  # a flush may queue rows in another buffer
                    await unit.buffers.pop(next(iter(unit.buffers))).flush(conn)
        finally:
            _UNIT.reset(token)
    for hook in unit.after_commit:
        await hook()


def unit_memo() -> dict[str, Any]:
    """Values read once per unit of work, e.g. the directory version a whole partition
    batch is routed with (as if its events were handled at the instant it began); outside
    a unit, a fresh dict (nothing is remembered)."""
    unit = _UNIT.get()
    return {} if unit is None else unit.memo


def after_commit(hook: Callable[[], Awaitable[None]]) -> None:
    """Run `hook` once the enclosing unit of work has committed (never if it rolls back):
    for effects outside the database, e.g. handing a committed notification to senders."""
    unit = _UNIT.get()
    if unit is None:
        raise RuntimeError("after_commit outside a db.transaction()")
    unit.after_commit.append(hook)


def migration_files(directory: Path) -> list[tuple[int, Path]]:
    found = []
    for path in sorted(directory.glob("*.sql")):
        match = _MIGRATION.match(path.name)
        if not match:
            raise ValueError(f"migration file name must be NNNN_name.sql: {path.name}")
        found.append((int(match.group(1)), path))
    numbers = [n for n, _ in found]
    if len(set(numbers)) != len(numbers):
        raise ValueError(f"duplicate migration numbers in {directory}")
    return found


BASE_MIGRATIONS = Path(__file__).parent / "migrations"


async def migrate(conn: asyncpg.Connection, schema: str, directory: Path) -> list[str]:
    """Apply the schema's pending migrations in order, each in its own transaction.

    The shared base migrations (outbox, processed events) come first, then the
    service's own. Forward-only; a per-schema advisory lock makes concurrent
    runners safe.
    """
    await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    await conn.execute(
        f'CREATE TABLE IF NOT EXISTS "{schema}".schema_migrations ('
        " name text PRIMARY KEY,"
        " applied_at timestamptz NOT NULL DEFAULT now())"
    )
    applied: list[str] = []
    await conn.execute("SELECT pg_advisory_lock(hashtext($1))", f"migrate:{schema}")
    try:
        done = {
            r["name"] for r in await conn.fetch(f'SELECT name FROM "{schema}".schema_migrations')
        }
        pending = [(f"base/{p.name}", p) for _, p in migration_files(BASE_MIGRATIONS)]
        pending += [(p.name, p) for _, p in migration_files(directory)]
        for name, path in pending:
            if name in done:
                continue
            async with conn.transaction():
                await conn.execute(f'SET LOCAL search_path TO "{schema}", public')
                await conn.execute(path.read_text())
                await conn.execute(
                    f'INSERT INTO "{schema}".schema_migrations (name) VALUES ($1)', name
                )
            applied.append(name)
            log.info("migration_applied", schema=schema, migration=name)
    finally:
        await conn.execute("SELECT pg_advisory_unlock(hashtext($1))", f"migrate:{schema}")
    return applied
