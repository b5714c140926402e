"""Load the sites-and-teams directory into an empty router schema (one-shot, idempotent).

The compose `migrate` job runs it after `relais migrate`: the router dead-letters
contacts for a site it does not know, so the directory must exist before it starts.
RELAIS_DIRECTORY_FILE names the YAML (default: deploy/directory/demo.yaml, the demo
clinic); a directory already in the database is left as it is.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import asyncpg
from relais_router.adapters.seed import DEFAULT_DIRECTORY, seed_directory
from relais_shared.settings import RelaisSettings


async def load_directory(database_url: str, path: Path) -> bool:
    conn = await asyncpg.connect(database_url)
    try:
        return await seed_directory(conn, path)
    finally:
        await conn.close()


def main() -> None:
    path = Path(os.environ.get("RELAIS_DIRECTORY_FILE") or DEFAULT_DIRECTORY)
    loaded = asyncio.run(load_directory(RelaisSettings().database_url, path))
    print(f"directory: loaded {path}" if loaded else "directory: already loaded, left as is")


if __name__ == "__main__":
    main()
