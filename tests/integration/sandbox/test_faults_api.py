"""Faults on demand (429, 500, hang, timeout after create) via `/_sandbox/faults`."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.conftest import unique_phone
from tests.integration.sandbox.conftest import TWO_WAY

pytestmark = pytest.mark.integration


def form(to: str | None = None) -> dict[str, str]:
    return {"To": to or unique_phone(), "From": TWO_WAY, "Body": "Bonjour"}


async def sent_count(client, to: str) -> int:
    return (await client.get("/_sandbox/messages", params={"to": to})).json()["count"]


async def test_http_429_for_the_next_n_creates_then_normal(sandbox, client):
    added = await client.post("/_sandbox/faults", json={"mode": "http_429", "count": 2})
    assert added.status_code == 201 and added.json()["fault"]["remaining"] == 2
    phone = unique_phone()
    answers = [await client.post(sandbox.messages_url, data=form(phone)) for _ in range(3)]
    assert [r.status_code for r in answers] == [429, 429, 201]
    assert answers[0].json()["code"] == 20429 and answers[0].json()["status"] == 429
    assert await sent_count(client, phone) == 1
    assert (await client.get("/_sandbox/faults")).json() == {"faults": []}


async def test_http_500_on_demand_creates_nothing(sandbox, client):
    await client.post("/_sandbox/faults", json={"mode": "http_500", "count": 1})
    phone = unique_phone()
    response = await client.post(sandbox.messages_url, data=form(phone))
    assert response.status_code == 500 and response.json()["code"] == 20500
    assert await sent_count(client, phone) == 0


async def test_hang_waits_then_fails_and_a_client_timeout_sees_no_answer(sandbox, client):
    await client.post("/_sandbox/faults", json={"mode": "hang", "count": 2, "seconds": 0.5})
    phone = unique_phone()
    started = time.monotonic()
    response = await client.post(sandbox.messages_url, data=form(phone))
    assert response.status_code == 500 and time.monotonic() - started >= 0.5
    with pytest.raises(httpx.ReadTimeout):
        await client.post(sandbox.messages_url, data=form(phone), timeout=0.2)
    assert await sent_count(client, phone) == 0


async def test_timeout_after_create_really_sends_but_loses_the_answer(sandbox, client):
    await client.post(
        "/_sandbox/faults", json={"mode": "timeout_after_create", "count": 1, "seconds": 0.2}
    )
    phone = unique_phone()
    response = await client.post(sandbox.messages_url, data=form(phone))
    assert response.status_code == 500
    assert await sent_count(client, phone) == 1  # the ambiguous case a client must reconcile
    listed = await client.get(sandbox.messages_url, params={"To": phone})
    assert len(listed.json()["messages"]) == 1


async def test_a_fault_aimed_at_one_number_spares_the_others(sandbox, client):
    target = unique_phone()
    await client.post("/_sandbox/faults", json={"mode": "http_500", "count": 1, "to": target})
    assert (await client.post(sandbox.messages_url, data=form())).status_code == 201
    assert (await client.post(sandbox.messages_url, data=form(target))).status_code == 500
    assert (await client.post(sandbox.messages_url, data=form(target))).status_code == 201


async def test_delete_clears_the_plan(sandbox, client):
    await client.post("/_sandbox/faults", json={"mode": "http_500", "count": 10})
    assert (await client.delete("/_sandbox/faults")).status_code == 204
    assert (await client.post(sandbox.messages_url, data=form())).status_code == 201


async def test_auth_comes_before_faults(sandbox, client):
    await client.post("/_sandbox/faults", json={"mode": "http_429", "count": 1})
    async with httpx.AsyncClient(timeout=5) as anonymous:
        assert (await anonymous.post(sandbox.messages_url, data=form())).status_code == 401
    assert (await client.post(sandbox.messages_url, data=form())).status_code == 429


async def test_invalid_fault_requests_are_problem_json(sandbox, client):
    response = await client.post("/_sandbox/faults", json={"mode": "explode", "count": 1})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
