"""The service directory in PostgreSQL: read, write (versioned and audited), import/export,
and the queue figures the ETA needs (backlog, throughput, median response time)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import orjson
import yaml
from relais_shared import db

from ..domain.assignment import TeamHistory, TeamLoad
from ..domain.directory import Directory, Site, diff_documents
from ..domain.hours import WeeklyHours
from . import repository as repo

# pg_advisory_xact_lock key serialising directory writers ("RELAIS" + 1).
_LOCK = 0x52454C414953_01
HISTORY_DAYS = 14
HISTORY_TTL_SECONDS = 60.0
# A backlog this long already puts any realistic ETA at the SLA cap: counting further
# would only cost time. The count is reused for a second (the ETA is an estimate).
WAITING_COUNT_LIMIT = 2000
WAITING_TTL_SECONDS = 1.0
_LOADS = "team_loads"  # the unit of work's loads: (site, team, priority) -> (capacity, load)


class DirectoryConflict(Exception):
    """The change cannot be applied to the database as it is (e.g. a site still in use)."""


_TEAM_JSON = """jsonb_build_object(
    'id', t.id, 'name_fr', t.name_fr, 'name_en', t.name_en, 'intents', t.intents,
    'channels', t.channels, 'hours', t.hours, 'open_on_holidays', t.open_on_holidays,
    'capacity', t.capacity, 'sla_hours', t.sla_hours, 'overflow', t.overflow_team,
    'phone_line', t.phone_line, 'leads', t.leads)"""
_SITE_JSON = f"""jsonb_build_object(
    'id', s.id, 'name', s.name, 'clinic_name', s.clinic_name, 'timezone', s.timezone,
    'region', s.region,
    'holidays', jsonb_build_object('country', s.holidays_country,
                                   'subdivision', s.holidays_subdiv),
    'sender_kind', s.sender_kind, 'sms_from', s.sms_from, 'sender_id', s.sender_id,
    'on_call', s.on_call,
    'teams', (SELECT coalesce(jsonb_agg({_TEAM_JSON} ORDER BY t.position, t.id), '[]'::jsonb)
              FROM router.teams t WHERE t.site_id = s.id))"""
_VERSION = "(SELECT coalesce(max(version), 0) FROM router.directory_versions)"


async def read_directory(conn: asyncpg.Connection) -> tuple[int, Directory | None]:
    """The current version number and directory (None when no site exists yet)."""
    row = await conn.fetchrow(
        f"SELECT {_VERSION} AS version,"
        f" (SELECT jsonb_agg({_SITE_JSON} ORDER BY s.position, s.id) FROM router.sites s)::text"
        " AS sites"
    )
    if row["sites"] is None:
        return row["version"], None
    return row["version"], Directory.model_validate({"sites": orjson.loads(row["sites"])})


class DirectoryCache:
    """Per-process memory of parsed sites (by their stored JSON), of team history (for
    HISTORY_TTL_SECONDS) and of backlog counts (WAITING_TTL_SECONDS): the worker reads the
    directory and the queues for every new conversation."""

    def __init__(self, history_days: int = HISTORY_DAYS,
                 history_ttl: float = HISTORY_TTL_SECONDS) -> None:
        self.history_days = history_days
        self.history_ttl = history_ttl
        self._sites: dict[str, Site] = {}
        self._by_id: dict[str, tuple[Site, int]] = {}  # site id -> (site, directory version)
        self._history: dict[tuple[str, str], tuple[float, TeamHistory]] = {}
        self._waiting: dict[tuple[str, str, str], tuple[float, int]] = {}
        self.waiting_ttl = WAITING_TTL_SECONDS

    def parse_site(self, document: str) -> Site:
        site = self._sites.get(document)
        if site is None:
            if len(self._sites) > 256:
                self._sites.clear()
            site = self._sites[document] = Site.model_validate(orjson.loads(document))
        return site

    async def site(self, conn: asyncpg.Connection, site_id: str) -> tuple[Site, int] | None:
        """The site as the directory stands now, and the directory version: read again only
        when the version moved (every directory change writes one). The version is read
        once per unit of work: a partition batch routes with one directory."""
        memo = db.unit_memo()
        version = memo.get("directory_version")
        if version is None:
            version = memo["directory_version"] = await conn.fetchval(f"SELECT {_VERSION}")
        known = self._by_id.get(site_id)
        if known is not None and known[1] == version:
            return known
        row = await conn.fetchrow(
            f"SELECT {_VERSION} AS version, {_SITE_JSON}::text AS document"
            " FROM router.sites s WHERE s.id = $1",
            site_id,
        )
        if row is None:
            return None
        found = self._by_id[site_id] = (self.parse_site(row["document"]), row["version"])
        return found

    async def loads(self, conn: asyncpg.Connection, site: Site, teams: Sequence[str],
                    priority: str) -> dict[str, TeamLoad]:
        """Live loads of `teams`: open counts (exact up to capacity) read once per unit of
        work and kept current by `opened` (a partition batch routes with one count, as it
        routes with one directory); waiting counts reused for WAITING_TTL_SECONDS."""
        memo = db.unit_memo().setdefault(_LOADS, {})
        missing = [team for team in teams if (site.id, team, priority) not in memo]
        if missing:
            read = await self._read_loads(conn, site, missing, priority)
            memo.update(((site.id, team, priority), entry) for team, entry in read.items())
        return {team: memo[(site.id, team, priority)][1] for team in teams}

    @staticmethod
    def opened(site_id: str, team: str, priority: str) -> None:
        """A conversation opened for `team` at `priority` in this unit of work: the loads it
        read count it (one more open, one more waiting ahead of those of equal or lower
        priority), within the caps the database counts to."""
        memo = db.unit_memo().get(_LOADS)
        if not memo:
            return
        for (site, team_id, at), (capacity, load) in memo.items():
            if site == site_id and team_id == team:
                memo[(site, team_id, at)] = (capacity, TeamLoad(
                    min(capacity, load.open_conversations + 1),
                    min(WAITING_COUNT_LIMIT, load.waiting_ahead + (priority <= at))))

    @staticmethod
    def forget_loads() -> None:
        """Conversations changed team, priority or status in this unit: read loads anew."""
        db.unit_memo().pop(_LOADS, None)

    async def _read_loads(self, conn: asyncpg.Connection, site: Site, teams: Sequence[str],
                          priority: str) -> dict[str, tuple[int, TeamLoad]]:
        capacities = []
        for team_id in teams:
            team = site.team(team_id)
            capacities.append(team.capacity if team is not None and team.capacity else 0)
        clock = time.monotonic()
        cached = [self._waiting.get((site.id, team, priority)) for team in teams]
        fresh = all(c is not None and clock - c[0] < self.waiting_ttl for c in cached)
        counts = await team_loads(conn, site.id, teams, capacities, priority,
                                  0 if fresh else WAITING_COUNT_LIMIT)
        loads = {}
        for team, capacity, entry in zip(teams, capacities, cached, strict=True):
            load = counts.get(team, TeamLoad())
            if fresh:
                assert entry is not None
                load = TeamLoad(load.open_conversations, entry[1])
            else:
                self._waiting[(site.id, team, priority)] = (clock, load.waiting_ahead)
            loads[team] = (capacity, load)
        return loads

    async def history(self, conn: asyncpg.Connection, site_id: str, teams: Sequence[str],
                      now: datetime) -> dict[str, TeamHistory]:
        clock = time.monotonic()
        found: dict[str, TeamHistory] = {}
        missing = []
        for team in teams:
            cached = self._history.get((site_id, team))
            if cached is not None and clock - cached[0] < self.history_ttl:
                found[team] = cached[1]
            else:
                missing.append(team)
        if missing:
            fresh = await team_history(conn, site_id, missing, now, self.history_days)
            for team in missing:
                entry = fresh.get(team, TeamHistory(window_days=self.history_days))
                self._history[(site_id, team)] = (clock, entry)
                found[team] = entry
        return found


async def team_loads(conn: asyncpg.Connection, site_id: str, teams: Sequence[str],
                     capacities: Sequence[int], priority: str,
                     waiting_limit: int = WAITING_COUNT_LIMIT) -> dict[str, TeamLoad]:
    """Open conversations per team, counted up to its capacity (all a capacity check needs),
    and those still unanswered at this priority or higher, counted up to `waiting_limit`:
    both cost at most that many index entries however long the queues grow."""
    rows = await conn.fetch(
        """
        SELECT t.team,
               (SELECT count(*) FROM (SELECT 1 FROM router.conversations c
                    WHERE c.site_id = $1 AND c.team = t.team AND c.status = 'open'
                    LIMIT t.cap) o) AS open_conversations,
               (SELECT count(*) FROM (SELECT 1 FROM router.conversations c
                    WHERE c.site_id = $1 AND c.team = t.team AND c.status = 'open'
                      AND c.first_response_at IS NULL AND c.priority <= $4
                    LIMIT $5) w) AS waiting
        FROM unnest($2::text[], $3::int[]) AS t(team, cap)
        """,
        site_id, list(teams), list(capacities), priority, waiting_limit,
    )
    return {r["team"]: TeamLoad(r["open_conversations"], r["waiting"]) for r in rows}


async def team_history(conn: asyncpg.Connection, site_id: str, teams: Sequence[str],
                       now: datetime, days: int = HISTORY_DAYS) -> dict[str, TeamHistory]:
    """Conversations handled (first agent reply, else closure) over the last `days`, and the
    median minutes from opening to the first agent reply."""
    rows = await conn.fetch(
        """
        SELECT team, count(*) AS handled,
               percentile_cont(0.5) WITHIN GROUP (
                   ORDER BY extract(epoch FROM first_response_at - created_at) / 60)
                   FILTER (WHERE first_response_at >= $3) AS median_minutes
        FROM router.conversations
        WHERE site_id = $1 AND team = ANY($2::text[])
          AND (first_response_at >= $3 OR (first_response_at IS NULL AND resolved_at >= $3))
        GROUP BY team
        """,
        site_id, list(teams), now - timedelta(days=days),
    )
    return {
        r["team"]: TeamHistory(
            r["handled"],
            float(r["median_minutes"]) if r["median_minutes"] is not None else None,
            days,
        )
        for r in rows
    }


def _j(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value).decode()


async def _store(conn: asyncpg.Connection, directory: Directory) -> None:
    """Make the sites and teams tables say exactly what `directory` says."""
    site_ids = [site.id for site in directory.sites]
    for position, site in enumerate(directory.sites):
        await conn.execute(
            """
            INSERT INTO router.sites (id, name, clinic_name, timezone, region, holidays_country,
                holidays_subdiv, sms_from, sender_kind, sender_id, on_call, position)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name,
                clinic_name = EXCLUDED.clinic_name, timezone = EXCLUDED.timezone,
                region = EXCLUDED.region, holidays_country = EXCLUDED.holidays_country,
                holidays_subdiv = EXCLUDED.holidays_subdiv, sms_from = EXCLUDED.sms_from,
                sender_kind = EXCLUDED.sender_kind, sender_id = EXCLUDED.sender_id,
                on_call = EXCLUDED.on_call, position = EXCLUDED.position, updated_at = now()
            """,
            site.id, site.name, site.clinic_name, site.timezone, site.region,
            site.holidays.country, site.holidays.subdivision, site.sms_from, site.sender_kind,
            site.sender_id, _j(site.on_call.model_dump() if site.on_call else None), position,
        )
        for team_position, team in enumerate(site.teams):
            await conn.execute(
                """
                INSERT INTO router.teams (site_id, id, name_fr, name_en, intents, channels, hours,
                    open_on_holidays, capacity, sla_hours, overflow_team, phone_line, leads,
                    position)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                ON CONFLICT (site_id, id) DO UPDATE SET name_fr = EXCLUDED.name_fr,
                    name_en = EXCLUDED.name_en, intents = EXCLUDED.intents,
                    channels = EXCLUDED.channels, hours = EXCLUDED.hours,
                    open_on_holidays = EXCLUDED.open_on_holidays, capacity = EXCLUDED.capacity,
                    sla_hours = EXCLUDED.sla_hours, overflow_team = EXCLUDED.overflow_team,
                    phone_line = EXCLUDED.phone_line, leads = EXCLUDED.leads,
                    position = EXCLUDED.position, updated_at = now()
                """,
                site.id, team.id, team.name_fr, team.name_en, _j(list(team.intents)),
                _j(list(team.channels)), _j(team.hours), team.open_on_holidays, team.capacity,
                _j(team.sla_hours), team.overflow,
                _j(team.phone_line.model_dump() if team.phone_line else None),
                _j(list(team.leads)), team_position,
            )
        try:
            async with conn.transaction():  # a savepoint: a refused delete leaves the rest
                await conn.execute(
                    "DELETE FROM router.teams WHERE site_id = $1 AND NOT (id = ANY($2::text[]))",
                    site.id, [team.id for team in site.teams],
                )
        except asyncpg.ForeignKeyViolationError:
            raise DirectoryConflict(
                f"site {site.id}: a team left out is still referenced (members or overflow);"
                " keep it in the directory"
            ) from None
    try:
        async with conn.transaction():
            await conn.execute(
                "DELETE FROM router.teams WHERE NOT (site_id = ANY($1::text[]))", site_ids
            )
            await conn.execute("DELETE FROM router.sites WHERE NOT (id = ANY($1::text[]))", site_ids)
    except asyncpg.ForeignKeyViolationError:
        raise DirectoryConflict(
            "a site left out still has conversations or users; keep it in the directory"
        ) from None


async def change_directory(
    conn: asyncpg.Connection,
    actor: str,
    action: str,
    change: Callable[[Directory | None], Directory],
    *,
    always_version: bool = False,
) -> tuple[int, list[dict[str, Any]], Directory]:
    """Apply `change` to the current directory under the writers' lock, store the result,
    and record a new version plus an audit row. Without `always_version`, a change that
    changes nothing records nothing. Call inside a transaction."""
    await conn.execute("SELECT pg_advisory_xact_lock($1)", _LOCK)
    version, current = await read_directory(conn)
    new = change(current)
    before = current.document() if current is not None else None
    changes = diff_documents(before, new.document())
    if not changes and not always_version:
        assert current is not None
        return version, changes, current
    await _store(conn, new)
    new_version = version + 1
    await conn.execute(
        "INSERT INTO router.directory_versions (version, actor, action, changes, snapshot)"
        " VALUES ($1, $2, $3, $4, $5)",
        new_version, actor, action, _j(changes), _j(new.document()),
    )
    await repo.audit(conn, actor, f"directory.{action}", None,
                     {"version": new_version, "changes": changes})
    return new_version, changes, new


def parse_yaml(text: str) -> Directory:
    """A directory from YAML (pydantic ValidationError when invalid)."""
    document = yaml.safe_load(text)
    return Directory.model_validate(document if isinstance(document, dict) else {})


class _ExportDumper(yaml.SafeDumper):
    """Block style for sites and teams, flow style for small leaves (lists, SLA, lines)."""


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(not isinstance(item, dict | list) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    flow = bool(data) and all(not isinstance(v, dict | list) for v in data.values()) and len(
        data) <= 6 and "id" not in data
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=flow)


_ExportDumper.add_representer(list, _represent_list)
_ExportDumper.add_representer(dict, _represent_dict)


def to_yaml(version: int, directory: Directory) -> str:
    """The directory as YAML that `parse_yaml` (and `import --replace`) takes back as is."""
    document = directory.document()
    for site in document["sites"]:
        for team in site["teams"]:
            if team["hours"] is not None:
                team["hours"] = WeeklyHours.parse(team["hours"]).to_compact()
    header = (f"# Relais service directory, version {version}, exported from the database.\n"
              "# Reload with: relais directory import --replace FILE\n")
    return header + yaml.dump(document, Dumper=_ExportDumper, sort_keys=False,
                              allow_unicode=True, width=100)


async def _record_baseline(conn: asyncpg.Connection) -> None:
    """A database seeded before directory versions existed gets its version 1 as it stands."""
    await conn.execute("SELECT pg_advisory_xact_lock($1)", _LOCK)
    version, current = await read_directory(conn)
    if version == 0 and current is not None:
        await change_directory(conn, "migration", "baseline", lambda d: current,
                               always_version=True)


async def seed_if_empty(conn: asyncpg.Connection, path: Path, actor: str = "seed") -> bool:
    """Load the YAML only when the directory is empty; True when it loaded."""
    directory = parse_yaml(path.read_text())
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", _LOCK)
        if await conn.fetchval("SELECT count(*) FROM router.sites"):
            await _record_baseline(conn)
            return False
        await change_directory(conn, actor, "seed", lambda _: directory, always_version=True)
    return True


async def import_directory(conn: asyncpg.Connection, directory: Directory, *, replace: bool,
                           actor: str) -> tuple[int, list[dict[str, Any]]]:
    """Load a directory: into an empty database, or over the current one with `replace`
    (always a new version, even when nothing changed: the reload itself is recorded)."""

    def change(current: Directory | None) -> Directory:
        if current is not None and not replace:
            raise DirectoryConflict("the database already holds a directory; use --replace")
        return directory

    async with conn.transaction():
        action = "import"
        version, changes, _ = await change_directory(conn, actor, action, change,
                                                     always_version=True)
    return version, changes


async def versions(conn: asyncpg.Connection, limit: int = 50) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT version, at, actor, action, changes FROM router.directory_versions"
        " ORDER BY version DESC LIMIT $1",
        limit,
    )
    return [{"version": r["version"], "at": r["at"].isoformat(), "actor": r["actor"],
             "action": r["action"], "changes": orjson.loads(r["changes"])} for r in rows]


async def version_snapshot(conn: asyncpg.Connection, version: int) -> dict[str, Any] | None:
    row = await conn.fetchrow(
        "SELECT version, at, actor, action, changes, snapshot FROM router.directory_versions"
        " WHERE version = $1",
        version,
    )
    if row is None:
        return None
    return {"version": row["version"], "at": row["at"].isoformat(), "actor": row["actor"],
            "action": row["action"], "changes": orjson.loads(row["changes"]),
            "directory": orjson.loads(row["snapshot"])}
