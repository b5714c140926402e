"""Intake on real Kafka and PostgreSQL: 2xx only once the event is in Kafka."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import asyncpg
import httpx
import orjson
import pytest
from aiokafka import AIOKafkaConsumer
from relais_cli.devstack import free_port
from relais_intake.bootstrap import MIGRATIONS_DIR, SCHEMA, IntakeRuntime, build_runtime
from relais_intake.settings import IntakeSettings
from relais_shared import topics
from relais_shared.contracts import decode
from relais_shared.db import migrate
from relais_shared.twilio import compute_signature

from tests.conftest import unique_phone

pytestmark = pytest.mark.integration

TOKEN = "integration-twilio-token"
PUBLIC = "https://relais.example/intake"
SMS_PATH = "/v1/channels/sms/twilio"
STATUS_PATH = SMS_PATH + "/status"
CLINIC = "+33939000000"
TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


def settings_for(kafka_bootstrap: str, database_url: str, **overrides) -> IntakeSettings:
    values = {
        "kafka_bootstrap": kafka_bootstrap,
        "database_url": database_url,
        "public_url": PUBLIC,
        "twilio_auth_token": TOKEN,
        "site_numbers": {"09 39 00 00 00": "lyon"},  # not a seeded site: routers leave it alone
        "log_format": "json",
        **overrides,
    }
    return IntakeSettings(**values)


async def running(
    settings: IntakeSettings,
) -> AsyncIterator[tuple[IntakeRuntime, httpx.AsyncClient]]:
    runtime = await build_runtime(settings)
    transport = httpx.ASGITransport(app=runtime.app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://intake.internal") as c:
            yield runtime, c
    finally:
        await runtime.close()


@pytest.fixture
async def intake(kafka_bootstrap, database_url):
    async for pair in running(settings_for(kafka_bootstrap, database_url)):
        yield pair


@pytest.fixture
async def intake_without_kafka(database_url):
    dead = f"127.0.0.1:{free_port()}"  # nothing listens there
    settings = settings_for(dead, database_url, intake_produce_timeout_ms=500)
    async for pair in running(settings):
        yield pair


def sms_form(
    sender: str, text: str = "Bonjour, je voudrais déplacer mon RDV", sid: str | None = None
):
    return [
        ("AccountSid", "AC" + "1" * 32),
        ("MessageSid", sid or "SM" + uuid.uuid4().hex),
        ("From", sender),
        ("To", CLINIC),
        ("Body", text),
        ("NumMedia", "0"),
    ]


def signature(path: str, params, query: str = "") -> str:
    return compute_signature(TOKEN, PUBLIC + path + (f"?{query}" if query else ""), params)


async def post(client, path, params, sig: str | None, query: str = ""):
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if sig is not None:
        headers["X-Twilio-Signature"] = sig
    return await client.post(
        path + (f"?{query}" if query else ""), content=urlencode(params), headers=headers
    )


async def consume_until(bootstrap: str, topic: str, found, timeout: float = 20.0) -> list:
    """Every message of `topic` up to the first for which `found(message)` is true."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id="intake-test-" + uuid.uuid4().hex,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    seen = []
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                for record in records:
                    seen.append(record)
                    if found(record):
                        return seen
        raise AssertionError(f"no matching message on {topic} within {timeout}s")
    finally:
        await consumer.stop()


def dedupe_key(record) -> str:
    return orjson.loads(record.value)["data"].get("dedupe_key", "")


async def test_signed_sms_is_in_kafka_before_the_200(intake, kafka_bootstrap):
    _, client = intake
    phone = unique_phone()
    national = "0" + phone[3:5] + " " + phone[5:]  # e.g. "06 12345678": same number, FR format
    form = sms_form(national)
    sid = dict(form)["MessageSid"]

    response = await post(client, SMS_PATH, form, signature(SMS_PATH, form))

    assert response.status_code == 200, response.text
    assert response.text == TWIML
    assert response.headers["content-type"].startswith("text/xml")
    records = await consume_until(
        kafka_bootstrap, topics.CONTACT_RECEIVED, lambda r: dedupe_key(r) == f"sms:{sid}"
    )
    record = records[-1]
    assert record.key == phone.encode()  # keyed by the E.164 sender
    envelope, contact = decode(topics.CONTACT_RECEIVED, record.value)  # schema-valid
    assert dict(record.headers)["type"] == b"contact.received"
    assert envelope.source == "intake" and envelope.site_id == "lyon"
    assert envelope.correlation_id == contact.contact_id
    assert contact.sender.address == phone and contact.sender.raw == national
    assert contact.kind == "message" and contact.channel == "sms"
    assert contact.provider_ids == {"MessageSid": sid, "AccountSid": "AC" + "1" * 32}


async def test_stop_keyword_is_an_opt_out_contact(intake, kafka_bootstrap):
    _, client = intake
    form = sms_form(unique_phone(), text="  Arrêt ! ")
    sid = dict(form)["MessageSid"]
    assert (await post(client, SMS_PATH, form, signature(SMS_PATH, form))).status_code == 200
    records = await consume_until(
        kafka_bootstrap, topics.CONTACT_RECEIVED, lambda r: dedupe_key(r) == f"sms:{sid}"
    )
    assert decode(topics.CONTACT_RECEIVED, records[-1].value)[1].kind == "opt_out"


@pytest.mark.parametrize("sig", [None, "d3Jvbmc=", "wrong-token"])
async def test_unauthenticated_sms_is_refused_and_nothing_is_produced(intake, kafka_bootstrap, sig):
    _, client = intake
    phone = unique_phone()
    rejected = sms_form(phone)
    if sig == "wrong-token":
        sig = compute_signature("not-the-token", PUBLIC + SMS_PATH, rejected)
    response = await post(client, SMS_PATH, rejected, sig)
    assert response.status_code == (401 if sig is None else 403)
    assert response.headers["content-type"] == "application/problem+json"
    # A valid message from the same sender goes to the same partition after the refused
    # one would have: once it is seen, the refused one can no longer appear.
    marker = sms_form(phone)
    assert (await post(client, SMS_PATH, marker, signature(SMS_PATH, marker))).status_code == 200
    records = await consume_until(
        kafka_bootstrap,
        topics.CONTACT_RECEIVED,
        lambda r: dedupe_key(r) == f"sms:{dict(marker)['MessageSid']}",
    )
    refused_key = f"sms:{dict(rejected)['MessageSid']}"
    assert all(dedupe_key(r) != refused_key for r in records)


@pytest.mark.parametrize(
    ("body", "status", "slug"),
    [
        (lambda f: [p for p in f if p[0] != "MessageSid"], 422, "missing-field"),
        (lambda f: [p for p in f if p[0] != "From"], 422, "missing-field"),
        (lambda f: f + [("NumMedia", "lots")], 422, "invalid-field"),
    ],
)
async def test_malformed_sms_is_a_problem(intake, body, status, slug):
    _, client = intake
    form = body(sms_form(unique_phone()))
    response = await post(client, SMS_PATH, form, signature(SMS_PATH, form))
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == f"https://relais.example/problems/{slug}"
    assert problem["status"] == status and problem["title"]


async def test_undecodable_signed_body_is_400(intake):
    _, client = intake
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": signature(SMS_PATH, []),
    }
    response = await client.post(SMS_PATH, content=b"From=%FF", headers=headers)
    assert response.status_code == 400
    assert response.json()["type"].endswith("/malformed-form")


async def test_kafka_unreachable_is_503_with_retry_after(intake_without_kafka):
    _, client = intake_without_kafka
    form = sms_form(unique_phone())
    started = time.monotonic()
    response = await post(client, SMS_PATH, form, signature(SMS_PATH, form))
    assert response.status_code == 503
    assert int(response.headers["retry-after"]) > 0
    assert response.json()["type"].endswith("/intake-unavailable")
    assert time.monotonic() - started < 3  # bounded by the 500 ms produce timeout
    ready = await client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"]["kafka"].startswith("unavailable")
    assert ready.json()["checks"]["db"] == "ok"


async def test_status_callback_becomes_a_provider_callback(intake, kafka_bootstrap):
    _, client = intake
    nid = str(uuid.uuid4())
    form = [
        ("MessageSid", "SM" + uuid.uuid4().hex),
        ("MessageStatus", "undelivered"),
        ("ErrorCode", "30003"),
        ("From", CLINIC),
        ("To", unique_phone()),
    ]
    query = f"nid={nid}"
    response = await post(client, STATUS_PATH, form, signature(STATUS_PATH, form, query), query)
    assert response.status_code == 200, response.text
    records = await consume_until(
        kafka_bootstrap, topics.PROVIDER_CALLBACK, lambda r: r.key == nid.encode()
    )
    envelope, callback = decode(topics.PROVIDER_CALLBACK, records[-1].value)
    assert (callback.notification_id, callback.status, callback.error_code) == (
        nid,
        "undelivered",
        "30003",
    )
    assert callback.provider_message_id == dict(form)["MessageSid"]
    assert envelope.site_id == "lyon" and envelope.correlation_id == nid


async def test_status_callback_without_nid_is_400(intake):
    _, client = intake
    form = [("MessageSid", "SM" + uuid.uuid4().hex), ("MessageStatus", "sent")]
    response = await post(client, STATUS_PATH, form, signature(STATUS_PATH, form))
    assert response.status_code == 400
    assert response.json()["type"].endswith("/missing-notification-id")


async def test_ready_and_metrics(intake):
    _, client = intake
    ready = await client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"] == {"db": "ok", "kafka": "ok"}
    assert (await client.get("/healthz")).status_code == 200
    form = sms_form(unique_phone())
    await post(client, SMS_PATH, form, signature(SMS_PATH, form))
    metrics = (await client.get("/metrics")).text
    assert 'relais_intake_contacts_accepted_total{channel="sms",kind="message"}' in metrics
    assert "relais_intake_produce_seconds_bucket" in metrics


async def test_migrations_create_the_intake_schema_once(fresh_database_url):
    conn = await asyncpg.connect(fresh_database_url)
    try:
        applied = await migrate(conn, SCHEMA, MIGRATIONS_DIR)
        assert "0001_init.sql" in applied
        assert await migrate(conn, SCHEMA, MIGRATIONS_DIR) == []
        tables = {
            r["table_name"]
            for r in await conn.fetch(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = $1", SCHEMA
            )
        }
        assert {"idempotency_keys", "outbox", "processed_events"} <= tables
    finally:
        await conn.close()
