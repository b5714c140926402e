"""Users, argon2 password hashes, bearer tokens and browser sessions in PostgreSQL.

I/O only. What to decide — lockout, TOTP, lifetimes, who may sign in — is in
`domain/auth.py` and the sign-in service (`relais_router.signin`). Tokens and CSRF tokens
are stored as SHA-256 digests only: a copy of the database opens no session.

Argon2 costs about 0.1–0.4 s of CPU and 64 MiB a call, so it never runs on the event loop:
`PasswordHashing` runs it on a few dedicated threads (the C library releases the GIL) and
refuses work beyond a bounded queue rather than letting sign-ins pile up without limit.
"""

from __future__ import annotations

import asyncio
import enum
import hashlib
import secrets
import uuid
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg
from argon2 import PasswordHasher, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ..domain.access import Principal
from ..domain.auth import LockState

__all__ = ["Principal"]  # api modules import Principal from here

_hasher = PasswordHasher()
# A stored hash asking for more than this is corrupt (or planted): verifying it could take
# minutes or gigabytes, so it is refused unread.
_MAX_MEMORY_KIB = 1 << 20
_MAX_TIME_COST = 16
_MAX_PARALLELISM = 16


def digest(token: str) -> str:
    """What the database keeps of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


# --- password hashes ------------------------------------------------------------------


class HashCheck(enum.Enum):
    MATCH = "match"
    MISMATCH = "mismatch"
    CORRUPT = "corrupt"  # not an argon2 hash we can read: a failed sign-in, never a 500


@dataclass(frozen=True)
class Verification:
    outcome: HashCheck
    needs_rehash: bool = False


def hash_password(password: str) -> str:
    """An argon2id hash with the current parameters (blocking: call it off the event loop)."""
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> Verification:
    """Check a password against a stored hash (blocking: call it off the event loop)."""
    try:
        params = extract_parameters(stored)
    except (InvalidHashError, ValueError):
        return Verification(HashCheck.CORRUPT)
    if (params.memory_cost > _MAX_MEMORY_KIB or params.time_cost > _MAX_TIME_COST
            or params.parallelism > _MAX_PARALLELISM):
        return Verification(HashCheck.CORRUPT)
    try:
        _hasher.verify(stored, password)
    except VerifyMismatchError:
        return Verification(HashCheck.MISMATCH)
    except (VerificationError, InvalidHashError, ValueError):
        return Verification(HashCheck.CORRUPT)
    return Verification(HashCheck.MATCH, _hasher.check_needs_rehash(stored))


class HashingBusy(Exception):
    """More sign-ins are waiting for argon2 than the queue allows."""


class PasswordHashing:
    """Argon2 on `workers` threads of its own, at most `queue_max` calls waiting or running.

    Its own threads, not the loop's default executor: name resolution and other
    `to_thread` work never queue behind a burst of sign-ins.
    """

    def __init__(self, workers: int = 2, queue_max: int = 64) -> None:
        self._executor = ThreadPoolExecutor(max(1, workers), thread_name_prefix="argon2")
        self._queue_max = max(1, queue_max)
        self._in_flight = 0
        self._dummy: str | None = None

    async def _run(self, fn, *args):  # type: ignore[no-untyped-def]
        if self._in_flight >= self._queue_max:
            raise HashingBusy
        self._in_flight += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)
        finally:
            self._in_flight -= 1

    async def hash(self, password: str) -> str:
        return await self._run(hash_password, password)

    async def verify(self, stored: str, password: str) -> Verification:
        return await self._run(verify_password, stored, password)

    async def verify_unknown(self, password: str) -> None:
        """The same work as a real verification, for a username nobody has (no timing
        difference tells an attacker which usernames exist)."""
        if self._dummy is None:
            self._dummy = await self.hash(secrets.token_urlsafe(16))
        await self.verify(self._dummy, password)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


# --- sign-in --------------------------------------------------------------------------


@dataclass(frozen=True)
class Credentials:
    """What a sign-in reads before hashing (no lock held while argon2 runs)."""

    user_id: uuid.UUID
    username: str
    role: str
    password_hash: str
    password_changed_at: datetime


async def credentials_for(conn: asyncpg.Connection, username: str) -> Credentials | None:
    row = await conn.fetchrow(
        "SELECT id, username, role, password_hash, password_changed_at FROM router.users"
        " WHERE username = $1",
        username,
    )
    if row is None:
        return None
    return Credentials(row["id"], row["username"], row["role"], row["password_hash"],
                       row["password_changed_at"])


@dataclass(frozen=True)
class AccountState:
    """A user's row as the sign-in decision needs it, locked until the transaction ends."""

    role: str
    disabled: bool
    lock: LockState
    totp_secret: str | None
    totp_last_step: int | None
    password_hash: str
    password_changed_at: datetime
    now: datetime


async def lock_account(conn: asyncpg.Connection, user_id: uuid.UUID) -> AccountState | None:
    """The account row, locked: parallel sign-ins of one person count failures one by one."""
    row = await conn.fetchrow(
        """
        SELECT role, disabled_at, failed_logins, lockouts, locked_until, totp_secret,
               totp_last_step, password_hash, password_changed_at, now() AS now
        FROM router.users WHERE id = $1 FOR UPDATE
        """,
        user_id,
    )
    if row is None:
        return None
    return AccountState(
        row["role"], row["disabled_at"] is not None,
        LockState(row["failed_logins"], row["lockouts"], row["locked_until"]),
        row["totp_secret"], row["totp_last_step"], row["password_hash"],
        row["password_changed_at"], row["now"],
    )


async def save_lock_state(conn: asyncpg.Connection, user_id: uuid.UUID, lock: LockState) -> None:
    await conn.execute(
        "UPDATE router.users SET failed_logins = $2, lockouts = $3, locked_until = $4"
        " WHERE id = $1",
        user_id, lock.failed_logins, lock.lockouts, lock.locked_until,
    )


async def accept_totp_step(conn: asyncpg.Connection, user_id: uuid.UUID, step: int) -> bool:
    """Record the time-step of an accepted code; False when it (or a later one) was used."""
    done = await conn.fetchval(
        "UPDATE router.users SET totp_last_step = $2 WHERE id = $1"
        " AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING true",
        user_id, step,
    )
    return bool(done)


async def replace_hash(conn: asyncpg.Connection, user_id: uuid.UUID, old: str, new: str) -> None:
    """Store a rehash (new argon2 parameters) unless the password changed meanwhile."""
    await conn.execute(
        "UPDATE router.users SET password_hash = $3 WHERE id = $1 AND password_hash = $2",
        user_id, old, new,
    )


@dataclass(frozen=True)
class Issued:
    token: str
    expires_at: datetime
    csrf_token: str | None = None


async def issue_token(
    conn: asyncpg.Connection,
    user_id: uuid.UUID,
    kind: str,
    lifetime: timedelta,
    ip: str | None,
    user_agent: str | None,
) -> Issued:
    """A new bearer token or session (with its CSRF token); only digests are stored."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32) if kind == "session" else None
    expires_at = await conn.fetchval(
        """
        INSERT INTO router.api_tokens
            (token_sha256, user_id, kind, csrf_sha256, expires_at, ip, user_agent)
        VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5), $6::inet, $7)
        RETURNING expires_at
        """,
        digest(token), user_id, kind, digest(csrf) if csrf else None,
        lifetime.total_seconds(), ip, (user_agent or None) and user_agent[:256],
    )
    return Issued(token, expires_at, csrf)


async def prune_tokens(conn: asyncpg.Connection, user_id: uuid.UUID) -> None:
    """Forget a person's tokens that ended a week ago (the audit log keeps the story)."""
    await conn.execute(
        "DELETE FROM router.api_tokens WHERE user_id = $1"
        " AND least(expires_at, coalesce(revoked_at, 'infinity')) < now() - interval '7 days'",
        user_id,
    )


# --- authenticating a request ---------------------------------------------------------

_PRINCIPAL_COLUMNS = """
    u.id, u.username, u.role, u.display_name, u.presence,
    coalesce(array_agg(m.site_id) FILTER (WHERE m.team_id IS NOT NULL), '{}') AS sites,
    coalesce(array_agg(m.team_id) FILTER (WHERE m.team_id IS NOT NULL), '{}') AS teams
"""


def _principal(row: asyncpg.Record) -> Principal:
    return Principal(row["id"], row["username"], row["role"],
                     frozenset(zip(row["sites"], row["teams"], strict=True)),
                     row["display_name"])


@dataclass(frozen=True)
class TokenUse:
    """A live token or session: who it is, and what the request check needs."""

    principal: Principal
    presence: str
    csrf_sha256: str | None
    stale: bool  # last_used_at is over a minute old: move it


async def token_use(
    conn: asyncpg.Connection, token: str, kind: str, session_idle: timedelta
) -> TokenUse | None:
    """The person behind a token of `kind`, if it is unrevoked, unexpired, not idle past
    `session_idle` (sessions) and its user is not disabled; else None."""
    row = await conn.fetchrow(
        f"""
        SELECT {_PRINCIPAL_COLUMNS}, t.csrf_sha256,
               (t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute') AS stale
        FROM router.api_tokens t JOIN router.users u ON u.id = t.user_id
        LEFT JOIN router.team_members m ON m.user_id = u.id
        WHERE t.token_sha256 = $1 AND t.kind = $2 AND t.revoked_at IS NULL
          AND t.expires_at > now() AND u.disabled_at IS NULL
          AND (t.kind = 'bearer'
               OR coalesce(t.last_used_at, t.created_at) > now() - make_interval(secs => $3))
        GROUP BY t.token_sha256, u.id
        """,
        digest(token), kind, session_idle.total_seconds(),
    )
    if row is None:
        return None
    return TokenUse(_principal(row), row["presence"], row["csrf_sha256"], row["stale"])


async def touch_token(conn: asyncpg.Connection, token: str) -> None:
    """Move `last_used_at` (called at most about once a minute per token)."""
    await conn.execute(
        "UPDATE router.api_tokens SET last_used_at = now() WHERE token_sha256 = $1"
        " AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')",
        digest(token),
    )


async def principal_by_username(conn: asyncpg.Connection, username: str) -> Principal | None:
    """An enabled user by name (the development admin token acts as `admin`)."""
    row = await conn.fetchrow(
        f"""
        SELECT {_PRINCIPAL_COLUMNS}
        FROM router.users u LEFT JOIN router.team_members m ON m.user_id = u.id
        WHERE u.username = $1 AND u.disabled_at IS NULL
        GROUP BY u.id
        """,
        username,
    )
    return _principal(row) if row else None


async def presence_of(conn: asyncpg.Connection, user_id: uuid.UUID) -> str:
    return await conn.fetchval("SELECT presence FROM router.users WHERE id = $1", user_id) or "offline"


async def revoke_token(conn: asyncpg.Connection, token: str) -> bool:
    done = await conn.fetchval(
        "UPDATE router.api_tokens SET revoked_at = now() WHERE token_sha256 = $1"
        " AND revoked_at IS NULL RETURNING true",
        digest(token),
    )
    return bool(done)


async def revoke_user_tokens(conn: asyncpg.Connection, user_id: uuid.UUID) -> int:
    status = await conn.execute(
        "UPDATE router.api_tokens SET revoked_at = now() WHERE user_id = $1"
        " AND revoked_at IS NULL AND expires_at > now()",
        user_id,
    )
    return int(status.split()[-1])


# --- account management (CLI, demo seed) -----------------------------------------------


class UserExists(Exception):
    """`create` of a username already taken."""


async def create_user(
    conn: asyncpg.Connection,
    *,
    username: str,
    password_hash: str,
    role: str,
    display_name: str,
    memberships: Iterable[tuple[str, str]],
    totp_secret: str | None,
    replace: bool = False,
) -> uuid.UUID:
    """Create a user with their (site, team) memberships. With `replace`, an existing
    account of that name is reset instead (new password and TOTP, enabled, unlocked,
    every token revoked): the demo seed does this; the CLI refuses."""
    async with conn.transaction():
        existing = await conn.fetchval(
            "SELECT id FROM router.users WHERE username = $1 FOR UPDATE", username)
        if existing is not None and not replace:
            raise UserExists(username)
        user_id = await conn.fetchval(
            """
            INSERT INTO router.users (id, username, display_name, role, password_hash,
                                      totp_secret, password_changed_at)
            VALUES ($1, $2, $3, $4, $5, $6, now())
            ON CONFLICT (username) DO UPDATE SET display_name = EXCLUDED.display_name,
                role = EXCLUDED.role, password_hash = EXCLUDED.password_hash,
                totp_secret = EXCLUDED.totp_secret, totp_last_step = NULL,
                password_changed_at = now(), disabled_at = NULL,
                failed_logins = 0, lockouts = 0, locked_until = NULL
            RETURNING id
            """,
            uuid.uuid4(), username, display_name, role, password_hash, totp_secret,
        )
        await revoke_user_tokens(conn, user_id)
        await conn.execute("DELETE FROM router.team_members WHERE user_id = $1", user_id)
        await conn.executemany(
            "INSERT INTO router.team_members (user_id, site_id, team_id) VALUES ($1, $2, $3)",
            [(user_id, site, team) for site, team in sorted(set(memberships))],
        )
    return user_id


_KEEP = object()


async def set_password(
    conn: asyncpg.Connection, username: str, password_hash: str, totp_secret: object = _KEEP
) -> uuid.UUID | None:
    """A new password (and, if given, TOTP secret): the account is unlocked and every
    token it holds revoked. None when there is no such user."""
    async with conn.transaction():
        user_id = await conn.fetchval(
            """
            UPDATE router.users SET password_hash = $2, password_changed_at = now(),
                failed_logins = 0, lockouts = 0, locked_until = NULL,
                totp_secret = CASE WHEN $3 THEN $4 ELSE totp_secret END,
                totp_last_step = CASE WHEN $3 THEN NULL ELSE totp_last_step END
            WHERE username = $1 RETURNING id
            """,
            username, password_hash, totp_secret is not _KEEP,
            None if totp_secret is _KEEP else totp_secret,
        )
        if user_id is not None:
            await revoke_user_tokens(conn, user_id)
    return user_id


async def set_disabled(conn: asyncpg.Connection, username: str, disabled: bool) -> uuid.UUID | None:
    """Disable (tokens revoked at once) or enable an account; None when there is none."""
    async with conn.transaction():
        user_id = await conn.fetchval(
            "UPDATE router.users SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now())"
            " END WHERE username = $1 RETURNING id",
            username, disabled,
        )
        if user_id is not None and disabled:
            await revoke_user_tokens(conn, user_id)
    return user_id


@dataclass(frozen=True)
class UserSummary:
    """A user as `relais users list` shows it: no hash, no secret."""

    username: str
    display_name: str
    role: str
    memberships: tuple[tuple[str, str], ...]
    disabled_at: datetime | None
    locked_until: datetime | None
    totp_enrolled: bool
    last_seen_at: datetime | None


async def list_users(conn: asyncpg.Connection) -> list[UserSummary]:
    rows = await conn.fetch(
        """
        SELECT u.username, u.display_name, u.role, u.disabled_at, u.locked_until,
               u.totp_secret IS NOT NULL AS totp_enrolled,
               (SELECT max(greatest(t.created_at, t.last_used_at)) FROM router.api_tokens t
                WHERE t.user_id = u.id) AS last_seen_at,
               coalesce((SELECT array_agg(m.site_id || ':' || m.team_id ORDER BY m.site_id, m.team_id)
                         FROM router.team_members m WHERE m.user_id = u.id), '{}') AS members
        FROM router.users u ORDER BY u.username
        """
    )
    return [
        UserSummary(r["username"], r["display_name"], r["role"],
                    tuple(tuple(m.split(":", 1)) for m in r["members"]),  # type: ignore[misc]
                    r["disabled_at"], r["locked_until"], r["totp_enrolled"], r["last_seen_at"])
        for r in rows
    ]
