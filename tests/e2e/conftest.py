"""End-to-end stack: the real services as processes on free ports, on the session's
Kafka and a fresh PostgreSQL database, with the sandbox as the SMS provider."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
import pytest

from relais_cli.devstack import free_port
from relais_cli.services import SPEC_BY_NAME, ServiceProcess
from relais_cli.send_sms import WEBHOOK_PATH, signed_sms_form
from relais_cli.stack import prepare_database
from relais_shared.twilio import compute_signature

AUTH_TOKEN = "e2e-auth-token"
ACCOUNT_SID = "AC" + "e2e".ljust(32, "0")
ADMIN_TOKEN = "e2e-admin-token"


@dataclass
class Stack:
    env: dict[str, str]
    processes: dict[str, ServiceProcess] = field(default_factory=dict)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.processes[name].port}"

    @property
    def webhook_url(self) -> str:
        return self.url("intake") + WEBHOOK_PATH

    def start(self, *names: str) -> None:
        for name in names:
            self.processes[name].start()
        for name in names:
            self.processes[name].wait_healthy(60)

    def sign(self, url: str, form: dict[str, str]) -> dict[str, str]:
        return {"X-Twilio-Signature": compute_signature(AUTH_TOKEN, url, form.items())}

    async def send_sms(
        self, client: httpx.AsyncClient, sender: str, text: str, sid: str | None = None
    ) -> httpx.Response:
        form = signed_sms_form(sender, "+33939000000", text, sid)
        return await client.post(self.webhook_url, data=form, headers=self.sign(self.webhook_url, form))

    async def provider_messages(self, client: httpx.AsyncClient, to: str | None = None) -> list[dict]:
        params = {"to": to} if to else {}
        response = await client.get(self.url("sandbox") + "/_sandbox/messages", params=params)
        response.raise_for_status()
        return response.json()["messages"]

    async def router_get(self, client: httpx.AsyncClient, path: str, **params: str) -> httpx.Response:
        return await client.get(
            self.url("router-api") + path, params=params,
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        )


async def wait_for(predicate, timeout: float = 30.0, interval: float = 0.1):
    """Poll an async predicate until it returns a truthy value."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await predicate()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last value: {value!r})")
        await asyncio.sleep(interval)


@pytest.fixture(scope="module")
def demo_credentials_file(tmp_path_factory) -> Path:
    """The demo users' `user<TAB>role<TAB>password` file of the module's stack (the lead's
    and admin's TOTP secrets in demo-totp.txt beside it; see tests/support_auth.py)."""
    return Path(tmp_path_factory.mktemp("creds")) / "credentials.txt"


@pytest.fixture(scope="module")
async def stack_database_url(database_url: str, demo_credentials_file: Path) -> str:
    name = "e2e_" + uuid.uuid4().hex[:10]
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    url = database_url.rsplit("/", 1)[0] + "/" + name
    await prepare_database(url, demo_credentials_file)
    return url


@pytest.fixture(scope="module")
def stack(kafka_bootstrap: str, stack_database_url: str, tmp_path_factory) -> Iterator[Stack]:
    ports = {name: free_port() for name in SPEC_BY_NAME}
    env = {
        "RELAIS_ENV": "test",
        "RELAIS_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "RELAIS_DATABASE_URL": stack_database_url,
        "RELAIS_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "RELAIS_TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "RELAIS_ADMIN_TOKEN": ADMIN_TOKEN,
        "RELAIS_PUBLIC_URL": f"http://127.0.0.1:{ports['intake']}",
        "RELAIS_SMS_API_BASE": f"http://127.0.0.1:{ports['sandbox']}",
        "RELAIS_LOG_FORMAT": "json",
        "RELAIS_SANDBOX_SMTP_PORT": str(free_port()),
    }
    for name, port in ports.items():
        env[SPEC_BY_NAME[name].port_env] = str(port)
    logs = Path(tmp_path_factory.mktemp("logs"))
    stack = Stack(env)
    for name, spec in SPEC_BY_NAME.items():
        stack.processes[name] = ServiceProcess(spec, env, logs)
    try:
        stack.start(*SPEC_BY_NAME)
        yield stack
    finally:
        for proc in stack.processes.values():
            proc.stop()
