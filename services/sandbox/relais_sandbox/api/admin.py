"""`/_sandbox/…`: inspection and control of the sandbox, for tests and humans (dev only)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field
from relais_shared.http import Problem

from ..domain.faults import MAX_FAULT_SECONDS, Fault, FaultMode
from ..domain.filters import MessageFilter, parse_since
from ..domain.lifecycle import CallbackChaos
from ..domain.reserved import CREATE_REJECTIONS, DELIVERY_OUTCOMES
from ..domain.validation import normalize_phone
from ..service import SandboxService
from .representation import sandbox_message

router = APIRouter(prefix="/_sandbox", tags=["sandbox"])


def _service(request: Request) -> SandboxService:
    service: SandboxService = request.app.state.sandbox
    return service


class FaultRequest(BaseModel):
    mode: FaultMode
    count: int = Field(default=1, ge=1, le=100_000)
    seconds: float = Field(default=20.0, ge=0, le=MAX_FAULT_SECONDS)
    to: str | None = Field(default=None, description="only create requests to this number")


class ChaosRequest(BaseModel):
    duplicate_rate: float = Field(ge=0.0, le=1.0)
    reorder_rate: float = Field(ge=0.0, le=1.0)


def _fault_view(fault: Fault) -> dict[str, Any]:
    return {
        "mode": fault.mode,
        "remaining": fault.remaining,
        "seconds": fault.seconds,
        "to": fault.to,
    }


def _chaos_view(chaos: CallbackChaos) -> dict[str, float]:
    return {"duplicate_rate": chaos.duplicate_rate, "reorder_rate": chaos.reorder_rate}


@router.get("/messages")
async def list_sent(
    request: Request,
    to: str | None = None,
    from_: str | None = Query(default=None, alias="from"),
    status: str | None = None,
    since: str | None = Query(default=None, description="created at/after: YYYY-MM-DD or ISO 8601"),
    limit: int | None = Query(default=None, ge=1, description="only the latest N"),
) -> dict[str, Any]:
    """Outbound messages, oldest first, with their callbacks and counts by status/sender."""
    try:
        created_from = parse_since(since)
    except ValueError as exc:
        raise Problem(400, "invalid-since", "since is not a date", str(exc)) from None
    where = MessageFilter(
        to=(normalize_phone(to) or to) if to else None,
        from_=(normalize_phone(from_) or from_) if from_ else None,
        status=status,
        created_from=created_from,
    )
    service = _service(request)
    messages = service.store.oldest_first(where)
    if limit is not None:
        messages = messages[-limit:]
    return {
        "messages": [sandbox_message(m) for m in messages],
        "count": len(messages),
        "by_status": dict(Counter(m.status for m in messages)),
        "by_sender_kind": dict(Counter(m.sender_kind for m in messages)),
        "total_stored": len(service.store),
    }


@router.post("/reset")
async def reset(request: Request) -> dict[str, str]:
    """Forget all messages, faults, the patient phone's contacts and the mails; stop pending
    callbacks."""
    await _service(request).reset()
    request.app.state.phone.reset()
    request.app.state.mail.mailbox.clear()
    return {"status": "reset"}


@router.get("/faults")
async def list_faults(request: Request) -> dict[str, Any]:
    return {"faults": [_fault_view(f) for f in _service(request).faults.pending()]}


@router.post("/faults", status_code=201)
async def add_fault(body: FaultRequest, request: Request) -> dict[str, Any]:
    """Make the next `count` create requests (to `to` only, if given) fail with `mode`."""
    to = (normalize_phone(body.to) or body.to) if body.to else None
    service = _service(request)
    fault = service.faults.add(body.mode, body.count, body.seconds, to)
    return {
        "fault": _fault_view(fault),
        "faults": [_fault_view(f) for f in service.faults.pending()],
    }


@router.delete("/faults", status_code=204)
async def clear_faults(request: Request) -> Response:
    _service(request).faults.clear()
    return Response(status_code=204)


@router.get("/senders")
async def senders(request: Request) -> dict[str, Any]:
    """The account's senders: two-way numbers (patients may answer) and the one-way alpha ID."""
    config = _service(request).config.senders
    return {
        "senders": [
            *({"kind": "two_way", "type": "number", "value": n} for n in config.two_way_numbers),
            {"kind": "one_way", "type": "alphanumeric", "value": config.alphanumeric_id},
        ],
        "messaging_service_sid": config.messaging_service_sid,
        "messaging_service_number": config.service_number,
    }


@router.get("/reserved-numbers")
async def reserved_numbers() -> dict[str, Any]:
    """The test numbers with a fixed behaviour (see services/sandbox/README.md)."""
    return {
        "rejected_at_create": {
            to: {"code": code, "message": text.format(to=to)}
            for to, (code, text) in CREATE_REJECTIONS.items()
        },
        "delivery_outcomes": {
            to: {"final_status": o.status, "error_code": o.error_code}
            for to, o in DELIVERY_OUTCOMES.items()
        },
    }


@router.get("/callback-chaos")
async def get_chaos(request: Request) -> dict[str, float]:
    return _chaos_view(_service(request).chaos)


@router.put("/callback-chaos")
async def set_chaos(body: ChaosRequest, request: Request) -> dict[str, float]:
    """Change how often callbacks are duplicated / reordered (0 and 0: deterministic)."""
    service = _service(request)
    service.set_chaos(CallbackChaos(body.duplicate_rate, body.reorder_rate))
    return _chaos_view(service.chaos)
