"""`python -m relais_notifier` as a real process: health, readiness, metrics, a real send,
and a clean stop on SIGTERM."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from relais_cli.devstack import free_port
from relais_cli.services import SPEC_BY_NAME, ServiceProcess
from relais_shared import topics

from tests.conftest import unique_phone
from tests.integration.notifier.support import (
    PUBLIC_URL,
    create_database,
    eventually,
    notify_envelope,
    produce,
    start_group_at_end,
)

pytestmark = pytest.mark.integration


async def test_the_notifier_process_serves_health_sends_and_stops_on_sigterm(
    kafka_bootstrap, database_url, fake_twilio, producer, statuses, tmp_path
):
    group = "test-notifier-proc-" + uuid.uuid4().hex[:8]
    await start_group_at_end(kafka_bootstrap, group,
                             (topics.NOTIFY_REQUESTED, topics.PROVIDER_CALLBACK,
                              topics.CONTACT_RECEIVED))
    env = {
        "RELAIS_ENV": "test",
        "RELAIS_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "RELAIS_DATABASE_URL": await create_database(database_url),
        "RELAIS_NOTIFIER_PORT": str(free_port()),
        "RELAIS_NOTIFIER_CONSUMER_GROUP": group,
        "RELAIS_SMS_API_BASE": fake_twilio.base_url,
        "RELAIS_TWILIO_ACCOUNT_SID": fake_twilio.account_sid,
        "RELAIS_TWILIO_AUTH_TOKEN": fake_twilio.auth_token,
        "RELAIS_PUBLIC_URL": PUBLIC_URL,
        "RELAIS_LOG_FORMAT": "json",
    }
    process = ServiceProcess(SPEC_BY_NAME["notifier"], env, tmp_path)
    process.start()
    base = f"http://127.0.0.1:{process.port}"
    try:
        async with httpx.AsyncClient(timeout=2) as client:
            async def ready():
                if not process.alive():
                    raise AssertionError(process.tail())
                try:
                    return (await client.get(base + "/readyz")).status_code == 200
                except httpx.HTTPError:
                    return False

            await eventually(ready, timeout=60, what="notifier ready")
            assert (await client.get(base + "/healthz")).json() == {"status": "ok"}

            phone = unique_phone()
            envelope = notify_envelope(phone)
            await produce(producer, topics.NOTIFY_REQUESTED, envelope.data["conversation_id"],
                          envelope)
            await statuses.wait_for(envelope.data["notification_id"], "sent")
            assert len(fake_twilio.posts_to(phone)) == 1

            metrics = (await client.get(base + "/metrics")).text
            assert 'relais_notifier_reconciliations_total{outcome="found"} 0.0' in metrics
            assert 'relais_notifier_send_attempts_total{outcome="accepted"} 1.0' in metrics
    finally:
        code = await asyncio.to_thread(process.stop)
    assert code == 0, process.tail()
    log = process.log_path.read_text()
    assert phone not in log and "nous avons bien reçu" not in log  # no address, no body
    assert "startup_reconciliation_done" in log
