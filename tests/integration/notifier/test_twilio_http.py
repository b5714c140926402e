"""The Twilio client's requests and its reading of answers, against a scripted local server:
the form and Basic auth it sends, paging, and what a dropped connection means."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date
from urllib.parse import parse_qs

import pytest
from aiohttp import test_utils, web
from relais_notifier.adapters.sms import TwilioSmsProvider, provider_session
from relais_notifier.domain.sms import (
    Accepted,
    Ambiguous,
    OutboundSms,
    ProviderUnavailable,
    Refused,
)

pytestmark = pytest.mark.integration

SID, TOKEN = "AC" + "1" * 32, "secret-token"
MESSAGES = f"/2010-04-01/Accounts/{SID}/Messages.json"
SMS = OutboundSms(to="+33612345678", sender="+33939000000", body="Bonjour",
                  status_callback="https://intake.example/v1/channels/sms/twilio/status?nid=n%3A1")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Scripted:
    """Answers every request to Messages.json with `handler`, recording what it got."""

    def __init__(self) -> None:
        self.handler: Handler | None = None
        self.seen: list[tuple[web.Request, bytes]] = []

    async def dispatch(self, request: web.Request) -> web.StreamResponse:
        self.seen.append((request, await request.read()))
        assert self.handler is not None
        return await self.handler(request)


@pytest.fixture
async def server() -> AsyncIterator[tuple[Scripted, TwilioSmsProvider]]:
    scripted = Scripted()
    app = web.Application()
    app.router.add_route("*", MESSAGES, scripted.dispatch)
    async with test_utils.TestServer(app, host="127.0.0.1") as test_server, provider_session(2.0) as http:
        base = str(test_server.make_url("/")).rstrip("/")
        yield scripted, TwilioSmsProvider(http, base_url=base, account_sid=SID, auth_token=TOKEN)


def answer(status: int, payload: object) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        return web.json_response(payload, status=status)

    return handler


async def test_send_posts_the_twilio_form_with_basic_auth(server):
    scripted, provider = server
    scripted.handler = answer(201, {"sid": "SM" + "a" * 32, "status": "queued"})
    assert await provider.send(SMS) == Accepted("SM" + "a" * 32)
    [(request, body)] = scripted.seen
    assert request.method == "POST" and request.path == MESSAGES and not request.query_string
    expected = base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
    assert request.headers["Authorization"] == f"Basic {expected}"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qs(body.decode()) == {
        "To": [SMS.to], "From": [SMS.sender], "Body": [SMS.body],
        "StatusCallback": [SMS.status_callback],
    }


async def test_error_json_code_is_read(server):
    scripted, provider = server
    scripted.handler = answer(400, {"code": 21610, "message": "unsubscribed", "status": 400})
    result = await provider.send(SMS)
    assert result == Refused("suppressed", "21610", "recipient opted out at the provider")


async def test_a_connection_dropped_after_the_request_is_ambiguous_and_never_resent(server):
    scripted, provider = server
    scripted.handler = answer(201, {"sid": "SM1"})
    assert await provider.send(SMS) == Accepted("SM1")  # leaves a kept-alive connection

    async def drop(request: web.Request) -> web.StreamResponse:
        assert request.transport is not None
        request.transport.close()
        return web.Response()

    scripted.handler = drop
    assert isinstance(await provider.send(SMS), Ambiguous)
    assert len(scripted.seen) == 2  # the dropped POST was not sent again


async def test_find_messages_filters_by_recipient_and_day_and_follows_pages(server):
    scripted, provider = server

    async def handler(request: web.Request) -> web.StreamResponse:
        params = request.query
        if params.get("Page") == "1":
            assert request.rel_url.raw_query_string == "To=%2B33612345678&Page=1"  # as given
            return web.json_response({"messages": [
                {"sid": "SM2", "to": SMS.to, "from": SMS.sender, "body": "b",
                 "status": "delivered", "direction": "outbound-api",
                 "date_created": "Wed, 25 Nov 2026 09:31:00 +0000"}], "next_page_uri": None})
        if "DateSent>" in params:
            assert params["To"] == SMS.to and params["DateSent>"] == "2026-11-25"
            return web.json_response({"messages": [
                {"sid": "SM1", "to": SMS.to, "from": SMS.sender, "body": "a", "status": "sent",
                 "date_created": "Wed, 25 Nov 2026 09:30:00 +0000"}],
                "next_page_uri": MESSAGES + "?To=%2B33612345678&Page=1"})
        assert params["To"] == SMS.to
        return web.json_response({"messages": [
            {"sid": "SM1", "to": SMS.to, "body": "a"},
            {"sid": "SM3", "to": SMS.to, "body": "c", "status": "queued", "date_sent": None}]})

    scripted.handler = handler
    found = await provider.find_messages(to=SMS.to, sent_since=date(2026, 11, 25))
    assert sorted(m.sid for m in found) == ["SM1", "SM2", "SM3"]
    assert len(scripted.seen) == 3
    assert all(request.method == "GET" for request, _ in scripted.seen)


@pytest.mark.parametrize("answer_with", [
    answer(500, {"code": 20500}),
    lambda request: _html(),
])
async def test_find_messages_failure_is_unavailable_never_empty(server, answer_with):
    scripted, provider = server
    scripted.handler = answer_with
    with pytest.raises(ProviderUnavailable):
        await provider.find_messages(to=SMS.to, sent_since=date.today())


async def _html() -> web.StreamResponse:
    return web.Response(text="<html>", content_type="text/html")
