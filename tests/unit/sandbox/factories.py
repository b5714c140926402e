"""Builders shared by the sandbox unit tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from relais_sandbox.domain.messages import Message, new_message_sid
from relais_sandbox.domain.senders import SenderConfig

ACCOUNT = "AC" + "0" * 32
SENDERS = SenderConfig(
    two_way_numbers=("+33939000000", "+33937000001"),
    alphanumeric_id="CLINIQUE",
    messaging_service_sid="MG" + "1" * 32,
)
T0 = datetime(2024, 5, 1, 9, 30, 0, tzinfo=UTC)


def message(**overrides: Any) -> Message:
    fields: dict[str, Any] = {
        "sid": new_message_sid(),
        "account_sid": ACCOUNT,
        "to": "+33612345678",
        "from_": "+33939000000",
        "body": "Bonjour",
        "status": "queued",
        "sender_kind": "two_way",
        "messaging_service_sid": None,
        "status_callback": None,
        "num_segments": 1,
        "encoding": "GSM-7",
        "date_created": T0,
        "date_updated": T0,
    }
    fields.update(overrides)
    return Message(**fields)
