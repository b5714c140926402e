"""Every route of the router's OpenAPI, walked with outsiders' credentials: an agent of
another team of the same site and an agent of the same team at another site. A route that
names someone else's data answers 404 — as if it did not exist — and no answer, whatever
its status, carries that data (conversation id, reference, address, patient name)."""

from __future__ import annotations

import asyncio
import re

import orjson
import pytest

from tests.integration.router.inbox_support import (
    add_agent,
    app_for,
    routed_sms,
    served,
    unique_name,
)
from tests.integration.router.test_threading import db, linked_patient, runtime  # noqa: F401
from tests.conftest import unique_phone

pytestmark = pytest.mark.integration

# Routes that name no one's data: they answer with the caller's own (or public) things,
# or with lists filtered to what the caller sees. Their answers are still checked for leaks.
UNNAMED = {
    "/healthz", "/readyz", "/metrics", "/v1/auth/login", "/v1/auth/session", "/v1/auth/logout",
    "/v1/me", "/v1/me/presence", "/v1/queues", "/v1/search", "/v1/conversations",
    "/v1/patients", "/v1/correspondents", "/v1/stream", "/v1/contact-reasons",
}
STATIC = re.compile(r"^/($|ui/|favicon)")
SKIPPED_METHODS = {"head", "options"}
BODIES = {
    "replies": {"body": "Bonjour"}, "notes": {"body": "note"}, "assign": {"username": "x"},
    "snooze": {"waiting_on_patient": True}, "tags": {"tags": ["x"]},
    "presence": {"typing": False}, "links": {"patient_id": None, "relation": "self"},
    "otp": {}, "otp/verify": {"code": "123456"}, "verify": {}, "teams": {"capacity": 3}, "login": {"username": "x", "password": "y"},
}


@pytest.fixture
async def owned(runtime, db):
    """A conversation of one team at the demo site, its contact, address and verified patient."""
    phone = unique_phone()
    patient_id = await linked_patient(db, phone)
    await db.execute("UPDATE router.patients SET display_name = 'Yolande Zébulon' WHERE id = $1",
                     patient_id)
    conv = await routed_sms(runtime, db, "Bonjour, je voudrais renouveler mon ordonnance",
                            phone=phone)
    message = await db.fetchrow("SELECT contact_id, correspondent_id FROM router.messages"
                                " WHERE conversation_id = $1 AND direction = 'in'", conv["id"])
    return {
        "conversation_id": str(conv["id"]), "contact_id": str(message["contact_id"]),
        "correspondent_id": str(message["correspondent_id"]), "patient_id": str(patient_id),
        "site": "demo", "site_id": "demo", "team": conv["team"], "team_id": conv["team"],
        "version": "1", "reference": conv["reference"], "address": phone,
    }


def _url(path: str, owned: dict) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1)
        assert name in owned, f"the walk does not know path parameter {name!r} of {path}"
        return owned[name]

    return re.sub(r"\{([a-z_]+)\}", value, path)


def _query(path: str, owned: dict) -> dict:
    return {
        "/v1/conversations": {"address": owned["address"]},
        "/v1/search": {"q": owned["reference"]},
        "/v1/canned-replies": {"site": "demo", "team": owned["team"],
                               "conversation": owned["conversation_id"]},
        "/v1/audit": {"conversation": owned["conversation_id"]},
    }.get(path, {})


async def test_outsiders_get_404_on_every_route_and_no_answer_leaks(runtime, db, owned):
    app = app_for(runtime)
    team = owned["team"]
    other_team = "facturation" if team != "facturation" else "soins"
    outsiders = [
        await add_agent(db, app, unique_name("agent.x"), "agent", "demo", [other_team]),
        await add_agent(db, app, unique_name("agent.y"), "agent", "reunion", [team]),
    ]
    secrets = [owned["conversation_id"], owned["reference"], owned["address"], "Zébulon",
               owned["correspondent_id"], owned["patient_id"]]
    walked = 0
    for path, operations in app.openapi()["paths"].items():
        for method in operations:
            if method in SKIPPED_METHODS or path in ("/v1/stream", "/v1/auth/logout"):
                continue  # streamed below; signing out would end the walk
            for outsider in outsiders:
                body = next((b for key, b in sorted(BODIES.items(), key=lambda kv: -len(kv[0]))
                             if path.rstrip("/").endswith(key)), {})
                if "patient_id" in body:
                    body = {**body, "patient_id": owned["patient_id"]}
                answer = await outsider.client.request(
                    method.upper(), _url(path, owned), params=_query(path, owned),
                    json=body if method in ("post", "put", "patch") else None)
                walked += 1
                where = (outsider.username, method, path, answer.status_code)
                if path not in UNNAMED and not STATIC.match(path):
                    assert answer.status_code == 404, (*where, answer.text[:300])
                text = answer.text.replace(_url(path, owned), "")  # a problem's `instance`
                for secret in secrets:
                    assert secret not in text, (*where, "leaks", secret)
    assert walked > 60
    for outsider in outsiders:
        await outsider.client.aclose()


async def test_an_outsider_streams_nothing_of_another_team(runtime, db, owned):
    app = app_for(runtime)
    team = owned["team"]
    other = "facturation" if team != "facturation" else "soins"
    async with served(app) as url:
        outsider = await add_agent(db, app, unique_name("agent.z"), "agent", "demo", [other], url)
        insider = await add_agent(db, app, unique_name("agent.i"), "agent", "demo", [team], url)
        async with outsider.client.stream("GET", "/v1/stream") as response:
            reader = asyncio.create_task(_first_event(response))
            await asyncio.sleep(0.3)
            await insider.client.post(f"/v1/conversations/{owned['conversation_id']}/claim")
            await insider.client.post(f"/v1/conversations/{owned['conversation_id']}/notes",
                                      json={"body": "vu"})
            # Then something of the outsider's own team: the first event they hear.
            mine = await routed_sms(runtime, db, "Bonjour, une question sur ma facture",
                                    phone=unique_phone())
            assert mine["team"] == other
            event = await asyncio.wait_for(reader, 5)
        assert event["conversation_id"] == str(mine["id"])
        await outsider.client.aclose()
        await insider.client.aclose()


async def _first_event(response) -> dict:
    async for line in response.aiter_lines():
        if line.startswith("data: "):
            return orjson.loads(line[6:])
    raise AssertionError("the stream ended")
