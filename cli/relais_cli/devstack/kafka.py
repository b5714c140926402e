"""A single-node Apache Kafka 4.1.1 (KRaft, combined broker+controller) for dev and tests.

Kafka is not packaged by Debian, so the broker runs straight from its Maven Central jars:
``deploy/kafka/pom.xml`` is resolved once with ``mvn dependency:copy-dependencies`` into
``$RELAIS_CACHE_DIR/kafka-4.1.1/libs`` (default ``~/.cache/relais/kafka-4.1.1/libs``), then
``java -cp '<libs>/*' kafka.Kafka <data_dir>/server.properties`` runs as a child process.

Layout of ``data_dir`` (one directory per node; several nodes can run side by side)::

    server.properties     rendered from deploy/kafka/server.properties.template
    kafka-logs/           log.dirs (formatted once; meta.properties marks it)
    kafka.log             broker stdout/stderr (log4j2 -> console), appended per start
    relais-kafka.json     cluster id and the last controller port (informational)
"""

from __future__ import annotations

import asyncio
import base64
import fcntl
import hashlib
import json
import os
import shutil
import signal
import string
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

from relais_cli.devstack import (
    DevstackError,
    spawn_logged,
    _register_node,
    _tail,
    _terminate,
    port_in_use,
    repo_root,
)

KAFKA_VERSION = "4.1.1"
_MARKER = ".relais-complete"


@dataclass(eq=False)
class KafkaNode:
    """Handle for a running broker started by :func:`start_kafka`."""

    bootstrap: str  # "127.0.0.1:19092"
    process: subprocess.Popen
    data_dir: Path | None = None
    log_path: Path | None = None
    cluster_id: str | None = None
    port: int = 0
    controller_port: int = 0
    _stopped: bool = field(default=False, repr=False)

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 20) -> None:
        """Graceful (controlled) shutdown with SIGTERM, SIGKILL after ``timeout``. Idempotent."""
        if self._stopped:
            return
        _terminate(self.process, signal.SIGTERM, timeout)
        self._stopped = True

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# ----------------------------------------------------------------------------- jars


def _cache_root(cache_dir: Path | None) -> Path:
    if cache_dir is not None:
        return Path(cache_dir)
    env = os.environ.get("RELAIS_CACHE_DIR")
    if env:
        return Path(env)
    return Path.home() / ".cache" / "relais"


def _deploy_dir() -> Path:
    return repo_root() / "deploy" / "kafka"


def ensure_kafka_jars(cache_dir: Path | None = None) -> Path:
    """Download the Kafka broker jars once; return the ``libs`` directory.

    ``cache_dir`` (default ``$RELAIS_CACHE_DIR`` or ``~/.cache/relais``) receives
    ``kafka-4.1.1/libs``. A marker file holding the hash of ``deploy/kafka/pom.xml`` makes
    later calls free; a changed pom triggers a fresh download. Concurrent callers are
    serialised with a file lock, and the download lands in a temp dir renamed into place.
    Needs ``mvn`` (Maven Central; artifacts are also kept in ``~/.m2``).
    """
    pom = _deploy_dir() / "pom.xml"
    pom_hash = hashlib.sha256(pom.read_bytes()).hexdigest()
    home = _cache_root(cache_dir) / f"kafka-{KAFKA_VERSION}"
    libs = home / "libs"
    marker = libs / _MARKER
    if marker.is_file() and marker.read_text().strip() == pom_hash:
        return libs

    home.mkdir(parents=True, exist_ok=True)
    with open(home / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if marker.is_file() and marker.read_text().strip() == pom_hash:
            return libs  # another process finished it while we waited
        mvn = shutil.which("mvn")
        if mvn is None:
            raise DevstackError(
                "Maven (mvn) is needed to fetch the Kafka jars: apt-get install -y maven"
            )
        tmp = home / f"libs.tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        cmd = [
            mvn,
            "-q",
            "-B",
            "-f",
            str(pom),
            "dependency:copy-dependencies",
            f"-DoutputDirectory={tmp}",
            "-DincludeScope=runtime",
        ]
        proc = subprocess.run(
            cmd, check=False, capture_output=True, text=True, stdin=subprocess.DEVNULL
        )
        if proc.returncode != 0:
            shutil.rmtree(tmp, ignore_errors=True)
            raise DevstackError(
                f"fetching Kafka jars failed (exit {proc.returncode}): {' '.join(cmd)}\n"
                f"{(proc.stdout + proc.stderr)[-4000:]}"
            )
        if not any(tmp.glob(f"kafka_2.13-{KAFKA_VERSION}.jar")):
            raise DevstackError(f"mvn succeeded but {tmp} holds no kafka_2.13 jar")
        (tmp / _MARKER).write_text(pom_hash + "\n")
        if libs.exists():
            shutil.rmtree(libs)
        os.replace(tmp, libs)
    return libs


# ------------------------------------------------------------------------- helpers


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return str(Path(java_home) / "bin" / "java")
    java = shutil.which("java")
    if java is None:
        raise DevstackError(
            "java (17+) is needed for Kafka: apt-get install -y openjdk-17-jre-headless"
        )
    return java


def _random_cluster_id() -> str:
    """Same format as ``kafka-storage.sh random-uuid``: URL-safe base64 of 16 random bytes.

    Done in Python (saves one JVM start, ~1-2 s); like Kafka's Uuid.randomUuid() it
    avoids ids starting with '-' (they read as CLI options).
    """
    while True:
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cid.startswith("-"):
            return cid


def _heap_mb(heap: str) -> int:
    h = heap.strip().lower()
    mult = {"k": 1 / 1024, "m": 1, "g": 1024}
    if h[-1] in mult:
        return int(float(h[:-1]) * mult[h[-1]])
    return int(int(h) / (1024 * 1024))


def _jvm_opts(heap: str, data_dir: Path) -> list[str]:
    xms = min(_heap_mb(heap), 256)
    return [
        f"-Xmx{heap}",
        f"-Xms{xms}m",
        "-XX:+UseG1GC",
        "-XX:MaxGCPauseMillis=20",
        "-XX:InitiatingHeapOccupancyPercent=35",
        "-XX:+ExplicitGCInvokesConcurrent",
        "-XX:+ExitOnOutOfMemoryError",
        "-Djava.awt.headless=true",
        f"-Dkafka.logs.dir={data_dir}",
        f"-Dlog4j2.configurationFile={_deploy_dir() / 'log4j2.xml'}",
        # log4j2's own shutdown hook would stop logging while Kafka's shutdown hook is
        # still running, losing the end of a graceful shutdown from kafka.log.
        "-Dlog4j2.shutdownHookEnabled=false",
    ]


def _render_properties(data_dir: Path, port: int, controller_port: int) -> Path:
    template = (_deploy_dir() / "server.properties.template").read_text()
    rendered = string.Template(template).substitute(
        port=port,
        controller_port=controller_port,
        log_dirs=str(data_dir / "kafka-logs"),
    )
    path = data_dir / "server.properties"
    path.write_text(rendered)
    return path


def _format_storage(
    java: str, libs: Path, data_dir: Path, props: Path, controller_port: int
) -> str:
    """Format log.dirs once (``--standalone``: this node is the only KRaft voter)."""
    state_file = data_dir / "relais-kafka.json"
    meta = data_dir / "kafka-logs" / "meta.properties"
    if meta.is_file():
        # Already formatted: reuse it. A different controller port than at format time is
        # fine: the voter re-registers its new endpoint on startup (KIP-853 UpdateRaftVoter).
        for line in meta.read_text().splitlines():
            if line.startswith("cluster.id="):
                cluster_id = line.split("=", 1)[1].strip()
                break
        else:
            raise DevstackError(f"no cluster.id in {meta}")
        state = {"cluster_id": cluster_id, "controller_port": controller_port}
        state_file.write_text(json.dumps(state) + "\n")
        return cluster_id

    cluster_id = _random_cluster_id()
    cmd = [
        java,
        "-Xmx256m",
        f"-Dlog4j2.configurationFile={_deploy_dir() / 'log4j2.xml'}",
        "-cp",
        f"{libs}/*",
        "kafka.tools.StorageTool",
        "format",
        "--standalone",
        "-t",
        cluster_id,
        "-c",
        str(props),
    ]
    proc = subprocess.run(
        cmd, check=False, capture_output=True, text=True, stdin=subprocess.DEVNULL
    )
    if proc.returncode != 0:
        raise DevstackError(
            f"kafka storage format failed (exit {proc.returncode}):\n"
            f"{(proc.stdout + proc.stderr)[-4000:]}"
        )
    state_file.write_text(
        json.dumps({"cluster_id": cluster_id, "controller_port": controller_port}) + "\n"
    )
    return cluster_id


async def _describe_cluster(bootstrap: str) -> dict:
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap, request_timeout_ms=5000, client_id="relais-devstack"
    )
    try:
        await admin.start()
        return await admin.describe_cluster()
    finally:
        await admin.close()


def _probe(bootstrap: str) -> dict:
    """Run the aiokafka metadata call on a private loop in a thread.

    A thread so that this also works when called from inside a running event loop.
    """
    box: dict = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(_describe_cluster(bootstrap))
        except BaseException as exc:  # noqa: BLE001
            box["error"] = exc

    t = threading.Thread(target=target, name="relais-kafka-probe", daemon=True)
    t.start()
    t.join(30)
    if "error" in box:
        raise box["error"]
    if "value" not in box:
        raise TimeoutError("metadata probe did not finish in 30 s")
    return box["value"]


# --------------------------------------------------------------------------- start


def start_kafka(
    data_dir: Path,
    port: int = 19092,
    controller_port: int = 19093,
    cache_dir: Path | None = None,
    heap: str = "512m",
    *,
    start_timeout: float = 120.0,
) -> KafkaNode:
    """Start a KRaft broker+controller on 127.0.0.1 and block until it serves metadata.

    ``data_dir`` is created if needed and formatted on first use (later starts reuse the
    data and the cluster id; the ports may change between starts). Ready means: the PLAINTEXT port accepts
    TCP and an aiokafka metadata request returns this node's cluster id with a live
    broker. Raises :class:`DevstackError` (with the tail of ``kafka.log``) when a port is
    taken, the JVM exits, or ``start_timeout`` passes.
    """
    data_dir = Path(data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    for p in (port, controller_port):
        if port_in_use(p):
            raise DevstackError(f"cannot start Kafka: 127.0.0.1:{p} is already in use")

    libs = ensure_kafka_jars(cache_dir)
    java = _java()
    props = _render_properties(data_dir, port, controller_port)
    cluster_id = _format_storage(java, libs, data_dir, props, controller_port)

    log_path = data_dir / "kafka.log"
    cmd = [java, *_jvm_opts(heap, data_dir), "-cp", f"{libs}/*", "kafka.Kafka", str(props)]
    proc = spawn_logged(
        cmd, cwd=data_dir, log_path=log_path, label="Kafka", death_signal=signal.SIGTERM
    )
    bootstrap = f"127.0.0.1:{port}"
    node = KafkaNode(
        bootstrap=bootstrap,
        process=proc,
        data_dir=data_dir,
        log_path=log_path,
        cluster_id=cluster_id,
        port=port,
        controller_port=controller_port,
    )
    _register_node(node)

    deadline = time.monotonic() + start_timeout
    last_error: BaseException | None = None
    try:
        while True:
            rc = proc.poll()
            if rc is not None:
                raise DevstackError(
                    f"Kafka exited with code {rc} during startup; {log_path}:\n{_tail(log_path)}"
                )
            if port_in_use(port):
                try:
                    info = _probe(bootstrap)
                    if info.get("cluster_id") != cluster_id:
                        raise DevstackError(
                            f"{bootstrap} answers with cluster id {info.get('cluster_id')}, "
                            f"expected {cluster_id} (another broker on this port?)"
                        )
                    if info.get("brokers"):
                        return node
                except DevstackError:
                    raise
                except Exception as exc:  # noqa: BLE001 - not ready yet
                    last_error = exc
            if time.monotonic() > deadline:
                raise DevstackError(
                    f"Kafka not ready on {bootstrap} after {start_timeout:.0f} s "
                    f"(last error: {last_error!r}); {log_path}:\n{_tail(log_path)}"
                )
            time.sleep(0.25)
    except BaseException:
        node.stop(timeout=10)
        raise
