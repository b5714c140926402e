"""Test support for the inbox: agents with bearer tokens, SMS routed by the real handler,
and an API client on the router's app (real PostgreSQL; Kafka for the runtime)."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from dataclasses import dataclass

import asyncpg
import httpx
from relais_router.adapters.users import create_user, hash_password, issue_token
from relais_cli.devstack import free_port
from relais_router.api.app import create_app
from relais_shared.process import http_server

from tests.conftest import unique_phone
from tests.integration.router.test_threading import handle, sms


@dataclass
class Agent:
    username: str
    client: httpx.AsyncClient


@contextlib.asynccontextmanager
async def served(app) -> AsyncIterator[str]:
    """The app on a real HTTP server (httpx's ASGI transport buffers whole responses: a
    Server-Sent Events stream needs a socket); yields its base URL."""
    port = free_port()
    server = http_server(app, "127.0.0.1", port)
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await app.state.hub.stop()
        server.should_exit = True
        await task


async def add_agent(db: asyncpg.Connection, app, username: str, role: str, site: str,
                    teams: list[str], base_url: str | None = None) -> Agent:
    """A user with a bearer token, as the login endpoint would issue one."""
    user_id = await create_user(
        db, username=username, password_hash=hash_password(uuid.uuid4().hex), role=role,
        display_name=username.title(), memberships=[(site, team) for team in teams],
        totp_secret=None)
    token = (await issue_token(db, user_id, "bearer", timedelta(hours=1), None, None)).token
    headers = {"Authorization": f"Bearer {token}"}
    if base_url is not None:
        client = httpx.AsyncClient(base_url=base_url, headers=headers, timeout=10)
    else:
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                   base_url="http://router.internal", headers=headers)
    return Agent(username, client)


def unique_name(prefix: str) -> str:
    return f"{prefix}.{uuid.uuid4().hex[:8]}"


async def routed_sms(runtime, db: asyncpg.Connection, text: str, phone: str | None = None,
                     site: str = "demo") -> asyncpg.Record:
    """An SMS through the worker's handler; returns its conversation row."""
    contact = sms(phone or unique_phone(), text)
    await handle(runtime, contact, site)
    return await db.fetchrow(
        "SELECT c.* FROM router.conversations c JOIN router.messages m ON m.conversation_id = c.id"
        " WHERE m.contact_id = $1", uuid.UUID(contact.contact_id))


def app_for(runtime):
    return create_app(runtime)
