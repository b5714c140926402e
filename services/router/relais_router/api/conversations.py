"""Conversation read endpoints (the service layer audits every read).

Another site's or team's conversation answers 404, like one that does not exist.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from .. import queries
from .deps import CurrentActor, inbox, parse_id

router = APIRouter(prefix="/v1")


@router.get("/conversations")
async def list_conversations(
    request: Request,
    actor: CurrentActor,
    address: Annotated[str, Query(min_length=3, max_length=320)],
    site: Annotated[str | None, Query(max_length=100)] = None,
) -> dict[str, Any]:
    """The conversations an address opened or wrote in, newest first. A national phone
    number is read in the region of `site` (default: the deployment's default site)."""
    items = await queries.conversations_of_address(
        inbox(request), actor, address, site, request.app.state.settings.default_site)
    return {"items": items}


@router.get("/conversations/{conversation_id}")
async def get_conversation(conversation_id: str, request: Request, actor: CurrentActor) -> dict[str, Any]:
    return await queries.conversation(inbox(request), actor, parse_id(conversation_id))


@router.get("/contacts/{contact_id}")
async def get_contact(contact_id: str, request: Request, actor: CurrentActor) -> dict[str, Any]:
    return await queries.conversation_of_contact(inbox(request), actor, parse_id(contact_id))
