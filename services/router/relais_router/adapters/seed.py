"""Seed the directory (sites, teams) from YAML into an empty database, and demo users."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import asyncpg
import orjson
import yaml

from ..domain.eta import DEFAULT_SLA_HOURS
from ..domain.routing import TEAMS
from .users import create_user

REPO_ROOT = Path(__file__).resolve().parents[4]
DEFAULT_DIRECTORY = REPO_ROOT / "deploy" / "directory" / "demo.yaml"


async def seed_directory(conn: asyncpg.Connection, path: Path = DEFAULT_DIRECTORY) -> bool:
    """Load sites and teams when the directory is empty; True when it loaded."""
    if await conn.fetchval("SELECT count(*) FROM router.sites"):
        return False
    document: dict[str, Any] = yaml.safe_load(path.read_text())
    async with conn.transaction():
        for site in document["sites"]:
            await conn.execute(
                "INSERT INTO router.sites (id, name, timezone, region, sms_from, sender_kind)"
                " VALUES ($1, $2, $3, $4, $5, $6)",
                site["id"], site["name"], site["timezone"], site.get("region", "FR"),
                site.get("sms_from"), site.get("sender_kind", "two_way"),
            )
            team_ids = {team["id"] for team in site["teams"]}
            missing = set(TEAMS) - team_ids
            if missing:
                raise ValueError(f"site {site['id']} lacks contract teams {sorted(missing)}")
            for team in site["teams"]:
                await conn.execute(
                    "INSERT INTO router.teams (site_id, id, name_fr, name_en, sla_hours)"
                    " VALUES ($1, $2, $3, $4, $5)",
                    site["id"], team["id"], team["name_fr"], team["name_en"],
                    orjson.dumps(team.get("sla_hours", DEFAULT_SLA_HOURS)).decode(),
                )
    return True


DEMO_USERS = (
    ("admin", "admin", "Admin Demo", list(TEAMS)),
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
