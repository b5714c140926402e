"""Users, passwords (argon2) and bearer tokens."""

from __future__ import annotations

import hashlib
import secrets
import uuid

import asyncpg
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError

from ..domain.access import Principal

_hasher = PasswordHasher()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


async def create_user(
    conn: asyncpg.Connection,
    username: str,
    password: str,
    role: str,
    display_name: str,
    site_id: str,
    teams: list[str],
) -> uuid.UUID:
    """Create or update a user and their team memberships."""
    user_id = await conn.fetchval(
        """
        INSERT INTO router.users (id, username, display_name, role, password_hash)
        VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (username) DO UPDATE SET display_name = EXCLUDED.display_name,
            role = EXCLUDED.role, password_hash = EXCLUDED.password_hash
        RETURNING id
        """,
        uuid.uuid4(), username, display_name, role, hash_password(password),
    )
    await conn.execute("DELETE FROM router.team_members WHERE user_id = $1", user_id)
    await conn.executemany(
        "INSERT INTO router.team_members (user_id, site_id, team_id) VALUES ($1, $2, $3)",
        [(user_id, site_id, team) for team in teams],
    )
    return user_id


async def login(conn: asyncpg.Connection, username: str, password: str, hours: int = 12) -> str | None:
    """A new bearer token when the password matches, else None."""
    row = await conn.fetchrow(
        "SELECT id, password_hash FROM router.users WHERE username = $1", username
    )
    if row is None:
        _hasher.hash(password)  # same cost either way: no user enumeration by timing
        return None
    try:
        _hasher.verify(row["password_hash"], password)
    except VerificationError:
        return None
    token = secrets.token_urlsafe(32)
    await conn.execute(
        "INSERT INTO router.api_tokens (token_sha256, user_id, expires_at)"
        " VALUES ($1, $2, now() + make_interval(hours => $3))",
        _digest(token), row["id"], hours,
    )
    return token


async def principal_for_token(conn: asyncpg.Connection, token: str) -> Principal | None:
    row = await conn.fetchrow(
        """
        SELECT u.id, u.username, u.role, u.display_name,
               coalesce(array_agg(m.site_id) FILTER (WHERE m.team_id IS NOT NULL), '{}') AS sites,
               coalesce(array_agg(m.team_id) FILTER (WHERE m.team_id IS NOT NULL), '{}') AS teams
        FROM router.api_tokens t JOIN router.users u ON u.id = t.user_id
        LEFT JOIN router.team_members m ON m.user_id = u.id
        WHERE t.token_sha256 = $1 AND (t.expires_at IS NULL OR t.expires_at > now())
        GROUP BY u.id
        """,
        _digest(token),
    )
    if row is None:
        return None
    return Principal(row["id"], row["username"], row["role"],
                     frozenset(zip(row["sites"], row["teams"], strict=True)), row["display_name"])
