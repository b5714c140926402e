"""`relais directory import [--replace] FILE` and `relais directory export`.

The YAML seeds an empty database; afterwards the database is the source of truth.
`import --replace` reloads a file over it as a new version (audited); `export` prints
the current directory as YAML that `import --replace` takes back unchanged.
"""

from __future__ import annotations

import asyncio
import getpass
import sys
from pathlib import Path

import asyncpg
from pydantic import ValidationError
from relais_router.adapters import directory as store


def _actor() -> str:
    try:
        return "cli:" + getpass.getuser()
    except (KeyError, OSError):
        return "cli"


async def import_file(database_url: str, path: Path, replace: bool) -> int:
    try:
        directory = store.parse_yaml(path.read_text())
    except OSError as exc:
        print(f"cannot read {path}: {exc.strerror}", file=sys.stderr)
        return 2
    except ValidationError as exc:
        print(f"{path} is not a valid directory:", file=sys.stderr)
        for error in exc.errors():
            where = ".".join(str(p) for p in error.get("loc", ()))
            print(f"  {where or '(document)'}: {error.get('msg')}", file=sys.stderr)
        return 1
    conn = await asyncpg.connect(database_url)
    try:
        version, changes = await store.import_directory(
            conn, directory, replace=replace, actor=_actor()
        )
    except store.DirectoryConflict as exc:
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        await conn.close()
    print(f"directory version {version}: {len(changes)} change(s) from {path}")
    for change in changes[:50]:
        print(f"  {change['op']:<8} {change['path']}")
    if len(changes) > 50:
        print(f"  … and {len(changes) - 50} more")
    return 0


async def export(database_url: str) -> int:
    conn = await asyncpg.connect(database_url)
    try:
        version, directory = await store.read_directory(conn)
    finally:
        await conn.close()
    if directory is None:
        print("the directory is empty (run `relais directory import FILE`)", file=sys.stderr)
        return 1
    sys.stdout.write(store.to_yaml(version, directory))
    return 0


def run(database_url: str, action: str, path: str | None, replace: bool) -> int:
    if action == "import":
        if not path:
            raise SystemExit("relais directory import [--replace] FILE")
        return asyncio.run(import_file(database_url, Path(path), replace))
    return asyncio.run(export(database_url))
