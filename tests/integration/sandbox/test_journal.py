"""With RELAIS_SANDBOX_STORE_PATH set, a restarted sandbox keeps its message history."""

from __future__ import annotations

import httpx
import pytest
from relais_sandbox.bootstrap import build_runtime
from relais_sandbox.settings import SandboxSettings

from tests.conftest import unique_phone
from tests.integration.sandbox.conftest import ACCOUNT_SID, AUTH_TOKEN, TWO_WAY

pytestmark = pytest.mark.integration


def settings(path) -> SandboxSettings:
    return SandboxSettings(
        twilio_account_sid=ACCOUNT_SID,
        twilio_auth_token=AUTH_TOKEN,
        sms_from=TWO_WAY,
        sandbox_store_path=path,
        sandbox_sent_after_ms=0,
        sandbox_final_after_ms=0,
        sandbox_callback_chaos=False,
    )


async def test_history_survives_a_restart(tmp_path):
    path = tmp_path / "sandbox" / "messages.jsonl"
    phone = unique_phone()
    first = build_runtime(settings(path))
    transport = httpx.ASGITransport(app=first.app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://sandbox", auth=(ACCOUNT_SID, AUTH_TOKEN)
    ) as c:
        url = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
        sid = (await c.post(url, data={"To": phone, "From": TWO_WAY, "Body": "un"})).json()["sid"]
        await first.service.wait_idle()
    await first.close()
    with path.open("a") as journal:
        journal.write('{"torn": ')  # a crash mid-line must not lose the rest

    second = build_runtime(settings(path))
    transport = httpx.ASGITransport(app=second.app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://sandbox", auth=(ACCOUNT_SID, AUTH_TOKEN)
    ) as c:
        fetched = await c.get(f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}.json")
        assert fetched.status_code == 200 and fetched.json()["status"] == "delivered"
        listed = await c.get(
            f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json", params={"To": phone}
        )
        assert [m["sid"] for m in listed.json()["messages"]] == [sid]
        await c.post("/_sandbox/reset")
    await second.close()
    assert path.read_text() == ""  # a reset also forgets the journal
