"""The Twilio-compatible REST API over real HTTP: create, fetch, list with filters, auth, errors."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx
import pytest

from tests.conftest import unique_phone
from tests.integration.sandbox.conftest import ACCOUNT_SID, AUTH_TOKEN, TWO_WAY, eventually

pytestmark = pytest.mark.integration


async def create(client, sandbox, to: str, body: str = "Bonjour", **extra: str) -> httpx.Response:
    form = {"To": to, "From": TWO_WAY, "Body": body, **extra}
    return await client.post(sandbox.messages_url, data=form)


async def test_create_answers_201_with_a_queued_twilio_message(sandbox, client):
    phone = unique_phone()
    response = await create(client, sandbox, phone, "Votre demande est bien reçue")
    assert response.status_code == 201
    body = response.json()
    assert re.fullmatch(r"SM[0-9a-f]{32}", body["sid"])
    assert body["status"] == "queued" and body["direction"] == "outbound-api"
    assert body["account_sid"] == ACCOUNT_SID
    assert (body["to"], body["from"]) == (phone, TWO_WAY)
    assert body["num_segments"] == "1" and body["error_code"] is None and body["price"] is None
    assert abs(parsedate_to_datetime(body["date_created"]) - datetime.now(UTC)) < timedelta(
        seconds=5
    )
    assert body["uri"] == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{body['sid']}.json"

    fetched = await client.get(sandbox.message_url(body["sid"]))
    assert fetched.status_code == 200 and fetched.json()["sid"] == body["sid"]

    async def delivered():
        return (await client.get(sandbox.message_url(body["sid"]))).json()["status"] == "delivered"

    await eventually(delivered)
    final = (await client.get(sandbox.message_url(body["sid"]))).json()
    assert final["date_sent"] is not None


async def test_unknown_message_is_a_twilio_404(sandbox, client):
    response = await client.get(sandbox.message_url("SM" + "0" * 32))
    assert response.status_code == 404 and response.json()["code"] == 20404


async def test_basic_auth_is_enforced_with_twilio_401s(sandbox):
    form = {"To": unique_phone(), "From": TWO_WAY, "Body": "x"}
    async with httpx.AsyncClient(timeout=5) as anonymous:
        missing = await anonymous.post(sandbox.messages_url, data=form)
        wrong = await anonymous.post(sandbox.messages_url, data=form, auth=(ACCOUNT_SID, "nope"))
        listing = await anonymous.get(sandbox.messages_url)
        other_account = await anonymous.get(
            sandbox.messages_url.replace(ACCOUNT_SID, "AC" + "9" * 32),
            auth=(ACCOUNT_SID, AUTH_TOKEN),
        )
    for response in (missing, wrong, listing, other_account):
        assert response.status_code == 401
        body = response.json()
        assert body["code"] == 20003 and body["status"] == 401 and "more_info" in body
    assert missing.headers["www-authenticate"].startswith("Basic")
    async with httpx.AsyncClient(base_url=sandbox.base_url) as c:
        seen = (await c.get("/_sandbox/messages", params={"to": form["To"]})).json()
    assert seen["count"] == 0  # nothing was sent by unauthenticated requests


@pytest.mark.parametrize(
    ("form", "code"),
    [
        ({"To": "+33612345678", "From": TWO_WAY}, 21602),
        ({"From": TWO_WAY, "Body": "x"}, 21604),
        ({"To": "12345", "From": TWO_WAY, "Body": "x"}, 21211),
        ({"To": "+33612345678", "Body": "x"}, 21603),
        ({"To": "+33612345678", "From": "+33612000000", "Body": "x"}, 21606),
    ],
)
async def test_bad_requests_get_twilio_error_codes(sandbox, client, form, code):
    response = await client.post(sandbox.messages_url, data=form)
    assert response.status_code == 400
    assert response.json() == {
        "code": code,
        "message": response.json()["message"],
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": 400,
    }


async def test_list_filters_by_to_and_date_sent_on_or_after(sandbox, client):
    phone, other = unique_phone(), unique_phone()
    sids = [(await create(client, sandbox, phone, f"n{i}")).json()["sid"] for i in range(3)]
    await create(client, sandbox, other)

    async def all_sent():
        page = (await client.get(sandbox.messages_url, params={"To": phone})).json()
        return all(m["date_sent"] for m in page["messages"]) and len(page["messages"]) == 3

    await eventually(all_sent)
    today = datetime.now(UTC).date()
    # Exactly as a Twilio client writes it in the URL: DateSent>=YYYY-MM-DD.
    raw_url = f"{sandbox.messages_url}?To={phone.replace('+', '%2B')}&DateSent>={today.isoformat()}"
    page = (await client.get(raw_url)).json()
    assert [m["sid"] for m in page["messages"]] == list(reversed(sids))  # newest first
    assert all(m["to"] == phone for m in page["messages"])

    escaped = await client.get(
        sandbox.messages_url, params={"To": phone, "DateSent>": today.isoformat()}
    )
    assert [m["sid"] for m in escaped.json()["messages"]] == list(reversed(sids))

    tomorrow = (today + timedelta(days=1)).isoformat()
    later = await client.get(sandbox.messages_url, params={"To": phone, "DateSent>": tomorrow})
    assert later.json()["messages"] == []
    on_day = await client.get(
        sandbox.messages_url, params={"To": phone, "DateSent": today.isoformat()}
    )
    assert len(on_day.json()["messages"]) == 3


async def test_list_pages_follow_next_page_uri(sandbox, client):
    phone = unique_phone()
    sids = [(await create(client, sandbox, phone, f"n{i}")).json()["sid"] for i in range(5)]
    seen: list[str] = []
    first = await client.get(sandbox.messages_url, params={"To": phone, "PageSize": 2})
    page = first.json()
    assert page["page_size"] == 2 and page["page"] == 0
    while True:
        seen += [m["sid"] for m in page["messages"]]
        if not page["next_page_uri"]:
            break
        page = (await client.get(sandbox.base_url + page["next_page_uri"])).json()
    assert seen == list(reversed(sids))


async def test_bad_list_parameters_are_400(sandbox, client):
    bad_date = await client.get(sandbox.messages_url, params={"DateSent>": "soon"})
    assert bad_date.status_code == 400 and bad_date.json()["code"] == 20001
    too_big = await client.get(sandbox.messages_url, params={"PageSize": 5000})
    assert too_big.status_code == 400


async def test_alphanumeric_sender_is_recorded_as_one_way(sandbox, client):
    phone = unique_phone()
    response = await client.post(
        sandbox.messages_url, data={"To": phone, "From": "CLINIQUE", "Body": "Rappel"}
    )
    assert response.status_code == 201 and response.json()["from"] == "CLINIQUE"
    await create(client, sandbox, phone)
    listed = (await client.get("/_sandbox/messages", params={"to": phone})).json()
    assert [m["sender_kind"] for m in listed["messages"]] == ["one_way", "two_way"]
    assert listed["by_sender_kind"] == {"one_way": 1, "two_way": 1}
    senders = (await client.get("/_sandbox/senders")).json()
    assert {"kind": "two_way", "type": "number", "value": TWO_WAY} in senders["senders"]
    assert {"kind": "one_way", "type": "alphanumeric", "value": "CLINIQUE"} in senders["senders"]


async def test_sandbox_listing_filters_by_to_and_since_and_reset_empties_it(sandbox, client):
    phone = unique_phone()
    await create(client, sandbox, phone, "un")
    await create(client, sandbox, unique_phone(), "deux")
    mine = (await client.get("/_sandbox/messages", params={"to": phone})).json()
    assert mine["count"] == 1 and mine["messages"][0]["body"] == "un"
    assert mine["total_stored"] == 2
    future = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
    assert (await client.get("/_sandbox/messages", params={"since": future})).json()["count"] == 0
    today = datetime.now(UTC).date().isoformat()
    assert (await client.get("/_sandbox/messages", params={"since": today})).json()["count"] == 2
    assert (await client.get("/_sandbox/messages", params={"since": "soon"})).status_code == 400
    await client.post("/_sandbox/reset")
    assert (await client.get("/_sandbox/messages")).json()["count"] == 0


async def test_health_and_metrics(sandbox, client):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    await create(client, sandbox, unique_phone(), str(uuid.uuid4()))
    metrics = (await client.get("/metrics")).text
    assert "relais_sandbox_messages_created_total" in metrics
