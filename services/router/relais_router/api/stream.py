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
    head = f"id: {event.resume_id}\n" if event.resume_id is not None else ""
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
            from_backlog: set[int] = set()
            if after is not None:
                async for event in hub.backlog(actor.principal, after):
                    from_backlog.add(event.id or 0)
                    yield _frame(event)
            while True:
                try:
                    event = await asyncio.wait_for(sub.queue.get(), HEARTBEAT_S)
                except TimeoutError:
                    if await request.is_disconnected():
                        return
                    # Nothing waiting: everything up to the hub's watermark that this
                    # stream may see was sent, so a resume may start there (an id with
                    # no data moves the browser's Last-Event-ID and fires no event).
                    yield f"id: {max(hub.watermark, after or 0)}\n: ping\n\n".encode()
                    continue
                if event is None:  # dropped: too slow; the browser reconnects and resumes
                    return
                if event.id is not None and (
                        event.id in from_backlog or (after is not None and event.id <= after)):
                    from_backlog.discard(event.id)
                    continue  # already sent (the backlog) or before the resume point
                yield _frame(event)
        finally:
            hub.unsubscribe(sub)

    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(frames(), media_type="text/event-stream", headers=headers)


async def close_hub(hub: InboxHub) -> None:
    with contextlib.suppress(Exception):
        await hub.stop()
