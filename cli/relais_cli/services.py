"""The Relais processes, how to start them, and where they listen."""

from __future__ import annotations

import importlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    module: str
    port_env: str
    default_port: int

    def port(self, env: dict[str, str]) -> int:
        return int(env.get(self.port_env, self.default_port))


SERVICES = (
    ServiceSpec("sandbox", "relais_sandbox", "RELAIS_SANDBOX_PORT", 8090),
    ServiceSpec("intake", "relais_intake", "RELAIS_INTAKE_PORT", 8081),
    ServiceSpec("router-worker", "relais_router.worker", "RELAIS_ROUTER_WORKER_PORT", 8083),
    ServiceSpec("router-api", "relais_router", "RELAIS_ROUTER_PORT", 8080),
    ServiceSpec("notifier", "relais_notifier", "RELAIS_NOTIFIER_PORT", 8082),
)
SPEC_BY_NAME = {spec.name: spec for spec in SERVICES}

# (schema, bootstrap module) of every service that owns tables.
SCHEMAS = (
    ("intake", "relais_intake.bootstrap"),
    ("router", "relais_router.bootstrap"),
    ("notifier", "relais_notifier.bootstrap"),
)


def migration_targets() -> list[tuple[str, Path]]:
    targets = []
    for schema, module in SCHEMAS:
        bootstrap = importlib.import_module(module)
        targets.append((schema, Path(bootstrap.MIGRATIONS_DIR)))
    return targets


# A service's log past this size when it starts is kept as `<name>.log.1` (the one before
# that dropped), and a new log begins: load runs write about a gigabyte an hour.
LOG_ROTATE_BYTES = 64 * 1024 * 1024
TAIL_BYTES = 64 * 1024


def rotate_log(path: Path, limit: int = LOG_ROTATE_BYTES) -> None:
    try:
        if path.stat().st_size > limit:
            path.replace(path.with_name(path.name + ".1"))
    except FileNotFoundError:
        pass


@dataclass
class ServiceProcess:
    """One service as a child process, with its log file."""

    spec: ServiceSpec
    env: dict[str, str]
    log_dir: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    restarts: int = 0

    @property
    def port(self) -> int:
        return self.spec.port(self.env)

    @property
    def log_path(self) -> Path:
        return self.log_dir / f"{self.spec.name}.log"

    def start(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        rotate_log(self.log_path)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", self.spec.module],
                env={**os.environ, **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_healthy(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        url = f"http://127.0.0.1:{self.port}/healthz"
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"{self.spec.name} exited; see {self.log_path}:\n{self.tail()}")
            try:
                if httpx.get(url, timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"{self.spec.name} not healthy within {timeout}s; see {self.log_path}")

    def tail(self, lines: int = 30) -> str:
        """The log's last lines (read from its end: a log can be gigabytes)."""
        try:
            with open(self.log_path, "rb") as log:
                log.seek(max(0, log.seek(0, os.SEEK_END) - TAIL_BYTES))
                text = log.read().decode(errors="replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def kill(self) -> None:
        """SIGKILL: the crash a supervisor must survive."""
        if self.alive():
            assert self.process is not None
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self, timeout: float = 25.0) -> int | None:
        """SIGTERM, then SIGKILL after `timeout`; returns the exit code."""
        if self.process is None:
            return None
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode
