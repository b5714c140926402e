"""`relais run`: the whole stack in the foreground, from a fresh machine or from cache."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from pathlib import Path

import asyncpg
from relais_shared.topics import ALL_TOPICS_WITH_DLQ

from .devstack import default_base_dir
from .devstack.kafka import start_kafka
from .devstack.postgres import start_postgres
from .devstack.topics import ensure_topics
from .migrate import migrate_all
from .services import SERVICES, ServiceProcess


def _env_port(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


async def prepare_database(
    database_url: str, credentials_file: Path, totp_file: Path | None = None
) -> list[str]:
    """Migrate, seed the directory and demo users once; return the credential lines.

    The passwords go to `credentials_file` (`user<TAB>role<TAB>password`), the lead's and
    admin's TOTP secrets to `totp_file` (`user<TAB>secret`, default `demo-totp.txt` beside
    it), both readable by their owner only.
    """
    from relais_router.adapters.seed import seed_demo_users, seed_directory

    totp_file = totp_file or credentials_file.with_name(DEMO_TOTP_FILE)
    await migrate_all(database_url)
    conn = await asyncpg.connect(database_url)
    try:
        await seed_directory(conn)
        # no TOTP file: a data directory from before TOTP, whose lead and admin cannot sign in
        if not credentials_file.exists() or not totp_file.exists():
            users = await seed_demo_users(conn)
            _write_private(totp_file, "".join(
                f"{u.username}\t{u.totp_secret}\n" for u in users if u.totp_secret))
            _write_private(credentials_file, "".join(
                f"{u.username}\t{u.role}\t{u.password}\n" for u in users))
    finally:
        await conn.close()
    return credentials_file.read_text().splitlines()


DEMO_TOTP_FILE = "demo-totp.txt"


def _write_private(path: Path, text: str) -> None:
    """Create the file readable by its owner only, before any secret is in it."""
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(text)


def demo_totp_lines(credentials_file: Path) -> list[str]:
    """The `user<TAB>secret` lines of the demo TOTP file beside the credentials."""
    path = credentials_file.with_name(DEMO_TOTP_FILE)
    return path.read_text().splitlines() if path.exists() else []


def _sandbox_port() -> int:
    return _env_port("RELAIS_SANDBOX_PORT", 8090)


def _banner(processes: list[ServiceProcess], bootstrap: str, database_url: str,
            credentials: list[str], base: Path, started: float) -> str:
    totp = demo_totp_lines(base / "demo-credentials.txt")
    lines = [
        "",
        f"Relais is running (ready in {time.monotonic() - started:.1f} s). Ctrl-C stops everything.",
        "",
    ]
    for proc in processes:
        lines.append(f"  {proc.spec.name:<14} http://127.0.0.1:{proc.port}   log: {proc.log_path}")
    lines += [
        f"  {'kafka':<14} {bootstrap}",
        f"  {'postgres':<14} {database_url}",
        f"  {'data':<14} {base}",
        "",
        ("Demo users (user, role, password) for the inbox (http://127.0.0.1:"
         f"{_env_port('RELAIS_ROUTER_PORT', 8080)}/) and the router API (POST /v1/auth/login):"),
        *[f"  {line}" for line in credentials],
        "Lead and admin also need a one-time code (TOTP): add these secrets to an",
        "authenticator app, or print the current code with  uv run relais users demo-code admin",
        *[f"  {line}" for line in totp],
        f"  (kept in {base / 'demo-credentials.txt'} and {base / DEMO_TOTP_FILE})",
        "",
        f"Patient phone (text the clinic, watch the answers): http://127.0.0.1:{_sandbox_port()}/phone",
        f"Mails Relais sent (SMTP sink):                      http://127.0.0.1:{_sandbox_port()}/mail",
        "Send a signed test SMS:  uv run relais send-sms --from +33612345678 'Bonjour, je voudrais un rendez-vous'",
        "A day of simulated patient contacts:  uv run relais simulate",
        "",
    ]
    return "\n".join(lines)


def run_stack() -> int:
    started = time.monotonic()
    base = default_base_dir()
    base.mkdir(parents=True, exist_ok=True)
    nodes = []
    stopping = False

    def on_signal(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    processes: list[ServiceProcess] = []
    try:
        database_url = services_database_url = os.environ.get("RELAIS_DATABASE_URL")
        if not database_url:
            print("Starting PostgreSQL …", flush=True)
            pg = start_postgres(base / "postgres", port=_env_port("RELAIS_PG_PORT", 55432))
            nodes.append(pg)
            database_url, services_database_url = pg.url, pg.local_url
            # migrations hand the audit log to its own owner role as the superuser
            os.environ.setdefault("RELAIS_DATABASE_ADMIN_URL", pg.admin_url)
        bootstrap = os.environ.get("RELAIS_KAFKA_BOOTSTRAP")
        if not bootstrap:
            print("Starting Kafka (KRaft, one node) …", flush=True)
            kafka = start_kafka(
                base / "kafka",
                port=_env_port("RELAIS_KAFKA_PORT", 19092),
                controller_port=_env_port("RELAIS_KAFKA_CONTROLLER_PORT", 19093),
            )
            nodes.append(kafka)
            bootstrap = kafka.bootstrap
        asyncio.run(ensure_topics(bootstrap, list(ALL_TOPICS_WITH_DLQ)))
        credentials = asyncio.run(prepare_database(database_url, base / "demo-credentials.txt"))
        env = {"RELAIS_KAFKA_BOOTSTRAP": bootstrap, "RELAIS_DATABASE_URL": services_database_url}
        for spec in SERVICES:
            proc = ServiceProcess(spec, env, base / "logs")
            proc.start()
            processes.append(proc)
        for proc in processes:
            proc.wait_healthy()
        pid_file = base / "pids.json"
        _write_pids(pid_file, processes, nodes)
        print(_banner(processes, bootstrap, database_url, credentials, base, started), flush=True)
        _supervise(processes, lambda: stopping, lambda: _write_pids(pid_file, processes, nodes))
        return 0
    finally:
        print("Stopping Relais …", flush=True)
        for proc in reversed(processes):
            proc.stop()
        for node in reversed(nodes):
            node.stop()
        print("Stopped.", flush=True)


def _write_pids(path: Path, processes: list[ServiceProcess], nodes: list) -> None:
    """Which process is which, for `bench/` and operators (`kafka`, `postgres`, services)."""
    pids = {p.spec.name: p.process.pid for p in processes if p.process is not None}
    for node in nodes:
        pids["kafka" if hasattr(node, "bootstrap") else "postgres"] = node.process.pid
    path.write_text(json.dumps(pids))


def _supervise(processes: list[ServiceProcess], should_stop, on_restart) -> None:
    """Restart a crashed service with backoff (at-least-once makes a restart safe)."""
    next_start: dict[str, float] = {}
    while not should_stop():
        time.sleep(0.5)
        for proc in processes:
            if proc.alive() or should_stop():
                continue
            now = time.monotonic()
            due = next_start.setdefault(proc.spec.name, now + min(30, 2 ** proc.restarts))
            if now >= due:
                print(f"{proc.spec.name} exited ({proc.process.returncode}); restarting", flush=True)
                proc.restarts += 1
                proc.start()
                next_start.pop(proc.spec.name)
                on_restart()
