"""Seed the directory (sites, teams) from YAML into an empty database, and demo users."""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path
from typing import NamedTuple

import asyncpg

from ..domain import auth as rules
from ..domain.directory import CONTRACT_TEAMS
from .directory import seed_if_empty
from .users import create_user, hash_password

REPO_ROOT = Path(__file__).resolve().parents[4]
DEFAULT_DIRECTORY = REPO_ROOT / "deploy" / "directory" / "demo.yaml"
DEMO_SITE = "demo"


async def seed_directory(conn: asyncpg.Connection, path: Path = DEFAULT_DIRECTORY) -> bool:
    """Load the directory YAML only into an empty database (version 1); True when it loaded.

    Afterwards the database is the source of truth: `relais directory import --replace`
    or the admin API change it, each change a new version.
    """
    return await seed_if_empty(conn, path)


class DemoUser(NamedTuple):
    """A seeded account: (user, role, password) as the credentials file lists them, and the
    TOTP secret of a lead or admin (None for agents)."""

    username: str
    role: str
    password: str
    totp_secret: str | None = None


_FIRST_NAMES = {"accueil": "Camille", "rendez-vous": "Lucas", "ordonnances": "Nadia",
                "resultats": "Hugo", "facturation": "Sarah", "soins": "Inès",
                "relations-patients": "Yanis"}


def demo_accounts() -> list[tuple[str, str, str, list[str]]]:
    """(username, role, display name, teams at the demo site): one agent per contract team,
    a lead of every team, an admin."""
    accounts = [(f"agent.{team}", "agent", f"{_FIRST_NAMES.get(team, 'Agent')} ({team})", [team]) for team in CONTRACT_TEAMS]
    accounts.append(("lead", "lead", "Lead Demo", list(CONTRACT_TEAMS)))
    accounts.append(("admin", "admin", "Admin Demo", list(CONTRACT_TEAMS)))
    return accounts


async def seed_demo_users(conn: asyncpg.Connection, site_id: str = DEMO_SITE) -> list[DemoUser]:
    """Create (or reset) the demo accounts with fresh passwords, TOTP for lead and admin."""
    accounts = demo_accounts()
    passwords = [secrets.token_urlsafe(12) for _ in accounts]
    # argon2 is CPU-bound and releases the GIL: hash the lot on threads, not on the loop
    hashes = await asyncio.gather(*(asyncio.to_thread(hash_password, p) for p in passwords))
    created = []
    for (username, role, display, teams), password, password_hash in zip(
        accounts, passwords, hashes, strict=True
    ):
        secret = rules.new_totp_secret() if rules.requires_totp(role) else None
        await create_user(
            conn, username=username, password_hash=password_hash, role=role,
            display_name=display, memberships=[(site_id, team) for team in teams],
            totp_secret=secret, replace=True,
        )
        created.append(DemoUser(username, role, password, secret))
    return created
