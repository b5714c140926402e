"""Conversation read endpoints; every read lands in the audit log."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel
from relais_shared.http import Problem

from ..adapters import repository as repo
from ..adapters import views
from ..adapters.users import Principal, login
from .auth import require_principal

router = APIRouter(prefix="/v1")
Caller = Annotated[Principal, Depends(require_principal)]


def _visible(principal: Principal, conversation: dict[str, Any]) -> bool:
    return principal.sees_all or conversation["team"] in principal.teams


def _parse_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Problem(400, "invalid-id", "The id is not a UUID") from None


def normalise_address(address: str) -> str:
    address = address.strip()
    if "@" in address:
        return address.lower()
    return "".join(ch for ch in address if ch.isdigit() or ch == "+")


class LoginRequest(BaseModel):
    username: str
    password: str


@router.post("/auth/login")
async def post_login(body: LoginRequest, request: Request) -> dict[str, str]:
    async with request.app.state.pool.acquire() as conn:
        token = await login(conn, body.username, body.password)
        await repo.audit(conn, body.username, "login" if token else "login_failed")
    if token is None:
        raise Problem(401, "invalid-credentials", "Unknown user or wrong password")
    return {"access_token": token, "token_type": "bearer"}


@router.get("/conversations")
async def list_conversations(
    request: Request, principal: Caller, address: Annotated[str, Query(min_length=3)]
) -> dict[str, Any]:
    async with request.app.state.pool.acquire() as conn, conn.transaction():
        found = await views.conversations_of_address(conn, normalise_address(address))
        visible = [c for c in found if _visible(principal, c)]
        for conv in visible:
            await repo.audit(conn, principal.username, "conversation.listed", uuid.UUID(conv["id"]))
    return {"items": visible}


async def _read(request: Request, principal: Principal, conversation_id: uuid.UUID) -> dict[str, Any]:
    async with request.app.state.pool.acquire() as conn, conn.transaction():
        conv = await views.conversation(conn, conversation_id)
        if conv is None or not _visible(principal, conv):
            raise Problem(404, "not-found", "No such conversation")
        await repo.audit(conn, principal.username, "conversation.read", conversation_id)
    return conv


@router.get("/conversations/{conversation_id}")
async def get_conversation(conversation_id: str, request: Request, principal: Caller) -> dict[str, Any]:
    return await _read(request, principal, _parse_id(conversation_id))


@router.get("/contacts/{contact_id}")
async def get_contact(contact_id: str, request: Request, principal: Caller) -> dict[str, Any]:
    async with request.app.state.pool.acquire() as conn:
        conversation_id = await views.conversation_id_of_contact(conn, _parse_id(contact_id))
    if conversation_id is None:
        raise Problem(404, "not-found", "No such contact (it may still be in flight)")
    conv = await _read(request, principal, conversation_id)
    return {**conv, "contact_id": contact_id, "conversation_id": conv["id"]}
