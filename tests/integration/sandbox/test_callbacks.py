"""Status callbacks reach a real receiver signed (X-Twilio-Signature) and valid, with retries,
and with duplicates/reordering when the chaos is on."""

from __future__ import annotations

import pytest

from tests.conftest import unique_phone
from tests.integration.sandbox.conftest import ACCOUNT_SID, TWO_WAY, eventually

pytestmark = pytest.mark.integration


async def send(client, sandbox, receiver, to: str, nid: str, **extra: str) -> dict:
    form = {
        "To": to,
        "From": TWO_WAY,
        "Body": "Bonjour",
        "StatusCallback": receiver.url(nid),
        **extra,
    }
    response = await client.post(sandbox.messages_url, data=form)
    assert response.status_code == 201, response.text
    return response.json()


async def test_sent_then_delivered_arrive_signed_and_valid(sandbox, client, receiver):
    phone = unique_phone()
    message = await send(client, sandbox, receiver, phone, "n-1")
    callbacks = await eventually(
        lambda: len(receiver.for_sid(message["sid"])) >= 2 and receiver.for_sid(message["sid"])
    )
    assert [c.status for c in callbacks] == ["sent", "delivered"]
    assert all(c.signature_valid for c in callbacks)
    assert all(c.url == receiver.url("n-1") for c in callbacks)  # the query is kept and signed
    params = callbacks[-1].params
    assert params["MessageSid"] == params["SmsSid"] == message["sid"]
    assert params["SmsStatus"] == "delivered" and params["AccountSid"] == ACCOUNT_SID
    assert (params["From"], params["To"]) == (TWO_WAY, phone)
    assert "ErrorCode" not in params
    listed = (await client.get("/_sandbox/messages", params={"to": phone})).json()["messages"][0]
    assert [(c["status"], c["outcome"]) for c in listed["callbacks"]] == [
        ("sent", "ok"),
        ("delivered", "ok"),
    ]


async def test_an_escaped_callback_url_is_posted_exactly_as_signed(sandbox, client, receiver):
    # The notifier percent-encodes the notification id; a client that normalised the URL
    # (%3A -> ':') would post to a URL other than the one it signed.
    message = await send(client, sandbox, receiver, unique_phone(), "n%3A5%2Fa%20b")
    callbacks = await eventually(
        lambda: len(receiver.for_sid(message["sid"])) >= 2 and receiver.for_sid(message["sid"])
    )
    assert all(c.url == receiver.url("n%3A5%2Fa%20b") for c in callbacks)
    assert all(c.signature_valid for c in callbacks)


async def test_reserved_number_ends_undelivered_with_error_code_30003(sandbox, client, receiver):
    message = await send(client, sandbox, receiver, "+33600000003", "n-2")
    callbacks = await eventually(
        lambda: len(receiver.for_sid(message["sid"])) >= 2 and receiver.for_sid(message["sid"])
    )
    assert [(c.status, c.params.get("ErrorCode")) for c in callbacks] == [
        ("sent", None),
        ("undelivered", "30003"),
    ]
    assert all(c.signature_valid for c in callbacks)
    fetched = (await client.get(sandbox.message_url(message["sid"]))).json()
    assert fetched["status"] == "undelivered" and fetched["error_code"] == 30003


@pytest.mark.parametrize(("to", "code"), [("+33600021610", 21610), ("+33600021614", 21614)])
async def test_reserved_numbers_refused_at_create(sandbox, client, receiver, to, code):
    form = {"To": to, "From": TWO_WAY, "Body": "x", "StatusCallback": receiver.url("n")}
    response = await client.post(sandbox.messages_url, data=form)
    assert response.status_code == 400 and response.json()["code"] == code
    assert (await client.get("/_sandbox/messages", params={"to": to})).json()["count"] == 0


async def test_a_failing_receiver_gets_retries_until_it_recovers(sandbox, client, receiver):
    receiver.fail_next = 2
    message = await send(client, sandbox, receiver, unique_phone(), "n-3")
    callbacks = await eventually(
        lambda: len(receiver.for_sid(message["sid"])) >= 2 and receiver.for_sid(message["sid"])
    )
    assert [c.status for c in callbacks] == ["sent", "delivered"]
    assert all(c.signature_valid for c in callbacks)
    listed = (await client.get("/_sandbox/messages", params={"to": message["to"]})).json()
    assert [c["attempts"] for c in listed["messages"][0]["callbacks"]] == [3, 1]


async def test_an_unreachable_receiver_is_given_up_but_the_message_is_delivered(sandbox, client):
    form = {
        "To": unique_phone(),
        "From": TWO_WAY,
        "Body": "x",
        "StatusCallback": "http://127.0.0.1:9/status?nid=n-4",
    }  # discard port: refused
    sid = (await client.post(sandbox.messages_url, data=form)).json()["sid"]
    await sandbox.runtime.service.wait_idle()
    listed = (await client.get("/_sandbox/messages", params={"to": form["To"]})).json()["messages"]
    assert listed[0]["status"] == "delivered" and listed[0]["sid"] == sid
    assert [(c["outcome"], c["attempts"]) for c in listed[0]["callbacks"]] == [
        ("gave_up", 4),
        ("gave_up", 4),
    ]


async def test_chaos_duplicates_and_reorders_callbacks_all_still_signed(sandbox, client, receiver):
    chaos = await client.put(
        "/_sandbox/callback-chaos", json={"duplicate_rate": 1.0, "reorder_rate": 1.0}
    )
    assert chaos.json() == {"duplicate_rate": 1.0, "reorder_rate": 1.0}
    message = await send(client, sandbox, receiver, unique_phone(), "n-5")
    callbacks = await eventually(
        lambda: len(receiver.for_sid(message["sid"])) >= 4 and receiver.for_sid(message["sid"])
    )
    assert [c.status for c in callbacks] == ["delivered", "delivered", "sent", "sent"]
    assert all(c.signature_valid for c in callbacks)
    fetched = (await client.get(sandbox.message_url(message["sid"]))).json()
    assert fetched["status"] == "delivered"  # the provider's own state is never out of order


async def test_messaging_service_send_is_accepted_then_queued_sent_delivered(
    sandbox, client, receiver
):
    senders = (await client.get("/_sandbox/senders")).json()
    form = {
        "To": unique_phone(),
        "MessagingServiceSid": senders["messaging_service_sid"],
        "Body": "Bonjour",
        "StatusCallback": receiver.url("n-6"),
    }
    response = await client.post(sandbox.messages_url, data=form)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "accepted" and body["from"] is None
    callbacks = await eventually(
        lambda: len(receiver.for_sid(body["sid"])) >= 3 and receiver.for_sid(body["sid"])
    )
    assert [c.status for c in callbacks] == ["queued", "sent", "delivered"]
    assert all(c.signature_valid for c in callbacks)
    assert all(c.params["From"] == senders["messaging_service_number"] for c in callbacks)
