"""Twilio-compatible voice routes: incoming call, Dial outcome, voicemail, call status."""

from __future__ import annotations

from typing import Any, Final

from fastapi import APIRouter, Request, Response
from relais_shared.http import Problem
from relais_shared.logging import get_logger

from ..adapters.calls import CallLedgerUnavailable
from ..adapters.sink import SinkUnavailable
from ..domain import twiml
from ..domain.sms import InvalidWebhook
from ..domain.voice import (
    CallOutcome,
    carried_digit,
    menu_digit,
    missed_before_dial,
    parse_call,
    parse_call_status,
    parse_dial,
    parse_recording,
    with_menu_choice,
)
from ..handlers import IntakeContext, accept_call_outcome, accept_dial, call_reached_dial
from ..metrics import CALLBACKS_ACCEPTED
from .problems import (
    NOT_DURABLE_RESPONSE,
    WEBHOOK_REJECTIONS,
    problem_responses,
    rejected,
    unavailable,
)
from .twilio_auth import TwilioAuth

CHANNEL: Final = "voice"
log = get_logger(__name__)

_ERRORS: Final = problem_responses((400, "Malformed form"), *WEBHOOK_REJECTIONS)
_NOT_DURABLE: Final = problem_responses(NOT_DURABLE_RESPONSE)
_TWIML: Final[dict[int | str, dict[str, Any]]] = {
    200: {"content": {"text/xml": {}}, "description": "TwiML for the call"}
}


def _invalid(exc: InvalidWebhook) -> Problem:
    return rejected(CHANNEL, exc.reason, exc.detail, exc.fields)


def _twiml(body: str) -> Response:
    return Response(body, media_type="text/xml")


def _query_digit(request: Request) -> str | None:
    """The menu choice our own TwiML put in the action URL (signed with it by the provider).
    Kept even if the menu changed since: the router reads the digit with its directory."""
    values = set(request.query_params.getlist(twiml.DIGIT_PARAM))
    if len(values) > 1:
        raise InvalidWebhook("invalid-field", "ivr_digit is repeated", [twiml.DIGIT_PARAM])
    return carried_digit(values.pop() if values else None, twiml.DIGIT_PARAM)


def _chosen(outcome: CallOutcome, digit: str | None, ctx: IntakeContext) -> CallOutcome:
    return with_menu_choice(outcome, digit, ctx.ivr_menu)


def voice_router(ctx: IntakeContext, auth: TwilioAuth, retry_after_s: int) -> APIRouter:
    """The voice webhook routes, bound to the handlers' context."""
    router = APIRouter(prefix=twiml.VOICE_PATH, tags=["voice"])
    public_url = auth.public_url

    @router.post("", response_class=Response, responses={**_TWIML, **_ERRORS})
    async def incoming_call(request: Request) -> Response:
        """An incoming call: greeting, emergency numbers, then Dial to the site's line
        (or voicemail when none is configured). No contact yet: the Dial's outcome makes it."""
        params = await auth.form(request, CHANNEL)
        try:
            call = parse_call(params)
        except InvalidWebhook as exc:
            raise _invalid(exc) from None
        site_id = ctx.sites.site_for(call.called)
        line = ctx.voice_lines.get(site_id)
        log.info("call_incoming", call_sid=call.call_sid, site_id=site_id, dial=bool(line))
        return _twiml(
            twiml.incoming_call_twiml(public_url, ctx.clinic_names.get(site_id), line, ctx.ivr_menu)
        )

    @router.post("/menu", response_class=Response, responses={**_TWIML, **_ERRORS})
    async def menu_choice(request: Request) -> Response:
        """The menu's Gather action (Digits), or its Redirect when nothing was typed: the Dial
        (or voicemail), with the choice carried to the callbacks that make the contact."""
        params = await auth.form(request, CHANNEL)
        try:
            call = parse_call(params)
            raw = next((v for k, v in params if k == "Digits"), None)
            digit = menu_digit(raw, ctx.ivr_menu)
        except InvalidWebhook as exc:
            raise _invalid(exc) from None
        site_id = ctx.sites.site_for(call.called)
        line = ctx.voice_lines.get(site_id)
        log.info("call_menu", call_sid=call.call_sid, site_id=site_id, chose=digit is not None)
        return _twiml(twiml.menu_choice_twiml(public_url, line, digit))

    @router.post("/dial", response_class=Response, responses={**_TWIML, **_ERRORS, **_NOT_DURABLE})
    async def dial_outcome(request: Request) -> Response:
        """The `<Dial action>` callback: call_answered or missed_call, durable before the 200;
        a missed call is offered a voicemail."""
        params = await auth.form(request, CHANNEL)
        try:
            digit = _query_digit(request)
            outcome = _chosen(parse_dial(params), digit, ctx)
        except InvalidWebhook as exc:
            raise _invalid(exc) from None
        try:
            await accept_dial(ctx, outcome)
        except SinkUnavailable:
            raise unavailable(CHANNEL, retry_after_s) from None
        if outcome.kind == "missed_call":
            return _twiml(twiml.missed_call_twiml(public_url, digit))
        return _twiml(twiml.answered_call_twiml())

    @router.post(
        "/recording", response_class=Response, responses={**_TWIML, **_ERRORS, **_NOT_DURABLE}
    )
    async def voicemail(request: Request) -> Response:
        """The `<Record action>` callback: a voicemail contact (transcript as text, if any)."""
        params = await auth.form(request, CHANNEL)
        try:
            outcome = _chosen(parse_recording(params), _query_digit(request), ctx)
        except InvalidWebhook as exc:
            raise _invalid(exc) from None
        try:
            await accept_call_outcome(ctx, outcome)
        except SinkUnavailable:
            raise unavailable(CHANNEL, retry_after_s) from None
        return _twiml(twiml.voicemail_recorded_twiml())

    @router.post(
        "/status",
        response_class=Response,
        responses={
            **_TWIML,
            204: {"description": "Nothing to record for this callback"},
            **_ERRORS,
            **_NOT_DURABLE,
        },
    )
    async def call_status(request: Request) -> Response:
        """Call status: a call that ended without reaching its Dial is a missed call;
        anything else (still going, or already reported by the Dial) is 204."""
        params = await auth.form(request, CHANNEL)
        try:
            call, status = parse_call_status(params)
        except InvalidWebhook as exc:
            raise _invalid(exc) from None
        CALLBACKS_ACCEPTED.labels(channel=CHANNEL, status=status).inc()
        outcome = missed_before_dial(call, status)
        if outcome is None:
            return Response(status_code=204)
        try:
            if await call_reached_dial(ctx, call):
                return Response(status_code=204)
        except CallLedgerUnavailable as exc:
            log.warning("call_ledger_unavailable", call_sid=call.call_sid, error=str(exc))
            raise unavailable(CHANNEL, retry_after_s) from None
        try:
            await accept_call_outcome(ctx, outcome)
        except SinkUnavailable:
            raise unavailable(CHANNEL, retry_after_s) from None
        return _twiml(twiml.EMPTY_TWIML)

    return router
