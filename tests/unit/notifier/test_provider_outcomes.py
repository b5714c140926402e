"""What a provider's answer means: only a proven non-send may be retried blindly."""

from datetime import date
from urllib.parse import parse_qs

import httpx
import pytest
from relais_notifier.adapters.sms import TwilioSmsProvider
from relais_notifier.domain.sms import (
    Accepted,
    Ambiguous,
    NotSent,
    OutboundSms,
    ProviderUnavailable,
    Refused,
    classify_refusal,
)

pytestmark = pytest.mark.unit

SID, TOKEN = "AC" + "1" * 32, "secret-token"
MESSAGES = f"/2010-04-01/Accounts/{SID}/Messages.json"
SMS = OutboundSms(to="+33612345678", sender="+33939000000", body="Bonjour",
                  status_callback="https://intake.example/v1/channels/sms/twilio/status?nid=n-1")


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (429, "20429", NotSent("http_429", "20429")),
        (500, None, Ambiguous("http_500")),
        (503, None, NotSent("http_503")),
        (501, None, Ambiguous("http_501")),
        (401, "20003", NotSent("http_401", "20003")),
        (502, None, Ambiguous("http_502")),
        (504, None, Ambiguous("http_504")),
        (400, "21610", Refused("suppressed", "21610", "recipient opted out at the provider")),
        (400, "21614", Refused("failed", "21614", "address is not SMS-capable")),
        (400, "21211", Refused("failed", "21211", "http_400")),
        (404, None, Refused("failed", "404", "http_404")),
    ],
)
def test_classify_refusal(status, code, expected):
    assert classify_refusal(status, code) == expected


def provider(handler) -> TwilioSmsProvider:
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return TwilioSmsProvider(client, base_url="https://api.example", account_sid=SID,
                             auth_token=TOKEN)


async def test_send_posts_the_twilio_form_with_basic_auth():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json={"sid": "SM" + "a" * 32, "status": "queued"})

    assert await provider(handler).send(SMS) == Accepted("SM" + "a" * 32)
    request = seen[0]
    assert request.method == "POST" and str(request.url) == "https://api.example" + MESSAGES
    assert request.headers["authorization"] == httpx.BasicAuth(SID, TOKEN)._auth_header
    assert parse_qs(request.content.decode()) == {
        "To": [SMS.to], "From": [SMS.sender], "Body": [SMS.body],
        "StatusCallback": [SMS.status_callback],
    }


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (httpx.ConnectError("refused"), NotSent),
        (httpx.ConnectTimeout("slow connect"), NotSent),
        (httpx.ReadTimeout("no answer"), Ambiguous),
        (httpx.RemoteProtocolError("server disconnected"), Ambiguous),
        (httpx.WriteTimeout("half sent"), Ambiguous),
    ],
)
async def test_network_failures_are_classified(error, expected):
    def handler(request):
        raise error

    assert isinstance(await provider(handler).send(SMS), expected)


async def test_error_json_code_is_read():
    def handler(request):
        return httpx.Response(400, json={"code": 21610, "message": "unsubscribed", "status": 400})

    result = await provider(handler).send(SMS)
    assert result == Refused("suppressed", "21610", "recipient opted out at the provider")


async def test_find_messages_filters_by_recipient_and_day_and_follows_pages():
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url)
        params = dict(request.url.params)
        if params.get("Page") == "1":
            return httpx.Response(200, json={"messages": [
                {"sid": "SM2", "to": SMS.to, "from": SMS.sender, "body": "b",
                 "status": "delivered", "direction": "outbound-api",
                 "date_created": "Wed, 25 Nov 2026 09:31:00 +0000"}], "next_page_uri": None})
        if "DateSent>" in params:
            assert params["To"] == SMS.to and params["DateSent>"] == "2026-11-25"
            return httpx.Response(200, json={"messages": [
                {"sid": "SM1", "to": SMS.to, "from": SMS.sender, "body": "a", "status": "sent",
                 "date_created": "Wed, 25 Nov 2026 09:30:00 +0000"}],
                "next_page_uri": MESSAGES + "?To=x&Page=1"})
        return httpx.Response(200, json={"messages": [
            {"sid": "SM1", "to": SMS.to, "body": "a"},
            {"sid": "SM3", "to": SMS.to, "body": "c", "status": "queued", "date_sent": None}]})

    found = await provider(handler).find_messages(to=SMS.to, sent_since=date(2026, 11, 25))
    assert sorted(m.sid for m in found) == ["SM1", "SM2", "SM3"]
    assert len(calls) == 3


@pytest.mark.parametrize("answer", [httpx.Response(500), httpx.Response(200, text="<html>")])
async def test_find_messages_failure_is_unavailable_never_empty(answer):
    with pytest.raises(ProviderUnavailable):
        await provider(lambda request: answer).find_messages(to=SMS.to, sent_since=date.today())
