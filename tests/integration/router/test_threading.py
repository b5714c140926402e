"""Threading on real PostgreSQL (and Kafka): one person's addresses, email references, the
72 h window, continuity, concurrency across partitions, the CSAT hook."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import orjson
import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.partitioner import DefaultPartitioner
from relais_cli.stack import prepare_database
from relais_router.adapters import identity
from relais_router.adapters import repository as repo
from relais_router.bootstrap import build_consumer, build_runtime
from relais_router.handlers import (
    RouterContext,
    handle_contact_received,
    handle_delivery_status,
    prepare_contacts,
)
from relais_router.settings import RouterSettings
from relais_shared import topics
from relais_shared.contracts import encode
from relais_shared.db import transaction as db_unit
from relais_shared.db import unit_memo
from relais_shared.errors import Retryable
from relais_shared.events import Address, ContactReceived, DeliveryStatus, make_envelope
from relais_shared.ids import new_id
from relais_shared.kafka.runner import Delivery

from tests.conftest import unique_phone

pytestmark = pytest.mark.integration
CLINIC_MAILBOX = "accueil@cabinet-lilas.fr"


def unique_email() -> str:
    return f"patient.{uuid.uuid4().hex[:10]}@example.org"


def sms(phone: str, text: str, *, at: datetime | None = None, raw: str | None = None) -> ContactReceived:
    return ContactReceived(
        contact_id=new_id(), channel="sms", kind="message",
        dedupe_key=f"sms:SM{uuid.uuid4().hex}",
        sender=Address(address=phone, kind="phone", raw=raw), recipient="+33939000000",
        text=text, received_at=at or datetime.now(UTC),
    )


def email(sender: str, text: str, *, message_id: str | None = None, in_reply_to: str | None = None,
          references: str | None = None, at: datetime | None = None) -> ContactReceived:
    message_id = message_id or f"<{uuid.uuid4().hex}@mail.example.org>"
    metadata = {"message_id": message_id}
    if in_reply_to:
        metadata["in_reply_to"] = in_reply_to
    if references:
        metadata["references"] = references
    return ContactReceived(
        contact_id=new_id(), channel="email", kind="message", dedupe_key=f"email:{message_id}",
        sender=Address(address=sender, kind="email"), recipient=CLINIC_MAILBOX,
        subject="Question", text=text, provider_ids={"Message-ID": message_id},
        metadata=metadata, received_at=at or datetime.now(UTC),
    )


async def _columns(conn: asyncpg.Connection, table: str, *skip: str) -> str:
    rows = await conn.fetch(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'router'"
        " AND table_name = $1 ORDER BY ordinal_position", table)
    return ", ".join(r["column_name"] for r in rows if r["column_name"] not in skip)


async def add_site(conn: asyncpg.Connection, site_id: str, region: str, tz: str) -> None:
    """Another site: the demo site's settings and teams, in another region and time zone."""
    cols = await _columns(conn, "sites", "id", "region", "timezone")
    await conn.execute(
        f"INSERT INTO router.sites (id, region, timezone, {cols}) SELECT $1, $2, $3, {cols}"
        " FROM router.sites WHERE id = 'demo'", site_id, region, tz,
    )
    cols = await _columns(conn, "teams", "site_id")
    await conn.execute(
        f"INSERT INTO router.teams (site_id, {cols}) SELECT $1, {cols} FROM router.teams"
        " WHERE site_id = 'demo'", site_id,
    )


@pytest.fixture
async def runtime(kafka_bootstrap, fresh_database_url, tmp_path):
    await prepare_database(fresh_database_url, tmp_path / "creds.txt")
    conn = await asyncpg.connect(fresh_database_url)
    try:
        await add_site(conn, "reunion", "RE", "Indian/Reunion")
    finally:
        await conn.close()
    settings = RouterSettings(
        kafka_bootstrap=kafka_bootstrap, database_url=fresh_database_url,
        router_consumer_group="test-router-" + uuid.uuid4().hex[:8], log_format="json",
    )
    runtime = await build_runtime(settings, "router-test")
    yield runtime
    await runtime.close()


@pytest.fixture
async def db(runtime):
    conn = await asyncpg.connect(runtime.settings.database_url)
    yield conn
    await conn.close()


async def handle(runtime, contact: ContactReceived, site: str = "demo") -> None:
    """The worker's handler on one contact, retried like the runner retries a Retryable."""
    envelope = make_envelope(topics.CONTACT_RECEIVED, contact, source="test", site_id=site)
    delivery = Delivery(topic=topics.CONTACT_RECEIVED, partition=0, offset=0,
                        key=contact.sender.address, envelope=envelope, data=contact)
    ctx = RouterContext(runtime.pool, runtime.settings.thread_window_hours)
    for _ in range(20):
        try:
            return await handle_contact_received(ctx, delivery)
        except Retryable:
            await asyncio.sleep(0.05)
    raise AssertionError("still retrying")


async def conversation_of(db, contact: ContactReceived) -> asyncpg.Record:
    return await db.fetchrow(
        "SELECT c.* FROM router.conversations c JOIN router.messages m ON m.conversation_id = c.id"
        " WHERE m.contact_id = $1", uuid.UUID(contact.contact_id),
    )


async def linked_patient(db, *addresses: str) -> uuid.UUID:
    """A patient with these addresses linked and verified (as an agent would)."""
    patient = await identity.create_patient(db, "agent.test", "Patient Test", None, None)
    for address in addresses:
        kind = "email" if "@" in address else "phone"
        normalised = identity.rules.normalise_address(address, kind, address, "FR")
        cid, _ = await identity.ensure_correspondent(db, "agent.test", normalised)
        await identity.link(db, "agent.test", cid, patient, "self", True)
        await identity.verify_address(db, "agent.test", cid, "agent")
    return patient


# --- concurrency -----------------------------------------------------------------------------


def _partition(key: str) -> int:
    return DefaultPartitioner()(key.encode(), [0, 1, 2], [0, 1, 2])


async def test_one_persons_sms_and_email_at_the_same_instant_on_two_partitions_make_one_conversation(
    runtime, db, kafka_bootstrap
):
    pairs = []
    for _ in range(6):
        phone = unique_phone()
        mail = unique_email()
        while _partition(mail) == _partition(phone):
            mail = unique_email()
        pairs.append((phone, mail, await linked_patient(db, phone, mail)))
    consumer = build_consumer(runtime)
    tasks = [asyncio.create_task(consumer.run()), asyncio.create_task(runtime.relay.run())]
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all",
                                enable_idempotence=True)
    await producer.start()
    try:
        while not consumer.consumer.assignment():
            await asyncio.sleep(0.1)
        contacts = []
        for phone, mail, _ in pairs:
            contacts += [sms(phone, "Bonjour, je voudrais déplacer mon rendez-vous"),
                         email(mail, "Je vous écris aussi par mail pour mon rendez-vous")]
        futures = [await producer.send(
            topics.CONTACT_RECEIVED,
            encode(make_envelope(topics.CONTACT_RECEIVED, c, source="test", site_id="demo")),
            key=c.sender.address.encode()) for c in contacts]
        metadata = await asyncio.gather(*futures)
        assert len({m.partition for m in metadata}) > 1
        deadline = asyncio.get_running_loop().time() + 60
        ids = [uuid.UUID(c.contact_id) for c in contacts]
        while await db.fetchval("SELECT count(*) FROM router.messages WHERE contact_id = ANY($1)",
                                ids) < len(ids):
            assert asyncio.get_running_loop().time() < deadline, "contacts not all stored"
            await asyncio.sleep(0.1)
    finally:
        consumer.stop()
        runtime.relay.stop()
        await asyncio.wait(tasks, timeout=15)
        await producer.stop()
    for phone, mail, patient in pairs:
        rows = await db.fetch(
            "SELECT c.id, c.patient_id, count(m.*) FILTER (WHERE m.direction = 'in') AS inbound,"
            " count(m.*) FILTER (WHERE m.kind = 'ack') AS acks"
            " FROM router.conversations c JOIN router.messages m ON m.conversation_id = c.id"
            " WHERE c.patient_id = $1 GROUP BY c.id", patient,
        )
        assert len(rows) == 1, f"{len(rows)} conversations for one patient"
        assert (rows[0]["inbound"], rows[0]["acks"]) == (2, 1)


async def test_concurrent_handlers_for_one_patient_serialise_on_the_patient_row(runtime, db):
    """The same race without Kafka timing: both transactions run at once, many times over."""
    for _ in range(15):
        phone, mail = unique_phone(), unique_email()
        patient = await linked_patient(db, phone, mail)
        await asyncio.gather(handle(runtime, sms(phone, "rendez-vous svp")),
                             handle(runtime, email(mail, "pour mon rendez-vous")))
        count = await db.fetchval(
            "SELECT count(*) FROM router.conversations WHERE patient_id = $1", patient)
        assert count == 1


# --- email threading ----------------------------------------------------------------------


async def test_email_replies_thread_by_in_reply_to_and_references_whatever_their_age(runtime, db):
    mail = unique_email()
    first = email(mail, "Bonjour, une question sur ma facture", message_id="<m1@example.org>"
                  .replace("m1", uuid.uuid4().hex))
    await handle(runtime, first)
    conv = await conversation_of(db, first)
    ack = await db.fetchrow(
        "SELECT payload FROM router.outbox WHERE topic = $1 AND key = $2",
        topics.NOTIFY_REQUESTED, str(conv["id"]))
    params = orjson.loads(ack["payload"])["data"]["params"]
    own_id = first.provider_ids["Message-ID"]
    assert params["in_reply_to"] == own_id and params["references"] == own_id
    assert params["message_id"].endswith("@cabinet-lilas.fr>")

    # the patient answers the acknowledgement four days later: beyond the window, same thread
    later = datetime.now(UTC) + timedelta(hours=100)
    reply = email(mail, "Merci, voici le complément", in_reply_to=params["message_id"],
                  references=f"{own_id} {params['message_id']}", at=later)
    await handle(runtime, reply)
    assert (await conversation_of(db, reply))["id"] == conv["id"]

    # a carer (another, unlinked address) answering in the thread joins it too
    carer = email(unique_email(), "Je suis sa fille", in_reply_to=own_id, at=later)
    await handle(runtime, carer)
    assert (await conversation_of(db, carer))["id"] == conv["id"]


async def test_every_email_the_router_asks_for_answers_the_patients_latest_email(runtime, db):
    first = email(unique_email(), "j'ai une douleur thoracique depuis une heure")
    await handle(runtime, first)
    conv = await conversation_of(db, first)
    requests = [orjson.loads(r["payload"])["data"] for r in await db.fetch(
        "SELECT payload FROM router.outbox WHERE topic = $1 AND key = $2 ORDER BY id",
        topics.NOTIFY_REQUESTED, str(conv["id"]))]
    # to the patient (out of hours the on-call person is told as well, by SMS)
    requests = [r for r in requests if r["params"].get("to_role") != "on_call"]
    assert [r["kind"] for r in requests] == ["emergency_guidance", "ack"]
    own = first.provider_ids["Message-ID"]
    assert all(r["params"]["in_reply_to"] == own for r in requests)
    guidance_id = requests[0]["params"]["message_id"]
    assert requests[1]["params"]["references"] == f"{own} {guidance_id}"  # oldest first


async def test_a_delivery_status_carrying_the_sent_message_id_threads_the_answer(runtime, db):
    mail = unique_email()
    first = email(mail, "Question ordonnance")
    await handle(runtime, first)
    conv = await conversation_of(db, first)
    nid = await db.fetchval("SELECT notification_id FROM router.messages WHERE conversation_id = $1"
                            " AND kind = 'ack'", conv["id"])
    sent_as = f"<{uuid.uuid4().hex}@smtp.provider.example>"
    status = DeliveryStatus(notification_id=str(nid), status="sent", provider_message_id=sent_as)
    env = make_envelope(topics.DELIVERY_STATUS, status, source="notifier", site_id="demo")
    await handle_delivery_status(
        RouterContext(runtime.pool),
        Delivery(topics.DELIVERY_STATUS, 0, 0, str(nid), env, status))
    # 100 h later, from another mailbox of the same person, quoting only what the provider sent
    reply = email(unique_email(), "Suite", in_reply_to=sent_as,
                  at=datetime.now(UTC) + timedelta(hours=100))
    await handle(runtime, reply)
    assert (await conversation_of(db, reply))["id"] == conv["id"]


async def test_delivery_statuses_only_move_forward_in_a_batch_and_across_batches(runtime, db):
    """Callbacks arrive late, twice and out of order: a partition batch writes, per message,
    where applying its statuses one by one would leave it."""
    acks = []
    for _ in range(2):
        contact = sms(unique_phone(), "Bonjour, pour une ordonnance")
        await handle(runtime, contact)
        conv = await conversation_of(db, contact)
        acks.append(await db.fetchval("SELECT notification_id FROM router.messages"
                                      " WHERE conversation_id = $1 AND kind = 'ack'", conv["id"]))
    ctx = RouterContext(runtime.pool)

    async def batch(*statuses: tuple[uuid.UUID, str, str | None]) -> None:
        async with db_unit(runtime.pool):  # as the consumer runner's batch scope
            for nid, state, code in statuses:
                data = DeliveryStatus(notification_id=str(nid), status=state, provider_code=code)
                env = make_envelope(topics.DELIVERY_STATUS, data, source="notifier", site_id="demo")
                await handle_delivery_status(
                    ctx, Delivery(topics.DELIVERY_STATUS, 0, 0, str(nid), env, data))

    async def state(nid: uuid.UUID) -> tuple[str, str | None]:
        row = await db.fetchrow("SELECT delivery_status, provider_code FROM router.messages"
                                " WHERE notification_id = $1", nid)
        return row["delivery_status"], row["provider_code"]

    first, second = acks
    await batch((first, "delivered", None), (first, "sent", None), (first, "delivered", None),
                (second, "failed", "30003"), (second, "undelivered", "30005"))
    assert await state(first) == ("delivered", None)
    assert await state(second) == ("failed", "30003")  # of equal rank, the first one heard
    await batch((first, "sent", None))
    assert await state(first) == ("delivered", None)
    await batch((first, "undelivered", "30006"), (first, "read", None))
    assert await state(first) == ("undelivered", "30006")


async def test_an_email_answering_a_closed_conversation_opens_one_that_follows_it(runtime, db):
    mail = unique_email()
    first = email(mail, "Question facture")
    await handle(runtime, first)
    old = await conversation_of(db, first)
    await db.execute("UPDATE router.conversations SET status = 'resolved' WHERE id = $1", old["id"])
    reply = email(mail, "Une autre question", in_reply_to=first.provider_ids["Message-ID"])
    await handle(runtime, reply)
    new = await conversation_of(db, reply)
    assert new["id"] != old["id"] and new["follows_id"] == old["id"]


# --- the window, continuity, patients -----------------------------------------------------


async def test_other_channels_join_within_72_hours_and_a_stale_conversation_is_resolved(runtime, db):
    phone = unique_phone()
    t0 = datetime.now(UTC)
    first = sms(phone, "Bonjour, pour une ordonnance", at=t0)
    await handle(runtime, first)
    conv = await conversation_of(db, first)
    follow = sms(phone, "c'est pour le renouvellement", at=t0 + timedelta(hours=71))
    await handle(runtime, follow)
    assert (await conversation_of(db, follow))["id"] == conv["id"]
    late = sms(phone, "autre chose", at=t0 + timedelta(hours=71 + 73))
    await handle(runtime, late)
    new = await conversation_of(db, late)
    assert new["id"] != conv["id"] and new["status"] == "open"
    assert await db.fetchval("SELECT status FROM router.conversations WHERE id = $1",
                             conv["id"]) == "resolved"
    resolved = await db.fetchval(
        "SELECT payload FROM router.outbox WHERE key = $1 AND headers->>'type' = 'conversation.resolved'",
        str(conv["id"]))
    assert orjson.loads(resolved)["data"]["details"] == {"reason": "thread_window_elapsed"}


async def test_a_conversation_resolved_meanwhile_is_neither_touched_nor_closed_again(runtime, db):
    phone = unique_phone()
    first = sms(phone, "Bonjour, pour une ordonnance")
    await handle(runtime, first)
    conv = await conversation_of(db, first)
    later = datetime.now(UTC) + timedelta(minutes=5)
    async with db.transaction():
        touched = await repo.touch_conversation(db, conv["id"], later)
    assert touched is not None and touched["team"] == conv["team"]
    await db.execute("UPDATE router.conversations SET status = 'resolved' WHERE id = $1",
                     conv["id"])
    before = await db.fetchval("SELECT version FROM router.conversations WHERE id = $1", conv["id"])
    assert await repo.close_conversations(db, [conv["id"]]) == []
    assert await db.fetchval("SELECT version FROM router.conversations WHERE id = $1",
                             conv["id"]) == before
    with pytest.raises(RuntimeError):  # the caller rolls back when the touch finds it closed
        async with db.transaction():
            assert await repo.touch_conversation(db, conv["id"], later) is None
            raise RuntimeError("rolled back by the caller")
    assert await db.fetchval("SELECT version FROM router.conversations WHERE id = $1",
                             conv["id"]) == before


async def test_a_new_message_in_an_open_conversation_keeps_its_team_and_agent(runtime, db):
    phone = unique_phone()
    first = sms(phone, "Je voudrais renouveler mon ordonnance")
    await handle(runtime, first)
    conv = await conversation_of(db, first)
    agent = await db.fetchval("SELECT id FROM router.users WHERE username = 'agent.soins'")
    await db.execute("UPDATE router.conversations SET team = 'soins', assignee = $2 WHERE id = $1",
                     conv["id"], agent)
    follow = sms(phone, "Et aussi une question sur ma facture, et un rendez-vous")
    await handle(runtime, follow)
    after = await conversation_of(db, follow)
    assert (after["id"], after["team"], after["assignee"]) == (conv["id"], "soins", agent)
    assert await db.fetchval("SELECT count(*) FROM router.messages WHERE conversation_id = $1"
                             " AND kind = 'ack'", conv["id"]) == 1


async def test_a_red_flag_in_a_follow_up_escalates_to_p1_soins_with_guidance_at_once(runtime, db):
    phone = unique_phone()
    first = sms(phone, "Bonjour, une question sur ma facture du mois dernier")
    await handle(runtime, first)
    conv = await conversation_of(db, first)
    agent = await db.fetchval("SELECT id FROM router.users WHERE username = 'agent.soins'")
    await db.execute("UPDATE router.conversations SET assignee = $2 WHERE id = $1", conv["id"], agent)
    await handle(runtime, sms(phone, "et la j'ai une grosse douleur dans la poitrine"))
    after = await db.fetchrow("SELECT * FROM router.conversations WHERE id = $1", conv["id"])
    assert (after["team"], after["priority"], after["urgent"], after["assignee"]) == (
        "soins", "P1", True, None)  # another team: the agent of the old one is released
    escalation = orjson.loads(after["explanation"])["escalations"][0]
    assert (escalation["reason"], escalation["from_team"]) == ("follow_up_red_flag", conv["team"])
    assert escalation["red_flags"][0]["category"] == "chest_pain"
    kinds = [r["kind"] for r in await db.fetch(
        "SELECT kind FROM router.messages WHERE conversation_id = $1 AND direction = 'out'"
        " ORDER BY created_at", conv["id"])]
    assert kinds[0] == "ack" and "emergency_guidance" in kinds and kinds.count("ack") == 1
    events = [orjson.loads(r["payload"]) for r in await db.fetch(
        "SELECT payload FROM router.outbox WHERE key = $1 AND topic = $2 ORDER BY id",
        str(conv["id"]), topics.CONVERSATION_EVENTS)]
    routed = [e["data"] for e in events if e["data"]["kind"] == "routed"]
    assert routed[-1]["details"]["reason"] == "follow_up_red_flag"
    assert (routed[-1]["team"], routed[-1]["urgent"]) == ("soins", True)
    # A later red flag in the now urgent conversation: guidance again, nothing re-routed.
    await handle(runtime, sms(phone, "j'ai du mal a respirer maintenant"))
    assert await db.fetchval("SELECT count(*) FROM router.messages WHERE conversation_id = $1"
                             " AND kind = 'emergency_guidance'", conv["id"]) == 2
    assert len(orjson.loads(await db.fetchval(
        "SELECT explanation FROM router.conversations WHERE id = $1", conv["id"]))["escalations"]) == 1


async def test_a_missed_call_is_answered_by_sms_only_when_the_number_is_a_mobile(runtime, db):
    acks = {}
    for label, number in (("mobile", unique_phone()),
                          ("landline", f"+331{uuid.uuid4().int % 10**8:08d}")):
        call = ContactReceived(
            contact_id=new_id(), channel="voice", kind="missed_call",
            dedupe_key=f"call:CA{uuid.uuid4().hex}", sender=Address(address=number, kind="phone"),
            recipient="+33939000000", received_at=datetime.now(UTC))
        await handle(runtime, call)
        conv = await conversation_of(db, call)
        acks[label] = await db.fetchval(
            "SELECT count(*) FROM router.messages WHERE conversation_id = $1"
            " AND kind = 'missed_call_ack'", conv["id"])
    assert acks == {"mobile": 1, "landline": 0}


async def test_an_answered_call_joins_an_open_conversation_and_never_opens_one(runtime, db):
    def answered(number: str) -> ContactReceived:
        return ContactReceived(
            contact_id=new_id(), channel="voice", kind="call_answered",
            dedupe_key=f"voice:CA{uuid.uuid4().hex}:call_answered",
            sender=Address(address=number, kind="phone"), recipient="+33939000000",
            received_at=datetime.now(UTC))

    alone = answered(unique_phone())
    await handle(runtime, alone)
    assert await conversation_of(db, alone) is None  # no conversation, no acknowledgement
    phone = unique_phone()
    first = sms(phone, "Bonjour, je voudrais un rendez-vous")
    await handle(runtime, first)
    call = answered(phone)
    await handle(runtime, call)
    conv = await conversation_of(db, call)
    assert conv["id"] == (await conversation_of(db, first))["id"]
    assert await db.fetchval("SELECT count(*) FROM router.messages WHERE conversation_id = $1"
                             " AND direction = 'out'", conv["id"]) == 1  # the SMS's ack only


async def test_unverified_links_do_not_thread_across_addresses_and_unlinking_separates_again(
    runtime, db
):
    phone, mail = unique_phone(), unique_email()
    patient = await identity.create_patient(db, "agent.test", "Patient Test", None, None)
    ids = {}
    for address in (phone, mail):
        kind = "email" if "@" in address else "phone"
        ids[address], _ = await identity.ensure_correspondent(
            db, "agent.test", identity.rules.normalise_address(address, kind, address, "FR"))
        await identity.link(db, "agent.test", ids[address], patient, "self", verified=False)
    a = sms(phone, "rendez-vous")
    b = email(mail, "rendez-vous")
    await handle(runtime, a)
    await handle(runtime, b)
    assert (await conversation_of(db, a))["id"] != (await conversation_of(db, b))["id"]
    assert (await conversation_of(db, a))["patient_id"] is None  # nothing links automatically

    for address in (phone, mail):  # now an agent verifies both
        link = await identity.active_link(db, ids[address], patient)
        await identity.verify_link(db, "agent.test", link, "agent")
        await identity.verify_address(db, "agent.test", ids[address], "agent")
    a2 = sms(phone, "encore moi")
    await handle(runtime, a2)
    joined = await conversation_of(db, a2)
    assert joined["id"] == (await conversation_of(db, a))["id"] and joined["patient_id"] == patient

    await identity.unlink(db, "agent.test", await identity.active_link(db, ids[phone], patient),
                          "numéro partagé")
    a3 = sms(phone, "c'est son frère")
    await handle(runtime, a3)
    separate = await conversation_of(db, a3)
    assert separate["id"] != joined["id"] and separate["patient_id"] is None


# --- addresses ------------------------------------------------------------------------------


async def test_a_reunion_number_is_keyed_in_the_sites_region_and_acknowledged_there(runtime, db):
    digits = f"{uuid.uuid4().int % 10**6:06d}"
    contact = sms(f"+33692{digits}", "Bonjour, pour un rendez-vous", raw=f"0692{digits}")
    await handle(runtime, contact, site="reunion")
    row = await db.fetchrow(
        "SELECT k.address, k.is_mobile, k.number_type, k.raw FROM router.correspondents k"
        " JOIN router.messages m ON m.correspondent_id = k.id WHERE m.contact_id = $1",
        uuid.UUID(contact.contact_id))
    assert dict(row) == {"address": f"+262692{digits}", "is_mobile": True,
                         "number_type": "MOBILE", "raw": f"0692{digits}"}
    conv = await conversation_of(db, contact)
    ack = await db.fetchval("SELECT payload FROM router.outbox WHERE topic = $1 AND key = $2",
                            topics.NOTIFY_REQUESTED, str(conv["id"]))
    assert orjson.loads(ack)["data"]["address"] == f"+262692{digits}"


async def test_an_unparseable_sender_is_kept_raw_flagged_and_not_acknowledged(runtime, db):
    name = "LABO" + uuid.uuid4().hex[:6].upper()
    contact = ContactReceived(
        contact_id=new_id(), channel="sms", kind="message", dedupe_key=f"sms:SM{uuid.uuid4().hex}",
        sender=Address(address=name, kind="other", raw=name), recipient="+33939000000",
        text="Résultats disponibles", received_at=datetime.now(UTC),
        metadata={"sender_unparsed": True},
    )
    await handle(runtime, contact)
    row = await db.fetchrow("SELECT address, unparsed, is_mobile FROM router.correspondents"
                            " WHERE address = $1", name)
    assert dict(row) == {"address": name, "unparsed": True, "is_mobile": False}
    conv = await conversation_of(db, contact)
    assert not await db.fetchval("SELECT count(*) FROM router.messages WHERE conversation_id = $1"
                                 " AND direction = 'out'", conv["id"])


# --- CSAT hook --------------------------------------------------------------------------------


async def test_a_lone_rating_after_a_survey_is_a_rating_not_a_contact(runtime, db):
    phone = unique_phone()
    first = sms(phone, "Question sur ma facture")
    await handle(runtime, first)
    conv = await conversation_of(db, first)
    await db.execute("UPDATE router.conversations SET status = 'resolved' WHERE id = $1", conv["id"])
    await db.execute(
        "INSERT INTO router.messages (id, conversation_id, direction, channel, kind, dedupe_key,"
        " notification_id, created_at) VALUES ($1, $2, 'out', 'sms', 'csat_survey', $3, $4,"
        " now() - interval '1 hour')",
        uuid.uuid4(), conv["id"], f"csat:{conv['id']}", uuid.uuid4())
    outbox_before = await db.fetchval("SELECT count(*) FROM router.outbox")
    rating = sms(phone, " 4 ")
    await handle(runtime, rating)
    stored = await db.fetchrow("SELECT conversation_id, kind, rating FROM router.messages"
                               " WHERE contact_id = $1", uuid.UUID(rating.contact_id))
    assert dict(stored) == {"conversation_id": conv["id"], "kind": "csat_rating", "rating": 4}
    assert await db.fetchval("SELECT count(*) FROM router.outbox") == outbox_before  # no ack
    assert await db.fetchval("SELECT status FROM router.conversations WHERE id = $1",
                             conv["id"]) == "resolved"
    # an ordinary "2" with no survey pending is a contact
    other = sms(unique_phone(), "2")
    await handle(runtime, other)
    assert (await db.fetchval("SELECT kind FROM router.messages WHERE contact_id = $1",
                              uuid.UUID(other.contact_id))) == "message"


async def next_reference_drawn_is_taken(runtime, db, monkeypatch) -> str:
    """A conversation is opened; the next reference drawn is its (a 32-bit collision)."""
    from relais_router import handlers

    earlier = sms(unique_phone(), "Bonjour, je voudrais un rendez-vous")
    await handle(runtime, earlier)
    taken = (await conversation_of(db, earlier))["reference"]
    drawn = iter([taken])
    real = handlers.reference_for
    monkeypatch.setattr(handlers, "reference_for", lambda cid: next(drawn, None) or real(cid))
    return taken


async def test_a_new_conversation_whose_reference_is_taken_draws_another_in_place(
    runtime, db, monkeypatch
):
    """32-bit references collide now and then: the new conversation draws another one in the
    same unit of work (no Retryable, so no partition batch rolled back and redone)."""
    taken = await next_reference_drawn_is_taken(runtime, db, monkeypatch)
    second = sms(unique_phone(), "Bonjour, je voudrais un rendez-vous")
    envelope = make_envelope(topics.CONTACT_RECEIVED, second, source="test", site_id="demo")
    delivery = Delivery(topic=topics.CONTACT_RECEIVED, partition=0, offset=0,
                        key=second.sender.address, envelope=envelope, data=second)
    await handle_contact_received(RouterContext(runtime.pool, 72), delivery)  # no Retryable
    conversation = await conversation_of(db, second)
    assert conversation is not None and conversation["reference"] != taken
    requests = [orjson.loads(r["payload"])["data"] for r in await db.fetch(
        "SELECT payload FROM router.outbox WHERE topic = $1 AND key = $2",
        topics.NOTIFY_REQUESTED, str(conversation["id"]))]
    assert requests  # the acknowledgement quotes the reference the conversation really has
    assert {r["params"].get("reference") for r in requests} == {conversation["reference"]}


def deliveries(*contacts: ContactReceived, site: str = "demo") -> list[Delivery]:
    return [Delivery(topic=topics.CONTACT_RECEIVED, partition=0, offset=offset,
                     key=c.sender.address, envelope=make_envelope(
                         topics.CONTACT_RECEIVED, c, source="test", site_id=site), data=c)
            for offset, c in enumerate(contacts)]


async def handle_batch(runtime, batch: list[Delivery]) -> None:
    """As the consumer runner works a partition batch: one unit of work, prepared first."""
    ctx = RouterContext(runtime.pool, runtime.settings.thread_window_hours)
    async with db_unit(runtime.pool):
        await prepare_contacts(ctx, batch)
        for delivery in batch:
            await handle_contact_received(ctx, delivery)


async def test_a_batch_writes_its_new_conversations_at_once_with_references_checked_free(
    runtime, db, monkeypatch
):
    """A partition batch draws its conversations' ids up front, skipping one whose reference
    is taken, and writes them with its messages at its end: same conversations, threading
    and acknowledgements as one by one, and no batch rolled back for a taken reference."""
    taken = await next_reference_drawn_is_taken(runtime, db, monkeypatch)
    phone, other = unique_phone(), unique_phone()
    first, second = sms(phone, "Bonjour, une question"), sms(other, "Bonjour, un rendez-vous")
    follow_up = sms(phone, "c'est pour mon ordonnance")  # reads the conversation `first` opened
    third = sms(unique_phone(), "Bonjour")
    written: list[int] = []
    real_insert = repo.insert_conversations

    async def insert_conversations(conn, rows):
        written.append(len(rows))
        return await real_insert(conn, rows)

    monkeypatch.setattr(repo, "insert_conversations", insert_conversations)
    await handle_batch(runtime, deliveries(first, second, follow_up, third))
    assert written == [2, 1]  # the two opened before the follow-up reads one, then the last
    conversations = [await conversation_of(db, c) for c in (first, second, follow_up, third)]
    assert conversations[0]["id"] == conversations[2]["id"]
    assert len({c["id"] for c in conversations}) == 3
    assert taken not in {c["reference"] for c in conversations}
    for conversation in conversations:
        payloads = [orjson.loads(r["payload"])["data"] for r in await db.fetch(
            "SELECT payload FROM router.outbox WHERE topic = $1 AND key = $2",
            topics.NOTIFY_REQUESTED, str(conversation["id"]))]
        assert [p["kind"] for p in payloads] == ["ack"]  # none for the follow-up
        assert payloads[0]["params"]["reference"] == conversation["reference"]
    assert conversations[1]["last_inbound_at"] == conversations[1]["created_at"]
    assert len({c["xmin"] for c in await db.fetch(
        "SELECT xmin::text FROM router.conversations WHERE id = ANY($1::uuid[])",
        [c["id"] for c in conversations])}) == 1  # one unit of work


async def test_a_reference_taken_by_a_concurrent_batch_after_the_check_redoes_the_unit(
    runtime, db
):
    """Between a batch's check and its write another batch may take a drawn reference: the
    unit is rolled back (`Retryable`: the runner redoes it one event at a time) rather than
    acknowledging a reference that is not the conversation's."""
    from relais_router import handlers

    rival = sms(unique_phone(), "Bonjour")
    await handle(runtime, rival)
    rival_id = (await conversation_of(db, rival))["id"]
    contact = sms(unique_phone(), "Bonjour, je voudrais un rendez-vous")
    batch = deliveries(contact)
    ctx = RouterContext(runtime.pool, runtime.settings.thread_window_hours)
    with pytest.raises(Retryable, match="reference taken concurrently"):
        async with db_unit(runtime.pool):
            await prepare_contacts(ctx, batch)
            drawn = handlers.reference_for(unit_memo()[handlers._FREE_IDS][0])
            await db.execute("UPDATE router.conversations SET reference = $1 WHERE id = $2",
                             drawn, rival_id)  # committed meanwhile by another unit
            await handle_contact_received(ctx, batch[0])
    assert await conversation_of(db, contact) is None  # nothing of the unit written
    await handle(runtime, contact)  # one by one: a reference drawn and written at once
    assert await conversation_of(db, contact) is not None
