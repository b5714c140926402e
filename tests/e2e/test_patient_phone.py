"""The newcomer's journey through the patient phone, with every service as a process: the
patient texts the clinic from the sandbox's phone, intake accepts the signed webhook, and the
clinic's acknowledgement arrives in the phone's live thread with its delivery status."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.conftest import unique_phone
from tests.e2e.conftest import wait_for
from tests.integration.sandbox.sse import next_event, sse_events

pytestmark = pytest.mark.e2e
CLINIC = "+33939000000"


async def test_a_patient_texts_the_clinic_and_sees_the_acknowledgement_arrive_live(stack):
    phone = unique_phone()
    sandbox = stack.url("sandbox")
    async with httpx.AsyncClient(base_url=sandbox, timeout=30) as client:
        config = (await client.get("/_sandbox/phone/config")).json()
        assert config["default_clinic"] == CLINIC
        assert config["intake_url"] == stack.url("intake")
        async with client.stream(
            "GET", "/_sandbox/phone/stream", params={"number": phone}
        ) as stream:
            events = sse_events(stream)
            snapshot = await next_event(events, kind="snapshot")
            assert snapshot.json()["entries"] == []

            sent = await client.post(
                "/_sandbox/phone/sms",
                json={"from": phone, "to": CLINIC, "body": "Bonjour, je voudrais un rendez-vous"},
            )
            assert sent.status_code == 201, sent.text
            intake = sent.json()["intake"]
            assert (intake["outcome"], intake["http_status"]) == ("accepted", 200), intake

            # The thread shows the patient's SMS, then the clinic's acknowledgement, live,
            # until the provider reports it delivered.
            ack_statuses: list[str] = []
            ack = None
            while "delivered" not in ack_statuses:
                entry = (await next_event(events, kind="entry", timeout=90)).json()
                if entry["direction"] == "outbound":
                    ack = entry
                    ack_statuses.append(entry["status"])
            assert ack is not None and ack["to"] == phone and ack["from"] == CLINIC
            assert "15" in ack["body"] and "112" in ack["body"]  # the emergency numbers
            assert ack_statuses[-1] == "delivered"

        thread = (await client.get("/_sandbox/phone/thread", params={"number": phone})).json()
        directions = [(e["direction"], e["status"]) for e in thread["entries"]]
        assert directions == [("inbound", "accepted"), ("outbound", "delivered")]


async def test_a_simulated_missed_call_is_accepted_and_becomes_a_missed_call(stack):
    """The patient phone's missed call: intake answers the incoming call with TwiML (the
    emergency numbers first), takes the unanswered Dial as a missed call, and the router
    opens a conversation for it."""
    phone = unique_phone()
    async with httpx.AsyncClient(base_url=stack.url("sandbox"), timeout=30) as client:
        answer = await client.post(
            "/_sandbox/phone/missed-call", json={"from": phone, "to": CLINIC}
        )
        assert answer.status_code == 201, answer.text
        incoming, dial = answer.json()["intake"]
        assert (incoming["outcome"], incoming["http_status"]) == ("accepted", 200), incoming
        assert (dial["outcome"], dial["http_status"]) == ("accepted", 200), dial
        # Straight from intake: an unsigned call is refused, never a 404 any more.
        direct = await client.post(stack.url("intake") + "/v1/channels/voice/twilio", data={})
        assert direct.status_code == 401

        async def missed_call_conversation():
            r = await stack.router_get(client, "/v1/conversations", address=phone)
            items = r.json()["items"]
            return items[0] if items else None

        conversation = await wait_for(missed_call_conversation, timeout=60)
        conv = (await stack.router_get(client, f"/v1/conversations/{conversation['id']}")).json()
        inbound = [m for m in conv["messages"] if m["direction"] == "in"]
        assert [(m["channel"], m["kind"]) for m in inbound] == [("voice", "missed_call")], inbound


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
async def browser():
    """Debian's Chromium driven by Playwright (Playwright cannot download browsers here)."""
    import os

    if not os.path.exists(CHROMIUM):  # scripts/bootstrap.sh installs it: missing is a defect
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (scripts/bootstrap.sh)")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()


async def test_in_a_browser_the_patient_texts_the_clinic_by_keyboard_and_reads_the_reply(
    stack, browser
):
    from playwright.async_api import expect

    phone = unique_phone()
    context = await browser.new_context(viewport={"width": 820, "height": 1180})  # a tablet
    page = await context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    try:
        await page.goto(stack.url("sandbox") + "/phone?number=" + phone.replace("+", "%2B"))
        assert await page.locator("html").get_attribute("lang") == "fr"
        await page.get_by_role("heading", name="Téléphone patient").wait_for()
        await page.get_by_text("En direct").wait_for(timeout=10_000)

        # A wrong number is refused on the page, said in words, and flagged to assistive tech.
        number = page.get_by_label("Numéro du patient")
        await number.fill("06 12")
        await number.press("Enter")
        await page.get_by_text("Numéro invalide").wait_for()
        assert await number.get_attribute("aria-invalid") == "true"
        await number.fill(phone)
        await number.press("Enter")

        # Type and send with the keyboard only; the text holds markup that must stay text.
        body = page.get_by_label("Votre SMS")
        await body.fill("Bonjour <img src=x onerror=alert(1)> je voudrais un rendez-vous")
        await body.press("Control+Enter")
        inbound = page.locator("#thread li.msg.inbound")
        await inbound.get_by_text("200 accepté").wait_for(timeout=30_000)
        assert "<img src=x onerror=alert(1)>" in await inbound.inner_text()
        outbound = page.locator("#thread li.msg.outbound")
        await outbound.get_by_text("distribué").wait_for(timeout=90_000)
        assert "112" in await outbound.inner_text()
        assert await page.locator("#thread img").count() == 0

        # English toggle: the page, the thread and the last result switch language.
        await page.get_by_role("button", name="English").click()
        assert await page.locator("html").get_attribute("lang") == "en"
        await page.get_by_role("heading", name="Patient phone").wait_for()
        await outbound.get_by_text("delivered").wait_for()
        await page.get_by_text("SMS handed to Relais as Twilio would.").wait_for()

        # The missed call shows what intake answered.
        await page.get_by_role("button", name="Simulate a missed call").click()
        call = page.locator("#thread li.msg.inbound").filter(has_text="Simulated missed call")
        await page.get_by_text("Missed call handed to Relais as Twilio would.").wait_for()
        # Intake's voice channel accepts the call (200), never "waiting".
        await expect(call).not_to_contain_text("waiting for an answer", timeout=10_000)
        await expect(call).to_contain_text(re.compile(r"Incoming call — Intake: 200 "))
        assert not [m for m in console if "Content Security Policy" in m or "Refused to" in m]
    finally:
        await context.close()
