"""Journey latency: signed SMS webhook -> acknowledgement at the provider (running stack).

Usage: uv run python bench/journey.py [N]   (with `scripts/run` running)

Prints, for N sequential contacts, the webhook answer time and the time until the
acknowledgement is at the Twilio-compatible provider (sandbox), with p50/p95/max, and
as a same-run baseline the round trip of a bare HTTP GET to intake's /healthz.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
import uuid

import httpx

from relais_cli.send_sms import WEBHOOK_PATH, signed_sms_form
from relais_shared.twilio import compute_signature

INTAKE = os.environ.get("RELAIS_PUBLIC_URL", "http://127.0.0.1:8081").rstrip("/")
SANDBOX = os.environ.get("RELAIS_SMS_API_BASE", "http://127.0.0.1:8090").rstrip("/")
TOKEN = os.environ.get("RELAIS_TWILIO_AUTH_TOKEN", "dev-only-change-me-twilio")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def one_journey(client: httpx.AsyncClient) -> tuple[float, float]:
    phone = "+336" + str(uuid.uuid4().int)[:8]
    form = signed_sms_form(phone, "+33939000000", "Bonjour, je voudrais un rendez-vous")
    url = INTAKE + WEBHOOK_PATH
    started = time.perf_counter()
    response = await client.post(
        url, data=form, headers={"X-Twilio-Signature": compute_signature(TOKEN, url, form.items())}
    )
    answered = time.perf_counter() - started
    response.raise_for_status()
    while True:
        found = await client.get(SANDBOX + "/_sandbox/messages", params={"to": phone})
        if found.json()["messages"]:
            return answered, time.perf_counter() - started
        if time.perf_counter() - started > 30:
            raise TimeoutError("no acknowledgement within 30 s")
        await asyncio.sleep(0.005)


async def main(n: int) -> None:
    async with httpx.AsyncClient(timeout=30) as client:
        baseline = []
        for _ in range(n):
            t = time.perf_counter()
            (await client.get(INTAKE + "/healthz")).raise_for_status()
            baseline.append(time.perf_counter() - t)
        webhook, journey = [], []
        for _ in range(n):
            answered, acked = await one_journey(client)
            webhook.append(answered)
            journey.append(acked)
    ms = lambda v: f"{v * 1000:7.1f} ms"  # noqa: E731
    print(f"journeys: {n} sequential contacts")
    for name, values in (("GET /healthz (baseline)", baseline), ("webhook answered (durable)", webhook),
                         ("SMS in -> ack at provider", journey)):
        print(f"  {name:<28} p50 {ms(statistics.median(values))}  p95 {ms(pct(values, 0.95))}"
              f"  max {ms(max(values))}")
    print(f"  ratio journey p50 / baseline p50: {statistics.median(journey) / statistics.median(baseline):.1f}x")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 50))
