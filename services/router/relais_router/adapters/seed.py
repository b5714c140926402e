"""Seed the directory (sites, teams) from YAML into an empty database, and demo users."""

from __future__ import annotations

import secrets
from pathlib import Path

import asyncpg

from ..domain.directory import CONTRACT_TEAMS
from .directory import seed_if_empty
from .users import create_user

REPO_ROOT = Path(__file__).resolve().parents[4]
DEFAULT_DIRECTORY = REPO_ROOT / "deploy" / "directory" / "demo.yaml"


async def seed_directory(conn: asyncpg.Connection, path: Path = DEFAULT_DIRECTORY) -> bool:
    """Load the directory YAML only into an empty database (version 1); True when it loaded.

    Afterwards the database is the source of truth: `relais directory import --replace`
    or the admin API change it, each change a new version.
    """
    return await seed_if_empty(conn, path)


DEMO_USERS = (
    ("admin", "admin", "Admin Demo", list(CONTRACT_TEAMS)),
    ("agent.accueil", "agent", "Camille (accueil)", ["accueil", "rendez-vous"]),
    ("agent.soins", "agent", "Inès (soins)", ["soins", "ordonnances", "resultats"]),
)


async def seed_demo_users(conn: asyncpg.Connection, site_id: str = "demo") -> list[tuple[str, str, str]]:
    """Create the demo admin and agents with fresh passwords; returns (user, role, password)."""
    created = []
    for username, role, display, teams in DEMO_USERS:
        password = secrets.token_urlsafe(9)
        await create_user(conn, username, password, role, display, site_id, teams)
        created.append((username, role, password))
    return created
