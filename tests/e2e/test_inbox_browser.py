"""The agents' web inbox in a real browser (Debian's Chromium driven by Playwright) on the
whole stack as processes: a patient texts from the sandbox's phone, the conversation shows
up live in the right team's queue, the team's agent claims and answers it, the phone gets
the answer and the inbox shows it delivered; outsiders get 404. Also: the keyboard alone,
two tabs sharing one stream, a stale command answered with what changed, a tablet, a lead's
overview, and an automated accessibility check (axe-core, vendored in tests/e2e/vendor/).

Screenshots of the main screens go to tests/e2e/artifacts/screenshots/ (git-ignored)."""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import asyncpg
import httpx
import pytest
from relais_router.adapters.users import create_user, hash_password
from relais_router.domain.routing import RoutingInput, route_contact

from tests.conftest import unique_phone
from tests.e2e.conftest import wait_for
from tests.integration.router.test_threading import add_site
from tests.support_auth import demo_passwords, demo_token, demo_totp_secrets, totp_code

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
CLINIC = "+33939000000"
DESKTOP = {"width": 1280, "height": 720}
TABLET = {"width": 820, "height": 1180}
HERE = Path(__file__).parent
SCREENSHOTS = HERE / "artifacts" / "screenshots"
AXE = HERE / "vendor" / "axe.min.js"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'")
OTHER_SITE = "ui-ailleurs"
WAIT_MS = 30_000
DELIVERY_MS = 90_000


def routed_team(text: str) -> str:
    """The team the router's rules pick for an SMS (the worker runs the same function)."""
    decision = route_contact(RoutingInput(channel="sms", text=text, recipient=CLINIC))
    assert not decision.needs_triage and not decision.urgent, decision
    return decision.team


@pytest.fixture(scope="module")
async def browser():
    if not os.path.exists(CHROMIUM):  # scripts/bootstrap.sh installs it: missing is a defect
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (scripts/bootstrap.sh)")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()


@pytest.fixture(scope="module")
def router(stack) -> str:
    return stack.url("router-api")


class Problems:
    """What a page must never log: CSP refusals, uncaught errors."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def watch(self, page) -> None:
        page.on("pageerror", lambda error: self.seen.append(f"pageerror: {error}"))
        page.on("console", lambda m: self.seen.append(f"console: {m.text}")
                if m.type == "error" and ("Content Security Policy" in m.text or "Refused" in m.text)
                else None)

    def assert_none(self) -> None:
        assert self.seen == []


async def new_context(browser, viewport=DESKTOP):
    context = await browser.new_context(viewport=viewport, locale="fr-FR")
    problems = Problems()
    context.on("page", problems.watch)
    return context, problems


async def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(path))
    print(f"screenshot: {path}")
    return path


async def assert_accessible(page, where: str) -> None:
    """axe-core's WCAG 2.1 A/AA rules: no serious or critical violation. The script goes in
    through the DevTools protocol, which the page's CSP does not govern."""
    await page.evaluate(AXE.read_text())
    result = await page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})")
    bad = [{"id": v["id"], "impact": v["impact"], "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5]}
           for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == [], f"{where}: {json.dumps(bad, indent=1, ensure_ascii=False)}"


async def sign_in(page, router: str, credentials: Path, username: str) -> None:
    """Through the sign-in screen, the TOTP step included for a lead or an admin."""
    await page.goto(router + "/")
    await page.get_by_label("Identifiant").fill(username)
    await page.get_by_label("Mot de passe").fill(demo_passwords(credentials)[username])
    await page.get_by_role("button", name="Se connecter").click()
    secrets = demo_totp_secrets(credentials)
    if username in secrets:
        code = page.get_by_label("Code de vérification")
        await code.wait_for(timeout=WAIT_MS)
        await code.fill(await totp_code(secrets[username]))
        await page.get_by_role("button", name="Se connecter").click()
    await page.get_by_role("heading", name="Files").wait_for(timeout=WAIT_MS)
    await page.locator(".live").get_by_text("En direct").wait_for(timeout=WAIT_MS)


async def api_session(context, router: str, username: str, password: str) -> str:
    """A browser session signed in through the API (the cookie lands in the context); its
    CSRF token."""
    answer = await context.request.post(router + "/v1/auth/session",
                                        data={"username": username, "password": password})
    assert answer.status == 200, await answer.text()
    return (await answer.json())["csrf_token"]


async def conversation_of(stack, client: httpx.AsyncClient, phone: str) -> dict:
    async def found():
        items = (await stack.router_get(client, "/v1/conversations", address=phone)).json()["items"]
        return items[0] if items else None

    return await wait_for(found, timeout=60)


def queue_item(page, phone: str):
    return page.locator("button.conv-item").filter(has_text=phone)


async def open_conversation(page, router: str, conv: dict) -> None:
    await page.goto(f"{router}/#/q/{conv['site']}/{conv['team']}/c/{conv['id']}")
    await page.get_by_role("heading", name=f"Conversation {conv['reference']}").wait_for(timeout=WAIT_MS)


async def test_a_patients_sms_reaches_the_right_agent_live_and_the_answer_comes_back_delivered(
    stack, browser, router, demo_credentials_file, stack_database_url
):
    from playwright.async_api import expect

    text = "Bonjour, je voudrais renouveler mon ordonnance svp"
    team = routed_team(text)
    phone = unique_phone()
    agent_context, problems = await new_context(browser)
    phone_context, _ = await new_context(browser, TABLET)
    try:
        page = await agent_context.new_page()
        shell = await page.goto(router + "/")
        assert shell.headers["content-security-policy"] == CSP
        assert shell.headers["x-content-type-options"] == "nosniff"
        assert shell.headers["referrer-policy"] == "no-referrer"
        await page.get_by_role("heading", name="Connexion à Relais").wait_for()
        assert await page.locator("html").get_attribute("lang") == "fr"
        await screenshot(page, "01-sign-in")
        await assert_accessible(page, "sign-in")

        # a wrong password is said in words, announced, and the field flagged
        await page.get_by_label("Identifiant").fill(f"agent.{team}")
        await page.get_by_label("Mot de passe").fill("not-the-password")
        await page.get_by_role("button", name="Se connecter").click()
        await expect(page.get_by_role("alert").filter(has_text="incorrect")).to_be_visible()

        await sign_in(page, router, demo_credentials_file, f"agent.{team}")
        # an agent sees their own team's queue, selected
        await expect(page.locator('button.queue[aria-current="true"]')).to_contain_text(
            {"ordonnances": "Ordonnances"}.get(team, team))
        await page.evaluate("window.sameDocument = true")  # gone if the page reloads

        # The patient texts the clinic from the sandbox's phone.
        phone_page = await phone_context.new_page()
        await phone_page.goto(stack.url("sandbox") + "/phone?number=" + quote(phone))
        await phone_page.get_by_text("En direct").wait_for(timeout=WAIT_MS)
        await phone_page.get_by_label("Votre SMS").fill(text)
        await phone_page.get_by_label("Votre SMS").press("Control+Enter")

        async with httpx.AsyncClient(timeout=15) as client:
            conv = await conversation_of(stack, client, phone)
            seen_by_api = time.time()
            item = queue_item(page, phone)
            await item.wait_for(timeout=WAIT_MS)
            shown = time.time()
        print(f"live: in the agent's queue {shown - seen_by_api:.2f} s after the API had it")
        assert conv["team"] == team
        assert await page.evaluate("window.sameDocument") is True  # no reload
        await expect(item).to_contain_text(conv["reference"])
        await expect(item).to_contain_text("Non attribuée")
        await expect(page.locator("#announcer")).to_contain_text(conv["reference"])
        await screenshot(page, "02-inbox-queue")
        await assert_accessible(page, "inbox queue")

        # Open, claim, answer.
        await item.click()
        await page.get_by_role("heading", name=f"Conversation {conv['reference']}").wait_for()
        await page.get_by_role("button", name="Prendre en charge").click()
        await expect(page.locator(".conv-meta")).to_contain_text("Prise en charge par vous")
        await expect(page.locator("#reply-route")).to_contain_text(CLINIC)
        reply_box = page.get_by_label("Votre réponse")
        await reply_box.fill("Votre biopsie")
        await expect(page.locator("#reply-warning")).to_contain_text("biopsie")
        await reply_box.fill("ça")  # ç is not GSM-7: the whole SMS goes UCS-2
        await expect(page.locator("#reply-counter")).to_contain_text("UCS-2")
        answer = f"Bonjour, votre demande est prise en charge. Passez à l'accueil demain {uuid.uuid4().hex[:6]}"
        await reply_box.fill(answer)
        await expect(page.locator("#reply-counter")).to_contain_text("1 SMS (GSM-7")
        await expect(page.locator("#reply-warning")).to_be_hidden()
        await page.get_by_role("button", name="Envoyer la réponse").click()
        sent = page.locator("li.msg-out").filter(has_text=answer)
        await sent.wait_for(timeout=WAIT_MS)

        # The phone gets it; the inbox shows it delivered (live, no reload).
        on_phone = phone_page.locator("#thread li.msg.outbound").filter(has_text=answer)
        await on_phone.get_by_text("distribué").wait_for(timeout=DELIVERY_MS)
        await expect(sent).to_contain_text("distribué", timeout=DELIVERY_MS)
        assert await page.evaluate("window.sameDocument") is True
        await sent.scroll_into_view_if_needed()
        await screenshot(page, "03-conversation")
        await assert_accessible(page, "conversation view")

        await page.get_by_role("button", name="Résoudre").click()
        await expect(page.locator(".conv-head .badges")).to_contain_text("Résolue")
        await expect(page.get_by_role("button", name="Rouvrir")).to_be_visible()
        problems.assert_none()

        # Another team's agent and an agent of another site: 404, as for no such thing.
        other_team = "facturation" if team != "facturation" else "accueil"
        conn = await asyncpg.connect(stack_database_url)
        try:
            await add_site(conn, OTHER_SITE, "FR", "Europe/Paris")
            far_password = uuid.uuid4().hex
            await create_user(conn, username="agent.ailleurs", password_hash=hash_password(far_password),
                              role="agent", display_name="Agent ailleurs",
                              memberships=[(OTHER_SITE, team)], totp_secret=None)
        finally:
            await conn.close()
        near, _ = await new_context(browser)
        far, _ = await new_context(browser)
        sessions = [
            (near, await api_session(near, router, f"agent.{other_team}",
                                     demo_passwords(demo_credentials_file)[f"agent.{other_team}"])),
            (far, await api_session(far, router, "agent.ailleurs", far_password)),
        ]
        for outsider, csrf in sessions:
            for path in (f"/v1/conversations/{conv['id']}", f"/v1/queues/demo/{team}"):
                refused = await outsider.request.get(router + path)
                assert refused.status == 404, (path, refused.status)
            claim = await outsider.request.post(router + f"/v1/conversations/{conv['id']}/reopen",
                                                data={}, headers={"X-CSRF-Token": csrf})
            assert claim.status == 404, claim.status
            await outsider.close()
    finally:
        await agent_context.close()
        await phone_context.close()


async def test_the_keyboard_alone_signs_in_finds_claims_and_answers(
    stack, browser, router, demo_credentials_file
):
    from playwright.async_api import expect

    text = "Bonjour, je voudrais un rendez-vous avec le docteur mardi"
    team = routed_team(text)
    phone = unique_phone()
    async with httpx.AsyncClient(timeout=15) as client:
        assert (await stack.send_sms(client, phone, text)).status_code == 200
        conv = await conversation_of(stack, client, phone)
    context, problems = await new_context(browser)
    try:
        page = await context.new_page()
        await page.goto(router + "/")
        await page.get_by_label("Identifiant").wait_for()
        assert await page.evaluate("document.activeElement.id") == "signin-username"
        # the skip link comes first, and shows when focused
        await page.keyboard.press("Shift+Tab")
        skip = page.get_by_role("link", name="Aller au contenu")
        await expect(skip).to_be_focused()
        assert (await skip.bounding_box())["y"] >= 0
        await page.keyboard.press("Tab")
        await page.keyboard.type(f"agent.{team}")
        await page.keyboard.press("Tab")
        await page.keyboard.type(demo_passwords(demo_credentials_file)[f"agent.{team}"])
        await page.keyboard.press("Enter")
        await page.get_by_role("heading", name="Files").wait_for(timeout=WAIT_MS)

        # "?" shows the shortcuts, Escape closes them
        await page.keyboard.press("?")
        dialog = page.get_by_role("dialog", name="Raccourcis clavier")
        await expect(dialog).to_be_visible()
        await page.keyboard.press("Escape")
        await expect(dialog).to_be_hidden()

        # "/" searches; j focuses the first result, Enter opens it
        await page.keyboard.press("/")
        await page.keyboard.type(phone)
        await page.keyboard.press("Enter")
        await page.get_by_role("heading", name=f"Résultats pour « {phone} »").wait_for()
        await page.keyboard.press("j")
        assert await page.evaluate("document.activeElement.classList.contains('conv-item')")
        outline = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none"  # the focus shows
        await page.keyboard.press("Enter")
        await page.get_by_role("heading", name=f"Conversation {conv['reference']}").wait_for()

        # c claims, r goes to the reply, Ctrl+Enter sends
        await page.keyboard.press("c")
        await expect(page.locator(".conv-meta")).to_contain_text("Prise en charge par vous")
        await page.keyboard.press("r")
        assert await page.evaluate("document.activeElement.id") == "reply-body"
        answer = f"Bonjour, mardi 10 h vous convient-il ? {uuid.uuid4().hex[:6]}"
        await page.keyboard.type(answer)
        await page.keyboard.press("Control+Enter")
        await page.locator("li.msg-out").filter(has_text=answer).wait_for(timeout=WAIT_MS)
        await expect(page.locator("#announcer")).to_contain_text("Réponse envoyée")

        # Escape leaves the field; n goes to the note; the note is added with Ctrl+Enter
        await page.keyboard.press("Escape")
        await page.keyboard.press("n")
        assert await page.evaluate("document.activeElement.id") == "note-body"
        await page.keyboard.type("Rappeler si pas de réponse avant midi")
        await page.keyboard.press("Control+Enter")
        await page.locator("li.note").filter(has_text="Rappeler si pas de réponse").wait_for()

        # g then q: to the queues; k and j walk the list from there
        await page.keyboard.press("Escape")
        await page.keyboard.press("g")
        await page.keyboard.press("q")
        assert await page.evaluate("document.activeElement.classList.contains('queue')")
        # a contact arriving meanwhile redraws the queue list live: the focus stays on it
        counts = page.locator(".queue-counts").first
        before = await counts.inner_text()
        async with httpx.AsyncClient(timeout=15) as client:
            assert (await stack.send_sms(client, unique_phone(), text)).status_code == 200
        await expect(counts).not_to_have_text(before, timeout=WAIT_MS)
        assert await page.evaluate("document.activeElement.classList.contains('queue')")
        await page.keyboard.press("Enter")  # the agent's queue, from the search results
        await page.get_by_role("heading", name={"rendez-vous": "Rendez-vous"}.get(team, team)).wait_for()
        await page.keyboard.press("k")
        assert await page.evaluate("document.activeElement.classList.contains('conv-item')")
        problems.assert_none()
    finally:
        await context.close()


async def test_two_tabs_share_one_event_stream_and_the_other_takes_over(
    stack, browser, router, demo_credentials_file
):
    text = "Bonjour, j'ai une question sur ma facture"
    team = routed_team(text)
    context, problems = await new_context(browser)
    try:
        first = await context.new_page()
        await sign_in(first, router, demo_credentials_file, f"agent.{team}")
        second = await context.new_page()
        await second.goto(router + "/")  # the session cookie signs this tab in too
        await second.get_by_role("heading", name="Files").wait_for(timeout=WAIT_MS)
        await second.locator(".live").get_by_text("En direct").wait_for(timeout=WAIT_MS)
        pages = [first, second]
        counters = [await p.evaluate("window.relaisLive") for p in pages]
        assert sum(c["eventSources"] for c in counters) == 1, counters
        assert [c["leader"] for c in counters].count(True) == 1, counters

        # both tabs see a new conversation live, the follower through the leader's broadcast
        phone = unique_phone()
        async with httpx.AsyncClient(timeout=15) as client:
            assert (await stack.send_sms(client, phone, text)).status_code == 200
        for page in pages:
            await queue_item(page, phone).wait_for(timeout=WAIT_MS)

        # the leader closes: the other tab opens the one stream and stays live
        leader, follower = pages if counters[0]["leader"] else pages[::-1]
        await leader.close()
        await follower.wait_for_function("window.relaisLive.leader === true", timeout=WAIT_MS)
        assert (await follower.evaluate("window.relaisLive"))["eventSources"] == 1
        phone = unique_phone()
        async with httpx.AsyncClient(timeout=15) as client:
            assert (await stack.send_sms(client, phone, text)).status_code == 200
        await queue_item(follower, phone).wait_for(timeout=WAIT_MS)
        problems.assert_none()
    finally:
        await context.close()


async def test_a_reply_written_before_the_patient_wrote_again_is_refused_with_what_changed(
    stack, browser, router, demo_credentials_file
):
    from playwright.async_api import expect

    text = "Bonjour, mes résultats de prise de sang sont-ils arrivés ?"
    team = routed_team(text)
    phone = unique_phone()
    async with httpx.AsyncClient(timeout=15) as client:
        assert (await stack.send_sms(client, phone, text)).status_code == 200
        conv = await conversation_of(stack, client, phone)
        context, problems = await new_context(browser)
        try:
            page = await context.new_page()
            await sign_in(page, router, demo_credentials_file, f"agent.{team}")
            await open_conversation(page, router, conv)

            # A lead looks at it and types: the agent sees who, live.
            lead = httpx.AsyncClient(base_url=router, timeout=15)
            lead.headers["Authorization"] = "Bearer " + await demo_token(
                lead, demo_credentials_file, "lead")
            api = f"/v1/conversations/{conv['id']}"
            assert (await lead.post(api + "/presence", json={"typing": True})).status_code == 200
            await expect(page.locator(".viewers")).to_contain_text("Lead Demo écrit…", timeout=WAIT_MS)

            # The lead claims it: the view follows; the agent's own claim says who holds it.
            assert (await lead.post(api + "/claim", json={})).status_code == 200
            await expect(page.locator(".conv-meta")).to_contain_text("Prise en charge par lead",
                                                                     timeout=WAIT_MS)
            await page.get_by_role("button", name="Prendre en charge").click()
            await expect(page.locator(".notice")).to_contain_text("Déjà prise en charge par lead.")
            assert (await lead.post(api + "/release", json={})).status_code == 200
            await expect(page.locator(".conv-meta")).to_contain_text("Non attribuée", timeout=WAIT_MS)
            await lead.aclose()

            draft = f"Bonjour, ils ne sont pas encore arrivés {uuid.uuid4().hex[:6]}"
            await page.get_by_label("Votre réponse").fill(draft)

            # the patient writes again while the agent types: said, not swapped under the pen
            follow_up = "Ah si, je viens de recevoir un courrier, merci"
            assert (await stack.send_sms(client, phone, follow_up)).status_code == 200
            await expect(page.locator(".notice")).to_contain_text(
                "a changé pendant que vous écriviez", timeout=WAIT_MS)
            await expect(page.locator(".history")).not_to_contain_text(follow_up)

            await page.get_by_role("button", name="Envoyer la réponse").click()
            notice = page.locator(".notice")
            await expect(notice).to_contain_text("La conversation a changé depuis que vous l'avez ouverte")
            await expect(notice).to_contain_text("nouveau message du patient")
            await expect(notice).to_contain_text("Votre brouillon est conservé")
            await screenshot(page, "04-conversation-moved")
            await notice.get_by_role("button", name="Recharger la conversation").click()
            await expect(page.locator(".history")).to_contain_text(follow_up)
            assert await page.get_by_label("Votre réponse").input_value() == draft

            await page.get_by_role("button", name="Envoyer la réponse").click()
            await page.locator("li.msg-out").filter(has_text=draft).wait_for(timeout=WAIT_MS)
            sent = [m for m in (await stack.router_get(client, f"/v1/conversations/{conv['id']}")).json()["messages"]
                    if m["direction"] == "out" and m["text"] == draft]
            assert len(sent) == 1  # refused once, sent once
            problems.assert_none()
        finally:
            await context.close()


# Stands in for the browser's notifications: records them (headless Chromium shows none).
FAKE_NOTIFICATIONS = """
window.shownNotifications = [];
window.Notification = class {
  static permission = "granted";
  static requestPermission() { return Promise.resolve("granted"); }
  constructor(title, options) { window.shownNotifications.push({ title, body: options && options.body }); }
};
"""


async def test_a_new_p1_rings_once_for_the_browser_after_the_agent_opted_in(
    stack, browser, router, demo_credentials_file
):
    from playwright.async_api import expect

    text = "J'ai une douleur dans la poitrine qui serre très fort et je n'arrive plus à respirer"
    decision = route_contact(RoutingInput(channel="sms", text=text, recipient=CLINIC))
    assert decision.urgent and decision.priority == "P1"
    context, problems = await new_context(browser)
    await context.add_init_script(script=FAKE_NOTIFICATIONS)
    try:
        first = await context.new_page()
        await sign_in(first, router, demo_credentials_file, f"agent.{decision.team}")
        second = await context.new_page()
        await second.goto(router + "/")
        await second.get_by_role("heading", name="Files").wait_for(timeout=WAIT_MS)
        opt_in = first.get_by_role("button", name="Alertes P1 : activer")
        await opt_in.click()
        await expect(first.get_by_role("button", name="Alertes P1 activées")).to_have_attribute(
            "aria-pressed", "true")

        phone = unique_phone()
        async with httpx.AsyncClient(timeout=15) as client:
            assert (await stack.send_sms(client, phone, text)).status_code == 200
        for page in (first, second):
            item = queue_item(page, phone)
            await expect(item).to_contain_text("Urgent", timeout=WAIT_MS)
            await expect(item).to_contain_text("P1")
            await expect(page.locator("#alerter")).to_contain_text("Nouvelle conversation urgente")

        async def shown():
            return [n for p in (first, second) for n in await p.evaluate("window.shownNotifications")]

        rung = await wait_for(shown, timeout=10)
        await first.wait_for_timeout(1_000)  # no second ring from the other tab
        assert await shown() == rung and len(rung) == 1, rung
        assert rung[0]["title"] == "Relais : nouvelle conversation urgente"
        problems.assert_none()
    finally:
        await context.close()


async def test_on_a_tablet_the_panes_stack_and_a_lead_sees_the_overview(
    stack, browser, router, demo_credentials_file
):
    from playwright.async_api import expect

    text = "Bonjour, je voudrais renouveler mon ordonnance svp"
    phone = unique_phone()
    async with httpx.AsyncClient(timeout=15) as client:
        assert (await stack.send_sms(client, phone, text)).status_code == 200
        conv = await conversation_of(stack, client, phone)
    context, problems = await new_context(browser, TABLET)
    try:
        page = await context.new_page()
        await page.goto(router + "/")
        # the lead's password first; the API then asks for the code and the field shows
        await page.get_by_label("Identifiant").fill("lead")
        await page.get_by_label("Mot de passe").fill(demo_passwords(demo_credentials_file)["lead"])
        await page.get_by_role("button", name="Se connecter").click()
        code = page.get_by_label("Code de vérification")
        await expect(code).to_be_visible(timeout=WAIT_MS)
        await expect(page.get_by_role("alert").filter(has_text="code de vérification")).to_be_visible()
        await code.fill(await totp_code(demo_totp_secrets(demo_credentials_file)["lead"]))
        await page.get_by_role("button", name="Se connecter").click()
        await page.get_by_role("heading", name="Files").wait_for(timeout=WAIT_MS)

        await page.get_by_role("button", name="Vue d'ensemble").click()
        table = page.get_by_role("table")
        await expect(table).to_contain_text("Ordonnances")
        await screenshot(page, "05-tablet-overview")
        await assert_accessible(page, "overview on a tablet")

        await open_conversation(page, router, conv)
        # the list steps aside for the conversation, and comes back
        await expect(page.locator("section.list")).to_be_hidden()
        await expect(page.get_by_role("button", name="Retour à la liste")).to_be_visible()
        await screenshot(page, "06-tablet-conversation")
        await assert_accessible(page, "conversation on a tablet")
        await page.get_by_role("button", name="Retour à la liste").click()
        await expect(page.locator("section.list")).to_be_visible()
        await expect(queue_item(page, phone)).to_be_visible()

        # English, remembered
        await page.get_by_role("button", name="English").click()
        assert await page.locator("html").get_attribute("lang") == "en"
        await page.get_by_role("heading", name="Queues").wait_for()
        await page.reload()
        await page.get_by_role("heading", name="Queues").wait_for(timeout=WAIT_MS)
        await screenshot(page, "07-tablet-queue-english")
        problems.assert_none()
    finally:
        await context.close()


async def test_canned_replies_tags_and_waiting_on_the_patient(
    stack, browser, router, demo_credentials_file
):
    from playwright.async_api import expect

    text = "Bonjour, j'ai une question sur ma facture"
    team = routed_team(text)
    phone = unique_phone()
    async with httpx.AsyncClient(timeout=15) as client:
        assert (await stack.send_sms(client, phone, text)).status_code == 200
        conv = await conversation_of(stack, client, phone)
        context, problems = await new_context(browser)
        try:
            page = await context.new_page()
            await sign_in(page, router, demo_credentials_file, f"agent.{team}")
            await open_conversation(page, router, conv)

            # a canned reply goes in with its variables filled
            await page.get_by_label("Réponse type").select_option(label="Prise en charge")
            await page.get_by_role("button", name="Insérer").click()
            filled = await page.get_by_label("Votre réponse").input_value()
            assert conv["reference"] in filled and "Sarah" in filled and "{" not in filled, filled
            await expect(page.locator("#reply-counter")).to_contain_text("SMS")

            # tags and the contact reason
            await page.get_by_text("Étiquettes et motif de contact").click()
            await page.get_by_label("Étiquettes").fill("rappel, mutuelle")
            await page.get_by_label("Motif de contact").select_option(label="Facturation")
            await page.get_by_role("button", name="Enregistrer").click()
            await expect(page.locator("#announcer")).to_contain_text("Étiquettes et motif enregistrés")
            view = (await stack.router_get(client, f"/v1/conversations/{conv['id']}")).json()
            assert (view["tags"], view["reason"]) == (["rappel", "mutuelle"], "billing")

            # waiting on the patient pauses the clock, waking runs it again; the same for a snooze
            actions = page.locator(".actions")
            badges = page.locator(".conv-head .badges")
            await actions.get_by_role("button", name="En attente du patient").click()
            await expect(badges).to_contain_text("En attente du patient")
            await actions.get_by_role("button", name="Réveiller").click()
            await expect(badges).not_to_contain_text("En attente du patient")
            await actions.get_by_role("button", name="Reporter…").click()
            await expect(page.get_by_label("Reporter jusqu'au")).to_be_focused()
            await actions.get_by_role("button", name="Reporter", exact=True).click()
            await expect(badges).to_contain_text("Reportée jusqu'à")
            await actions.get_by_role("button", name="Réveiller").click()
            await expect(badges).not_to_contain_text("Reportée")
            view = (await stack.router_get(client, f"/v1/conversations/{conv['id']}")).json()
            assert view["snoozed_until"] is None and view["waiting_on_patient"] is False
            # the draft survived every refresh
            assert await page.get_by_label("Votre réponse").input_value() == filled
            problems.assert_none()
        finally:
            await context.close()


async def test_too_many_sign_ins_say_how_long_to_wait(browser, router):
    """Last of the module: it spends the address's sign-in budget."""
    from playwright.async_api import expect

    context, problems = await new_context(browser)
    try:
        page = await context.new_page()
        await page.goto(router + "/")
        for attempt in range(60):
            answer = await context.request.post(router + "/v1/auth/session", data={
                "username": f"nobody-{attempt}", "password": "wrong"})
            if answer.status == 429:
                break
        assert answer.status == 429
        await page.get_by_label("Identifiant").fill("nobody")
        await page.get_by_label("Mot de passe").fill("wrong")
        await page.get_by_role("button", name="Se connecter").click()
        await expect(page.get_by_role("alert").filter(has_text="Trop de tentatives")).to_contain_text(
            "Réessayez dans")
        await expect(page.get_by_role("button", name="Se connecter")).to_be_disabled()
        problems.assert_none()
    finally:
        await context.close()
