"""The agents' inbox under load: queue page, conversation view and commands, and a routed
contact's way to the agents' live streams, with same-run baselines.

Usage:  uv run --frozen python bench/inbox.py [--conversations 100000] [--agents 50]
            [--duration 60] [--contact-rate 20] [--think 1-2 | --think max] [--explain]

Starts its own PostgreSQL (fsync on; `track_commit_timestamp` and pg_stat_statements on)
and Kafka (relais_cli.devstack, through bench/router.py's `Infra`), migrates and seeds the
directory (relais_cli.stack.prepare_database), then bulk-loads a clinic's history in SQL:
`--conversations` across the demo site's seven teams, mostly resolved, `--open-share` of
them open (spread evenly over the teams: ~2,900 each at 100,000), with priorities, SLA due
times (breaches already alerted), snoozes, waits on the patient, tags, a few messages each
(the patient's, the acknowledgement, agents' replies) and the last two days of the change
feed; then VACUUM ANALYZE and a CHECKPOINT. `--agents` agents (each in one team, weighted
like the traffic) get bearer tokens; a few open conversations are already theirs.

Then runs the router API (`python -m relais_router.api.app`) and the router worker
(`python -m relais_router.worker`) as processes, and for `--duration` seconds:
- each agent holds one `GET /v1/stream` open and loops, one request every `--think`
  seconds (uniform; `max`: back to back): its queue page (sometimes filtered: mine,
  unassigned, urgent; sometimes the queue counts), open a conversation (and its viewer
  heartbeat), sometimes claim it, reply, resolve;
- new contacts are produced to `contact.received.v1` at `--contact-rate`/s (new senders,
  and follow-ups of senders with an open conversation) and routed by the worker for real;
- a routed conversation's `conversation` event (change `routed`) is timed on every agent
  stream that shows it, from the router's commit (the commit timestamp of its feed row)
  and from the produce; for a sample, the queue page holding it (at its position: a new
  P3 lands behind thousands of open ones) is fetched until it shows it;
- baselines in the same run and under the same load: `GET /healthz` of the same API
  process, and a bare FastAPI app (same uvicorn/uvloop setup) answering a constant and one
  SELECT of a conversation by id.

Prints per endpoint count, p50/p95/p99/max and errors, the stream and listing visibility,
the ratios to the baselines, CPU seconds of the API, worker, PostgreSQL, Kafka and the
bench, the statements PostgreSQL spent its time on (pg_stat_statements), the server-side
times of the queue and view statements on the seeded data (`--explain`: their plans).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import math
import os
import random
import secrets
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx
import orjson
from aiokafka import AIOKafkaProducer
from relais_cli.devstack import free_port
from relais_cli.devstack.postgres import start_postgres
from relais_cli.devstack.topics import ensure_topics
from relais_cli.migrate import migrate_all
from relais_cli.stack import prepare_database
from relais_shared import topics
from relais_shared.contracts import encode
from relais_shared.events import make_envelope
from relais_shared.topics import ALL_TOPICS_WITH_DLQ

sys.path.insert(0, str(Path(__file__).parent))
from router import SITE, TEXTS, Infra, _contact, cpu_by_role, pct

# Share of the traffic (and of the agents) per team; open conversations are spread evenly.
TEAMS = {"accueil": 25, "rendez-vous": 25, "ordonnances": 12, "resultats": 10,
         "facturation": 8, "soins": 14, "relations-patients": 6}
SLA_HOURS = {"P1": 1, "P2": 4, "P3": 24, "P4": 72}
INTENTS = {"accueil": "general", "rendez-vous": "book_appointment",
           "ordonnances": "prescription_renewal", "resultats": "lab_results",
           "facturation": "invoice", "soins": "clinical_question",
           "relations-patients": "medical_record_request"}
REPLIES = ["Bonjour, c'est noté : le Dr Martin vous rappelle demain matin.",
           "Bonjour, votre ordonnance est prête à l'accueil à partir de 14h.",
           "Hello, your appointment is moved to Friday 10:30. See you then.",
           "Bonjour, vos résultats sont arrivés, le médecin vous appelle cet après-midi."]
ACK = "Centre de santé Demo : nous avons bien reçu votre message (réf. {ref})."
QUEUE = "GET /v1/queues/{site}/{team}"
VIEW = "GET /v1/conversations/{id}"
HEALTHZ = "GET /healthz (same API process)"
BARE = "GET bare FastAPI, constant"
BARE_DB = "GET bare FastAPI, 1 SELECT by id"
LISTING = "GET queue page at a new one's offset"


# --- the database: PostgreSQL with commit timestamps, and the seeded history -----------------


async def restart_with_instrumentation(infra: Infra, database_url: str) -> str | None:
    """Turn on commit timestamps (when the router committed a routed conversation) and
    pg_stat_statements; PostgreSQL must restart for both. Returns the superuser URL of the
    bench database (None when the server is not ours: then neither is available)."""
    if not infra.nodes:
        return None
    kafka, pg = infra.nodes
    admin = await asyncpg.connect(pg.admin_url)  # type: ignore[attr-defined]
    try:
        await admin.execute("ALTER SYSTEM SET track_commit_timestamp = on")
        await admin.execute("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'")
    finally:
        await admin.close()
    pg.stop()  # type: ignore[attr-defined]
    pg = start_postgres(pg.data_dir, port=pg.port)  # type: ignore[attr-defined]
    infra.nodes = [kafka, pg]
    name = database_url.rsplit("/", 1)[1]
    admin_url = pg.admin_url.replace("/postgres?", f"/{name}?")
    admin = await asyncpg.connect(admin_url)
    try:
        await admin.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
    finally:
        await admin.close()
    return admin_url


def _case(expr: str, weights: dict[str, int]) -> str:
    """A SQL CASE picking a key of `weights` by a uniform [0, 1) expression."""
    total, acc, arms = sum(weights.values()), 0, []
    for key, weight in weights.items():
        acc += weight
        arms.append(f"WHEN {expr} < {acc / total:.6f} THEN '{key}'")
    return f"(CASE {' '.join(arms[:-1])} ELSE '{list(weights)[-1]}' END)"


async def seed_history(conn: asyncpg.Connection, n: int, open_share: float) -> dict[str, int]:
    """`n` conversations of the demo site with their correspondents, messages and the last
    two days of the feed, in a few INSERT … SELECT (the feed and first-response triggers
    are off meanwhile: the rows say it themselves). Returns the row counts."""
    senders = max(int(n * 0.7), 1)
    opened = min(int(n * open_share), senders)  # one open conversation per sender at most
    teams = list(TEAMS)
    team_array = "ARRAY[" + ", ".join(f"'{t}'" for t in teams) + "]"
    sla = "(CASE priority " + " ".join(f"WHEN '{p}' THEN {h}" for p, h in SLA_HOURS.items()) + " END)"
    intents = "(CASE team " + " ".join(f"WHEN '{t}' THEN '{i}'" for t, i in INTENTS.items()) + " END)"
    async with conn.transaction():
        await conn.execute("ALTER TABLE router.conversations DISABLE TRIGGER USER")
        await conn.execute("ALTER TABLE router.messages DISABLE TRIGGER USER")
        await conn.execute(f"""
            INSERT INTO router.correspondents (id, address, kind, raw, is_mobile, number_type,
                                               verified, created_at, last_seen_at)
            SELECT gen_random_uuid(), '+336' || lpad(k::text, 8, '0'), 'phone',
                   '06' || lpad(k::text, 8, '0'), true, 'MOBILE', k % 10 = 0,
                   now() - interval '200 days', now() - interval '1 day'
            FROM generate_series(0, {senders - 1}) k""")
        # One row per conversation with what its messages need; conversation i is the
        # (i / senders)-th of sender i % senders, and the first `opened` are the open ones.
        await conn.execute(f"""
            CREATE TEMP TABLE seed ON COMMIT DROP AS
            WITH base AS (
                SELECT i, i < {opened} AS open, random() AS r1, random() AS r2,
                       random() AS r3, random() AS r4
                FROM generate_series(0, {n - 1}) i
            ), shaped AS (
                SELECT *, CASE WHEN open THEN ({team_array})[i % {len(teams)} + 1]
                               ELSE {_case('r1', TEAMS)} END AS team,
                       {_case('r2', {'P1': 2, 'P2': 13, 'P3': 60, 'P4': 25})} AS priority,
                       CASE WHEN open THEN now() - r4 * r4 * interval '10 days'
                            ELSE now() - interval '10 days' - r4 * interval '170 days' END
                           AS created_at
                FROM base
            ), timed AS (
                SELECT *, created_at + {sla} * interval '1 hour' AS due_at,
                       CASE WHEN NOT open OR r3 < 0.35
                            THEN least(now() - interval '1 minute',
                                       created_at + r3 * {sla} * interval '80 minutes')
                       END AS first_response_at
                FROM shaped
            )
            SELECT t.*, k.id AS correspondent_id, gen_random_uuid() AS id,
                   'R-' || upper(lpad(to_hex(i), 8, '0')) AS reference,
                   {intents} AS intent,
                   r1 > 0.6 AS follow_up,
                   least(now() - interval '30 seconds',
                         coalesce(t.first_response_at, t.created_at) + interval '20 minutes')
                       AS follow_up_at,
                   NOT open AND r2 > 0.5 AS second_reply,
                   CASE WHEN NOT open THEN least(now(), coalesce(t.first_response_at, t.created_at)
                                                 + r2 * interval '48 hours') END AS resolved_at
            FROM timed t
            JOIN router.correspondents k ON k.address = '+336' || lpad((i % {senders})::text, 8, '0')
            """)
        await conn.execute(f"""
            INSERT INTO router.conversations (
                id, site_id, correspondent_id, reference, status, team, priority, urgent,
                needs_triage, explanation, lang, version, created_at, updated_at,
                last_inbound_at, first_response_at, resolved_at, due_at, sla_paused_at,
                sla_remaining_s, snoozed_until, waiting_on_patient, breach_alerted_at, tags,
                reason, last_change)
            SELECT id, '{SITE}', correspondent_id, reference,
                   CASE WHEN open THEN 'open' ELSE 'resolved' END, team, priority,
                   priority = 'P1' AND r3 < 0.6, r3 > 0.95,
                   jsonb_build_object(
                       'intent', intent, 'confidence', round(r1::numeric, 2),
                       'team', team, 'priority', priority, 'channel', 'sms',
                       'matched', jsonb_build_array(intent || ':keyword', 'lexicon:fr'),
                       'red_flags', '[]'::jsonb, 'threshold', 0.55,
                       'alternatives', jsonb_build_array(jsonb_build_object(
                           'team', 'accueil', 'score', round((r1 / 2)::numeric, 2))),
                       'assignment', jsonb_build_object(
                           'requested_team', team, 'team', team, 'overflow', '[]'::jsonb,
                           'open_now', true, 'directory_version', 1),
                       'eta', jsonb_build_object('sla_deadline', due_at, 'words', 'demain')),
                   CASE WHEN r4 < 0.1 THEN 'en' ELSE 'fr' END,
                   1 + (first_response_at IS NOT NULL)::int + follow_up::int + (NOT open)::int,
                   created_at, coalesce(resolved_at, follow_up_at, created_at),
                   CASE WHEN follow_up THEN follow_up_at ELSE created_at END,
                   first_response_at, resolved_at, due_at,
                   CASE WHEN open AND r2 < 0.06 THEN created_at + interval '1 hour' END,
                   CASE WHEN open AND r2 < 0.06 THEN 1800 END,
                   CASE WHEN open AND r2 < 0.02 THEN now() + r1 * interval '2 days' END,
                   open AND r2 >= 0.02 AND r2 < 0.06,
                   CASE WHEN open AND first_response_at IS NULL AND NOT r2 < 0.06
                             AND due_at < now() THEN due_at END,
                   CASE WHEN r3 < 0.1 THEN ARRAY['rappel'] WHEN r3 < 0.14
                        THEN ARRAY['ordonnance', 'pièce-jointe'] ELSE '{{}}'::text[] END,
                   CASE WHEN NOT open AND r3 < 0.5 THEN intent END,
                   CASE WHEN open THEN 'routed' ELSE 'resolved' END
            FROM seed""")
        text_array = list(TEXTS)
        follow_ups = ["Merci !", "c'est pour ma fille en fait", "je peux venir à 17h",
                      "Je vous joins le document demandé", "d'accord, à jeudi"]
        await conn.execute(
            """
            INSERT INTO router.messages (id, conversation_id, direction, channel, kind,
                dedupe_key, contact_id, notification_id, body, delivery_status,
                correspondent_id, created_at, updated_at)
            SELECT gen_random_uuid(), s.id, m.direction, 'sms', m.kind,
                   'seed:' || m.kind || m.nth || ':' || s.id, m.contact_id, m.notification_id,
                   m.body, m.status, m.correspondent_id, m.at, m.at
            FROM seed s CROSS JOIN LATERAL (VALUES
                ('in', 'message', 1, gen_random_uuid(), NULL::uuid,
                 ($1::text[])[s.i % cardinality($1::text[]) + 1], NULL, s.correspondent_id,
                 s.created_at, true),
                ('out', 'ack', 1, NULL, gen_random_uuid(), replace($3, '{ref}', s.reference),
                 'delivered', NULL, s.created_at + interval '2 seconds', true),
                ('out', 'reply', 1, NULL, gen_random_uuid(),
                 ($4::text[])[s.i % cardinality($4::text[]) + 1], 'delivered', NULL,
                 s.first_response_at, s.first_response_at IS NOT NULL),
                ('in', 'message', 2, gen_random_uuid(), NULL,
                 ($2::text[])[s.i % cardinality($2::text[]) + 1], NULL, s.correspondent_id,
                 s.follow_up_at, s.follow_up),
                ('out', 'reply', 2, NULL, gen_random_uuid(),
                 ($4::text[])[(s.i + 1) % cardinality($4::text[]) + 1], 'delivered', NULL,
                 s.follow_up_at + interval '5 minutes', s.second_reply AND s.follow_up)
            ) AS m(direction, kind, nth, contact_id, notification_id, body, status,
                   correspondent_id, at, present)
            WHERE m.present
            """,
            text_array, follow_ups, ACK, REPLIES,
        )
        # The feed keeps two days (`prune`): what happened to the recent ones.
        await conn.execute("""
            INSERT INTO router.inbox_feed (at, conversation_id, site_id, team, version, change)
            SELECT e.at, s.id, 'demo', s.team, e.version, e.change
            FROM seed s CROSS JOIN LATERAL (VALUES
                (s.created_at, 1, 'routed'), (s.first_response_at, 2, 'replied'),
                (s.follow_up_at, 3, 'patient_message'), (s.resolved_at, 4, 'resolved')) AS e(at, version, change)
            WHERE e.at > now() - interval '2 days' AND (e.change <> 'patient_message' OR s.follow_up)
            ORDER BY e.at""")
        await conn.execute("ALTER TABLE router.conversations ENABLE TRIGGER USER")
        await conn.execute("ALTER TABLE router.messages ENABLE TRIGGER USER")
        counts = await conn.fetchrow("""
            SELECT (SELECT count(*) FROM router.conversations) AS conversations,
                   (SELECT count(*) FROM router.conversations WHERE status = 'open') AS open,
                   (SELECT count(*) FROM router.messages) AS messages,
                   (SELECT count(*) FROM router.correspondents) AS correspondents,
                   (SELECT count(*) FROM router.inbox_feed) AS feed""")
    return dict(counts)


@dataclass
class Agent:
    index: int
    username: str
    user_id: uuid.UUID
    team: str
    token: str


def team_of_agents(count: int) -> list[str]:
    """Agents per team in proportion to the traffic, at least one in every team."""
    teams = list(TEAMS)
    share = {t: max(1, round(count * w / sum(TEAMS.values()))) for t, w in TEAMS.items()}
    while sum(share.values()) > count and any(v > 1 for v in share.values()):
        share[max(share, key=share.get)] -= 1  # type: ignore[arg-type]
    while sum(share.values()) < count:
        share[teams[sum(share.values()) % len(teams)]] += 1
    return [t for t in teams for _ in range(share[t])]


async def create_agents(conn: asyncpg.Connection, count: int, mine_each: int = 6) -> list[Agent]:
    """Agents present in one team each with a bearer token (its digest stored, as sign-in
    does); each already holds `mine_each` open conversations of its team."""
    agents = []
    for index, team in enumerate(team_of_agents(count)):
        agents.append(Agent(index, f"bench.agent{index:03d}", uuid.uuid4(), team,
                            secrets.token_urlsafe(32)))
    await conn.executemany(
        "INSERT INTO router.users (id, username, display_name, role, password_hash, presence,"
        " presence_at) VALUES ($1, $2, $3, 'agent', 'bench: no password', 'available', now())",
        [(a.user_id, a.username, f"Agent {a.index}") for a in agents])
    await conn.executemany(
        "INSERT INTO router.team_members (user_id, site_id, team_id) VALUES ($1, $2, $3)",
        [(a.user_id, SITE, a.team) for a in agents])
    await conn.executemany(
        "INSERT INTO router.api_tokens (token_sha256, user_id, expires_at)"
        " VALUES ($1, $2, now() + interval '1 day')",
        [(hashlib.sha256(a.token.encode()).hexdigest(), a.user_id) for a in agents])
    await conn.execute("ALTER TABLE router.conversations DISABLE TRIGGER USER")
    try:
        await conn.execute(
            """
            WITH a AS (SELECT *, row_number() OVER (PARTITION BY team ORDER BY id) - 1 AS nth
                       FROM unnest($1::uuid[], $2::text[]) AS a(id, team)),
                 c AS (SELECT id, team, row_number() OVER (PARTITION BY team ORDER BY random())
                              - 1 AS rn
                       FROM router.conversations WHERE status = 'open' AND sla_paused_at IS NULL)
            UPDATE router.conversations v SET assignee = a.id,
                   claimed_at = now() - interval '20 minutes',
                   agent_touched_at = now() - random() * interval '10 minutes'
            FROM c JOIN a ON a.team = c.team AND c.rn / $3 = a.nth
            WHERE v.id = c.id
            """,
            [a.user_id for a in agents], [a.team for a in agents], mine_each)
    finally:
        await conn.execute("ALTER TABLE router.conversations ENABLE TRIGGER USER")
    return agents


# --- the processes: router API, router worker, a bare FastAPI app --------------------------


def bare_app_main(port: int, database_url: str) -> None:
    """`--serve-bare`: FastAPI on the services' uvicorn/uvloop setup, with a constant and a
    one-row SELECT by id: the floor under the inbox's endpoints on this machine."""
    from fastapi import FastAPI
    from relais_shared import db
    from relais_shared.process import http_server, run

    async def main() -> None:
        pool = await db.create_pool(database_url)
        app = FastAPI()

        @app.get("/bare")
        async def bare() -> dict[str, str]:
            return {"status": "ok"}

        @app.get("/bare/db/{conversation_id}")
        async def bare_db(conversation_id: uuid.UUID) -> dict[str, object]:
            async with pool.acquire() as conn:
                row = await conn.fetchrow(
                    "SELECT id, reference, status, team, priority, version"
                    " FROM router.conversations WHERE id = $1", conversation_id)
            return {k: str(v) for k, v in dict(row or {}).items()}

        await http_server(app, "127.0.0.1", port).serve()

    run(main())


@dataclass
class Service:
    name: str
    args: list[str]
    port: int
    env: dict[str, str]
    log: Path
    process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, *self.args, env={**os.environ, **self.env},
                stdout=out, stderr=asyncio.subprocess.STDOUT)

    async def wait_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient(timeout=1) as client:
            while time.monotonic() < deadline:
                assert self.process is not None
                if self.process.returncode is not None:
                    raise RuntimeError(f"{self.name} exited; see {self.log}")
                with contextlib.suppress(httpx.HTTPError):
                    path = "/bare" if self.name == "bare FastAPI" else "/healthz"
                    if (await client.get(f"http://127.0.0.1:{self.port}{path}")).status_code == 200:
                        return
                await asyncio.sleep(0.2)
        raise TimeoutError(f"{self.name} not healthy after {timeout} s; see {self.log}")

    async def stop(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), 30)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()


def services(bootstrap: str, service_url: str, logs: Path) -> dict[str, Service]:
    common = {"RELAIS_KAFKA_BOOTSTRAP": bootstrap, "RELAIS_DATABASE_URL": service_url,
              "RELAIS_LOG_FORMAT": "json"}
    api, worker, bare = free_port(), free_port(), free_port()
    return {
        "router API": Service("router API", ["-m", "relais_router.api.app"], api,
                              {**common, "RELAIS_ROUTER_PORT": str(api)}, logs / "router-api.log"),
        "router worker": Service(
            "router worker", ["-m", "relais_router.worker"], worker,
            {**common, "RELAIS_ROUTER_WORKER_PORT": str(worker),
             "RELAIS_ROUTER_CONSUMER_GROUP": "bench-inbox-" + uuid.uuid4().hex[:6]},
            logs / "router-worker.log"),
        "bare FastAPI": Service("bare FastAPI", [__file__, "--serve-bare", str(bare), service_url],
                                bare, {}, logs / "bare.log"),
    }


# --- the load ---------------------------------------------------------------------------------


@dataclass
class Recorder:
    """Latencies and outcomes per endpoint, while `measuring`."""

    measuring: bool = False
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    outcomes: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    windows: dict[tuple[str, int], list[float]] = field(default_factory=lambda: defaultdict(list))
    origin: float = 0.0  # perf_counter at the start of the measured run

    async def call(self, client: httpx.AsyncClient, label: str, method: str, url: str,
                   **kwargs: object) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = await client.request(method, url, **kwargs)  # type: ignore[arg-type]
            response.read()
        except httpx.HTTPError as exc:
            if self.measuring:
                self.outcomes[label][type(exc).__name__] += 1
            return None
        if self.measuring:
            took = time.perf_counter() - started
            self.latencies[label].append(took)
            self.outcomes[label][response.status_code] += 1
            kind = "baseline" if label in (HEALTHZ, BARE, BARE_DB) else "inbox"
            self.windows[(kind, int((started - self.origin) // 10))].append(took)
        return response


@dataclass
class Visibility:
    """When each routed conversation's event reached each agent stream (wall clock)."""

    routed: dict[str, list[tuple[float, int]]] = field(default_factory=lambda: defaultdict(list))
    listed: dict[str, float] = field(default_factory=dict)
    ranks: list[int] = field(default_factory=list)
    events: Counter = field(default_factory=Counter)
    reconnects: int = 0


class Load:
    def __init__(self, api: str, agents: list[Agent], think: tuple[float, float],
                 listing_sample: float, db: asyncpg.Pool, rng: random.Random) -> None:
        self.api, self.agents, self.think = api, agents, think
        self.listing_sample, self.db, self.rng = listing_sample, db, rng
        self.record = Recorder()
        self.seen = Visibility()
        self.stop = asyncio.Event()
        self.clients = {a.index: httpx.AsyncClient(
            base_url=api, timeout=30, headers={"Authorization": f"Bearer {a.token}"})
            for a in agents}
        self.probes: set[asyncio.Task] = set()

    async def close(self) -> None:
        for client in self.clients.values():
            await client.aclose()

    async def pause(self) -> None:
        low, high = self.think
        if high > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop.wait(), self.rng.uniform(low, high))

    # Each agent's live stream: the conversation events it shows, and when.
    async def stream(self, agent: Agent, connected: asyncio.Event) -> None:
        last_id: str | None = None
        async with httpx.AsyncClient(base_url=self.api, timeout=httpx.Timeout(30, read=None),
                                     headers={"Authorization": f"Bearer {agent.token}"}) as client:
            while not self.stop.is_set():
                headers = {"Last-Event-ID": last_id} if last_id else {}
                try:
                    async with client.stream("GET", "/v1/stream", headers=headers) as response:
                        response.raise_for_status()
                        connected.set()
                        kind = data = None
                        async for line in response.aiter_lines():
                            if line.startswith("data:"):
                                data, at = line[5:].strip(), time.time()
                            elif line.startswith("event:"):
                                kind = line[6:].strip()
                            elif line.startswith("id:"):
                                last_id = line[3:].strip()
                            elif not line and kind and data:
                                self._on_event(agent, kind, orjson.loads(data), at)
                                kind = data = None
                except httpx.HTTPError:
                    pass
                if not self.stop.is_set():
                    self.seen.reconnects += 1
                    await asyncio.sleep(0.5)

    def _on_event(self, agent: Agent, kind: str, data: dict, at: float) -> None:
        self.seen.events[kind if kind != "conversation" else data.get("change", "?")] += 1
        if kind != "conversation" or data.get("change") != "routed":
            return
        arrivals = self.seen.routed[data["conversation_id"]]
        arrivals.append((at, agent.index))
        if len(arrivals) == 1 and self.record.measuring and self.rng.random() < self.listing_sample:
            task = asyncio.create_task(self._find_in_queue(agent, data))
            self.probes.add(task)
            task.add_done_callback(self.probes.discard)

    async def _find_in_queue(self, agent: Agent, data: dict) -> None:
        """Fetch the queue page where the new conversation sits (its rank in the queue's
        order, read by the bench) until it shows it."""
        conversation_id = data["conversation_id"]
        for _ in range(30):
            rank = await self.db.fetchval(
                """
                /* bench: a new conversation's rank in its queue */
                SELECT count(*) FROM router.conversations t, router.conversations c
                WHERE t.id = $1 AND c.site_id = t.site_id AND c.team = t.team
                  AND c.status = 'open'
                  AND (NOT c.urgent, c.priority, coalesce(c.due_at, 'infinity'), c.created_at)
                      < (NOT t.urgent, t.priority, coalesce(t.due_at, 'infinity'), t.created_at)
                """, uuid.UUID(conversation_id))
            response = await self.record.call(
                self.clients[agent.index], LISTING, "GET",
                f"/v1/queues/{data['site']}/{data['team']}",
                params={"offset": max(0, rank - 10), "limit": 50})
            if response is not None and response.status_code == 200 and any(
                    item["id"] == conversation_id for item in response.json()["items"]):
                self.seen.listed[conversation_id] = time.time()
                self.seen.ranks.append(rank)
                return
            await asyncio.sleep(0.05)

    # Each agent's work: its queue, a conversation, sometimes a claim, a reply, a closure.
    async def agent(self, agent: Agent) -> None:
        client, call, rng = self.clients[agent.index], self.record.call, self.rng
        queue_path = f"/v1/queues/{SITE}/{agent.team}"
        await asyncio.sleep(rng.uniform(0, max(self.think[1], 0.5)))
        cycle = 0
        while not self.stop.is_set():
            cycle += 1
            if cycle % 5 == 0:
                await call(client, "GET /v1/queues (counts)", "GET", "/v1/queues")
                await self.pause()
            roll = rng.random()
            filt = "mine" if roll < 0.2 else "unassigned" if roll < 0.3 else "urgent" if roll < 0.35 else None
            label = QUEUE + (f"?filter={filt}" if filt else "")
            response = await call(client, label, "GET", queue_path,
                                  params={"filter": filt} if filt else None)
            await self.pause()
            if response is None or response.status_code != 200 or self.stop.is_set():
                continue
            items = response.json()["items"][:20]
            if not items:
                continue
            free = [i for i in items if i["assignee"] is None]
            mine = [i for i in items if i["assignee"] == agent.username]
            pick = rng.choice(mine if filt == "mine" and mine else free or items)
            path = f"/v1/conversations/{pick['id']}"
            view = await call(client, VIEW, "GET", path)
            if view is None or view.status_code != 200:
                continue
            await call(client, "POST …/presence", "POST", path + "/presence", json={"typing": False})
            await self.pause()
            version = view.json()["version"]
            if pick["assignee"] is None and rng.random() < 0.5:
                claimed = await call(client, "POST …/claim", "POST", path + "/claim",
                                     json={"version": version})
                if claimed is None or claimed.status_code != 200:
                    continue
                version = claimed.json()["version"]
                await self.pause()
            elif pick["assignee"] != agent.username or rng.random() < 0.5:
                continue
            replied = await call(client, "POST …/replies", "POST", path + "/replies",
                                 json={"body": rng.choice(REPLIES), "version": version,
                                       "client_key": uuid.uuid4().hex})
            await self.pause()
            if replied is not None and replied.status_code == 202 and rng.random() < 0.6:
                await call(client, "POST …/resolve", "POST", path + "/resolve",
                           json={"version": replied.json()["version"]})
                await self.pause()

    async def baseline(self, label: str, url: str, every: float) -> None:
        async with httpx.AsyncClient(timeout=30) as client:
            while not self.stop.is_set():
                await self.record.call(client, label, "GET", url)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.stop.wait(), every)


async def produce_contacts(producer: AIOKafkaProducer, rate: float, stop: asyncio.Event,
                           followers: list[str], rng: random.Random) -> dict[str, float]:
    """New contacts at `rate`/s until `stop`: ~90 % from new senders, ~10 % follow-ups of
    senders with an open conversation. Returns wall-clock produce time by contact id."""
    sent: dict[str, float] = {}
    futures = []
    started, index = time.perf_counter(), 0
    now = time.time
    while not stop.is_set():
        delay = started + index / rate - time.perf_counter()
        if delay > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            continue
        index += 1
        address = (rng.choice(followers) if followers and rng.random() < 0.1
                   else f"+337{rng.randrange(10**8):08d}")
        contact = _contact("sms", "message", address, "phone", rng.choice(TEXTS),
                           datetime.now(UTC))
        envelope = make_envelope(topics.CONTACT_RECEIVED, contact, source="bench", site_id=SITE,
                                 correlation_id=contact.contact_id)
        sent[contact.contact_id] = now()
        futures.append(await producer.send(topics.CONTACT_RECEIVED, encode(envelope),
                                           key=address.encode()))
    await asyncio.gather(*futures)
    return sent


async def loop_lag(stop: asyncio.Event, lags: list[float]) -> None:
    """How late this process's event loop wakes (its timings include that)."""
    while not stop.is_set():
        started = time.perf_counter()
        await asyncio.sleep(0.01)
        lags.append(time.perf_counter() - started - 0.01)


# --- what PostgreSQL says -----------------------------------------------------------------------


async def statement_times(admin: asyncpg.Connection, limit: int = 14) -> list[asyncpg.Record]:
    return await admin.fetch(
        """
        SELECT calls, total_exec_time AS total, mean_exec_time AS mean,
               max_exec_time AS max, rows, regexp_replace(query, '\\s+', ' ', 'g') AS query
        FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database
                                              WHERE datname = current_database())
        ORDER BY total_exec_time DESC LIMIT $1
        """, limit)


async def explain_inbox(conn: asyncpg.Connection, agent: Agent, full: bool) -> list[str]:
    """EXPLAIN ANALYZE of the queue page's and the conversation view's statements (the
    adapters' own SQL text) on the seeded data."""
    from relais_router.adapters.inbox import _LOCKED, queue_sql
    from relais_router.adapters.views import _CONVERSATION

    conversation = await conn.fetchval(
        "SELECT id FROM router.conversations WHERE status = 'open' AND team = $1"
        " ORDER BY urgent DESC, priority, due_at LIMIT 1", agent.team)
    total, page = queue_sql(())
    mine_total, _ = queue_sql(("mine",))
    _, unassigned = queue_sql(("unassigned",))
    statements = [
        ("queue total", total, [SITE, agent.team]),
        ("queue page 1", page, [SITE, agent.team, 50, 0]),
        ("queue page at offset 2500", page, [SITE, agent.team, 50, 2500]),
        ("queue total, filter=mine", mine_total, [SITE, agent.team, agent.user_id]),
        ("queue page, filter=unassigned", unassigned, [SITE, agent.team, 50, 0]),
        ("view: conversation", _CONVERSATION + " WHERE c.id = $1", [conversation]),
        ("view: inbox state", _LOCKED, [conversation]),
        ("view: messages", ("SELECT id, direction, channel, kind, contact_id, notification_id,"
         " subject, body, attachments, delivery_status, provider_code, created_at"
         " FROM router.messages WHERE conversation_id = $1 ORDER BY created_at, id"), [conversation]),
        ("view: timeline", ("SELECT version, change, at, actor FROM router.inbox_feed"
         " WHERE conversation_id = $1 AND change <> 'delivery_status' ORDER BY id DESC LIMIT 200"),
         [conversation]),
    ]
    lines = []
    for name, sql, params in statements:
        plan = await conn.fetchval(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", *params)
        top = orjson.loads(plan)[0]
        lines.append(f"  {name:<32} {top['Execution Time']:8.2f} ms  (planning"
                     f" {top['Planning Time']:.2f} ms)")
        if full:
            text = await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", *params)
            lines += ["      " + r[0] for r in text]
    return lines


# --- the run ----------------------------------------------------------------------------------


def machine_busy() -> float:
    """CPU seconds the whole machine spent busy since boot (/proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")  # minus idle, iowait


def ms(value: float) -> str:
    return f"{value * 1000:7.1f}"


def summary(values: list[float]) -> str:
    if not values:
        return "(none)"
    return (f"p50 {ms(statistics.median(values))}  p95 {ms(pct(values, 0.95))}"
            f"  p99 {ms(pct(values, 0.99))}  max {ms(max(values))} ms")


async def quiet_baseline(url: str, n: int = 200) -> list[float]:
    async with httpx.AsyncClient(timeout=10) as client:
        record = Recorder(measuring=True)
        for _ in range(n):
            await record.call(client, "x", "GET", url)
    return record.latencies["x"]


async def main(args: argparse.Namespace) -> None:
    rng = random.Random(args.seed)
    think = (0.0, 0.0) if args.think == "max" else tuple(map(float, args.think.split("-")))
    infra = Infra()
    procs: dict[str, Service] = {}
    logs = Path(tempfile.mkdtemp(prefix="relais-bench-inbox-"))
    try:
        t0 = time.perf_counter()
        bootstrap, database_url = await infra.start()
        admin_url = await restart_with_instrumentation(infra, database_url)
        service_url = database_url
        if infra.nodes:  # the services reach PostgreSQL over its unix socket, as `relais run`
            name = database_url.rsplit("/", 1)[1]
            service_url = infra.nodes[1].local_url.replace("@/relais?", f"@/{name}?")  # type: ignore[attr-defined]
        await ensure_topics(bootstrap, list(ALL_TOPICS_WITH_DLQ))
        if admin_url:  # as `relais run`: the audit log handed to its owner role
            await migrate_all(database_url, admin_url)
        await prepare_database(database_url, logs / "demo-credentials.txt")
        print(f"inbox bench: PostgreSQL and Kafka up, migrated in {time.perf_counter() - t0:.1f} s;"
              f" {infra.fsync}, {os.cpu_count()} CPUs", flush=True)

        conn = await asyncpg.connect(database_url)
        t1 = time.perf_counter()
        counts = await seed_history(conn, args.conversations, args.open_share)
        agents = await create_agents(conn, args.agents)
        seeded = time.perf_counter() - t1
        await conn.execute("VACUUM ANALYZE router.conversations, router.messages,"
                           " router.correspondents, router.inbox_feed, router.users,"
                           " router.team_members, router.api_tokens")
        if admin_url:
            admin = await asyncpg.connect(admin_url)
            await admin.execute("CHECKPOINT")
        else:
            admin = None
        open_by_team = dict(await conn.fetch(
            "SELECT team, count(*) FROM router.conversations WHERE status = 'open' GROUP BY team"))
        print(f"seeded in {seeded:.1f} s (+ VACUUM ANALYZE, CHECKPOINT {time.perf_counter() - t1 - seeded:.1f} s):"
              f" {counts['conversations']} conversations ({counts['open']} open:"
              f" {', '.join(f'{t} {open_by_team.get(t, 0)}' for t in TEAMS)}),"
              f" {counts['messages']} messages, {counts['correspondents']} correspondents,"
              f" {counts['feed']} feed rows", flush=True)
        per_team = Counter(a.team for a in agents)
        print(f"{len(agents)} agents: {', '.join(f'{t} {per_team[t]}' for t in TEAMS)};"
              f" think time {args.think} s a request; contacts {args.contact_rate}/s;"
              f" {args.duration:.0f} s measured", flush=True)

        procs = services(bootstrap, service_url, logs)
        for proc in procs.values():
            await proc.start()
        for proc in procs.values():
            await proc.wait_healthy()
        api = f"http://127.0.0.1:{procs['router API'].port}"
        bare = f"http://127.0.0.1:{procs['bare FastAPI'].port}"
        ids = [r["id"] for r in await conn.fetch(
            "SELECT id FROM router.conversations ORDER BY random() LIMIT 1000")]
        followers = [r["address"] for r in await conn.fetch(
            "SELECT k.address FROM router.conversations c JOIN router.correspondents k"
            " ON k.id = c.correspondent_id WHERE c.status = 'open' ORDER BY random() LIMIT 2000")]

        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
        await producer.start()
        warm_stop = asyncio.Event()
        warm = asyncio.create_task(produce_contacts(producer, 5, warm_stop, [], rng))
        deadline = time.monotonic() + 90
        while not await conn.fetchval("SELECT count(*) FROM router.messages"
                                      " WHERE dedupe_key LIKE 'sms:%'"):
            if time.monotonic() > deadline:
                raise TimeoutError(f"the worker routed nothing in 90 s; see {procs['router worker'].log}")
            await asyncio.sleep(0.2)
        await asyncio.sleep(2)
        warm_stop.set()
        await warm

        quiet = {HEALTHZ: await quiet_baseline(api + "/healthz"),
                 BARE: await quiet_baseline(bare + "/bare"),
                 BARE_DB: await quiet_baseline(f"{bare}/bare/db/{ids[0]}")}

        probe_pool = await asyncpg.create_pool(database_url, min_size=1, max_size=3)
        load = Load(api, agents, think, args.listing_sample, probe_pool, rng)  # type: ignore[arg-type]
        connected = [asyncio.Event() for _ in agents]
        streams = [asyncio.create_task(load.stream(a, connected[a.index])) for a in agents]
        await asyncio.wait_for(asyncio.gather(*(e.wait() for e in connected)), 60)
        workers = [asyncio.create_task(load.agent(a)) for a in agents]
        await asyncio.sleep(max(think[1], 1.0) + 2)  # every agent under way before measuring

        feed_start = await conn.fetchval("SELECT coalesce(max(id), 0) FROM router.inbox_feed")
        roots = {name: p.process.pid for name, p in procs.items() if p.process}
        roots.update(infra.pids())
        roots["bench"] = os.getpid()
        if admin:
            await admin.execute("SELECT pg_stat_statements_reset()")
        cpu0, bench0, wall0 = cpu_by_role(roots), time.process_time(), time.perf_counter()
        busy0 = machine_busy()
        lags: list[float] = []
        load.record.origin, load.record.measuring = time.perf_counter(), True
        lag_task = asyncio.create_task(loop_lag(load.stop, lags))
        base_tasks = [asyncio.create_task(load.baseline(HEALTHZ, api + "/healthz", 0.25)),
                      asyncio.create_task(load.baseline(BARE, bare + "/bare", 0.25)),
                      asyncio.create_task(load.baseline(
                          BARE_DB, f"{bare}/bare/db/{rng.choice(ids)}", 0.25))]
        contacts_stop = asyncio.Event()
        contacts = asyncio.create_task(produce_contacts(producer, args.contact_rate,
                                                        contacts_stop, followers, rng))
        await asyncio.sleep(args.duration)
        contacts_stop.set()
        sent = await contacts
        produced_for = time.perf_counter() - wall0
        await asyncio.sleep(3)  # the last contacts' way to the streams
        load.stop.set()
        load.record.measuring = False
        await asyncio.gather(*workers, *base_tasks, lag_task, *list(load.probes))
        wall = time.perf_counter() - wall0
        cpu1, bench1, busy1 = cpu_by_role(roots), time.process_time(), machine_busy()
        for task in streams:
            task.cancel()
        await asyncio.gather(*streams, return_exceptions=True)
        await load.close()
        await probe_pool.close()
        await producer.stop()

        # When the router committed each conversation it opened (its feed row's commit),
        # and which contact opened it.
        when = "pg_xact_commit_timestamp(xmin)" if admin else "at"
        reader = admin or conn
        routed = {str(r["conversation_id"]): (r["committed"], r["team"], r["id"]) for r in await reader.fetch(
            f"SELECT id, conversation_id, team, extract(epoch FROM {when})::float8 AS committed"
            " FROM router.inbox_feed WHERE id > $1 AND change = 'routed'", feed_start)}
        stored = {str(r["contact_id"]): str(r["conversation_id"]) for r in await conn.fetch(
            "SELECT contact_id, conversation_id FROM router.messages WHERE contact_id = ANY($1::uuid[])",
            list(sent))}
        out_of_order = admin and await admin.fetchrow(
            """
            SELECT count(*) AS rows, count(*) FILTER (WHERE later < committed) AS late,
                   1000 * extract(epoch FROM max(committed - later)) AS by_ms
            FROM (SELECT pg_xact_commit_timestamp(xmin) AS committed,
                         min(pg_xact_commit_timestamp(xmin)) OVER (ORDER BY id DESC ROWS
                             BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS later
                  FROM router.inbox_feed WHERE id > $1) f
            """, feed_start)
        explain = await explain_inbox(conn, agents[0], args.explain)
        top = await statement_times(admin) if admin else []
        sizes = await conn.fetchrow(
            "SELECT avg(octet_length(explanation::text)) FILTER (WHERE NOT routed) AS seeded,"
            " avg(octet_length(explanation::text)) FILTER (WHERE routed) AS routed"
            " FROM (SELECT explanation, substr(id::text, 15, 1) = '7' AS routed"  # UUIDv7: the router's
            "       FROM router.conversations) c")
    finally:
        for proc in reversed(list(procs.values())):
            await proc.stop()
        infra.stop()

    teams_with_agents = {a.team for a in agents}
    opened_by: dict[str, str] = {}  # conversation -> the first contact of the run in it
    for contact, conversation_id in sorted(stored.items(), key=lambda kv: sent[kv[0]]):
        opened_by.setdefault(conversation_id, contact)
    first, every, from_produce, listed, listed_from_produce = [], [], [], [], []
    unseen = Counter()
    for conversation_id, (committed, team, _feed_id) in routed.items():
        contact = opened_by.get(conversation_id)
        if contact is None:  # opened by a warm-up contact or the sweeper
            continue
        arrivals = sorted(load.seen.routed.get(conversation_id, []))
        if not arrivals:
            unseen["no agent in its team" if team not in teams_with_agents else "not shown"] += 1
            continue
        first.append(arrivals[0][0] - committed)
        every += [at - committed for at, _ in arrivals]
        from_produce.append(arrivals[0][0] - sent[contact])
        if conversation_id in load.seen.listed:
            listed.append(load.seen.listed[conversation_id] - committed)
            listed_from_produce.append(load.seen.listed[conversation_id] - sent[contact])
    threaded = len([c for c, conv in stored.items() if conv not in routed])
    in_flight = len(sent) - len(stored)
    record, quiet_record = load.record, quiet

    print(f"\nmeasured {wall:.1f} s ({produced_for:.1f} s of contacts, then 3 s for the last ones"
          f" to show); {len(sent)} contacts produced ({len(sent) / produced_for:.1f}/s):"
          f" {len(set(routed) & set(opened_by))} opened a conversation, {threaded} threaded into"
          f" an open one, {in_flight} not stored when the run ended")
    print(f"\n{'endpoint':<44} {'count':>6}  latency (client side, ms)"
          f"{'':<38} errors / other answers")
    order = [QUEUE, *(QUEUE + f"?filter={f}" for f in ("mine", "unassigned", "urgent")),
             "GET /v1/queues (counts)", VIEW, "POST …/presence", "POST …/claim",
             "POST …/replies", "POST …/resolve", LISTING, HEALTHZ, BARE, BARE_DB]
    for label in order:
        values, outcomes = record.latencies.get(label, []), record.outcomes.get(label, Counter())
        expected = {200, 201, 202}
        other = {k: v for k, v in outcomes.items() if k not in expected}
        print(f"  {label:<42} {len(values):>6}  {summary(values):<62} {other or 0}")
    agent_calls = sum(len(v) for k, v in record.latencies.items() if k not in (HEALTHZ, BARE, BARE_DB, LISTING))
    print(f"  agents' requests: {agent_calls} ({agent_calls / wall:.1f}/s)")
    for kind, name in (("inbox", "the inbox's requests"), ("baseline", "the baselines' requests")):
        spans = sorted(k for w, k in record.windows if w == kind)
        print(f"  p99 by 10 s window, {name + ':':<24} " + " ".join(
            f"{pct(record.windows[(kind, k)], 0.99) * 1000:.0f}" for k in spans) + " ms")

    queue_all = [v for k, vs in record.latencies.items() if k.startswith(QUEUE) for v in vs]
    view = record.latencies.get(VIEW, [])
    health = record.latencies.get(HEALTHZ, [])
    bare_db = record.latencies.get(BARE_DB, [])
    print("\nbaselines (same run): quiet, before the load, 200 sequential requests each")
    for label, values in quiet_record.items():
        print(f"  {label:<42} {len(values):>6}  {summary(values)}")

    def ratio(a: list[float], b: list[float], q: float) -> str:
        return f"{pct(a, q) / pct(b, q):.1f}x" if a and b else "n/a"

    print("ratios to the baselines under the same load (p50 / p99)")
    for label, values in (("queue page, all filters", queue_all), ("conversation view", view)):
        print(f"  {label:<26} / healthz {ratio(values, health, 0.5)} / {ratio(values, health, 0.99)};"
              f"  / bare 1-SELECT {ratio(values, bare_db, 0.5)} / {ratio(values, bare_db, 0.99)}")

    print(f"\nrouted contact -> agent stream (`conversation` event, change `routed`),"
          f" {len(first)} conversations"
          + ("" if admin else " [from the router transaction's start: no commit timestamps]"))
    print(f"  router commit -> first agent stream   {summary(first)}")
    print(f"  router commit -> every agent stream   {summary(every)}  ({len(every)} deliveries)")
    print(f"  produce -> first agent stream         {summary(from_produce)}")
    print(f"  router commit -> in the queue listing {summary(listed)}  ({len(listed)} sampled)")
    print(f"  produce -> in the queue listing       {summary(listed_from_produce)}")
    if load.seen.ranks:
        print(f"    a new conversation's position in its queue: median {statistics.median(load.seen.ranks):.0f},"
              f" max {max(load.seen.ranks)} (page 1 shows 50)")
    print(f"  not shown on any stream: {dict(unseen) or 0}; stream reconnects: {load.seen.reconnects}")
    if out_of_order:
        print(f"  feed rows of the run committed after a row with a higher id: {out_of_order['late']}"
              f" of {out_of_order['rows']} (by up to {out_of_order['by_ms'] or 0:.0f} ms)")
    print(f"  events the streams carried: {dict(load.seen.events.most_common())}")

    def verdict(value: float, limit: float) -> str:
        return "met" if value < limit else "MISSED"

    print("\ntargets")
    for label, values, limit in (("queue page p99 < 200 ms", queue_all, 0.2),
                                 ("conversation view p99 < 200 ms", view, 0.2),
                                 ("routed -> stream p99 < 1 s (commit)", first, 1.0),
                                 ("routed -> stream p99 < 1 s (produce)", from_produce, 1.0),
                                 ("routed -> queue listing p99 < 1 s (commit)", listed, 1.0)):
        if values:
            print(f"  {label:<44} {ms(pct(values, 0.99))} ms  {verdict(pct(values, 0.99), limit)}")

    print(f"\nCPU seconds over the {wall:.1f} s measured (2 cores = {2 * wall:.0f} CPU-s)")
    cpu = {k: cpu1[k] - cpu0[k] for k in cpu0 if k != "bench"}
    cpu["bench (load generator, this process)"] = bench1 - bench0
    for role, value in cpu.items():
        print(f"  {role:<40} {value:7.1f}  ({value / wall * 100:4.0f} % of a core)")
    ours = sum(v for v in cpu.values() if not math.isnan(v))  # NaN: a server not ours
    print(f"  whole machine busy {busy1 - busy0:7.1f}  (others' work on this shared machine:"
          f" {busy1 - busy0 - ours:.1f})")
    print(f"  bench event loop lag p50 {ms(statistics.median(lags))}  p99 {ms(pct(lags, 0.99))}"
          f"  max {ms(max(lags))} ms (its timings include it)")
    load_avg = os.getloadavg()
    print(f"  load average at the end {load_avg[0]:.2f} {load_avg[1]:.2f} {load_avg[2]:.2f}; routing explanation"
          f" {sizes['seeded']:.0f} bytes a seeded conversation, {sizes['routed'] or 0:.0f} a routed one")

    if top:
        print("\nPostgreSQL time by statement over the run (pg_stat_statements, top by total)")
        print(f"  {'calls':>7} {'total s':>8} {'mean ms':>8} {'max ms':>8}  statement")
        for r in top:
            print(f"  {r['calls']:>7} {r['total'] / 1000:8.2f} {r['mean']:8.2f} {r['max']:8.1f}"
                  f"  {r['query'][:110]}")
    print(f"\nthe queue and view statements on the seeded data after the run (EXPLAIN ANALYZE,"
          f" team {agents[0].team}, server side)")
    print("\n".join(explain))
    print(f"\nlogs: {logs}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--serve-bare":
        bare_app_main(int(sys.argv[2]), sys.argv[3])
        sys.exit(0)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--open-share", type=float, default=0.2,
                        help="share of the conversations still open (spread over the 7 teams)")
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60, help="seconds measured")
    parser.add_argument("--contact-rate", type=float, default=20, help="new contacts per second")
    parser.add_argument("--think", default="1-2",
                        help="seconds between an agent's requests, 'LOW-HIGH' (uniform) or 'max'")
    parser.add_argument("--listing-sample", type=float, default=0.1,
                        help="share of routed conversations looked for in the queue listing")
    parser.add_argument("--explain", action="store_true", help="print the statements' plans")
    parser.add_argument("--seed", type=int, default=7)
    asyncio.run(main(parser.parse_args()))
