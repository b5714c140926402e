"""`relais migrate`: apply every service's numbered migrations."""

from __future__ import annotations

import asyncpg
from relais_shared.db import migrate

from .services import migration_targets


async def migrate_all(database_url: str) -> dict[str, list[str]]:
    conn = await asyncpg.connect(database_url)
    try:
        return {
            schema: await migrate(conn, schema, directory)
            for schema, directory in migration_targets()
        }
    finally:
        await conn.close()
