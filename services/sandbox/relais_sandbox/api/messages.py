"""Twilio-compatible Messages API: create, fetch, list (`/2010-04-01/Accounts/{AccountSid}/…`)."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from ..domain import errors
from ..domain.errors import TwilioError
from ..domain.faults import InjectedFault
from ..domain.filters import parse_twilio_filter
from ..domain.validation import CreateRequest
from ..service import SandboxService
from .auth import authenticate
from .representation import twilio_message, twilio_page

router = APIRouter(prefix="/2010-04-01/Accounts/{account_sid}", tags=["twilio"])

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
PAGE_TOKEN_PREFIX = "PA"
_FILTER_NAMES = ("To", "From", "Status", "DateSent", "DateSent>", "DateSent<")


def _service(request: Request) -> SandboxService:
    service: SandboxService = request.app.state.sandbox
    return service


def _form(raw: bytes) -> dict[str, str]:
    """The first value of each name of a urlencoded body (Twilio's API takes no other)."""
    form: dict[str, str] = {}
    for name, value in parse_qsl(raw.decode("utf-8", errors="replace"), keep_blank_values=True):
        form.setdefault(name, value)
    return form


def _int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise TwilioError(errors.INVALID_PARAMETER, f"Invalid {name}: {raw!r}") from None
    if not low <= value <= high:
        raise TwilioError(errors.INVALID_PARAMETER, f"{name} must be within {low}..{high}")
    return value


async def _faulted(
    service: SandboxService, fault: InjectedFault, request: CreateRequest
) -> JSONResponse:
    if fault.mode == "http_429":
        error = TwilioError(errors.TOO_MANY_REQUESTS, "Too Many Requests", 429)
    else:
        if fault.mode == "timeout_after_create":
            service.create_message(request)  # really sent: only the answer is lost
        if fault.mode in ("hang", "timeout_after_create"):
            await asyncio.sleep(fault.seconds)
        error = TwilioError(errors.INTERNAL_SERVER_ERROR, "Internal Server Error", 500)
    return JSONResponse(error.body(), status_code=error.status)


@router.post("/Messages.json", status_code=201)
async def create_message(account_sid: str, request: Request) -> JSONResponse:
    """Send an SMS: form `To`, `From` or `MessagingServiceSid`, `Body`, `StatusCallback`."""
    authenticate(request, account_sid)
    service = _service(request)
    create = CreateRequest.from_form(_form(await request.body()))
    fault = service.take_fault(create)
    if fault is not None:
        return await _faulted(service, fault, create)
    message = service.create_message(create)
    return JSONResponse(twilio_message(message), status_code=201)


@router.get("/Messages/{message_sid}.json")
async def fetch_message(account_sid: str, message_sid: str, request: Request) -> JSONResponse:
    authenticate(request, account_sid)
    message = _service(request).store.get(message_sid)
    if message is None:
        raise TwilioError(
            errors.NOT_FOUND, f"The requested resource {request.url.path} was not found", 404
        )
    return JSONResponse(twilio_message(message))


@router.get("/Messages.json")
async def list_messages(account_sid: str, request: Request) -> JSONResponse:
    """Newest first; filters `To`, `From`, `DateSent`, `DateSent>`, `DateSent<`; paging
    `PageSize` (≤1000), `Page`, `PageToken`."""
    authenticate(request, account_sid)
    params = dict(request.query_params)
    where = parse_twilio_filter(params)
    page_size = _int_param(request, "PageSize", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    page = _int_param(request, "Page", 0, 0, 1_000_000)
    token = params.get("PageToken") or None
    after_sid = token.removeprefix(PAGE_TOKEN_PREFIX) if token else None
    messages, more = _service(request).store.page(
        where, page_size, after_sid=after_sid, offset=page * page_size
    )
    next_token = PAGE_TOKEN_PREFIX + messages[-1].sid if more and messages else None
    filters = [(name, params[name]) for name in _FILTER_NAMES if params.get(name)]
    return JSONResponse(twilio_page(account_sid, messages, filters, page, page_size, next_token))
