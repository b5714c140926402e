"""A tiny Twilio-compatible Messages API served over real HTTP for notifier tests.

POST/GET /2010-04-01/Accounts/{sid}/Messages.json with Basic auth. Behaviours for the
next POSTs to a number can be scripted: an HTTP error (with a Twilio error code), a
`hang` (the message is stored, the answer comes too late: the client times out), a
`drop` (nothing is stored and no answer comes in time), or a `gate` (the message is
stored, the answer waits until the test opens the gate: a provider slow for one number).
"""

from __future__ import annotations

import asyncio
import base64
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from relais_cli.devstack import free_port
from relais_shared.process import http_server


@dataclass(frozen=True)
class Fail:
    status: int
    code: int | None = None


@dataclass(frozen=True)
class FailAfterCreate:
    """The message is created, then the answer is an error (as the sandbox's
    timeout_after_create does): the client must not take the error for a refusal."""

    status: int


@dataclass(frozen=True)
class Hang:
    seconds: float


@dataclass(frozen=True)
class Drop:
    seconds: float


@dataclass(frozen=True)
class Gate:
    opened: asyncio.Event


Behaviour = Fail | FailAfterCreate | Hang | Drop | Gate


@dataclass
class FakeTwilio:
    account_sid: str = "AC" + "f" * 32
    auth_token: str = "fake-twilio-token"
    messages: list[dict[str, Any]] = field(default_factory=list)
    posts: list[dict[str, str]] = field(default_factory=list)
    lookups: list[dict[str, str]] = field(default_factory=list)
    callbacks: dict[str, str] = field(default_factory=dict)
    plans: dict[str, list[Behaviour]] = field(default_factory=dict)
    base_url: str = ""
    _server: Any = None
    _task: asyncio.Task[None] | None = None

    # -- scripting and inspection -------------------------------------------------
    def plan(self, to: str, *behaviours: Behaviour) -> None:
        self.plans.setdefault(to, []).extend(behaviours)

    def posts_to(self, to: str) -> list[dict[str, str]]:
        return [p for p in self.posts if p.get("To") == to]

    def messages_to(self, to: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m["to"] == to]

    def store(self, to: str, sender: str, body: str, when: datetime | None = None) -> dict[str, Any]:
        """Put a message at the provider as if it had been sent."""
        stamp = format_datetime(when or datetime.now(UTC), usegmt=True)
        message = {
            "sid": "SM" + secrets.token_hex(16),
            "account_sid": self.account_sid,
            "to": to,
            "from": sender,
            "body": body,
            "status": "queued",
            "direction": "outbound-api",
            "date_created": stamp,
            "date_updated": stamp,
            "date_sent": stamp,
            "num_segments": "1",
        }
        self.messages.append(message)
        return message

    # -- HTTP ---------------------------------------------------------------------
    def _authorised(self, request: Request) -> bool:
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return request.headers.get("authorization") == f"Basic {expected}"

    def app(self) -> FastAPI:
        app = FastAPI()
        path = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"

        @app.post(path)
        async def create(request: Request) -> JSONResponse:
            if not self._authorised(request):
                return JSONResponse({"code": 20003, "status": 401}, status_code=401)
            form = {k: str(v) for k, v in (await request.form()).items()}
            self.posts.append(form)
            plan = self.plans.get(form.get("To", ""), [])
            behaviour = plan.pop(0) if plan else None
            if isinstance(behaviour, Fail):
                return JSONResponse({"code": behaviour.code, "message": "scripted",
                                     "status": behaviour.status}, status_code=behaviour.status)
            if isinstance(behaviour, Drop):
                await asyncio.sleep(behaviour.seconds)
                return JSONResponse({"code": 20500, "status": 500}, status_code=500)
            message = self.store(form["To"], form["From"], form["Body"])
            self.callbacks[message["sid"]] = form.get("StatusCallback", "")
            if isinstance(behaviour, Hang):
                await asyncio.sleep(behaviour.seconds)
            if isinstance(behaviour, Gate):
                await behaviour.opened.wait()
            if isinstance(behaviour, FailAfterCreate):
                return JSONResponse({"code": 20500, "status": behaviour.status},
                                    status_code=behaviour.status)
            return JSONResponse(message, status_code=201)

        @app.get(path)
        async def listing(request: Request) -> JSONResponse:
            if not self._authorised(request):
                return JSONResponse({"code": 20003, "status": 401}, status_code=401)
            params = dict(request.query_params)
            self.lookups.append(params)
            since = params.get("DateSent>")
            found = [
                m for m in reversed(self.messages)
                if ("To" not in params or m["to"] == params["To"])
                and (since is None or _day(m["date_sent"]) >= since)
            ]
            return JSONResponse({"messages": found, "next_page_uri": None, "page": 0})

        return app

    async def start(self) -> str:
        port = free_port()
        self._server = http_server(self.app(), "127.0.0.1", port)
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            await asyncio.sleep(0.02)
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    async def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._task is not None:
            await asyncio.wait([self._task], timeout=5)


def _day(rfc2822: str) -> str:
    from email.utils import parsedate_to_datetime

    return parsedate_to_datetime(rfc2822).astimezone(UTC).date().isoformat()
