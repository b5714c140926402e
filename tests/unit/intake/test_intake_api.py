"""The SMS routes over a fake sink: order of checks, answers, and what reaches the sink."""

from __future__ import annotations

from urllib.parse import urlencode

import httpx
import pytest
from relais_intake.adapters.sink import SinkUnavailable
from relais_intake.api.app import create_app
from relais_intake.api.twilio_auth import TwilioAuth
from relais_intake.domain.sites import SiteDirectory
from relais_intake.handlers import IntakeContext
from relais_shared import topics
from relais_shared.events import Envelope
from relais_shared.twilio import compute_signature

pytestmark = pytest.mark.unit

TOKEN = "unit-token"
PUBLIC = "https://relais.example/intake"
PATH = "/v1/channels/sms/twilio"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
PARAMS = [
    ("MessageSid", "SM42"),
    ("From", "06 12 34 56 78"),
    ("To", "+33939000000"),
    ("Body", "Bonjour"),
]
TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


class FakeSink:
    """Records what was delivered; can be told to be unavailable."""

    def __init__(self) -> None:
        self.delivered: list[tuple[str, str, Envelope]] = []
        self.down = False

    async def deliver(self, topic: str, key: str, envelope: Envelope) -> None:
        if self.down:
            raise SinkUnavailable("down")
        self.delivered.append((topic, key, envelope))


@pytest.fixture
def sink() -> FakeSink:
    return FakeSink()


@pytest.fixture
async def client(sink):
    ctx = IntakeContext(sink=sink, sites=SiteDirectory({"09 39 00 00 00": "lyon"}, "demo"))
    app = create_app(ctx, TwilioAuth(TOKEN, PUBLIC), {}, retry_after_s=7)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


def signed(path: str, params, query: str = "") -> dict[str, str]:
    url = PUBLIC + path + (f"?{query}" if query else "")
    return {**FORM, "X-Twilio-Signature": compute_signature(TOKEN, url, params)}


async def post(client, path, params, headers, query=""):
    return await client.post(
        path + (f"?{query}" if query else ""), content=urlencode(params), headers=headers
    )


async def test_signed_sms_is_answered_with_empty_twiml_after_delivery(client, sink):
    response = await post(client, PATH, PARAMS, signed(PATH, PARAMS))
    assert response.status_code == 200, response.text
    assert response.text == TWIML
    assert response.headers["content-type"].startswith("text/xml")
    [(topic, key, envelope)] = sink.delivered
    assert topic == topics.CONTACT_RECEIVED and key == "+33612345678"
    assert envelope.site_id == "lyon" and envelope.source == "intake"
    assert envelope.correlation_id == envelope.data["contact_id"]
    assert envelope.data["dedupe_key"] == "sms:SM42"


async def test_missing_signature_is_401_before_anything_else(client, sink):
    response = await client.post(PATH, content=b"\xff", headers={"Content-Type": "text/plain"})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/missing-signature")
    assert not sink.delivered


@pytest.mark.parametrize(
    "headers",
    [
        {**FORM, "X-Twilio-Signature": "bm9wZQ=="},
        {"Content-Type": "application/json", "X-Twilio-Signature": "bm9wZQ=="},
        {**FORM, "X-Twilio-Signature": compute_signature("other-token", PUBLIC + PATH, PARAMS)},
        # signed over the internal URL instead of RELAIS_PUBLIC_URL
        {
            **FORM,
            "X-Twilio-Signature": compute_signature(TOKEN, "http://testserver" + PATH, PARAMS),
        },
    ],
)
async def test_wrong_signature_is_403_whatever_the_body(client, sink, headers):
    response = await post(client, PATH, PARAMS, headers)
    assert response.status_code == 403
    assert response.json()["type"].endswith("/invalid-signature")
    assert not sink.delivered


async def test_tampered_body_is_403(client, sink):
    headers = signed(PATH, PARAMS)
    tampered = [(k, "STOP" if k == "Body" else v) for k, v in PARAMS]
    assert (await post(client, PATH, tampered, headers)).status_code == 403
    assert not sink.delivered


async def test_signed_but_not_a_form_is_415(client):
    url = PUBLIC + PATH
    headers = {
        "Content-Type": "application/json",
        "X-Twilio-Signature": compute_signature(TOKEN, url, []),
    }
    response = await client.post(PATH, content=b'{"MessageSid": "SM1"}', headers=headers)
    assert response.status_code == 415
    assert response.json()["type"].endswith("/unsupported-media-type")


async def test_signed_but_undecodable_form_is_400(client):
    headers = signed(PATH, [])
    response = await client.post(PATH, content=b"Body=%FF%FE", headers=headers)
    assert response.status_code == 400
    assert response.json()["type"].endswith("/malformed-form")


async def test_signed_form_without_message_sid_is_422_naming_the_field(client, sink):
    params = [p for p in PARAMS if p[0] != "MessageSid"]
    response = await post(client, PATH, params, signed(PATH, params))
    assert response.status_code == 422
    body = response.json()
    assert body["type"].endswith("/missing-field") and body["fields"] == ["MessageSid"]
    assert not sink.delivered


async def test_oversized_body_is_413(client):
    params = PARAMS + [("Filler", "x" * 70_000)]
    response = await post(client, PATH, params, signed(PATH, params))
    assert response.status_code == 413


async def test_sink_unavailable_is_503_with_retry_after_never_2xx(client, sink):
    sink.down = True
    response = await post(client, PATH, PARAMS, signed(PATH, PARAMS))
    assert response.status_code == 503
    assert response.headers["retry-after"] == "7"
    assert response.json()["type"].endswith("/intake-unavailable")


async def test_status_callback_is_forwarded_keyed_by_nid(client, sink):
    params = [("MessageSid", "SM9"), ("MessageStatus", "delivered"), ("From", "+33939000000")]
    path = PATH + "/status"
    response = await post(client, path, params, signed(path, params, "nid=n-42"), "nid=n-42")
    assert response.status_code == 200, response.text
    [(topic, key, envelope)] = sink.delivered
    assert (topic, key) == (topics.PROVIDER_CALLBACK, "n-42")
    assert envelope.site_id == "lyon"
    assert envelope.data["status"] == "delivered" and envelope.data["notification_id"] == "n-42"


async def test_status_callback_signed_without_the_query_is_403(client, sink):
    params = [("MessageSid", "SM9"), ("MessageStatus", "delivered")]
    path = PATH + "/status"
    response = await post(client, path, params, signed(path, params), "nid=n-42")
    assert response.status_code == 403
    assert not sink.delivered


async def test_status_callback_without_nid_is_400_after_auth(client, sink):
    params = [("MessageSid", "SM9"), ("MessageStatus", "delivered")]
    path = PATH + "/status"
    response = await post(client, path, params, signed(path, params))
    assert response.status_code == 400
    assert response.json()["type"].endswith("/missing-notification-id")
    assert (await post(client, path, params, FORM)).status_code == 401


async def test_status_unavailable_is_503(client, sink):
    sink.down = True
    params = [("MessageSid", "SM9"), ("MessageStatus", "sent")]
    path = PATH + "/status"
    response = await post(client, path, params, signed(path, params, "nid=n"), "nid=n")
    assert response.status_code == 503 and response.headers["retry-after"] == "7"


async def test_app_served_under_a_root_path_checks_the_public_url(sink):
    ctx = IntakeContext(sink=sink, sites=SiteDirectory({}, "demo"))
    app = create_app(ctx, TwilioAuth(TOKEN, PUBLIC), {})
    transport = httpx.ASGITransport(app=app, root_path="/intake")
    async with httpx.AsyncClient(transport=transport, base_url="http://internal:9000") as c:
        response = await post(c, "/intake" + PATH, PARAMS, signed(PATH, PARAMS))
    assert response.status_code == 200, response.text
    assert len(sink.delivered) == 1
