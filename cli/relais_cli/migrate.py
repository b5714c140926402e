"""`relais migrate`: apply every service's numbered migrations."""

from __future__ import annotations

import os
from urllib.parse import parse_qs, urlsplit, urlunsplit

import asyncpg
from relais_shared.db import migrate

from .services import migration_targets


async def migrate_all(
    database_url: str, admin_url: str | None = None
) -> dict[str, list[str]]:
    """Apply the migrations as the application's role; then, given a superuser URL
    (default RELAIS_DATABASE_ADMIN_URL, any database of the server), hand the audit log to
    its own owner role (relais_router.adapters.audit_owner)."""
    conn = await asyncpg.connect(database_url)
    try:
        applied = {
            schema: await migrate(conn, schema, directory)
            for schema, directory in migration_targets()
        }
        app_role = await conn.fetchval("SELECT current_user")
    finally:
        await conn.close()
    admin_url = admin_url or os.environ.get("RELAIS_DATABASE_ADMIN_URL")
    if admin_url:
        from relais_router.adapters.audit_owner import hand_over_audit_log

        admin = await asyncpg.connect(_same_database(admin_url, database_url))
        try:
            if await hand_over_audit_log(admin, app_role):
                applied.setdefault("router", []).append("audit log handed to its owner role")
        finally:
            await admin.close()
    return applied


def _same_database(admin_url: str, database_url: str) -> str:
    """The admin URL pointed at the application's database (its path or `dbname`)."""
    database = urlsplit(database_url).path.lstrip("/") or parse_qs(
        urlsplit(database_url).query).get("dbname", [""])[0]
    parts = urlsplit(admin_url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, parts.fragment))
