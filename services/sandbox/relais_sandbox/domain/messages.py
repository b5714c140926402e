"""The outbound message as the sandbox provider keeps it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from .segments import Encoding

API_VERSION = "2010-04-01"
MessageStatus = Literal[
    "accepted", "queued", "sending", "sent", "delivered", "undelivered", "failed"
]
FINAL_STATUSES: frozenset[str] = frozenset({"delivered", "undelivered", "failed"})
# Statuses from which the provider counts the message as handed to the carrier.
_SENT_OR_LATER: frozenset[str] = frozenset({"sent", "delivered", "undelivered", "failed"})
SenderKind = Literal["two_way", "one_way"]
CallbackOutcome = Literal["ok", "rejected", "gave_up"]
MAX_CALLBACK_RECORDS = 20


def new_message_sid() -> str:
    """`SM` followed by 32 lower-case hex digits, like Twilio's message SIDs."""
    return "SM" + secrets.token_hex(16)


@dataclass
class CallbackRecord:
    """What became of one status callback (after retries)."""

    status: str
    outcome: CallbackOutcome
    attempts: int
    http_status: int | None
    at: datetime
    duplicate: bool = False


@dataclass
class Message:
    sid: str
    account_sid: str
    to: str
    from_: str | None
    body: str
    status: MessageStatus
    sender_kind: SenderKind
    messaging_service_sid: str | None
    status_callback: str | None
    num_segments: int
    encoding: Encoding
    date_created: datetime
    date_updated: datetime
    date_sent: datetime | None = None
    error_code: int | None = None
    error_message: str | None = None
    callbacks: list[CallbackRecord] = field(default_factory=list)

    def advance(
        self,
        status: MessageStatus,
        at: datetime,
        error_code: int | None = None,
        error_message: str | None = None,
    ) -> None:
        """Move to `status`; the send date is the first moment it left the queue."""
        self.status = status
        self.date_updated = at
        if status in _SENT_OR_LATER and self.date_sent is None:
            self.date_sent = at
        if error_code is not None:
            self.error_code = error_code
            self.error_message = error_message

    def record_callback(self, record: CallbackRecord) -> None:
        self.callbacks.append(record)
        del self.callbacks[:-MAX_CALLBACK_RECORDS]

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _dt(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _required_dt(value: Any) -> datetime:
    if not value:
        raise ValueError("message record without its creation/update date")
    return datetime.fromisoformat(value)


def to_record(message: Message) -> dict[str, Any]:
    """A JSON-ready record of the message (for the journal and the inspection API)."""
    return {
        "sid": message.sid,
        "account_sid": message.account_sid,
        "to": message.to,
        "from": message.from_,
        "body": message.body,
        "status": message.status,
        "sender_kind": message.sender_kind,
        "messaging_service_sid": message.messaging_service_sid,
        "status_callback": message.status_callback,
        "num_segments": message.num_segments,
        "encoding": message.encoding,
        "date_created": _iso(message.date_created),
        "date_updated": _iso(message.date_updated),
        "date_sent": _iso(message.date_sent),
        "error_code": message.error_code,
        "error_message": message.error_message,
        "callbacks": [
            {
                "status": c.status,
                "outcome": c.outcome,
                "attempts": c.attempts,
                "http_status": c.http_status,
                "at": _iso(c.at),
                "duplicate": c.duplicate,
            }
            for c in message.callbacks
        ],
    }


def from_record(record: dict[str, Any]) -> Message:
    """The inverse of `to_record`."""
    created = _required_dt(record["date_created"])
    updated = _required_dt(record["date_updated"])
    return Message(
        sid=record["sid"],
        account_sid=record["account_sid"],
        to=record["to"],
        from_=record["from"],
        body=record["body"],
        status=record["status"],
        sender_kind=record["sender_kind"],
        messaging_service_sid=record["messaging_service_sid"],
        status_callback=record["status_callback"],
        num_segments=record["num_segments"],
        encoding=record["encoding"],
        date_created=created,
        date_updated=updated,
        date_sent=_dt(record["date_sent"]),
        error_code=record["error_code"],
        error_message=record["error_message"],
        callbacks=[
            CallbackRecord(
                status=c["status"],
                outcome=c["outcome"],
                attempts=c["attempts"],
                http_status=c["http_status"],
                at=_dt(c["at"]) or created,
                duplicate=c.get("duplicate", False),
            )
            for c in record.get("callbacks", [])
        ],
    )
