"""Inbox endpoints: queues, the agent's commands on a conversation, canned replies, search,
presence, the audit log. Thin: parse, build the command or query, shape the answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from .. import commands, queries
from ..domain import inbox as cmd
from ..domain.inbox import MAX_NOTE_CHARS, MAX_REPLY_CHARS, QUEUE_FILTERS
from .deps import CurrentActor, inbox, parse_id

router = APIRouter(prefix="/v1")
ClientKey = Annotated[str | None, Field(default=None, min_length=1, max_length=100)]
Version = Annotated[int | None, Field(default=None, ge=1, le=2**31 - 1)]


class CommandIn(BaseModel):
    """Every command may carry the version the agent saw and a client key."""

    version: Version = None
    client_key: ClientKey = None


class ReplyIn(CommandIn):
    body: str = Field(min_length=1, max_length=MAX_REPLY_CHARS * 2)
    channel: Literal["sms", "email", "chat"] | None = None


class NoteIn(CommandIn):
    body: str = Field(min_length=1, max_length=MAX_NOTE_CHARS * 2)


class AssignIn(CommandIn):
    username: str = Field(min_length=1, max_length=64)


class SnoozeIn(CommandIn):
    until: datetime | None = None
    waiting_on_patient: bool = False


class TagsIn(CommandIn):
    tags: list[Annotated[str, Field(max_length=60)]] = Field(default_factory=list, max_length=20)
    reason: str | None = Field(default=None, max_length=40)


class PresenceIn(BaseModel):
    typing: bool = False


class AgentPresenceIn(BaseModel):
    status: Literal["available", "away"]


async def _run(request: Request, actor: commands.Actor, command: cmd.Command) -> JSONResponse:
    answer = await commands.execute(inbox(request), actor, command)
    return JSONResponse(answer.body, status_code=answer.status)


def _common(conversation_id: str, body: CommandIn | None) -> dict[str, Any]:
    return {"conversation_id": parse_id(conversation_id),
            "version": body.version if body else None,
            "client_key": body.client_key if body else None}


@router.post("/conversations/{conversation_id}/claim")
async def claim(conversation_id: str, request: Request, actor: CurrentActor,
                body: CommandIn | None = None) -> JSONResponse:
    """Take the conversation; 409 `already-claimed` when another agent holds it."""
    return await _run(request, actor, cmd.Claim(**_common(conversation_id, body)))


@router.post("/conversations/{conversation_id}/release")
async def release(conversation_id: str, request: Request, actor: CurrentActor,
                  body: CommandIn | None = None) -> JSONResponse:
    return await _run(request, actor, cmd.Release(**_common(conversation_id, body)))


@router.post("/conversations/{conversation_id}/assign")
async def assign(conversation_id: str, body: AssignIn, request: Request,
                 actor: CurrentActor) -> JSONResponse:
    """A lead gives it to an agent of the team who is available and has room."""
    return await _run(request, actor, cmd.Assign(**_common(conversation_id, body),
                                                  username=body.username))


@router.post("/conversations/{conversation_id}/replies", status_code=202)
async def reply(conversation_id: str, body: ReplyIn, request: Request,
                actor: CurrentActor) -> JSONResponse:
    """The agent's answer on the patient's channel; its delivery state shows in `messages`."""
    return await _run(request, actor, cmd.Reply(**_common(conversation_id, body),
                                                 body=body.body, channel=body.channel))


@router.post("/conversations/{conversation_id}/notes", status_code=201)
async def note(conversation_id: str, body: NoteIn, request: Request,
               actor: CurrentActor) -> JSONResponse:
    """An internal note: never sent to the patient."""
    return await _run(request, actor, cmd.AddNote(**_common(conversation_id, body),
                                                   body=body.body))


@router.post("/conversations/{conversation_id}/resolve")
async def resolve(conversation_id: str, request: Request, actor: CurrentActor,
                  body: CommandIn | None = None) -> JSONResponse:
    return await _run(request, actor, cmd.Resolve(**_common(conversation_id, body)))


@router.post("/conversations/{conversation_id}/reopen")
async def reopen(conversation_id: str, request: Request, actor: CurrentActor,
                 body: CommandIn | None = None) -> JSONResponse:
    return await _run(request, actor, cmd.Reopen(**_common(conversation_id, body)))


@router.post("/conversations/{conversation_id}/snooze")
async def snooze(conversation_id: str, body: SnoozeIn, request: Request,
                 actor: CurrentActor) -> JSONResponse:
    """Snooze until a time or wait on the patient: the SLA clock pauses."""
    return await _run(request, actor, cmd.Snooze(
        **_common(conversation_id, body), until=body.until,
        waiting_on_patient=body.waiting_on_patient))


@router.post("/conversations/{conversation_id}/wake")
async def wake(conversation_id: str, request: Request, actor: CurrentActor,
               body: CommandIn | None = None) -> JSONResponse:
    return await _run(request, actor, cmd.Wake(**_common(conversation_id, body)))


@router.put("/conversations/{conversation_id}/tags")
async def tags(conversation_id: str, body: TagsIn, request: Request,
               actor: CurrentActor) -> JSONResponse:
    return await _run(request, actor, cmd.SetTags(**_common(conversation_id, body),
                                                   tags=tuple(body.tags), reason=body.reason))


@router.post("/conversations/{conversation_id}/presence")
async def viewing(conversation_id: str, body: PresenceIn, request: Request,
                  actor: CurrentActor) -> dict[str, Any]:
    """A viewer's heartbeat (every 10 s, and when typing starts or stops): who else is here."""
    viewers = await queries.viewers(inbox(request), actor, parse_id(conversation_id), body.typing)
    return {"viewers": viewers}


@router.get("/queues")
async def list_queues(request: Request, actor: CurrentActor) -> dict[str, Any]:
    return {"queues": await queries.queues(inbox(request), actor)}


@router.get("/queues/{site}/{team}")
async def queue(
    site: str, team: str, request: Request, actor: CurrentActor,
    filter: Annotated[list[Literal[QUEUE_FILTERS]] | None, Query()] = None,  # type: ignore[valid-type]
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> dict[str, Any]:
    """The team's open conversations, urgent first, then by priority and due time."""
    return await queries.queue(inbox(request), actor, site, team, list(filter or []),
                               limit, offset)


@router.post("/queues/{site}/{team}/next")
async def take_next(site: str, team: str, request: Request, actor: CurrentActor) -> JSONResponse:
    """Give me the next conversation of this queue (only while available and with room)."""
    answer = await commands.take_next(inbox(request), actor, site, team)
    return JSONResponse(answer.body, status_code=answer.status)


@router.get("/overview")
async def overview(request: Request, actor: CurrentActor) -> dict[str, Any]:
    return await queries.overview(inbox(request), actor)


@router.get("/search")
async def search(request: Request, actor: CurrentActor,
                 q: Annotated[str, Query(min_length=2, max_length=200)]) -> dict[str, Any]:
    items = await queries.search(inbox(request), actor, q, request.app.state.settings.default_site)
    return {"items": items}


@router.get("/canned-replies")
async def canned_replies(
    request: Request, actor: CurrentActor,
    site: Annotated[str, Query(max_length=100)], team: Annotated[str, Query(max_length=100)],
    conversation: Annotated[str | None, Query(max_length=40)] = None,
) -> dict[str, Any]:
    items = await queries.canned_replies(
        inbox(request), actor, site, team, parse_id(conversation) if conversation else None)
    return {"items": items}


@router.get("/contact-reasons")
async def contact_reasons(_: CurrentActor) -> dict[str, Any]:
    """Why patients write (what a conversation's `reason` may be), labelled FR/EN."""
    return {"items": [{"id": key, "fr": fr, "en": en}
                      for key, (fr, en) in cmd.CONTACT_REASONS.items()]}


@router.post("/me/presence")
async def my_presence(body: AgentPresenceIn, request: Request, actor: CurrentActor) -> dict[str, Any]:
    """Available or away: an away agent is assigned nothing new."""
    return await queries.set_presence(inbox(request), actor, body.status)


@router.get("/audit")
async def audit(
    request: Request, actor: CurrentActor,
    conversation: Annotated[str | None, Query(max_length=40)] = None,
    user: Annotated[str | None, Query(max_length=64)] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """Leads and admins: who read or changed what, when and from where."""
    items = await queries.audit_log(
        inbox(request), actor, conversation_id=parse_id(conversation) if conversation else None,
        user=user, action=action, limit=limit)
    return {"items": items}

