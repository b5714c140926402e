"""Identity through the router API on real PostgreSQL: patients, links, verification by an
agent or a one-time code, the audit trail, and what the conversation view reveals."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import asyncpg
import httpx
import orjson
import pytest

from relais_router.api.app import create_app
from relais_shared import topics
from tests.conftest import unique_phone
from tests.support_auth import demo_token
from tests.integration.router.test_threading import (  # noqa: F401  (fixtures)
    db,
    email,
    handle,
    runtime,
    sms,
    unique_email,
)

pytestmark = pytest.mark.integration


@pytest.fixture
async def api(runtime, tmp_path):
    app = create_app(runtime)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://router.internal") as client:
        # the demo admin (password and TOTP code): a signed-in user who sees every team,
        # whatever routing decides
        token = await demo_token(client, tmp_path / "creds.txt", "admin")
        client.headers["Authorization"] = f"Bearer {token}"
        yield client


async def audit_actions(db, key: str, value: str) -> list[tuple[str, str]]:
    rows = await db.fetch(
        "SELECT actor, action FROM router.audit_log WHERE details->>$1 = $2 ORDER BY id", key, value)
    return [(r["actor"], r["action"]) for r in rows]


async def test_identity_endpoints_need_a_bearer_token(runtime):
    transport = httpx.ASGITransport(app=create_app(runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://router.internal") as anon:
        assert (await anon.post("/v1/patients", json={"display_name": "X"})).status_code == 401
        answer = await anon.post(f"/v1/correspondents/{uuid.uuid4()}/verify")
        assert answer.status_code == 401
        assert answer.headers["content-type"].startswith("application/problem+json")


async def test_an_agent_links_verifies_and_unlinks_reversibly_and_every_change_is_audited(api, db):
    phone = await api.post("/v1/correspondents", json={"address": "06 92 " + " ".join(
        f"{uuid.uuid4().int % 100:02d}" for _ in range(3)), "site": "reunion"})
    assert phone.status_code == 201
    correspondent = phone.json()
    assert correspondent["address"].startswith("+262692") and correspondent["is_mobile"]
    assert correspondent["verified"] is False and correspondent["verification"] is None
    cid = correspondent["id"]
    again = await api.post("/v1/correspondents", json={"address": correspondent["address"]})
    assert again.status_code == 200 and again.json()["id"] == cid

    patient = (await api.post("/v1/patients", json={"display_name": "Léa Martin",
                                                    "birth_date": "2019-04-02"})).json()
    linked = await api.post(f"/v1/correspondents/{cid}/links",
                            json={"patient_id": patient["id"], "relation": "parent"})
    assert linked.status_code == 201
    (link,) = linked.json()["links"]
    assert (link["relation"], link["verified"], link["trusted"]) == ("parent", False, False)
    assert linked.json()["verified"] is False  # nothing is verified by linking alone
    duplicate = await api.post(f"/v1/correspondents/{cid}/links",
                               json={"patient_id": patient["id"], "relation": "self"})
    assert duplicate.status_code == 409

    verified = await api.post(f"/v1/correspondents/{cid}/verify",
                              json={"patient_id": patient["id"]})
    body = verified.json()
    assert body["verified"] and body["verification"]["method"] == "agent"
    assert body["verification"]["by"] == "admin"
    assert body["links"][0]["verified"] and body["links"][0]["trusted"]

    unlinked = await api.delete(f"/v1/correspondents/{cid}/links/{patient['id']}",
                                params={"reason": "wrong child"})
    (ended,) = unlinked.json()["links"]
    assert ended["unlinked_by"] == "admin" and ended["unlink_reason"] == "wrong child"
    assert (await api.delete(f"/v1/correspondents/{cid}/links/{patient['id']}")).status_code == 404
    relinked = await api.post(f"/v1/correspondents/{cid}/links",
                              json={"patient_id": patient["id"], "relation": "carer"})
    assert [lk["relation"] for lk in relinked.json()["links"]] == ["parent", "carer"]  # history kept

    assert await audit_actions(db, "correspondent_id", cid) == [
        ("admin", "correspondent.registered"),
        ("admin", "correspondent.read"),  # registering a known address reads it
        ("admin", "correspondent.linked"),
        ("admin", "correspondent.link_verified"),
        ("admin", "correspondent.verified"),
        ("admin", "correspondent.unlinked"),
        ("admin", "correspondent.linked"),
    ]
    with pytest.raises((asyncpg.RaiseError, asyncpg.InsufficientPrivilegeError)):
        await db.execute("DELETE FROM router.audit_log WHERE details->>'correspondent_id' = $1", cid)

    record = (await api.get(f"/v1/patients/{patient['id']}")).json()
    assert [(lk["relation"], lk["unlinked_at"] is None) for lk in record["links"]] == [
        ("parent", False), ("carer", True)]
    assert ("admin", "patient.read") in await audit_actions(db, "patient_id", patient["id"])


async def test_a_one_time_code_verifies_the_address_and_the_link_it_was_issued_for(
    api, db, runtime
):
    phone = unique_phone()
    first = sms(phone, "Bonjour, c'est pour ma fille")
    await handle(runtime, first)
    cid = (await api.post("/v1/correspondents", json={"address": phone})).json()["id"]
    patient = (await api.post("/v1/patients", json={"display_name": "Zoé Petit"})).json()
    await api.post(f"/v1/correspondents/{cid}/links",
                   json={"patient_id": patient["id"], "relation": "parent"})

    issued = await api.post(f"/v1/correspondents/{cid}/otp", json={"patient_id": patient["id"]})
    assert issued.status_code == 202
    nid = issued.json()["notification_id"]
    payload = orjson.loads(await db.fetchval(
        "SELECT payload FROM router.outbox WHERE topic = $1"
        " AND convert_from(payload, 'UTF8') LIKE $2",
        topics.NOTIFY_REQUESTED, f"%{nid}%"))["data"]
    assert (payload["kind"], payload["channel"], payload["address"]) == ("reply", "sms", phone)
    code = re.search(r"\b(\d{6})\b", payload["text"]).group(1)
    assert "Zoé" not in payload["text"] and "fille" not in payload["text"]  # privacy-safe
    stored = await db.fetchrow("SELECT code_digest FROM router.verification_codes"
                               " WHERE correspondent_id = $1", uuid.UUID(cid))
    assert code not in stored["code_digest"]
    shown = await db.fetchrow("SELECT kind, body FROM router.messages WHERE notification_id = $1",
                              uuid.UUID(nid))
    assert dict(shown) == {"kind": "verification_code", "body": None}  # the code is not kept

    wrong = "000000" if code != "000000" else "111111"
    rejected = await api.post(f"/v1/correspondents/{cid}/otp/verify", json={"code": wrong})
    assert rejected.status_code == 422 and rejected.json()["attempts_left"] == 4
    accepted = await api.post(f"/v1/correspondents/{cid}/otp/verify", json={"code": code})
    assert accepted.status_code == 200
    body = accepted.json()
    assert body["verified"] and body["verification"]["method"] == "otp"
    assert body["links"][0]["verified"] and body["links"][0]["verification_method"] == "otp"
    reused = await api.post(f"/v1/correspondents/{cid}/otp/verify", json={"code": code})
    assert reused.status_code == 409 and reused.json()["type"].endswith("/code-used")
    assert [a for _, a in await audit_actions(db, "correspondent_id", cid)][-5:] == [
        "correspondent.code_issued", "correspondent.code_rejected",
        "correspondent.code_accepted", "correspondent.link_verified", "correspondent.verified"]


async def test_the_conversation_shows_verification_and_patients_only_through_verified_links(
    api, db, runtime
):
    phone, mail = unique_phone(), unique_email()
    first = sms(phone, "Bonjour, une question pour un rendez-vous")
    await handle(runtime, first)
    conv_id = str(await db.fetchval("SELECT conversation_id FROM router.messages WHERE contact_id"
                                    " = $1", uuid.UUID(first.contact_id)))
    view = (await api.get(f"/v1/conversations/{conv_id}")).json()
    assert {"id", "site", "status", "team", "priority", "urgent", "needs_triage", "assignee",
            "explanation", "messages"} <= set(view)
    assert view["correspondent"]["verified"] is False and view["correspondent"]["patients"] == []
    assert view["patient"] is None and view["history"] == []

    cid = view["correspondent"]["id"]
    patient = (await api.post("/v1/patients", json={"display_name": "Paul Durand"})).json()
    await api.post(f"/v1/correspondents/{cid}/links",
                   json={"patient_id": patient["id"], "relation": "self"})
    view = (await api.get(f"/v1/conversations/{conv_id}")).json()
    assert view["correspondent"]["patients"] == []  # an unverified link shows nothing

    await api.post(f"/v1/correspondents/{cid}/verify", json={"patient_id": patient["id"]})
    view = (await api.get(f"/v1/conversations/{conv_id}")).json()
    assert view["correspondent"]["patients"] == [
        {"id": patient["id"], "display_name": "Paul Durand", "relation": "self"}]
    assert view["correspondent"]["verification"]["method"] == "agent"

    # the patient's email, linked and verified, writes: same conversation, now the patient's
    mail_id = (await api.post("/v1/correspondents", json={"address": mail})).json()["id"]
    await api.post(f"/v1/correspondents/{mail_id}/links",
                   json={"patient_id": patient["id"], "relation": "self", "verified": True})
    second = sms(phone, "je précise ma demande")
    await handle(runtime, second)  # the phone's open conversation is adopted by the patient
    by_mail = email(mail, "Je vous écris aussi par mail")
    await handle(runtime, by_mail)
    view = (await api.get(f"/v1/conversations/{conv_id}")).json()
    assert view["patient"] == {"id": patient["id"], "display_name": "Paul Durand"}
    assert [m["channel"] for m in view["messages"] if m["direction"] == "in"] == [
        "sms", "sms", "email"]

    listed = (await api.get("/v1/conversations", params={"address": mail.upper()})).json()["items"]
    assert [c["id"] for c in listed] == [conv_id]
    national = "0" + phone[3:]  # "+336…" typed as "06…"
    listed = (await api.get("/v1/conversations", params={"address": national})).json()["items"]
    assert [c["id"] for c in listed] == [conv_id]
    assert (await api.get("/v1/conversations", params={"address": national, "site": "nowhere"})
            ).status_code == 422


async def test_a_national_number_is_looked_up_in_the_region_of_the_named_site(api, runtime):
    digits = f"{uuid.uuid4().int % 10**6:06d}"
    contact = sms(f"+262692{digits}", "Bonjour", at=datetime.now(UTC))
    await handle(runtime, contact, site="reunion")
    for site in ("reunion", "demo"):  # 0692… is Réunion from either site
        items = (await api.get("/v1/conversations", params={
            "address": f"06 92 {digits[:2]} {digits[2:4]} {digits[4:]}", "site": site})).json()
        assert [c["site"] for c in items["items"]] == ["reunion"]
