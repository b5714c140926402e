"""The inbox's commands on real PostgreSQL: claim races, replies through the outbox to the
notifier's topic with their delivery state coming back, stale commands refused with what
changed, idempotent client keys, notes, tags, snooze and the SLA clock, resolve/reopen,
audit rows that name the person, and what another team or site gets (404)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import orjson
import pytest
from relais_router.handlers import RouterContext, handle_delivery_status
from relais_shared import topics
from relais_shared.events import DeliveryStatus, make_envelope
from relais_shared.kafka.runner import Delivery

from tests.integration.router.inbox_support import (
    add_agent,
    app_for,
    routed_sms,
    served,
    unique_name,
)
from tests.integration.router.test_threading import (  # noqa: F401  (fixtures)
    db,
    handle,
    runtime,
    sms,
)

pytestmark = pytest.mark.integration


@pytest.fixture
async def team_agents(runtime, db):
    """A routed SMS and, for its team: two agents, a lead; an agent of another team and an
    agent of the same team at another site."""
    conv = await routed_sms(runtime, db, "Bonjour, je voudrais déplacer mon rendez-vous de jeudi")
    app = app_for(runtime)
    team = conv["team"]
    other_team = "facturation" if team != "facturation" else "ordonnances"
    agents = {
        "a": await add_agent(db, app, unique_name("agent.a"), "agent", "demo", [team]),
        "b": await add_agent(db, app, unique_name("agent.b"), "agent", "demo", [team]),
        "lead": await add_agent(db, app, unique_name("lead"), "lead", "demo", [team]),
        "other_team": await add_agent(db, app, unique_name("agent.o"), "agent", "demo",
                                      [other_team]),
        "other_site": await add_agent(db, app, unique_name("agent.r"), "agent", "reunion",
                                      [team]),
    }
    yield conv, agents
    for agent in agents.values():
        await agent.client.aclose()


async def outbox(db, conversation_id) -> list[dict]:
    rows = await db.fetch(
        "SELECT topic, payload FROM router.outbox WHERE key = $1 ORDER BY id", str(conversation_id))
    return [{"topic": r["topic"], **orjson.loads(r["payload"])} for r in rows]


async def test_a_routed_contact_is_in_its_team_queue_with_its_sla_deadline(team_agents):
    conv, agents = team_agents
    a = agents["a"].client
    queue = (await a.get(f"/v1/queues/demo/{conv['team']}", params={"filter": "unassigned"})).json()
    item = next(i for i in queue["items"] if i["id"] == str(conv["id"]))
    assert item["due_at"] is not None and item["breached"] is False
    assert item["preview"].startswith("Bonjour") and item["channel"] == "sms"
    queues = (await a.get("/v1/queues")).json()["queues"]
    assert [(q["site"], q["team"]) for q in queues] == [("demo", conv["team"])]
    assert queues[0]["counts"]["open"] >= 1 and queues[0]["counts"]["unassigned"] >= 1
    # An agent of another team or site does not see this queue at all.
    assert (await agents["other_team"].client.get(f"/v1/queues/demo/{conv['team']}")).status_code == 404
    assert (await agents["other_site"].client.get(f"/v1/queues/demo/{conv['team']}")).status_code == 404


async def test_two_agents_claim_at_once_one_wins_the_other_gets_409(team_agents, db):
    conv, agents = team_agents
    url = f"/v1/conversations/{conv['id']}/claim"
    first, second = await asyncio.gather(agents["a"].client.post(url),
                                         agents["b"].client.post(url))
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    loser = first if first.status_code == 409 else second
    assert loser.json()["type"].endswith("/already-claimed")
    winner = agents["a"] if first.status_code == 200 else agents["b"]
    assert loser.json()["assignee"] == winner.username
    view = (await winner.client.get(f"/v1/conversations/{conv['id']}")).json()
    assert view["assignee"] == winner.username
    again = await winner.client.post(url)  # claiming what one holds is a no-op
    assert again.status_code == 200 and again.json()["version"] == view["version"]


async def test_a_reply_goes_through_the_outbox_and_its_delivery_state_comes_back(
        team_agents, runtime, db):
    conv, agents = team_agents
    a = agents["a"].client
    view = (await a.get(f"/v1/conversations/{conv['id']}")).json()
    assert view["reply"]["channel"] == "sms" and view["reply"]["sender"]
    answer = await a.post(f"/v1/conversations/{conv['id']}/replies",
                          json={"body": "Bonjour, c'est noté pour jeudi 10 h.",
                                "version": view["version"]})
    assert answer.status_code == 202, answer.text
    sent = answer.json()
    requests = [e for e in await outbox(db, conv["id"]) if e["topic"] == topics.NOTIFY_REQUESTED
                and e["data"]["kind"] == "reply"]
    assert len(requests) == 1
    request = requests[0]["data"]
    assert request["text"] == "Bonjour, c'est noté pour jeudi 10 h."
    assert request["notification_id"] == sent["notification_id"]
    assert request["channel"] == "sms" and request["address"] == view["correspondent"]["address"]
    assert request["params"]["sms_from"] == view["reply"]["sender"]
    events = [e["data"]["kind"] for e in await outbox(db, conv["id"])
              if e["topic"] == topics.CONVERSATION_EVENTS]
    assert events[-1] == "replied"

    status = DeliveryStatus(notification_id=sent["notification_id"], status="delivered",
                            conversation_id=str(conv["id"]))
    envelope = make_envelope(topics.DELIVERY_STATUS, status, source="test", site_id="demo")
    await handle_delivery_status(RouterContext(runtime.pool), Delivery(
        topic=topics.DELIVERY_STATUS, partition=0, offset=0, key=str(conv["id"]),
        envelope=envelope, data=status))
    view = (await a.get(f"/v1/conversations/{conv['id']}")).json()
    mine = next(m for m in view["messages"] if m["id"] == sent["message_id"])
    assert (mine["direction"], mine["kind"], mine["delivery_status"]) == ("out", "reply", "delivered")
    assert view["answered"] is True and view["breached"] is False  # the SLA clock stopped


async def test_a_command_on_a_stale_version_is_refused_with_what_changed(team_agents, runtime, db):
    conv, agents = team_agents
    a, b = agents["a"].client, agents["b"].client
    seen = (await a.get(f"/v1/conversations/{conv['id']}")).json()["version"]
    address = (await a.get(f"/v1/conversations/{conv['id']}")).json()["correspondent"]["address"]
    await handle(runtime, sms(address, "Finalement plutôt vendredi si possible"))
    await b.post(f"/v1/conversations/{conv['id']}/claim")
    refused = await a.post(f"/v1/conversations/{conv['id']}/replies",
                           json={"body": "Jeudi c'est bon", "version": seen})
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["type"].endswith("/conversation-moved")
    assert [(c["change"], c["actor"]) for c in problem["changes"]] == [
        ("patient_message", None), ("claimed", agents["b"].username)]
    assert problem["current_version"] > seen
    # Nothing was sent.
    assert not [e for e in await outbox(db, conv["id"])
                if e["topic"] == topics.NOTIFY_REQUESTED and e["data"]["kind"] == "reply"]
    # A note does not make a later reply stale; one's own moves neither.
    current = problem["current_version"]
    await b.post(f"/v1/conversations/{conv['id']}/notes", json={"body": "Rappeler le cabinet"})
    ok = await b.post(f"/v1/conversations/{conv['id']}/replies",
                      json={"body": "Vendredi 9 h ?", "version": current})
    assert ok.status_code == 202


async def test_a_retried_click_with_the_same_client_key_does_nothing_twice(team_agents, db):
    conv, agents = team_agents
    a = agents["a"].client
    body = {"body": "Nous vous rappelons demain matin.", "client_key": str(uuid.uuid4())}
    first = await a.post(f"/v1/conversations/{conv['id']}/replies", json=body)
    second = await a.post(f"/v1/conversations/{conv['id']}/replies", json=body)
    assert first.status_code == second.status_code == 202
    assert first.json() == second.json()
    replies = await db.fetchval(
        "SELECT count(*) FROM router.messages WHERE conversation_id = $1 AND kind = 'reply'",
        conv["id"])
    assert replies == 1
    reused = await a.post(f"/v1/conversations/{conv['id']}/notes",
                          json={"body": "x", "client_key": body["client_key"]})
    assert reused.status_code == 422


async def test_notes_tags_snooze_and_wake_resolve_and_reopen(team_agents, db):
    conv, agents = team_agents
    a = agents["a"].client
    cid = conv["id"]
    note = await a.post(f"/v1/conversations/{cid}/notes", json={"body": "Patiente déjà appelée"})
    assert note.status_code == 201
    tagged = await a.put(f"/v1/conversations/{cid}/tags",
                         json={"tags": ["Rappel", "rappel", "mutuelle"], "reason": "appointment"})
    assert tagged.json()["tags"] == ["rappel", "mutuelle"]
    assert (await a.put(f"/v1/conversations/{cid}/tags",
                        json={"tags": [], "reason": "astrology"})).status_code == 422
    reasons = (await a.get("/v1/contact-reasons")).json()["items"]
    assert {"id": "appointment", "fr": "Rendez-vous", "en": "Appointment"} in reasons
    # Urgent, so that its clock runs in real seconds whatever the hour this test runs at
    # (open-hours arithmetic is the domain's, in tests/unit/router/test_sla.py).
    await db.execute("UPDATE router.conversations SET urgent = true WHERE id = $1", cid)
    waiting = await a.post(f"/v1/conversations/{cid}/snooze", json={"waiting_on_patient": True})
    assert waiting.status_code == 200
    queue = (await a.get(f"/v1/queues/demo/{conv['team']}", params={"filter": "waiting"})).json()
    assert str(cid) in [i["id"] for i in queue["items"]]
    paused = await db.fetchrow(
        "SELECT due_at, sla_paused_at, sla_remaining_s FROM router.conversations WHERE id = $1",
        cid)
    assert paused["sla_remaining_s"] == pytest.approx(
        (paused["due_at"] - paused["sla_paused_at"]).total_seconds())
    await db.execute(  # an hour passes while it waits on the patient
        "UPDATE router.conversations SET sla_paused_at = sla_paused_at - interval '1 hour',"
        " due_at = due_at - interval '1 hour' WHERE id = $1", cid)
    woken = await a.post(f"/v1/conversations/{cid}/wake")
    assert woken.status_code == 200
    due_after = await db.fetchval("SELECT due_at FROM router.conversations WHERE id = $1", cid)
    # the paused hour did not count: the clock resumed with what was left when it paused
    assert due_after - paused["due_at"] == pytest.approx(timedelta(0), abs=timedelta(seconds=5))
    view = (await a.get(f"/v1/conversations/{cid}")).json()
    assert [n["body"] for n in view["notes"]] == ["Patiente déjà appelée"]
    assert view["tags"] == ["rappel", "mutuelle"] and view["reason"] == "appointment"
    assert view["sla_paused"] is False
    resolved = await a.post(f"/v1/conversations/{cid}/resolve", json={"version": view["version"]})
    assert resolved.json()["status"] == "resolved"
    assert (await a.post(f"/v1/conversations/{cid}/replies", json={"body": "x"})).status_code == 409
    reopened = await a.post(f"/v1/conversations/{cid}/reopen")
    assert reopened.json()["status"] == "open"
    changes = [c["change"] for c in (await a.get(f"/v1/conversations/{cid}")).json()["timeline"]]
    assert changes[-6:] == ["noted", "tagged", "waiting", "woken", "resolved", "reopened"]


async def test_another_team_or_site_gets_404_on_every_conversation_route(team_agents):
    conv, agents = team_agents
    cid = conv["id"]
    for who in ("other_team", "other_site"):
        client = agents[who].client
        for method, path, body in (
            ("GET", f"/v1/conversations/{cid}", None),
            ("POST", f"/v1/conversations/{cid}/claim", None),
            ("POST", f"/v1/conversations/{cid}/replies", {"body": "x"}),
            ("POST", f"/v1/conversations/{cid}/notes", {"body": "x"}),
            ("POST", f"/v1/conversations/{cid}/resolve", None),
            ("POST", f"/v1/conversations/{cid}/presence", {"typing": True}),
            ("PUT", f"/v1/conversations/{cid}/tags", {"tags": ["x"]}),
        ):
            answer = await client.request(method, path, json=body)
            assert answer.status_code == 404, (who, method, path, answer.text)
    # The lead of the site sees it.
    assert (await agents["lead"].client.get(f"/v1/conversations/{cid}")).status_code == 200


async def test_every_read_and_write_is_audited_with_the_person_and_where_from(team_agents, db):
    conv, agents = team_agents
    a = agents["a"]
    await a.client.get(f"/v1/conversations/{conv['id']}")
    await a.client.post(f"/v1/conversations/{conv['id']}/claim")
    rows = await db.fetch("SELECT actor, action, details FROM router.audit_log"
                          " WHERE conversation_id = $1 ORDER BY id", conv["id"])
    mine = [(r["actor"], r["action"]) for r in rows if r["actor"] == a.username]
    assert mine == [(a.username, "conversation.read"), (a.username, "conversation.claim")]
    assert all(orjson.loads(r["details"]).get("ip") for r in rows if r["actor"] == a.username)
    lead_view = (await agents["lead"].client.get(
        "/v1/audit", params={"conversation": str(conv["id"])})).json()["items"]
    assert {(i["actor"], i["action"]) for i in lead_view} >= set(mine)
    assert (await a.client.get("/v1/audit")).status_code == 404  # agents do not read it


async def test_behind_a_trusted_proxy_the_audit_names_the_client_not_the_proxy(
        team_agents, runtime, db):
    conv, _ = team_agents
    app = app_for(runtime)
    app.state.settings = runtime.settings.model_copy(
        update={"auth_trusted_proxies": ("127.0.0.1/32",)})
    agent = await add_agent(db, app, unique_name("agent.p"), "agent", "demo", [conv["team"]])
    try:
        answer = await agent.client.get(f"/v1/conversations/{conv['id']}",
                                        headers={"X-Forwarded-For": "198.51.100.7"})
        assert answer.status_code == 200
    finally:
        await agent.client.aclose()
    details = await db.fetchval("SELECT details FROM router.audit_log WHERE actor = $1"
                                " AND action = 'conversation.read'", agent.username)
    assert orjson.loads(details)["ip"] == "198.51.100.7"


async def test_a_lead_assigns_only_to_a_present_agent_with_room(team_agents, db):
    conv, agents = team_agents
    lead, a = agents["lead"].client, agents["a"]
    url = f"/v1/conversations/{conv['id']}/assign"
    away = await lead.post(url, json={"username": a.username})
    assert away.status_code == 409 and away.json()["reason"] == "agent-away"
    await a.client.post("/v1/me/presence", json={"status": "available"})
    await db.execute("UPDATE router.users SET capacity = 0 WHERE username = $1", a.username)
    full = await lead.post(url, json={"username": a.username})
    assert full.status_code == 409 and full.json()["reason"] == "agent-at-capacity"
    await db.execute("UPDATE router.users SET capacity = 5 WHERE username = $1", a.username)
    given = await lead.post(url, json={"username": a.username})
    assert given.status_code == 200 and given.json()["assignee"] == a.username
    assert (await agents["b"].client.post(url, json={"username": a.username})).status_code == 403


async def test_search_by_reference_phone_and_words(team_agents, runtime, db):
    conv, agents = team_agents
    a = agents["a"].client
    address = (await a.get(f"/v1/conversations/{conv['id']}")).json()["correspondent"]["address"]
    for q in (conv["reference"], conv["reference"].lower(), address, "deplacer rendez-vous",
              "jeudi"):
        found = (await a.get("/v1/search", params={"q": q})).json()["items"]
        assert str(conv["id"]) in [i["id"] for i in found], q
    other = (await agents["other_team"].client.get("/v1/search", params={"q": "jeudi"})).json()
    assert str(conv["id"]) not in [i["id"] for i in other["items"]]


async def test_idle_claims_return_to_the_queue_and_breaches_are_flagged(team_agents, runtime, db):
    from relais_router.commands import sweep

    conv, agents = team_agents
    await agents["a"].client.post(f"/v1/conversations/{conv['id']}/claim")
    await db.execute(
        "UPDATE router.conversations SET agent_touched_at = now() - interval '2 hours',"
        " due_at = now() - interval '1 minute', urgent = true WHERE id = $1", conv["id"])
    done = await sweep(runtime.inbox, claim_idle_minutes=30)
    assert done["returned"] >= 1 and done["breaches"] >= 1
    row = await db.fetchrow("SELECT assignee, breach_alerted_at FROM router.conversations"
                            " WHERE id = $1", conv["id"])
    assert row["assignee"] is None and row["breach_alerted_at"] is not None
    changes = [c["change"] for c in (await agents["a"].client.get(
        f"/v1/conversations/{conv['id']}")).json()["timeline"]]
    assert "returned_to_queue" in changes


async def test_canned_replies_are_filled_for_the_conversation(team_agents):
    conv, agents = team_agents
    items = (await agents["a"].client.get("/v1/canned-replies", params={
        "site": "demo", "team": conv["team"], "conversation": str(conv["id"])})).json()["items"]
    assert {i["lang"] for i in items} == {"fr", "en"}
    assert all("{" not in i["text"] for i in items)
    assert any(conv["reference"] in i["text"] for i in items)


async def _events(response, count: int) -> list[dict]:
    events, current = [], {}
    async for line in response.aiter_lines():
        if line.startswith("id: "):
            current["id"] = int(line[4:])
        elif line.startswith("data: "):
            current["data"] = orjson.loads(line[6:])
        elif line == "" and "data" in current:
            events.append(current)
            current = {}
            if len(events) == count:
                return events
    return events


async def test_a_new_contact_reaches_the_stream_and_a_stream_resumes(runtime, db):
    app = app_for(runtime)
    async with served(app) as url:
        team = (await routed_sms(runtime, db, "Je voudrais déplacer mon rendez-vous"))["team"]
        a = await add_agent(db, app, unique_name("agent.s"), "agent", "demo", [team], url)
        b = await add_agent(db, app, unique_name("agent.t"), "agent", "demo", [team], url)
        async with a.client.stream("GET", "/v1/stream") as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            reader = asyncio.create_task(_events(response, 1))
            await asyncio.sleep(0.3)
            started = datetime.now(UTC)
            new = await routed_sms(runtime, db, "Bonjour je voudrais annuler mon rendez-vous")
            (event,) = await asyncio.wait_for(reader, 5)
            shown_after = datetime.now(UTC) - started
        assert new["team"] == team
        assert event["data"]["conversation_id"] == str(new["id"])
        assert event["data"]["change"] == "routed" and shown_after < timedelta(seconds=5)
        # Resumed after that event: a claim made meanwhile is replayed.
        await b.client.post(f"/v1/conversations/{new['id']}/claim")
        async with a.client.stream("GET", "/v1/stream",
                                   headers={"Last-Event-ID": str(event["id"])}) as again:
            replayed = await asyncio.wait_for(_events(again, 1), 5)
        assert replayed[0]["data"]["change"] == "claimed" and replayed[0]["id"] > event["id"]
        await a.client.aclose()
        await b.client.aclose()


async def test_taking_the_next_conversation_needs_presence_and_room(team_agents, runtime, db):
    conv, agents = team_agents
    a, b = agents["a"], agents["b"]
    url = f"/v1/queues/demo/{conv['team']}/next"
    away = await a.client.post(url)
    assert away.status_code == 409 and away.json()["reason"] == "agent-away"
    await a.client.post("/v1/me/presence", json={"status": "available"})
    await b.client.post("/v1/me/presence", json={"status": "available"})
    await routed_sms(runtime, db, "Bonjour, je voudrais déplacer mon rendez-vous de lundi")
    first, second = await asyncio.gather(a.client.post(url), b.client.post(url))
    assert first.status_code == second.status_code == 200, (first.text, second.text)
    assert first.json()["id"] != second.json()["id"]  # never the same one twice
    await db.execute("UPDATE router.users SET capacity = 1 WHERE username = $1", a.username)
    full = await a.client.post(url)
    assert full.status_code == 409 and full.json()["reason"] == "agent-at-capacity"
    assert (await agents["other_team"].client.post(url)).status_code == 404
