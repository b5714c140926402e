"""Per-key order for work done concurrently: a key's items go one at a time, in the
order they came; different keys never wait for each other.

The send pool keys notifications by conversation (by address when there is none), so
emergency guidance requested before an acknowledgement reaches the provider first.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Lanes(Generic[T]):
    """FIFO queues per key, plus the keys whose head item may start now (oldest first).

    A key is *ready* when its head waits for a worker, *busy* when its head was taken
    (running, or held back for a retry) — then the key's later items wait.
    """

    def __init__(self) -> None:
        self._queues: dict[str, deque[T]] = {}
        self._ready: deque[str] = deque()

    def push(self, key: str, item: T) -> None:
        """Queue `item` behind the key's earlier items."""
        queue = self._queues.get(key)
        if queue is None:
            self._queues[key] = deque([item])
            self._ready.append(key)
        else:
            queue.append(item)

    def take(self) -> tuple[str, T] | None:
        """The head of the longest-ready key (the key becomes busy), or None."""
        if not self._ready:
            return None
        key = self._ready.popleft()
        return key, self._queues[key][0]

    def finish(self, key: str) -> None:
        """The busy head of `key` is done: its next item (if any) becomes ready."""
        queue = self._queues[key]
        queue.popleft()
        if queue:
            self._ready.append(key)
        else:
            del self._queues[key]

    def again(self, key: str) -> None:
        """The busy head of `key` is to be taken again (after a retry delay)."""
        if key not in self._queues:
            raise KeyError(key)
        self._ready.append(key)

    def ready(self) -> int:
        """Keys whose head may start now."""
        return len(self._ready)

    def __len__(self) -> int:
        return sum(len(q) for q in self._queues.values())

    def __iter__(self) -> Iterator[T]:
        for queue in self._queues.values():
            yield from queue
