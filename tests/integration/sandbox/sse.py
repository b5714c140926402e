"""A small Server-Sent Events reader for tests (httpx stream → events, comments kept)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass
class SseEvent:
    event: str | None
    id: str | None
    data: str
    comment: str | None = None

    def json(self) -> Any:
        return json.loads(self.data)


async def sse_events(response: httpx.Response) -> AsyncIterator[SseEvent]:
    """Events as they arrive; a heartbeat comment comes as an event with `comment` set."""
    event: str | None = None
    event_id: str | None = None
    data: list[str] = []
    async for line in response.aiter_lines():
        if line == "":
            if data or event is not None:
                yield SseEvent(event, event_id, "\n".join(data))
            event, event_id, data = None, None, []
        elif line.startswith(":"):
            yield SseEvent(None, None, "", comment=line[1:].strip())
        else:
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "event":
                event = value
            elif name == "id":
                event_id = value
            elif name == "data":
                data.append(value)


async def next_event(
    events: AsyncIterator[SseEvent],
    *,
    kind: str | None = None,
    timeout: float = 10.0,
    skip_comments: bool = True,
) -> SseEvent:
    """The next event (of `kind`, if given), or AssertionError after `timeout` seconds."""

    async def find() -> SseEvent:
        async for event in events:
            if event.comment is not None and skip_comments:
                continue
            if kind is None or event.event == kind:
                return event
        raise AssertionError("the stream ended")

    try:
        return await asyncio.wait_for(find(), timeout)
    except TimeoutError:
        raise AssertionError(f"no {kind or 'event'} within {timeout}s") from None
