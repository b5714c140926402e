"""Following a bigserial sequence whose rows commit out of id order (the outbox relay, the
inbox's live feed): which ids were read, which are missing below the newest, and up to
where everything is settled."""

from __future__ import annotations

from collections.abc import Sequence


class Progress:
    """How far a reader is: the newest id read, and the ids missing below it.

    Ids are taken at insert time and transactions commit in another order: a missing id
    may belong to a transaction still running (read again on every wake, its rows are read
    as soon as it commits) or to one rolled back (forgotten after `ttl`)."""

    MAX_RUN = 2_000  # a longer run of missing ids (a large rollback) is not tracked

    def __init__(self, ttl: float, newest: int = 0) -> None:
        self.newest = newest  # at start: the newest committed id
        self._ttl = ttl
        self._missing: dict[int, float] = {}  # id -> when first missed

    def missing(self, now: float) -> list[int]:
        """The missing ids still worth reading again."""
        for i in [i for i, since in self._missing.items() if now - since > self._ttl]:
            del self._missing[i]
        return list(self._missing)

    def read(self, ids: Sequence[int], now: float) -> None:
        """`ids` (ascending) were read."""
        expected = self.newest + 1
        for found in ids:
            self._missing.pop(found, None)
            if found > expected and found - expected <= self.MAX_RUN:
                for missing in range(expected, found):
                    self._missing.setdefault(missing, now)
            expected = max(expected, found + 1)
        self.newest = max(self.newest, expected - 1)

    def settled(self) -> int:
        """The newest id with nothing missing at or below it: a reader that resumes after
        it misses nothing (short of a transaction running longer than `ttl`)."""
        return min(self._missing, default=self.newest + 1) - 1
