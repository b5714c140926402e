"""Conversation read endpoints; every read lands in the audit log.

A conversation shows its correspondent's verification state; linked patients and the
patient's other conversations appear only through verified links.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from relais_shared.http import Problem

from ..adapters import identity, views
from ..adapters import repository as repo
from ..adapters.users import Principal
from ..domain.identity import query_address
from .auth import require_principal

router = APIRouter(prefix="/v1")
Caller = Annotated[Principal, Depends(require_principal)]


def _visible(principal: Principal, conversation: dict[str, Any]) -> bool:
    return principal.can_see(conversation["site"], conversation["team"])


def _parse_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Problem(400, "invalid-id", "The id is not a UUID") from None


def normalise_address(address: str, region: str = "FR") -> str:
    """Key a typed address like the router keys senders (phones read in the site's region)."""
    return query_address(address, region)


@router.get("/conversations")
async def list_conversations(
    request: Request,
    principal: Caller,
    address: Annotated[str, Query(min_length=3)],
    site: Annotated[str | None, Query(max_length=100)] = None,
) -> dict[str, Any]:
    """The conversations an address opened or wrote in, newest first. A national phone
    number is read in the region of `site` (default: the deployment's default site)."""
    async with request.app.state.pool.acquire() as conn, conn.transaction():
        region = await identity.site_region(conn, site or request.app.state.settings.default_site)
        if region is None and site is not None:
            raise Problem(422, "unknown-site", f"No site {site!r}")
        key = normalise_address(address, region or "FR")
        found = await views.conversations_of_address(conn, key)
        found += await _joined_conversations(conn, key)
        found.sort(key=lambda c: (c["created_at"], c["id"]), reverse=True)
        visible = [c for c in found if _visible(principal, c)]
        for conv in visible:
            await repo.audit(conn, principal.username, "conversation.listed", uuid.UUID(conv["id"]))
    return {"items": visible}


async def _joined_conversations(conn: Any, address: str) -> list[dict[str, Any]]:
    """Conversations another address of the same patient opened, in which this one wrote."""
    row = await identity.correspondent_by_address(conn, address)
    if row is None:
        return []
    joined = []
    for conversation_id in await identity.conversation_ids_written_by(conn, row["id"]):
        conv = await views.conversation(conn, conversation_id)
        if conv is not None:
            conv.pop("messages", None)
            joined.append(conv)
    return joined


async def _with_identity(
    conn: Any, principal: Principal, conv: dict[str, Any]
) -> dict[str, Any]:
    """Add the correspondent's verification, its patients and the patient's history (verified
    links only) to the conversation view."""
    extra = await identity.conversation_identity(conn, uuid.UUID(conv["id"]))
    if extra is None:
        return conv
    history = []
    for other_id in extra["history_ids"]:
        other = await views.conversation(conn, other_id)
        if other is not None and _visible(principal, other):
            history.append({key: other[key] for key in
                            ("id", "reference", "site", "status", "team", "priority",
                             "created_at")})
    return {
        **conv,
        "correspondent": {**conv["correspondent"], **extra["correspondent"]},
        "patient": extra["patient"],
        "follows": extra["follows"],
        "history": history,
    }


async def _read(request: Request, principal: Principal, conversation_id: uuid.UUID) -> dict[str, Any]:
    async with request.app.state.pool.acquire() as conn, conn.transaction():
        conv = await views.conversation(conn, conversation_id)
        if conv is None or not _visible(principal, conv):
            raise Problem(404, "not-found", "No such conversation")
        conv = await _with_identity(conn, principal, conv)
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
