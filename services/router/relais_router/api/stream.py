"""`GET /v1/stream`: the inbox's Server-Sent Events, one stream per browser (its tabs share
it), fed by the hub (`adapters/feed.py`) with what the caller may see. Resumes after
`Last-Event-ID`; a comment every 15 s keeps proxies and the browser from timing it out."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Annotated

import orjson
from fastapi import APIRouter, Header, Request
from fastapi.responses import StreamingResponse

from ..adapters.feed import FeedEvent, InboxHub
from .deps import CurrentActor

router = APIRouter(prefix="/v1")
HEARTBEAT_S = 15.0


def _frame(event: FeedEvent) -> bytes:
    head = f"id: {event.id}\n" if event.id is not None else ""
    return f"{head}event: {event.kind}\ndata: ".encode() + orjson.dumps(event.data) + b"\n\n"


@router.get("/stream", response_class=StreamingResponse)
async def stream(
    request: Request, actor: CurrentActor,
    last_event_id: Annotated[str | None, Header(max_length=20)] = None,
) -> StreamingResponse:
    hub: InboxHub = request.app.state.hub
    await hub.start()
    sub = hub.subscribe(actor.principal)
    after = int(last_event_id) if last_event_id and last_event_id.isdigit() else None

    async def frames() -> AsyncIterator[bytes]:
        try:
            yield b"retry: 2000\n: connected\n\n"
            sent = after if after is not None else hub.cursor
            if after is not None:
                async for event in hub.backlog(actor.principal, after):
                    sent = event.id or sent
                    yield _frame(event)
            while True:
                try:
                    event = await asyncio.wait_for(sub.queue.get(), HEARTBEAT_S)
                except TimeoutError:
                    if await request.is_disconnected():
                        return
                    yield b": ping\n\n"
                    continue
                if event is None:  # dropped: too slow; the browser reconnects and resumes
                    return
                if event.id is not None:
                    if event.id <= sent:
                        continue  # already sent from the backlog
                    sent = event.id
                yield _frame(event)
        finally:
            hub.unsubscribe(sub)

    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(frames(), media_type="text/event-stream", headers=headers)


async def close_hub(hub: InboxHub) -> None:
    with contextlib.suppress(Exception):
        await hub.stop()
