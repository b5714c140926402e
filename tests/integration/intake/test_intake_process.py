"""`python -m relais_intake` runs, serves a signed SMS, and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from relais_cli.devstack import free_port
from relais_shared.twilio import compute_signature

from tests.conftest import unique_phone

pytestmark = pytest.mark.integration

TOKEN = "process-test-token"
PATH = "/v1/channels/sms/twilio"


@dataclass
class IntakeProcess:
    proc: subprocess.Popen[bytes]
    base: str
    log_path: Path


@pytest.fixture
def intake_process(kafka_bootstrap, database_url, tmp_path) -> Iterator[IntakeProcess]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "RELAIS_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "RELAIS_DATABASE_URL": database_url,
        "RELAIS_INTAKE_PORT": str(port),
        "RELAIS_PUBLIC_URL": base,
        "RELAIS_TWILIO_AUTH_TOKEN": TOKEN,
        "RELAIS_LOG_FORMAT": "json",
        # A site no router test seeds: routers on the shared topic dead-letter it
        # instead of routing it into their own assertions.
        "RELAIS_SITE_NUMBERS": '{"+33939000000": "intake-test"}',
    }
    log_path = tmp_path / "intake.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "relais_intake"], env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        yield IntakeProcess(proc, base, log_path)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


async def test_process_serves_and_stops_on_sigterm(intake_process):
    proc, log_path = intake_process.proc, intake_process.log_path
    async with httpx.AsyncClient(base_url=intake_process.base, timeout=5) as client:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, log_path.read_text()
            try:
                if (await client.get("/readyz")).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "intake not ready in 30 s"
            await asyncio.sleep(0.1)
        phone = unique_phone()
        form = {
            "MessageSid": "SM" + uuid.uuid4().hex,
            "From": phone,
            "To": "+33939000000",
            "Body": "Bonjour",
        }
        url = intake_process.base + PATH
        headers = {"X-Twilio-Signature": compute_signature(TOKEN, url, form.items())}
        response = await client.post(PATH, data=form, headers=headers)
        assert response.status_code == 200, response.text

    proc.send_signal(signal.SIGTERM)
    assert await asyncio.to_thread(proc.wait, 20) == 0, log_path.read_text()
    logs = log_path.read_text()
    assert "contact_accepted" in logs
    assert phone not in logs and phone[1:] not in logs and "Bonjour" not in logs
