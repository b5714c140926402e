"""Optional JSON-lines journal of the message history, so a restart keeps it.

Each line is a full message record; the last line of a SID wins. The file is rewritten
(compacted) when it holds far more lines than messages kept.
"""

from __future__ import annotations

import json
import os
from collections import OrderedDict
from pathlib import Path

from ..domain.messages import Message, from_record, to_record


class MessageJournal:
    def __init__(self, path: Path, max_messages: int) -> None:
        self.path = path
        self.max_messages = max_messages
        self._lines = 0

    def load(self) -> list[Message]:
        """The journaled messages, oldest first, at most `max_messages` (unreadable lines skipped)."""
        latest: OrderedDict[str, Message] = OrderedDict()
        self._lines = 0
        if not self.path.exists():
            return []
        with self.path.open(encoding="utf-8") as handle:
            for line in handle:
                self._lines += 1
                try:
                    message = from_record(json.loads(line))
                except (ValueError, KeyError, TypeError):  # a torn last line after a crash
                    continue
                latest[message.sid] = message
        return list(latest.values())[-self.max_messages :]

    def append(self, message: Message) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(to_record(message), ensure_ascii=False) + "\n")
        self._lines += 1

    def needs_compaction(self) -> bool:
        return self._lines > 2 * self.max_messages + 1000

    def rewrite(self, messages: list[Message]) -> None:
        """Replace the file with one line per kept message (atomically)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(self.path.suffix + ".tmp")
        with tmp.open("w", encoding="utf-8") as handle:
            for message in messages:
                handle.write(json.dumps(to_record(message), ensure_ascii=False) + "\n")
        os.replace(tmp, self.path)
        self._lines = len(messages)

    def clear(self) -> None:
        self.rewrite([])
