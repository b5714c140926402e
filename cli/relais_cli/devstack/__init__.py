"""Local development stack for Relais: one Kafka (KRaft) node and one PostgreSQL server.

No Docker is needed.  Both servers run as plain child processes of the calling Python
process:

* Kafka 4.1.1 runs from its Maven Central jars (``deploy/kafka/pom.xml``), fetched once
  into ``~/.cache/relais/kafka-4.1.1/libs`` (``RELAIS_CACHE_DIR`` overrides
  ``~/.cache/relais``), as a single combined broker+controller KRaft node.
* PostgreSQL runs from the Debian ``postgresql`` package (installed with ``apt-get`` when
  missing), in the foreground, as the ``postgres`` OS user when we are root.

Public API::

    from relais_cli.devstack import (
        free_port, default_base_dir,
        KafkaNode, ensure_kafka_jars, start_kafka,
        PostgresNode, ensure_postgres_installed, start_postgres,
        ensure_topics,
    )

    base = default_base_dir()                       # <repo>/.relais (or /var/tmp/relais-<hash>)
    kafka = start_kafka(base / "kafka")             # blocks until the broker serves metadata
    pg = start_postgres(base / "postgres")          # blocks until the role+database exist
    await ensure_topics(kafka.bootstrap, ["relais.inbound", "relais.inbound.dlq"])
    ...
    kafka.stop(); pg.stop()

Directories: each start function takes its own data directory (created if missing) and
keeps everything in it (config, data, ``*.log``), so several stacks can run side by side
(e.g. tests on free ports in tmp dirs while a dev stack runs).  When running as root,
PostgreSQL's data directory is chowned to the ``postgres`` user, and every parent
directory must be traversable by that user: missing ``o+x`` bits on parents are added
(search permission only, never read); pass a directory outside ``/root`` to avoid that.

Children die with the parent: on Linux, each server gets ``PR_SET_PDEATHSIG`` (SIGTERM for
Kafka, SIGINT = fast shutdown for PostgreSQL) when started from the main thread, and any
node still running at interpreter exit is stopped by an ``atexit`` hook.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import ctypes.util
import hashlib
import os
import pwd
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = [
    "DevstackError",
    "KafkaNode",
    "PostgresNode",
    "default_base_dir",
    "ensure_kafka_jars",
    "ensure_postgres_installed",
    "ensure_topics",
    "free_port",
    "port_in_use",
    "repo_root",
    "start_kafka",
    "start_postgres",
]


class DevstackError(RuntimeError):
    """A dev-stack server could not be installed, started or reached."""


_HANDED_OUT: set[int] = set()


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now (bind to port 0, then close) and
    that this process was not given before: the kernel may hand a just-closed port out again,
    so two services given ports one after the other could otherwise get the same one."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    """True if something accepts TCP connections on host:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def repo_root() -> Path:
    """The repository root (the directory holding ``deploy/kafka/pom.xml``).

    ``RELAIS_REPO_ROOT`` overrides; otherwise searched upwards from this file (the
    workspace installs ``relais-cli`` in editable mode) and then from the cwd.
    """
    env = os.environ.get("RELAIS_REPO_ROOT")
    if env:
        return Path(env).resolve()
    for start in (Path(__file__).resolve(), Path.cwd().resolve()):
        for d in (start, *start.parents):
            if (d / "deploy" / "kafka" / "pom.xml").is_file():
                return d
    raise DevstackError(
        "cannot find the Relais repository (deploy/kafka/pom.xml); set RELAIS_REPO_ROOT"
    )


def default_base_dir() -> Path:
    """Default base directory of the dev stack: ``<repo>/.relais``.

    Falls back to ``/var/tmp/relais-<hash of repo path>`` when running as root and the repo
    is not traversable by the ``postgres`` user (e.g. a checkout under ``/root``).
    """
    root = repo_root()
    base = root / ".relais"
    if os.geteuid() == 0 and not _traversable_by(root, _postgres_uid_gids()):
        digest = hashlib.sha256(str(root).encode()).hexdigest()[:10]
        base = Path("/var/tmp") / f"relais-{digest}"
    return base


# --------------------------------------------------------------------------- internals


def _postgres_uid_gids() -> tuple[int, set[int]] | None:
    try:
        pw = pwd.getpwnam("postgres")
    except KeyError:
        return None
    gids = {pw.pw_gid, *os.getgrouplist("postgres", pw.pw_gid)}
    return pw.pw_uid, gids


def _can_search(path: Path, ident: tuple[int, set[int]] | None) -> bool:
    st = path.stat()
    if ident is None:
        return bool(st.st_mode & stat.S_IXOTH)
    uid, gids = ident
    if st.st_uid == uid:
        return bool(st.st_mode & stat.S_IXUSR)
    if st.st_gid in gids:
        return bool(st.st_mode & stat.S_IXGRP)
    return bool(st.st_mode & stat.S_IXOTH)


def _traversable_by(path: Path, ident: tuple[int, set[int]] | None) -> bool:
    """True if every existing directory from / down to ``path`` is searchable by ident."""
    path = path.resolve()
    for d in reversed((path, *path.parents)):
        if d.exists() and not _can_search(d, ident):
            return False
    return True


def _make_traversable(path: Path, ident: tuple[int, set[int]] | None) -> list[Path]:
    """Add o+x to every existing directory above ``path`` the given user cannot search."""
    changed = []
    for d in reversed(path.resolve().parents):
        if d.exists() and not _can_search(d, ident):
            os.chmod(d, d.stat().st_mode | stat.S_IXOTH)
            changed.append(d)
    return changed


_PR_SET_PDEATHSIG = 1


def _pdeathsig_preexec(sig: int) -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes the child get ``sig`` when the parent dies (Linux only).

    Returns None off Linux, or when not on the main thread: PR_SET_PDEATHSIG fires when the
    *thread* that forked exits, so a server started from a worker thread (e.g.
    ``asyncio.to_thread``) would be killed when that thread ends.
    """
    if not sys.platform.startswith("linux"):
        return None
    if threading.current_thread() is not threading.main_thread():
        return None
    libc_name = ctypes.util.find_library("c") or "libc.so.6"
    try:
        libc = ctypes.CDLL(libc_name, use_errno=True)
    except OSError:
        return None
    parent = os.getpid()

    def preexec() -> None:
        # Runs in the child after fork (and after setuid when Popen(user=...) is used:
        # a credential change clears the death signal, so it must be set afterwards).
        libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
        if os.getppid() != parent:  # parent already died between fork and prctl
            os.kill(os.getpid(), int(sig))

    return preexec


# Nodes still running at interpreter exit are stopped (gracefully) by this hook.
_LIVE_NODES: weakref.WeakSet = weakref.WeakSet()

def spawn_logged(
    cmd: list[str], *, cwd: Path, log_path: Path, label: str, death_signal: int, **popen: Any
) -> subprocess.Popen[bytes]:
    """Start a server in the foreground, appending its output to `log_path`.

    It gets `death_signal` if this process dies (a trivial prctl preexec_fn, safe with threads).
    """
    with open(log_path, "ab") as log:
        log.write(f"\n==== relais devstack: starting {label} {time.ctime()} ====\n".encode())
        log.flush()
        return subprocess.Popen(
            cmd,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_pdeathsig_preexec(death_signal),  # noqa: PLW1509
            **popen,
        )


def _register_node(node: object) -> None:
    _LIVE_NODES.add(node)


@atexit.register
def _stop_live_nodes() -> None:
    for node in list(_LIVE_NODES):
        with contextlib.suppress(Exception):  # best effort at exit
            node.stop()  # type: ignore[attr-defined]


def _tail(path: Path, max_bytes: int = 6000) -> str:
    """Last bytes of a log file, for error messages."""
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - max_bytes))
            return f.read().decode("utf-8", "replace")
    except OSError as exc:
        return f"<cannot read {path}: {exc}>"


def _terminate(proc, first_signal: int, timeout: float, second_signal: int | None = None) -> None:
    """Send first_signal, wait timeout; then second_signal (wait 5 s); then SIGKILL."""
    steps = [(first_signal, timeout)]
    if second_signal is not None:
        steps.append((second_signal, 5.0))
    steps.append((signal.SIGKILL, None))
    for sig, wait in steps:
        if proc.poll() is not None:
            return
        try:
            proc.send_signal(sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


# Re-exports (imported last: the submodules use the helpers above).
from relais_cli.devstack.kafka import KafkaNode, ensure_kafka_jars, start_kafka
from relais_cli.devstack.postgres import (
    PostgresNode,
    ensure_postgres_installed,
    start_postgres,
)
from relais_cli.devstack.topics import ensure_topics

