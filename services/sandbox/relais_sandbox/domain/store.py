"""The provider's message history: in memory, bounded, oldest evicted first."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator

from .filters import MessageFilter
from .messages import Message

DEFAULT_MAX_MESSAGES = 50_000


class MessageStore:
    """Messages by SID in creation order; keeps at most `max_messages`."""

    def __init__(self, max_messages: int = DEFAULT_MAX_MESSAGES) -> None:
        if max_messages < 1:
            raise ValueError("max_messages must be at least 1")
        self.max_messages = max_messages
        self._by_sid: OrderedDict[str, Message] = OrderedDict()

    def __len__(self) -> int:
        return len(self._by_sid)

    def add(self, message: Message) -> list[Message]:
        """Keep `message`; return the messages evicted to stay within the bound."""
        self._by_sid[message.sid] = message
        self._by_sid.move_to_end(message.sid)
        evicted = []
        while len(self._by_sid) > self.max_messages:
            evicted.append(self._by_sid.popitem(last=False)[1])
        return evicted

    def load(self, messages: Iterable[Message]) -> None:
        """Restore a history (oldest first), replacing what is kept."""
        self._by_sid.clear()
        for message in messages:
            self.add(message)

    def get(self, sid: str) -> Message | None:
        return self._by_sid.get(sid)

    def clear(self) -> None:
        self._by_sid.clear()

    def oldest_first(self, where: MessageFilter | None = None) -> list[Message]:
        return [m for m in self._by_sid.values() if where is None or where.matches(m)]

    def newest_first(self, where: MessageFilter | None = None) -> Iterator[Message]:
        for message in reversed(self._by_sid.values()):
            if where is None or where.matches(message):
                yield message

    def page(
        self,
        where: MessageFilter,
        size: int,
        *,
        after_sid: str | None = None,
        offset: int = 0,
    ) -> tuple[list[Message], bool]:
        """Up to `size` matching messages, newest first, after `after_sid` (a page token) or
        after skipping `offset`; and whether more follow."""
        matching = self.newest_first(where)
        if after_sid is not None:
            for message in matching:
                if message.sid == after_sid:
                    break
            else:
                return [], False
        else:
            for _ in zip(range(offset), matching, strict=False):
                pass
        taken = [m for _, m in zip(range(size + 1), matching, strict=False)]
        return taken[:size], len(taken) > size
