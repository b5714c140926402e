"""The sandbox served by uvicorn on a free port, and a small receiver app (another free port)
that checks every status callback's X-Twilio-Signature like intake does."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request, Response
from relais_cli.devstack import free_port
from relais_sandbox.bootstrap import SandboxRuntime, build_runtime
from relais_sandbox.settings import SandboxSettings
from relais_shared.process import http_server
from relais_shared.twilio import is_valid_signature

ACCOUNT_SID = "AC" + "1" * 32
AUTH_TOKEN = "integration-token"
TWO_WAY = "+33939000000"


@dataclass
class ReceivedCallback:
    url: str
    params: dict[str, str]
    signature_valid: bool

    @property
    def status(self) -> str:
        return self.params["MessageStatus"]


@dataclass
class Receiver:
    """Records callbacks; answers 503 to the next `fail_next` ones."""

    base_url: str = ""
    received: list[ReceivedCallback] = field(default_factory=list)
    fail_next: int = 0

    def url(self, nid: str) -> str:
        return f"{self.base_url}/status?nid={nid}"

    def for_sid(self, sid: str) -> list[ReceivedCallback]:
        return [c for c in self.received if c.params.get("MessageSid") == sid]

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/status")
        async def status(request: Request) -> Response:
            pairs = parse_qsl((await request.body()).decode(), keep_blank_values=True)
            valid = is_valid_signature(
                AUTH_TOKEN, str(request.url), pairs, request.headers.get("X-Twilio-Signature")
            )
            if self.fail_next > 0:
                self.fail_next -= 1
                return Response(status_code=503)
            self.received.append(ReceivedCallback(str(request.url), dict(pairs), valid))
            return Response(status_code=204 if valid else 403)

        return app


async def _serve(server: uvicorn.Server) -> asyncio.Task[None]:
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    return task


async def _shutdown(server: uvicorn.Server, task: asyncio.Task[None]) -> None:
    server.should_exit = True
    await asyncio.wait_for(task, 10)


@pytest.fixture(scope="module")
async def receiver() -> AsyncIterator[Receiver]:
    port = free_port()
    rec = Receiver(base_url=f"http://127.0.0.1:{port}")
    server = http_server(rec.app(), "127.0.0.1", port)
    task = await _serve(server)
    yield rec
    await _shutdown(server, task)


@dataclass
class Sandbox:
    runtime: SandboxRuntime
    base_url: str

    @property
    def messages_url(self) -> str:
        return f"{self.base_url}/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"

    def message_url(self, sid: str) -> str:
        return f"{self.base_url}/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}.json"


@pytest.fixture(scope="module")
async def sandbox() -> AsyncIterator[Sandbox]:
    port = free_port()
    settings = SandboxSettings(
        env="test",
        twilio_account_sid=ACCOUNT_SID,
        twilio_auth_token=AUTH_TOKEN,
        sms_from=TWO_WAY,
        sandbox_alphanumeric_id="CLINIQUE",
        sandbox_sent_after_ms=30,
        sandbox_final_after_ms=60,
        sandbox_callback_chaos=False,  # deterministic unless a test turns chaos on
        sandbox_callback_backoff_ms=50,
        sandbox_callback_timeout_s=2.0,
        sandbox_store_path=None,
    )
    runtime = build_runtime(settings)
    server = http_server(runtime.app, "127.0.0.1", port)
    task = await _serve(server)
    yield Sandbox(runtime, f"http://127.0.0.1:{port}")
    await _shutdown(server, task)
    await runtime.close()


@pytest.fixture
async def client(sandbox: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    """An authenticated client; the sandbox starts each test empty and without faults."""
    async with httpx.AsyncClient(
        base_url=sandbox.base_url, auth=(ACCOUNT_SID, AUTH_TOKEN), timeout=10
    ) as c:
        (await c.post("/_sandbox/reset")).raise_for_status()
        (
            await c.put("/_sandbox/callback-chaos", json={"duplicate_rate": 0, "reorder_rate": 0})
        ).raise_for_status()
        yield c


async def eventually(predicate, timeout: float = 10.0, interval: float = 0.02):
    """Poll a sync or async predicate until it is truthy."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = predicate()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not true within {timeout}s (last: {value!r})")
        await asyncio.sleep(interval)


@dataclass
class IntakeCall:
    path: str
    url: str
    params: dict[str, str]
    signature_valid: bool


@dataclass
class FakeIntake:
    """A small intake: checks X-Twilio-Signature against its public URL like the real one,
    answers empty TwiML to SMS, and 404 to voice until `voice_enabled`."""

    base_url: str = ""
    calls: list[IntakeCall] = field(default_factory=list)
    voice_enabled: bool = False

    def app(self) -> FastAPI:
        app = FastAPI()

        async def record(request: Request) -> IntakeCall:
            pairs = parse_qsl((await request.body()).decode(), keep_blank_values=True)
            url = self.base_url + request.url.path
            valid = is_valid_signature(
                AUTH_TOKEN, url, pairs, request.headers.get("X-Twilio-Signature")
            )
            call = IntakeCall(request.url.path, url, dict(pairs), valid)
            self.calls.append(call)
            return call

        def refused(status: int, title: str) -> Response:
            problem = {"type": "https://relais.example/problems/x", "title": title, "status": status}
            return Response(
                json.dumps(problem), status_code=status, media_type="application/problem+json"
            )

        twiml = '<?xml version="1.0" encoding="UTF-8"?><Response/>'

        @app.post("/v1/channels/sms/twilio")
        async def sms(request: Request) -> Response:
            call = await record(request)
            if not call.signature_valid:
                return refused(403, "Invalid signature")
            return Response(twiml, media_type="text/xml")

        @app.post("/v1/channels/voice/twilio")
        @app.post("/v1/channels/voice/twilio/dial")
        async def voice(request: Request) -> Response:
            call = await record(request)
            if not self.voice_enabled:
                return refused(404, "Not Found")
            if not call.signature_valid:
                return refused(403, "Invalid signature")
            return Response(twiml, media_type="text/xml")

        return app


@pytest.fixture(scope="module")
async def fake_intake() -> AsyncIterator[FakeIntake]:
    port = free_port()
    intake = FakeIntake(base_url=f"http://127.0.0.1:{port}")
    server = http_server(intake.app(), "127.0.0.1", port)
    task = await _serve(server)
    yield intake
    await _shutdown(server, task)


@pytest.fixture(scope="module")
async def phone_sandbox(fake_intake: FakeIntake) -> AsyncIterator[Sandbox]:
    """A sandbox whose patient phone posts to the fake intake, with its SMTP sink listening
    on a free port and quick SSE heartbeats."""
    port = free_port()
    settings = SandboxSettings(
        env="test",
        twilio_account_sid=ACCOUNT_SID,
        twilio_auth_token=AUTH_TOKEN,
        sms_from=TWO_WAY,
        public_url=fake_intake.base_url,
        sandbox_sent_after_ms=30,
        sandbox_final_after_ms=60,
        sandbox_callback_chaos=False,
        sandbox_store_path=None,
        sandbox_sse_heartbeat_s=0.3,
        sandbox_smtp_port=free_port(),
        sandbox_webhook_timeout_s=5.0,
    )
    runtime = build_runtime(settings)
    assert await runtime.start_smtp()
    server = http_server(runtime.app, "127.0.0.1", port)
    task = await _serve(server)
    yield Sandbox(runtime, f"http://127.0.0.1:{port}")
    runtime.phone.close()
    await _shutdown(server, task)
    await runtime.close()


@pytest.fixture
async def phone_client(
    phone_sandbox: Sandbox, fake_intake: FakeIntake
) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        base_url=phone_sandbox.base_url, auth=(ACCOUNT_SID, AUTH_TOKEN), timeout=10
    ) as c:
        (await c.post("/_sandbox/reset")).raise_for_status()
        fake_intake.calls.clear()
        fake_intake.voice_enabled = False
        yield c
