"""Assignment through the real router worker (Kafka + PostgreSQL): capacity overflow with
its reason in the conversation view, ETA inputs in the explanation and the ack request,
and the on-call escalation of an out-of-hours P1.

Every router on the shared topic reads it from the start, so these tests work on a site of
their own (added to the directory) whose counts nothing else touches.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import orjson
import pytest
from aiokafka import AIOKafkaProducer
from relais_cli.stack import prepare_database
from relais_router.adapters import directory as store
from relais_router.api.app import create_app
from relais_router.bootstrap import build_consumer, build_runtime
from relais_router.domain.directory import Directory
from relais_router.domain.hours import WEEKDAYS
from relais_router.handlers import RouterContext, handle_contact_received
from relais_router.settings import RouterSettings
from relais_shared import db, topics
from relais_shared.contracts import decode, encode
from relais_shared.events import Address, ContactReceived, make_envelope
from relais_shared.ids import new_id
from relais_shared.kafka.runner import Delivery

from tests.conftest import unique_phone

pytestmark = pytest.mark.integration

ON_CALL = "+33939000077"


def _contact(site: str, phone: str, text: str):
    contact = ContactReceived(
        contact_id=new_id(), channel="sms", kind="message",
        dedupe_key=f"sms:SM{uuid.uuid4().hex}", sender=Address(address=phone, kind="phone"),
        recipient="+33939000000", text=text, received_at=datetime.now(UTC),
    )
    return make_envelope(topics.CONTACT_RECEIVED, contact, source="test", site_id=site)


async def _set_site(conn: asyncpg.Connection, site_id: str, teams: dict[str, dict]) -> None:
    """Add (or reshape) this test's own site: the demo site under another id."""

    def change(current: Directory | None) -> Directory:
        assert current is not None
        document = current.document()
        document["sites"] = [s for s in document["sites"] if s["id"] != site_id]
        site = {**next(s for s in document["sites"] if s["id"] == "demo"), "id": site_id,
                "on_call": {"channel": "sms", "address": ON_CALL, "name": None, "lang": "fr"}}
        site["teams"] = [{**t, **teams.get(t["id"], {})} for t in site["teams"]]
        document["sites"].append(site)
        return Directory.model_validate(document)

    async with conn.transaction():
        await store.change_directory(conn, "test", "update", change)


@pytest.fixture
async def router(kafka_bootstrap, fresh_database_url, tmp_path):
    await prepare_database(fresh_database_url, tmp_path / "creds.txt")
    settings = RouterSettings(
        kafka_bootstrap=kafka_bootstrap, database_url=fresh_database_url,
        router_consumer_group="test-router-" + uuid.uuid4().hex[:8], log_format="json",
    )
    runtime = await build_runtime(settings, "router-test")
    consumer = build_consumer(runtime)
    # No relay: the tests read what the router wrote to its outbox (a relay deletes it).
    tasks = [asyncio.create_task(consumer.run())]
    conn = await asyncpg.connect(fresh_database_url)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all",
                                enable_idempotence=True)
    await producer.start()
    app = create_app(runtime)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://router") as client:
        client.headers["Authorization"] = f"Bearer {settings.admin_token}"

        async def send(site: str, text: str) -> dict:
            """Send one SMS and return the conversation view once it is routed."""
            phone = unique_phone()
            envelope = _contact(site, phone, text)
            await producer.send_and_wait(topics.CONTACT_RECEIVED, encode(envelope),
                                         key=phone.encode())
            contact_id = envelope.data["contact_id"]
            deadline = asyncio.get_running_loop().time() + 90
            while True:
                answer = await client.get(f"/v1/contacts/{contact_id}")
                if answer.status_code == 200:
                    return answer.json()
                assert asyncio.get_running_loop().time() < deadline, "contact never routed"
                await asyncio.sleep(0.2)

        yield SimpleNamespace(conn=conn, send=send, site="t" + uuid.uuid4().hex[:10])
    await producer.stop()
    await conn.close()
    consumer.stop()
    await asyncio.wait(tasks, timeout=15)
    await runtime.close()


async def _outbox(conn: asyncpg.Connection, conversation_id: str, topic: str) -> list:
    rows = await conn.fetch("SELECT payload FROM router.outbox WHERE key = $1 AND topic = $2"
                            " ORDER BY id", conversation_id, topic)
    return [decode(topic, bytes(r["payload"]))[1] for r in rows]


async def test_a_team_over_capacity_overflows_with_the_reason_in_the_conversation(router):
    await _set_site(router.conn, router.site, {"rendez-vous": {"capacity": 1}})
    text = "Bonjour, je voudrais prendre rendez-vous avec le docteur la semaine prochaine"
    first = await router.send(router.site, text)
    assert first["team"] == "rendez-vous"
    assert first["explanation"]["assignment"]["overflow"] == []

    second = await router.send(router.site, text)
    assert second["team"] == "accueil"
    explanation = second["explanation"]
    assert explanation["assignment"]["requested_team"] == "rendez-vous"
    assert explanation["assignment"]["overflow"] == [
        {"from": "rendez-vous", "to": "accueil", "reason": "over_capacity",
         "open_conversations": 1, "capacity": 1}]
    assert explanation["directory_version"] == 2
    (routed,) = [e for e in await _outbox(router.conn, second["id"], topics.CONVERSATION_EVENTS)
                 if e.kind == "routed"]
    assert routed.team == "accueil" and routed.explanation["assignment"]["overflow"]


async def _history(conn: asyncpg.Connection, site: str, team: str, handled: int,
                   waiting_p1: int) -> None:
    """`handled` conversations answered in 30 minutes over the last days, and open P1s."""
    now = datetime.now(UTC)
    for index in range(handled + waiting_p1):
        correspondent = await conn.fetchval(
            "INSERT INTO router.correspondents (id, address, kind) VALUES ($1, $2, 'phone')"
            " RETURNING id", uuid.uuid4(), unique_phone())
        created = now - timedelta(hours=6 + index * 5)
        answered = index < handled
        await conn.execute(
            "INSERT INTO router.conversations (id, site_id, correspondent_id, reference, status,"
            " team, priority, explanation, created_at, first_response_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, '{}', $8, $9)",
            uuid.uuid4(), site, correspondent, "T-" + uuid.uuid4().hex[:10],
            "resolved" if answered else "open", team, "P3" if answered else "P1", created,
            created + timedelta(minutes=30) if answered else None)


async def test_eta_inputs_are_in_the_explanation_and_the_ack_request(router):
    await _set_site(router.conn, router.site, {
        "ordonnances": {"hours": None, "sla_hours": {"P1": 72, "P2": 72, "P3": 72, "P4": 72}}})
    # 28 handled over 14 days around the clock = 1 every 12 h; 2 P1s waiting ahead.
    await _history(router.conn, router.site, "ordonnances", handled=28, waiting_p1=2)
    before = datetime.now(UTC)
    view = await router.send(router.site, "Bonjour, pouvez-vous renouveler mon ordonnance ?")
    assert view["team"] == "ordonnances"
    eta = view["explanation"]["eta"]
    assert eta["backlog"] == 2
    assert eta["throughput_per_hour"] == pytest.approx(28 / 336, abs=1e-3)
    assert eta["median_minutes"] == 30.0 and eta["sla_hours"] == 72
    assert eta["capped_by"] is None and eta["basis"] == "throughput"
    deadline = datetime.fromisoformat(eta["deadline"])
    # (2 ahead + this one) × 12 h = 36 h after now.
    assert before + timedelta(hours=36) <= deadline <= datetime.now(UTC) + timedelta(hours=36)

    requests = await _outbox(router.conn, view["id"], topics.NOTIFY_REQUESTED)
    (ack,) = [r for r in requests if r.kind == "ack"]
    assert ack.eta == eta["wording"]
    assert ack.eta.startswith("avant ")
    assert ack.params["eta_inputs"] == {k: v for k, v in eta.items() if k != "wording"}
    assert ack.params["eta_deadline"] == eta["deadline"]
    assert ack.params["sms_from"] == "+33939000000"


def _closed_now_hours(zone: str) -> dict[str, str]:
    """Opening hours that are closed now: one minute on a day that is not today."""
    today = datetime.now(ZoneInfo(zone)).weekday()
    return {WEEKDAYS[(today + 3) % 7]: "03:00-03:01"}


async def test_out_of_hours_p1_escalates_to_on_call_and_in_hours_p1_does_not(router):
    await _set_site(router.conn, router.site, {"soins": {"hours": _closed_now_hours("Europe/Paris")}})
    view = await router.send(router.site, "J'ai une douleur thoracique depuis une heure")
    assert (view["team"], view["priority"], view["urgent"]) == ("soins", "P1", True)
    escalation = view["explanation"]["escalation"]
    assert escalation["to_role"] == "on_call" and escalation["channel"] == "sms"
    assert view["explanation"]["assignment"]["open_now"] is False

    requests = await _outbox(router.conn, view["id"], topics.NOTIFY_REQUESTED)
    assert sorted(r.kind for r in requests) == ["ack", "emergency_guidance", "reply"]
    (on_call,) = [r for r in requests if r.kind == "reply"]
    assert (on_call.channel, on_call.address, on_call.priority) == ("sms", ON_CALL, "P1")
    assert on_call.text == (f"Relais Centre de santé Demo : nouvelle demande urgente P1, réf. "
                            f"{view['reference']}, à traiter. Ouvrez la boîte de réception.")
    assert "douleur" not in on_call.text and not on_call.params.get("eta_inputs")
    (ack,) = [r for r in requests if r.kind == "ack"]
    assert ack.eta == view["explanation"]["eta"]["wording"]  # when the message will be read
    events = await _outbox(router.conn, view["id"], topics.CONVERSATION_EVENTS)
    (routed,) = [e for e in events if e.kind == "routed"]
    assert routed.details == {"escalation": {"channel": "sms", "to_role": "on_call"}}
    kinds = [m["kind"] for m in view["messages"]]
    assert "on_call_escalation" in kinds

    await _set_site(router.conn, router.site, {"soins": {"hours": None}})
    in_hours = await router.send(router.site, "J'ai une douleur thoracique depuis une heure")
    assert in_hours["priority"] == "P1" and "escalation" not in in_hours["explanation"]
    requests = await _outbox(router.conn, in_hours["id"], topics.NOTIFY_REQUESTED)
    assert sorted(r.kind for r in requests) == ["ack", "emergency_guidance"]
    events = await _outbox(router.conn, in_hours["id"], topics.CONVERSATION_EVENTS)
    assert all(e.details == {} for e in events if e.kind == "routed")


async def test_contacts_routed_in_one_batch_count_the_conversations_opened_before_them(
    kafka_bootstrap, fresh_database_url, tmp_path
):
    """A partition batch reads a team's load once and counts what it opens itself: the
    third request for a team of capacity 2 overflows within the same transaction."""
    await prepare_database(fresh_database_url, tmp_path / "creds.txt")
    settings = RouterSettings(kafka_bootstrap=kafka_bootstrap, database_url=fresh_database_url,
                              log_format="json")
    runtime = await build_runtime(settings, "router-test")
    conn = await asyncpg.connect(fresh_database_url)
    site = "t" + uuid.uuid4().hex[:10]
    try:
        await _set_site(conn, site, {"rendez-vous": {"capacity": 2}})
        ctx = RouterContext(runtime.pool)
        text = "Bonjour, je voudrais prendre rendez-vous avec le docteur la semaine prochaine"
        envelopes = [_contact(site, unique_phone(), text) for _ in range(3)]
        async with db.transaction(runtime.pool):  # as the consumer runner's batch scope
            for envelope in envelopes:
                contact = ContactReceived.model_validate(envelope.data)
                await handle_contact_received(ctx, Delivery(
                    topic=topics.CONTACT_RECEIVED, partition=0, offset=0,
                    key=contact.sender.address, envelope=envelope, data=contact))
        rows = await conn.fetch(
            "SELECT c.team, c.explanation FROM router.conversations c"
            " JOIN router.messages m ON m.conversation_id = c.id"
            " WHERE m.contact_id = ANY($1::uuid[]) ORDER BY c.created_at, c.id",
            [uuid.UUID(e.data["contact_id"]) for e in envelopes])
        assert [r["team"] for r in rows] == ["rendez-vous", "rendez-vous", "accueil"]
        overflow = orjson.loads(rows[2]["explanation"])["assignment"]["overflow"]
        assert overflow[0]["open_conversations"] == 2 and overflow[0]["capacity"] == 2
    finally:
        await conn.close()
        await runtime.close()
