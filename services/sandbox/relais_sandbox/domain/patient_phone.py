"""The patient phone's domain: what a patient sent the clinic, and the thread with the clinic.

Pure: the patient's numbers, the webhooks each contact made and how intake answered them,
and the thread views (the patient's messages and calls, the clinic's outbound messages).
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from .messages import Message
from .validation import MAX_BODY_CHARS, normalize_phone

WebhookStep = Literal["sms", "incoming_call", "dial"]
WebhookOutcome = Literal["pending", "accepted", "refused", "unreachable", "skipped"]
EntryKind = Literal["sms", "call"]
PROBLEM_MEDIA_TYPE = "application/problem+json"
_PROBLEM_FIELDS = ("type", "title", "status", "detail")
_MAX_PROBLEM_TEXT = 500
DEFAULT_THREAD_LIMIT = 200


class PhoneInputError(ValueError):
    """A value typed on the patient phone that cannot be sent (field named for the form)."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


def parse_patient_number(raw: str | None, field_name: str = "from") -> str:
    """The patient's number in E.164 (`+33612345678`); spaces, dots, dashes tolerated."""
    text = (raw or "").strip()
    if not text:
        raise PhoneInputError(field_name, "a phone number is required")
    number = normalize_phone(text)
    if number is None:
        raise PhoneInputError(
            field_name, "not an international (E.164) number: + then 7 to 15 digits"
        )
    return number


def parse_clinic_number(raw: str | None, clinic_numbers: Iterable[str]) -> str:
    """One of the account's two-way numbers (an alphanumeric sender cannot receive SMS)."""
    numbers = list(clinic_numbers)
    number = normalize_phone((raw or "").strip())
    if number is None or number not in numbers:
        raise PhoneInputError(
            "to", "not one of the clinic's two-way numbers: " + ", ".join(numbers)
        )
    return number


def parse_sms_body(raw: str | None) -> str:
    """The SMS text: not blank, at most 1600 characters (Twilio's concatenation limit)."""
    body = raw or ""
    if not body.strip():
        raise PhoneInputError("body", "the message is empty")
    if len(body) > MAX_BODY_CHARS:
        raise PhoneInputError("body", f"the message is over {MAX_BODY_CHARS} characters")
    return body


@dataclass
class WebhookAttempt:
    """One webhook the sandbox posted to intake for a patient contact, and intake's answer."""

    step: WebhookStep
    url: str
    outcome: WebhookOutcome = "pending"
    http_status: int | None = None
    problem: dict[str, Any] | None = None
    error: str | None = None
    duration_ms: float | None = None

    def answered(self, status: int, content_type: str, text: str, duration_ms: float) -> None:
        """Record intake's HTTP answer: 2xx accepted, anything else refused."""
        self.http_status = status
        self.outcome = "accepted" if 200 <= status < 300 else "refused"
        self.problem = None if self.outcome == "accepted" else problem_of(content_type, text)
        self.duration_ms = round(duration_ms, 1)

    def unreachable(self, error: str, duration_ms: float) -> None:
        self.outcome = "unreachable"
        self.error = error
        self.duration_ms = round(duration_ms, 1)

    def skip(self, reason: str) -> None:
        self.outcome = "skipped"
        self.error = reason


def problem_of(content_type: str, text: str) -> dict[str, Any] | None:
    """The RFC 9457 fields of a problem+json answer (type, title, status, detail), else a
    short excerpt of whatever came back."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == PROBLEM_MEDIA_TYPE or media_type == "application/json":
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            kept = {k: parsed[k] for k in _PROBLEM_FIELDS if k in parsed}
            if kept:
                return {
                    k: v[:_MAX_PROBLEM_TEXT] if isinstance(v, str) else v for k, v in kept.items()
                }
    excerpt = text.strip()[:_MAX_PROBLEM_TEXT]
    return {"excerpt": excerpt} if excerpt else None


@dataclass
class PatientEntry:
    """Something the patient did on their phone: an SMS to the clinic, or a call."""

    sid: str
    kind: EntryKind
    patient: str
    clinic: str
    created: datetime
    body: str | None = None
    webhooks: list[WebhookAttempt] = field(default_factory=list)

    @property
    def outcome(self) -> WebhookOutcome:
        """What intake made of the contact: the first webhook not accepted, else accepted."""
        for attempt in self.webhooks:
            if attempt.outcome != "accepted":
                return attempt.outcome
        return "accepted" if self.webhooks else "pending"


class PatientLog:
    """The patients' contacts in creation order, at most `capacity` (oldest forgotten)."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._by_sid: OrderedDict[str, PatientEntry] = OrderedDict()

    def __len__(self) -> int:
        return len(self._by_sid)

    def add(self, entry: PatientEntry) -> None:
        self._by_sid[entry.sid] = entry
        while len(self._by_sid) > self.capacity:
            self._by_sid.popitem(last=False)

    def get(self, sid: str) -> PatientEntry | None:
        return self._by_sid.get(sid)

    def for_number(self, number: str) -> list[PatientEntry]:
        return [e for e in self._by_sid.values() if e.patient == number]

    def recent_numbers(self, limit: int = 10) -> list[str]:
        """Distinct patient numbers, most recently used first."""
        seen: dict[str, None] = {}
        for entry in reversed(self._by_sid.values()):
            seen.setdefault(entry.patient, None)
            if len(seen) >= limit:
                break
        return list(seen)

    def clear(self) -> None:
        self._by_sid.clear()


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def attempt_view(attempt: WebhookAttempt) -> dict[str, Any]:
    return {
        "step": attempt.step,
        "url": attempt.url,
        "outcome": attempt.outcome,
        "http_status": attempt.http_status,
        "problem": attempt.problem,
        "error": attempt.error,
        "duration_ms": attempt.duration_ms,
    }


def entry_view(entry: PatientEntry) -> dict[str, Any]:
    """A patient contact in the thread (direction `inbound`: patient → clinic)."""
    return {
        "sid": entry.sid,
        "direction": "inbound",
        "kind": entry.kind,
        "patient": entry.patient,
        "clinic": entry.clinic,
        "from": entry.patient,
        "to": entry.clinic,
        "body": entry.body,
        "date_created": _iso(entry.created),
        "status": entry.outcome,
        "webhooks": [attempt_view(a) for a in entry.webhooks],
    }


def outbound_view(message: Message) -> dict[str, Any]:
    """A clinic message to the patient in the thread (direction `outbound`)."""
    return {
        "sid": message.sid,
        "direction": "outbound",
        "kind": "sms",
        "patient": message.to,
        "clinic": message.from_,
        "from": message.from_,
        "to": message.to,
        "body": message.body,
        "date_created": _iso(message.date_created),
        "date_updated": _iso(message.date_updated),
        "status": message.status,
        "sender_kind": message.sender_kind,
        "error_code": message.error_code,
        "error_message": message.error_message,
    }


def thread_view(
    inbound: Iterable[PatientEntry],
    outbound: Iterable[Message],
    limit: int = DEFAULT_THREAD_LIMIT,
) -> list[dict[str, Any]]:
    """Both directions merged oldest first (creation time; ties keep inbound first), the
    latest `limit` entries."""
    keyed: list[tuple[datetime, int, int, dict[str, Any]]] = []
    for order, entry in enumerate(inbound):
        keyed.append((entry.created, 0, order, entry_view(entry)))
    for order, message in enumerate(outbound):
        keyed.append((message.date_created, 1, order, outbound_view(message)))
    keyed.sort(key=lambda item: item[:3])
    return [view for *_, view in keyed[-limit:]] if limit > 0 else []
