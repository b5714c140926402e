"""Which calls reached their Dial: the one piece of call state intake keeps (24 h)."""

from __future__ import annotations

from typing import Final, Protocol

import asyncpg

SCHEMA: Final = "intake"
_DB_ERRORS: Final = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError)


class CallLedgerUnavailable(Exception):
    """The ledger could not be read or written."""


class CallLedger(Protocol):
    """Remembers CallSids whose `<Dial action>` callback arrived."""

    async def mark_dialled(self, call_sid: str, dial_status: str) -> None: ...

    async def was_dialled(self, call_sid: str) -> bool: ...


class PostgresCallLedger:
    """The ledger in `intake.voice_dials`; expired rows are ignored; `prune` deletes them."""

    def __init__(self, pool: asyncpg.Pool, timeout: float) -> None:
        self._pool = pool
        self._timeout = timeout

    async def mark_dialled(self, call_sid: str, dial_status: str) -> None:
        try:
            async with self._pool.acquire(timeout=self._timeout) as conn:
                await conn.execute(
                    f"INSERT INTO {SCHEMA}.voice_dials (call_sid, dial_status) VALUES ($1, $2)"
                    " ON CONFLICT (call_sid) DO NOTHING",
                    call_sid,
                    dial_status,
                    timeout=self._timeout,
                )
        except _DB_ERRORS as exc:
            raise CallLedgerUnavailable(type(exc).__name__) from exc

    async def was_dialled(self, call_sid: str) -> bool:
        try:
            async with self._pool.acquire(timeout=self._timeout) as conn:
                found = await conn.fetchval(
                    f"SELECT 1 FROM {SCHEMA}.voice_dials WHERE call_sid = $1"
                    " AND expires_at > now()",
                    call_sid,
                    timeout=self._timeout,
                )
        except _DB_ERRORS as exc:
            raise CallLedgerUnavailable(type(exc).__name__) from exc
        return found is not None

    async def prune(self) -> int:
        """Delete expired rows; the count deleted."""
        async with self._pool.acquire(timeout=self._timeout) as conn:
            done = await conn.execute(f"DELETE FROM {SCHEMA}.voice_dials WHERE expires_at <= now()")
        return int(done.split()[-1])


class MemoryCallLedger:
    """The ledger in memory, for tests and a database-less dev run."""

    def __init__(self) -> None:
        self.dialled: dict[str, str] = {}
        self.down = False

    async def mark_dialled(self, call_sid: str, dial_status: str) -> None:
        if self.down:
            raise CallLedgerUnavailable("down")
        self.dialled.setdefault(call_sid, dial_status)

    async def was_dialled(self, call_sid: str) -> bool:
        if self.down:
            raise CallLedgerUnavailable("down")
        return call_sid in self.dialled
