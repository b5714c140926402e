"""The patient phone: the page (`/phone`) and its API under `/_sandbox/phone/…`.

`POST …/sms` and `POST …/missed-call` act as the patient; `GET …/thread` and the SSE stream
`GET …/stream?number=` (Last-Event-ID, heartbeats) show the conversation with the clinic.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from relais_shared.http import Problem

from .. import metrics
from ..domain.patient_phone import (
    PhoneInputError,
    attempt_view,
    entry_view,
    parse_patient_number,
)
from ..domain.phone_events import HEARTBEAT_FRAME, format_sse, parse_last_event_id
from ..phone import PatientPhone, event_json
from .security import require_same_origin

router = APIRouter(prefix="/_sandbox/phone", tags=["patient phone"])
SSE_RETRY_MS = 2000
# Examples offered on the page; any other valid number can be typed.
SAMPLE_NUMBERS = ("+33612345678", "+33798765432", "+447700900123", "+262692123456")


def _phone(request: Request) -> PatientPhone:
    phone: PatientPhone = request.app.state.phone
    return phone


def _invalid(exc: PhoneInputError) -> Problem:
    return Problem(422, "invalid-phone-input", "This cannot be sent", exc.message, field=exc.field)


class SmsRequest(BaseModel):
    from_: str = Field(alias="from", max_length=64, description="the patient's number, E.164")
    to: str = Field(max_length=64, description="the clinic's two-way number")
    body: str = Field(max_length=4000)


class CallRequest(BaseModel):
    from_: str = Field(alias="from", max_length=64)
    to: str = Field(max_length=64)


@router.get("/config")
async def config(request: Request) -> dict[str, Any]:
    """What the page offers: the clinic's numbers, example and recent patient numbers."""
    phone = _phone(request)
    return {
        "clinic_numbers": list(phone.config.clinic_numbers),
        "default_clinic": phone.config.clinic_numbers[0],
        "intake_url": phone.config.public_url,
        "sample_numbers": list(SAMPLE_NUMBERS),
        "recent_numbers": phone.recent_numbers(),
    }


@router.post("/sms", status_code=201, dependencies=[Depends(require_same_origin)])
async def send_sms(body: SmsRequest, request: Request) -> dict[str, Any]:
    """Text the clinic as the patient; the answer says what intake replied."""
    try:
        entry = await _phone(request).send_sms(body.from_, body.to, body.body)
    except PhoneInputError as exc:
        raise _invalid(exc) from None
    return {"entry": entry_view(entry), "intake": attempt_view(entry.webhooks[0])}


@router.post("/missed-call", status_code=201, dependencies=[Depends(require_same_origin)])
async def missed_call(body: CallRequest, request: Request) -> dict[str, Any]:
    """Call the clinic and hang up unanswered (incoming call, then Dial no-answer)."""
    try:
        entry = await _phone(request).missed_call(body.from_, body.to)
    except PhoneInputError as exc:
        raise _invalid(exc) from None
    return {"entry": entry_view(entry), "intake": [attempt_view(a) for a in entry.webhooks]}


@router.get("/thread")
async def thread(request: Request, number: str = Query(max_length=64)) -> dict[str, Any]:
    """The conversation with one patient number, oldest first."""
    try:
        return _phone(request).thread(number)
    except PhoneInputError as exc:
        raise _invalid(exc) from None


async def _event_stream(
    phone: PatientPhone, number: str, last_id: int | None, heartbeat: float, request: Request
) -> AsyncIterator[str]:
    metrics.PHONE_STREAMS.inc()
    phone.streams_open += 1
    try:
        yield f"retry: {SSE_RETRY_MS}\n\n"
        cursor = last_id
        while not phone.closed:
            head = phone.events.head
            replay = None if cursor is None else phone.events.since(number, cursor)
            if replay is None:
                snapshot = phone.thread(number)
                yield format_sse(event_json(snapshot), event="snapshot", event_id=head)
            else:
                for event in replay:
                    yield format_sse(event_json(event.data), event=event.kind, event_id=event.id)
            cursor = head
            if await request.is_disconnected():
                break
            if not await phone.wait_for_event(cursor, heartbeat):
                yield HEARTBEAT_FRAME
    finally:
        phone.streams_open -= 1
        metrics.PHONE_STREAMS.dec()


@router.get("/stream")
async def stream(
    request: Request,
    number: str = Query(max_length=64),
    last_event_id_query: str | None = Query(default=None, alias="last_event_id"),
    last_event_id: str | None = Header(default=None),
) -> StreamingResponse:
    """Server-Sent Events for one number: a `snapshot` first (or the events missed since
    Last-Event-ID), then `entry` events (a message created or its status changed) and `reset`;
    a comment line as heartbeat."""
    phone = _phone(request)
    try:
        thread_number = parse_patient_number(number, "number")
    except PhoneInputError as exc:
        raise _invalid(exc) from None
    resume = parse_last_event_id(last_event_id or last_event_id_query)
    heartbeat: float = request.app.state.sse_heartbeat_s
    return StreamingResponse(
        _event_stream(phone, thread_number, resume, heartbeat, request),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
