"""Delivery states only move forward: out-of-order and duplicate callbacks are normal."""

from __future__ import annotations

from typing import Final

from relais_shared.events import DeliveryState

# The progress of a message that is going well, in order.
PROGRESS: Final[dict[str, int]] = {"queued": 0, "sending": 1, "sent": 2, "delivered": 3, "read": 4}
# Once here, nothing changes any more.
FAILURES: Final = frozenset({"failed", "undelivered", "bounced", "suppressed", "expired"})
# A message the handset got cannot fail afterwards (only `read` may follow).
REACHED: Final = frozenset({"delivered", "read"})
# Every state a ledger row can be in (the table's CHECK constraint lists the same).
STATES: Final = frozenset(PROGRESS) | FAILURES

# Twilio opt-out refusal: the recipient replied STOP to this sender.
TWILIO_OPTED_OUT: Final = "21610"
# Twilio: the To number is not SMS-capable (landline).
TWILIO_NOT_SMS_CAPABLE: Final = "21614"

_PROVIDER_STATES: Final[dict[str, DeliveryState]] = {
    "accepted": "queued",
    "scheduled": "queued",
    "queued": "queued",
    "sending": "sending",
    "sent": "sent",
    "delivered": "delivered",
    "read": "read",
    "opened": "read",
    "failed": "failed",
    "canceled": "failed",
    "undelivered": "undelivered",
    "bounced": "bounced",
    "bounce": "bounced",
}


def advances(current: str, new: str) -> bool:
    """Whether moving from `current` to `new` is progress (never backwards, never twice)."""
    if new == current or current in FAILURES:
        return False
    if new in FAILURES:
        return current not in REACHED
    if new not in PROGRESS or current not in PROGRESS:
        return False
    return PROGRESS[new] > PROGRESS[current]


def states_advancing_to(new: str) -> frozenset[str]:
    """The states from which `new` is progress: the ledger moves a row only from one of
    them, in one conditional UPDATE (no read before the write)."""
    return frozenset(current for current in STATES if advances(current, new))


def state_from_provider(status: str, error_code: str | None = None) -> DeliveryState | None:
    """Our delivery state for a provider's raw status; None when it is not one we track."""
    state = _PROVIDER_STATES.get(status.strip().lower())
    if state in ("failed", "undelivered") and error_code == TWILIO_OPTED_OUT:
        return "suppressed"
    return state
