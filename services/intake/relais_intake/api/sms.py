"""Twilio-compatible SMS routes: inbound messages and status callbacks."""

from __future__ import annotations

from typing import Any, Final

from fastapi import APIRouter, Request, Response
from relais_shared.http import Endpoint, Problem

from ..adapters.sink import SinkUnavailable
from ..domain.sms import (
    InvalidWebhook,
    parse_inbound_sms,
    parse_notification_id,
    parse_sms_status,
)
from ..domain.twiml import EMPTY_TWIML
from ..handlers import IntakeContext, accept_sms, accept_sms_status
from .problems import (
    NOT_DURABLE_RESPONSE,
    WEBHOOK_REJECTIONS,
    problem_responses,
    rejected,
    unavailable,
)
from .twilio_auth import TwilioAuth

CHANNEL: Final = "sms"
_RESPONSES: Final[dict[int | str, dict[str, Any]]] = {
    200: {"content": {"text/xml": {"example": EMPTY_TWIML}}, "description": "Durable"},
    **problem_responses((400, "Malformed form or missing nid"), *WEBHOOK_REJECTIONS,
                        NOT_DURABLE_RESPONSE),
}


def _invalid(exc: InvalidWebhook) -> Problem:
    return rejected(CHANNEL, exc.reason, exc.detail, exc.fields)


def _twiml() -> Response:
    return Response(EMPTY_TWIML, media_type="text/xml")


SMS_PATH: Final = "/v1/channels/sms/twilio"
SMS_STATUS_PATH: Final = SMS_PATH + "/status"


def sms_endpoints(
    ctx: IntakeContext, auth: TwilioAuth, retry_after_s: int
) -> dict[str, Endpoint]:
    """The SMS webhook endpoints by path, bound to the handlers' context."""

    async def inbound_sms(request: Request) -> Response:
        """An incoming SMS: answered 200 with empty TwiML once the contact is durable."""
        params = await auth.form(request, CHANNEL)
        try:
            sms = parse_inbound_sms(params)
        except InvalidWebhook as exc:
            raise _invalid(exc) from None
        try:
            await accept_sms(ctx, sms)
        except SinkUnavailable:
            raise unavailable(CHANNEL, retry_after_s) from None
        return _twiml()

    async def sms_status(request: Request) -> Response:
        """A delivery status callback for notification `nid`: 200 once forwarded durably."""
        params = await auth.form(request, CHANNEL)
        nids = set(request.query_params.getlist("nid"))
        try:
            if len(nids) > 1:
                raise InvalidWebhook("invalid-field", "nid is repeated", ["nid"])
            nid = parse_notification_id(nids.pop() if nids else None)
            status = parse_sms_status(params)
        except InvalidWebhook as exc:
            raise _invalid(exc) from None
        clinic_number = next((v for k, v in params if k == "From"), None)
        try:
            await accept_sms_status(ctx, status, nid, clinic_number)
        except SinkUnavailable:
            raise unavailable(CHANNEL, retry_after_s) from None
        return _twiml()

    return {SMS_PATH: inbound_sms, SMS_STATUS_PATH: sms_status}


def sms_router(endpoints: dict[str, Endpoint]) -> APIRouter:
    """The SMS webhook routes as documented (`DirectRoutes` serves them)."""
    router = APIRouter(tags=["sms"])
    for path, endpoint in endpoints.items():
        router.add_api_route(path, endpoint, methods=["POST"], response_class=Response,
                             responses=_RESPONSES)
    return router
