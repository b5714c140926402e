"""A private PostgreSQL server for dev and tests, run in the foreground as a child process.

Uses the Debian ``postgresql`` package's server binaries (``/usr/lib/postgresql/<v>/bin``;
``RELAIS_PG_BINDIR`` overrides), installed with ``apt-get`` when missing and we are root.
initdb and postgres refuse to run as root, so as root they run as the ``postgres`` OS user
(``Popen(user=...)``; the data directory is chowned to it and missing ``o+x`` bits on its
parents are added). Otherwise they run as the current user.

Layout of ``data_dir`` (mode 0700; one directory per server)::

    pgdata/          the cluster (initdb once; PG_VERSION marks it)
    .s.PGSQL.<port>  the unix socket (local connections: trust, as superuser "postgres")
    postgres.log     server stdout/stderr, appended per start

TCP: 127.0.0.1 only, scram-sha-256 password auth. fsync stays on. Server settings for a
write-heavy load: `SERVER_SETTINGS` (docker-compose.yml passes the same to its postgres).
"""

from __future__ import annotations

import fcntl
import glob
import hashlib
import logging
import os
import pwd
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self
from urllib.parse import quote

from relais_cli.devstack import (
    DevstackError,
    _make_traversable,
    spawn_logged,
    _postgres_uid_gids,
    _register_node,
    _tail,
    _terminate,
    port_in_use,
)

log = logging.getLogger(__name__)

SUPERUSER = "postgres"
_SOCKET_PATH_MAX = 107  # sizeof(sun_path) - 1 on Linux


# Every contact writes to a dozen indexes: with the default 1 GB of WAL between checkpoints
# the server checkpointed every 30-70 s at 300 contacts/s, and each checkpoint makes the
# next change of every page log the whole page — 800 MB of WAL a 60 s run of bench/e2e.py,
# 400-700 MB with these; and 128 MB of shared buffers had the backends write out dirty pages
# themselves (235,000 a run; about 100,000 with 512 MB).
SERVER_SETTINGS: dict[str, str] = {
    "max_wal_size": "4GB",
    "checkpoint_timeout": "15min",
    "shared_buffers": "512MB",
    # A new database's tables grow fast: statistics (and the plans made from them) follow
    # within 10 s instead of a minute.
    "autovacuum_naptime": "10s",
}


@dataclass(eq=False)
class PostgresNode:
    """Handle for a running server started by :func:`start_postgres`."""

    url: str  # "postgresql://relais:relais@127.0.0.1:55432/relais"
    process: subprocess.Popen
    data_dir: Path | None = None
    log_path: Path | None = None
    port: int = 0
    socket_dir: Path | None = None
    bin_dir: Path | None = None
    _stopped: bool = field(default=False, repr=False)

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    @property
    def local_url(self) -> str:
        """The role's URL over the unix socket, for services on this machine: a round trip
        there costs client and server about 40 % less CPU than over loopback TCP."""
        credentials, _, database = self.url.removeprefix("postgresql://").rpartition("@")
        database = database.partition("/")[2]
        return f"postgresql://{credentials}@/{database}?host={self.socket_dir}&port={self.port}"

    @property
    def admin_url(self) -> str:
        """Superuser URL over the unix socket (trust auth), e.g. for psql or asyncpg."""
        return f"postgresql://{SUPERUSER}@/postgres?host={self.socket_dir}&port={self.port}"

    def stop(self, timeout: float = 20) -> None:
        """Fast shutdown (SIGINT), then immediate (SIGQUIT), then SIGKILL. Idempotent."""
        if self._stopped:
            return
        _terminate(self.process, signal.SIGINT, timeout, second_signal=signal.SIGQUIT)
        self._stopped = True

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --------------------------------------------------------------------------- install


def _version_key(path: str) -> tuple[int, ...]:
    m = re.search(r"/postgresql/([\d.]+)/bin/", path)
    return tuple(int(x) for x in m.group(1).split(".")) if m else (0,)


def _find_bin_dir() -> Path | None:
    env = os.environ.get("RELAIS_PG_BINDIR")
    if env:
        return Path(env) if (Path(env) / "postgres").is_file() else None
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=_version_key)
    return Path(found[-1]).parent if found else None


def ensure_postgres_installed() -> Path:
    """Return the PostgreSQL server bin dir, installing Debian's ``postgresql`` if needed.

    Installing needs root (``apt-get update && apt-get install -y postgresql``, with
    DEBIAN_FRONTEND=noninteractive). Note that the Debian package's postinst may create and
    start its own "main" cluster on port 5432; the dev stack does not use it.
    """
    bin_dir = _find_bin_dir()
    if bin_dir is not None:
        return bin_dir
    if os.environ.get("RELAIS_PG_BINDIR"):
        raise DevstackError(f"RELAIS_PG_BINDIR={os.environ['RELAIS_PG_BINDIR']} has no postgres")
    if os.geteuid() != 0:
        raise DevstackError(
            "PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/postgres): "
            "run `sudo apt-get install -y postgresql` or set RELAIS_PG_BINDIR"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    with open("/tmp/relais-apt.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one installer at a time (parallel test runs)
        if _find_bin_dir() is None:
            for cmd in (
                ["apt-get", "update"],
                [
                    "apt-get",
                    "install",
                    "-y",
                    "--no-install-recommends",
                    "-o",
                    "Dpkg::Options::=--force-confdef",
                    "-o",
                    "Dpkg::Options::=--force-confold",
                    "postgresql",
                ],
            ):
                proc = subprocess.run(
                    cmd,
                    check=False,
                    env=env,
                    capture_output=True,
                    text=True,
                    stdin=subprocess.DEVNULL,
                )
                if proc.returncode != 0:
                    raise DevstackError(
                        f"{' '.join(cmd)} failed (exit {proc.returncode}):\n"
                        f"{(proc.stdout + proc.stderr)[-4000:]}"
                    )
    bin_dir = _find_bin_dir()
    if bin_dir is None:
        raise DevstackError(
            "apt-get installed postgresql but no /usr/lib/postgresql/*/bin/postgres"
        )
    return bin_dir


# --------------------------------------------------------------------------- start


def _as_user_kwargs() -> dict:
    """Popen kwargs that drop root to the postgres user (empty when not root)."""
    if os.geteuid() != 0:
        return {}
    try:
        pw = pwd.getpwnam(SUPERUSER)
    except KeyError as exc:
        raise DevstackError(
            "running as root but there is no 'postgres' OS user (apt-get install postgresql "
            "creates it)"
        ) from exc
    return {
        "user": pw.pw_uid,
        "group": pw.pw_gid,
        "extra_groups": os.getgrouplist(SUPERUSER, pw.pw_gid),
        "env": {
            **os.environ,
            "HOME": pw.pw_dir,
            "USER": SUPERUSER,
            "LOGNAME": SUPERUSER,
        },
    }


def _own_dir(path: Path) -> None:
    """Create ``path`` as a 0700 directory owned by the server's OS user."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        for d in _make_traversable(path, _postgres_uid_gids()):
            log.warning("added o+x to %s so the postgres user can reach %s", d, path)
        pw = pwd.getpwnam(SUPERUSER)
        os.chown(path, pw.pw_uid, pw.pw_gid)
    os.chmod(path, 0o700)


def _socket_dir(data_dir: Path, port: int) -> Path:
    if len(f"{data_dir}/.s.PGSQL.{port}") <= _SOCKET_PATH_MAX:
        return data_dir
    # Unix socket paths are limited to 107 bytes: use a short private directory instead.
    digest = hashlib.sha256(str(data_dir).encode()).hexdigest()[:12]
    short = Path("/tmp") / f"relais-pg-{digest}"
    _own_dir(short)
    return short


def _psql(bin_dir: Path, args: list[str], sql: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(bin_dir / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", *args],
        check=False,
        input=sql,
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("PG")},
    )


_SETUP_SQL = r"""
SELECT format('CREATE ROLE %I LOGIN CREATEDB PASSWORD %L', :'u', :'p')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'u') \gexec
SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', :'u', :'p') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'u')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
"""


def start_postgres(
    data_dir: Path,
    port: int = 55432,
    user: str = "relais",
    password: str = "relais",
    database: str = "relais",
    *,
    start_timeout: float = 60.0,
) -> PostgresNode:
    """Start PostgreSQL on 127.0.0.1:``port`` and block until ``user``/``database`` exist.

    initdb runs once (``data_dir/pgdata``); the role (LOGIN CREATEDB, password kept in sync)
    and database (owned by the role) are created when missing, so restarts are idempotent.
    The server runs in the foreground as this process's child (no pg_ctl daemon), so
    :meth:`PostgresNode.stop`, Ctrl-C or the parent's death stop it.
    Raises :class:`DevstackError` (with the tail of ``postgres.log``) on failure.
    """
    bin_dir = ensure_postgres_installed()
    data_dir = Path(data_dir).resolve()
    if port_in_use(port):
        raise DevstackError(f"cannot start PostgreSQL: 127.0.0.1:{port} is already in use")
    _own_dir(data_dir)
    pgdata = data_dir / "pgdata"
    sock = _socket_dir(data_dir, port)
    as_user = _as_user_kwargs()

    if not (pgdata / "PG_VERSION").is_file():
        shutil.rmtree(pgdata, ignore_errors=True)  # leftovers of an interrupted initdb
        cmd = [
            str(bin_dir / "initdb"),
            "-D",
            str(pgdata),
            "-U",
            SUPERUSER,
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
        ]
        proc = subprocess.run(
            cmd,
            check=False,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            cwd=data_dir,
            **as_user,
        )
        if proc.returncode != 0:
            raise DevstackError(
                f"initdb failed (exit {proc.returncode}):\n{(proc.stdout + proc.stderr)[-4000:]}"
            )

    log_path = data_dir / "postgres.log"
    cmd = [
        str(bin_dir / "postgres"),
        "-D",
        str(pgdata),
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        f"port={port}",
        "-c",
        f"unix_socket_directories={sock}",
        "-c",
        "fsync=on",
        "-c",
        "logging_collector=off",
        *(arg for name, value in SERVER_SETTINGS.items() for arg in ("-c", f"{name}={value}")),
    ]
    proc = spawn_logged(
        cmd, cwd=data_dir, log_path=log_path, label="PostgreSQL",
        death_signal=signal.SIGINT, **as_user,
    )
    url = (
        f"postgresql://{quote(user, safe='')}:{quote(password, safe='')}"
        f"@127.0.0.1:{port}/{quote(database, safe='')}"
    )
    node = PostgresNode(
        url=url,
        process=proc,
        data_dir=data_dir,
        log_path=log_path,
        port=port,
        socket_dir=sock,
        bin_dir=bin_dir,
    )
    _register_node(node)

    local = ["-h", str(sock), "-p", str(port), "-U", SUPERUSER, "-d", "postgres"]
    deadline = time.monotonic() + start_timeout
    try:
        while True:
            rc = proc.poll()
            if rc is not None:
                raise DevstackError(
                    f"PostgreSQL exited with code {rc} during startup; {log_path}:\n"
                    f"{_tail(log_path)}"
                )
            ready = subprocess.run(
                [str(bin_dir / "pg_isready"), "-q", "-h", str(sock), "-p", str(port)],
                check=False,
                stdin=subprocess.DEVNULL,
            )
            if ready.returncode == 0:
                break
            if time.monotonic() > deadline:
                raise DevstackError(
                    f"PostgreSQL not ready after {start_timeout:.0f} s; {log_path}:\n"
                    f"{_tail(log_path)}"
                )
            time.sleep(0.1)

        setup = _psql(
            bin_dir,
            [*local, "-v", f"u={user}", "-v", f"p={password}", "-v", f"db={database}"],
            _SETUP_SQL,
        )
        if setup.returncode != 0:
            raise DevstackError(f"creating role/database failed:\n{setup.stderr[-4000:]}")
        check = _psql(bin_dir, ["-d", url, "-tAc", "SELECT 1"])
        if check.returncode != 0 or check.stdout.strip() != "1":
            raise DevstackError(f"cannot log in with {url}:\n{check.stderr[-4000:]}")
        return node
    except BaseException:
        node.stop(timeout=10)
        raise
