"""The patient phone's live events: a bounded log with increasing ids, replayable per number.

The SSE stream sends a client the events after its Last-Event-ID for its number; when that id
cannot be resumed (too old for the log, or from before a restart) the client gets a fresh
snapshot instead. Pure: waking the streams is the service's job.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from typing import Any, Literal

PhoneEventKind = Literal["entry", "reset"]
_SSE_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class PhoneEvent:
    id: int
    number: str | None  # None: concerns every number (a reset)
    kind: PhoneEventKind
    data: dict[str, Any]


class PhoneEventLog:
    """The last `capacity` events; ids start at 1 and never repeat within a process."""

    def __init__(self, capacity: int = 10_000) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._events: deque[PhoneEvent] = deque(maxlen=capacity)
        self._head = 0

    @property
    def head(self) -> int:
        """The id of the latest event (0 before any)."""
        return self._head

    def append(self, number: str | None, kind: PhoneEventKind, data: dict[str, Any]) -> PhoneEvent:
        self._head += 1
        event = PhoneEvent(self._head, number, kind, data)
        self._events.append(event)
        return event

    def since(self, number: str, last_id: int) -> list[PhoneEvent] | None:
        """Events for `number` after `last_id`, or None when they cannot all be replayed."""
        if last_id > self._head or last_id < 0:
            return None  # an id from another run of the sandbox
        if last_id == self._head:
            return []
        oldest = self._events[0].id if self._events else self._head + 1
        if last_id + 1 < oldest:
            return None  # some events after last_id were already dropped
        return [
            e for e in self._events if e.id > last_id and (e.number is None or e.number == number)
        ]


def parse_last_event_id(raw: str | None) -> int | None:
    """The Last-Event-ID a client sent (header or query), or None when absent or unreadable."""
    if raw is None:
        return None
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        return None
    return int(text)


def format_sse(data: str, *, event: str | None = None, event_id: int | None = None) -> str:
    """One Server-Sent Events frame; every line of `data` gets its own `data:` field."""
    lines = []
    if event_id is not None:
        lines.append(f"id: {event_id}")
    if event is not None:
        lines.append(f"event: {event}")
    # SSE ends a line at CR, LF or CRLF only (not at the other Unicode line breaks).
    for line in _SSE_LINE_BREAK.split(data):
        lines.append(f"data: {line}")
    return "\n".join(lines) + "\n\n"


HEARTBEAT_FRAME = ": heartbeat\n\n"
