"""Provider status callbacks of a unit of work (one event's, or a partition batch's),
applied together just before it commits: one conditional UPDATE for all of them (one per
round when a notification has several), their delivery.status events with them, and the
suppression a 21610 tells of."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import asyncpg
from relais_shared import db
from relais_shared.errors import TRANSIENT_DB_ERRORS, InvalidMessage, Retryable
from relais_shared.logging import get_logger

from .adapters import suppressions
from .adapters.ledger import MoveRequest
from .metrics import CALLBACKS
from .state import apply_moves

log = get_logger(__name__)

ROUTINE_STATES = frozenset({"sending", "sent", "delivered", "read"})


@dataclass(frozen=True)
class Callback:
    move: MoveRequest
    received_at: datetime


@dataclass
class ProviderCallbacks(db.WriteBehind):
    callbacks: list[Callback] = field(default_factory=list)

    async def flush(self, conn: asyncpg.Connection) -> None:
        try:
            moves = await apply_moves(conn, [c.move for c in self.callbacks])
            for callback, move in zip(self.callbacks, moves, strict=True):
                nid = callback.move.notification_id
                if move is None:
                    CALLBACKS.labels("unknown_notification").inc()
                    log.warning("callback_unknown_notification", notification_id=nid)
                    continue
                state = callback.move.status
                if state == "suppressed":  # the opt-out is a fact even if the row moved on
                    await suppressions.record(
                        conn, move.row.site_id, move.row.address, suppressed=True,
                        reason="provider_opt_out", changed_at=callback.received_at,
                    )
                CALLBACKS.labels("advanced" if move.advanced else "stale").inc()
                # Two a message when all goes well: counted, logged at debug level.
                routine = move.advanced and state in ROUTINE_STATES
                (log.debug if routine else log.info)(
                    "callback_applied", notification_id=nid, state=state, advanced=move.advanced
                )
        except asyncpg.exceptions.UniqueViolationError:
            # Retrying cannot help: a provider message id is another notification's (a batch
            # is then redone one event at a time, so that only that callback is refused).
            raise InvalidMessage("provider message id belongs to another notification") from None
        except TRANSIENT_DB_ERRORS as exc:
            raise Retryable(type(exc).__name__) from exc
