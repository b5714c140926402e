"""An agent's reply through all services as processes: the router's outbox, the notifier's
ledger, the Twilio-compatible provider, and the delivery state back in the conversation."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.conftest import unique_phone
from tests.e2e.conftest import ADMIN_TOKEN, wait_for

pytestmark = pytest.mark.e2e


async def test_an_agents_reply_reaches_the_patient_once_and_shows_delivered(stack):
    phone = unique_phone()
    auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    async with httpx.AsyncClient(timeout=15) as client:
        assert (await stack.send_sms(client, phone, "Bonjour, mon ordonnance est-elle prête ?")).status_code == 200

        async def conversation():
            items = (await stack.router_get(client, "/v1/conversations", address=phone)).json()["items"]
            return items[0] if items else None

        conv = await wait_for(conversation)
        api = stack.url("router-api") + f"/v1/conversations/{conv['id']}"
        claimed = await client.post(api + "/claim", headers=auth, json={"version": conv["version"]})
        assert claimed.status_code == 200, claimed.text
        key = str(uuid.uuid4())
        body = {"body": "Bonjour, elle est prête : passez à l'accueil quand vous voulez.",
                "version": claimed.json()["version"], "client_key": key}
        sent = await client.post(api + "/replies", headers=auth, json=body)
        assert sent.status_code == 202, sent.text
        assert (await client.post(api + "/replies", headers=auth, json=body)).json() == sent.json()

        async def reply_at_the_provider():
            texts = [m["body"] for m in await stack.provider_messages(client, phone)]
            return texts if body["body"] in texts else None

        texts = await wait_for(reply_at_the_provider)
        assert texts.count(body["body"]) == 1  # the retried click sent nothing twice

        async def delivered():
            view = (await client.get(api, headers=auth)).json()
            reply = next(m for m in view["messages"] if m["id"] == sent.json()["message_id"])
            return view if reply["delivery_status"] == "delivered" else None

        view = await wait_for(delivered)
        assert view["answered"] is True and view["assignee"] == "admin"
        resolved = await client.post(api + "/resolve", headers=auth, json={"version": view["version"]})
        assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
