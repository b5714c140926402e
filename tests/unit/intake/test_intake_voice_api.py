"""The voice routes over a fake sink and an in-memory call ledger: answers and contacts."""

from __future__ import annotations

from urllib.parse import urlencode

import httpx
import pytest
from relais_intake.adapters.calls import MemoryCallLedger
from relais_intake.api.app import create_app
from relais_intake.api.twilio_auth import TwilioAuth
from relais_intake.domain.sites import SiteDirectory
from relais_intake.handlers import IntakeContext
from relais_shared import topics
from relais_shared.twilio import compute_signature

from tests.unit.intake.test_intake_api import FakeSink

pytestmark = pytest.mark.unit

TOKEN = "unit-token"
PUBLIC = "https://relais.example/intake"
VOICE = "/v1/channels/voice/twilio"
SID = "CA" + "c" * 32
CALL = [
    ("CallSid", SID),
    ("AccountSid", "AC" + "1" * 32),
    ("From", "+33612345678"),
    ("To", "+33939000000"),
    ("CallStatus", "in-progress"),
]


@pytest.fixture
def sink() -> FakeSink:
    return FakeSink()


@pytest.fixture
def ledger() -> MemoryCallLedger:
    return MemoryCallLedger()


def make_client(sink, ledger, lines):
    ctx = IntakeContext(
        sink=sink,
        sites=SiteDirectory({"09 39 00 00 00": "lyon"}, "demo"),
        calls=ledger,
        voice_lines=lines,
        clinic_names={"lyon": "Centre de santé de Lyon"},
    )
    app = create_app(ctx, TwilioAuth(TOKEN, PUBLIC), {}, retry_after_s=7)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


@pytest.fixture
async def client(sink, ledger):
    async with make_client(sink, ledger, {"lyon": "+33478000000"}) as c:
        yield c


async def post(client, path, params, sig: str | None = "sign"):
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if sig == "sign":
        sig = compute_signature(TOKEN, PUBLIC + path, params)
    if sig is not None:
        headers["X-Twilio-Signature"] = sig
    return await client.post(path, content=urlencode(params), headers=headers)


def with_(form, **fields):
    return [p for p in form if p[0] not in fields] + list(fields.items())


async def test_incoming_call_answers_twiml_at_once_and_makes_no_contact(client, sink):
    response = await post(client, VOICE, with_(CALL, CallStatus="ringing"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/xml")
    assert "Centre de santé de Lyon" in response.text
    assert "114 par SMS" in response.text and "15 ou le 112" in response.text
    assert (
        f'<Dial timeout="20" action="{PUBLIC}{VOICE}/dial"><Number>+33478000000</Number>'
        in response.text
    )
    assert response.text.endswith("</Dial></Response>")
    assert sink.delivered == []


async def test_a_site_without_a_line_records_a_voicemail_instead(sink, ledger):
    async with make_client(sink, ledger, {}) as c:
        response = await post(c, VOICE, CALL)
    assert response.status_code == 200
    assert "<Dial" not in response.text
    assert f'<Record maxLength="120" action="{PUBLIC}{VOICE}/recording"/>' in response.text


async def test_dial_no_answer_is_one_missed_call_and_a_voicemail_offer(client, sink, ledger):
    form = with_(CALL, DialCallStatus="no-answer", DialCallDuration="0")
    response = await post(client, VOICE + "/dial", form)
    assert response.status_code == 200, response.text
    assert f'<Record maxLength="120" action="{PUBLIC}{VOICE}/recording"/>' in response.text
    [(topic, key, envelope)] = sink.delivered
    assert topic == topics.CONTACT_RECEIVED and key == "+33612345678"
    assert envelope.site_id == "lyon"
    data = envelope.data
    assert (data["channel"], data["kind"]) == ("voice", "missed_call")
    assert data["dedupe_key"] == f"voice:{SID}:missed_call"
    assert data["recipient"] == "+33939000000"
    assert ledger.dialled == {SID: "no-answer"}
    # Twilio repeats the callback: a new event, the same dedupe key.
    assert (await post(client, VOICE + "/dial", form)).status_code == 200
    assert {e.data["dedupe_key"] for _, _, e in sink.delivered} == {f"voice:{SID}:missed_call"}


async def test_dial_answered_is_call_answered_and_hangs_up(client, sink):
    response = await post(client, VOICE + "/dial", with_(CALL, DialCallStatus="completed"))
    assert response.status_code == 200
    assert "<Hangup/>" in response.text and "<Record" not in response.text
    assert sink.delivered[0][2].data["kind"] == "call_answered"


async def test_recording_is_a_voicemail_with_its_transcript(client, sink):
    form = with_(
        CALL,
        RecordingSid="RE1",
        RecordingUrl="https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1",
        RecordingDuration="9",
        TranscriptionText="Je voudrais un rendez-vous",
    )
    response = await post(client, VOICE + "/recording", form)
    assert response.status_code == 200
    assert "<Hangup/>" in response.text
    data = sink.delivered[0][2].data
    assert (data["kind"], data["text"]) == ("voicemail", "Je voudrais un rendez-vous")
    assert data["metadata"]["recording_pending"] is True
    assert "RecordingUrl" not in str(data) and "twilio.com" not in str(data)


async def test_status_after_a_dial_makes_nothing_more(client, sink):
    await post(client, VOICE + "/dial", with_(CALL, DialCallStatus="completed"))
    response = await post(client, VOICE + "/status", with_(CALL, CallStatus="completed"))
    assert response.status_code == 204
    assert [e.data["kind"] for _, _, e in sink.delivered] == ["call_answered"]


async def test_hang_up_before_the_dial_is_a_missed_call_once(client, sink):
    form = with_(CALL, CallStatus="completed", CallDuration="4")
    assert (
        await post(client, VOICE + "/status", with_(CALL, CallStatus="ringing"))
    ).status_code == 204
    assert sink.delivered == []
    assert (await post(client, VOICE + "/status", form)).status_code == 200
    assert (await post(client, VOICE + "/status", form)).status_code == 200
    keys = {e.data["dedupe_key"] for _, _, e in sink.delivered}
    assert keys == {f"voice:{SID}:missed_call"}
    assert sink.delivered[0][2].data["metadata"]["ended_by"] == "hangup"


async def test_status_is_503_when_the_ledger_cannot_tell(client, ledger, sink):
    ledger.down = True
    response = await post(client, VOICE + "/status", with_(CALL, CallStatus="completed"))
    assert response.status_code == 503 and response.headers["retry-after"] == "7"
    assert sink.delivered == []


async def test_dial_still_makes_its_contact_when_the_ledger_is_down(client, ledger, sink):
    ledger.down = True
    form = with_(CALL, DialCallStatus="busy")
    assert (await post(client, VOICE + "/dial", form)).status_code == 200
    assert sink.delivered[0][2].data["kind"] == "missed_call"


async def test_withheld_caller_is_flagged(client, sink):
    form = with_(CALL, From="anonymous", DialCallStatus="no-answer")
    assert (await post(client, VOICE + "/dial", form)).status_code == 200
    [(_, key, envelope)] = sink.delivered
    assert key == f"withheld:{SID}"
    assert envelope.data["metadata"]["caller_withheld"] is True


@pytest.mark.parametrize("path", ["", "/dial", "/recording", "/status"])
@pytest.mark.parametrize(("sig", "status"), [(None, 401), ("d3Jvbmc=", 403)])
async def test_unsigned_or_badly_signed_voice_webhooks_are_refused(client, sink, path, sig, status):
    response = await post(client, VOICE + path, with_(CALL, DialCallStatus="busy"), sig)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert sink.delivered == []


async def test_signature_is_checked_before_the_body(client):
    headers = {"Content-Type": "application/json", "X-Twilio-Signature": "d3Jvbmc="}
    assert (await client.post(VOICE + "/dial", content=b"{}", headers=headers)).status_code == 403
    headers["X-Twilio-Signature"] = compute_signature(TOKEN, PUBLIC + VOICE + "/dial", [])
    response = await client.post(VOICE + "/dial", content=b"{}", headers=headers)
    assert response.status_code == 415


@pytest.mark.parametrize(
    ("path", "form", "slug"),
    [
        ("", [p for p in CALL if p[0] != "CallSid"], "missing-field"),
        ("/dial", CALL, "missing-field"),
        ("/dial", with_(CALL, DialCallStatus="exploded"), "invalid-field"),
        ("/recording", CALL, "missing-field"),
        ("/status", with_(CALL, CallStatus="exploded"), "invalid-field"),
    ],
)
async def test_malformed_voice_webhooks_are_422(client, sink, path, form, slug):
    response = await post(client, VOICE + path, form)
    assert response.status_code == 422
    assert response.json()["type"].endswith("/" + slug)
    assert sink.delivered == []


@pytest.mark.parametrize("path", ["/dial", "/recording", "/status"])
async def test_not_durable_is_503_with_retry_after(client, sink, path):
    sink.down = True
    form = with_(CALL, DialCallStatus="no-answer", RecordingSid="RE1", CallStatus="completed")
    response = await post(client, VOICE + path, form)
    assert response.status_code == 503
    assert response.headers["retry-after"] == "7"
    assert response.json()["type"].endswith("/intake-unavailable")


async def test_menu_choice_dials_and_the_digit_reaches_the_contact(sink, ledger):
    ctx_menu = {"1": "rendez-vous", "2": "ordonnances"}
    ctx = IntakeContext(
        sink=sink,
        sites=SiteDirectory({"09 39 00 00 00": "lyon"}, "demo"),
        calls=ledger,
        voice_lines={"lyon": "+33478000000"},
        ivr_menu=ctx_menu,
    )
    app = create_app(ctx, TwilioAuth(TOKEN, PUBLIC), {}, retry_after_s=7)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        incoming = await post(c, VOICE, CALL)
        assert "<Gather" in incoming.text and "tapez 2" in incoming.text
        menu = await post(c, VOICE + "/menu", with_(CALL, Digits="2"))
        assert menu.status_code == 200
        assert f'action="{PUBLIC}{VOICE}/dial?ivr_digit=2"' in menu.text
        nothing = await post(c, VOICE + "/menu", with_(CALL, Digits="*"))
        assert f'action="{PUBLIC}{VOICE}/dial">' in nothing.text
        form = with_(CALL, DialCallStatus="no-answer")
        path = VOICE + "/dial?ivr_digit=2"
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": compute_signature(TOKEN, PUBLIC + path, form),
        }
        dial = await c.post(path, content=urlencode(form), headers=headers)
        assert dial.status_code == 200, dial.text
        assert f'action="{PUBLIC}{VOICE}/recording?ivr_digit=2"' in dial.text
        metadata = sink.delivered[0][2].data["metadata"]
        assert (metadata["ivr_digit"], metadata["intent"]) == ("2", "ordonnances")
        path = VOICE + "/dial?ivr_digit=22"
        headers["X-Twilio-Signature"] = compute_signature(TOKEN, PUBLIC + path, form)
        bad = await c.post(path, content=urlencode(form), headers=headers)
        assert bad.status_code == 422
