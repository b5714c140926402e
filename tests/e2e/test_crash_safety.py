"""Router and notifier SIGKILLed at random moments while 500 contacts flow:
every contact intake accepted gets exactly one acknowledgement."""

from __future__ import annotations

import asyncio
import random
import re

import httpx
import pytest

from tests.conftest import unique_phone
from tests.e2e.conftest import wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CONTACTS = 500
KILLS_PER_SERVICE = 10


async def _chaos(stack, stop: asyncio.Event, kills: dict[str, int]) -> None:
    rng = random.Random(20261125)
    victims = ["router-worker"] * KILLS_PER_SERVICE + ["notifier"] * KILLS_PER_SERVICE
    rng.shuffle(victims)
    for name in victims:
        await asyncio.sleep(rng.uniform(0.2, 1.2))  # a random moment of steady work
        proc = stack.processes[name]
        proc.kill()
        kills[name] += 1
        await asyncio.sleep(rng.uniform(0.0, 0.5))
        proc.start()
        await asyncio.to_thread(proc.wait_healthy, 60)  # kill it working, not booting
    stop.set()


async def test_sigkilled_router_and_notifier_lose_nothing_and_send_nothing_twice(stack):
    phones = [unique_phone() for _ in range(CONTACTS)]
    accepted: list[str] = []
    refused = 0
    kills = {"router-worker": 0, "notifier": 0}
    chaos_done = asyncio.Event()
    limits = asyncio.Semaphore(16)

    async with httpx.AsyncClient(timeout=30) as client:
        # Some sends hang or fail after the provider stored the message, so that kills land
        # on provider calls in flight and the notifier must reconcile, not resend.
        rng = random.Random(7)
        for mode, seconds in (("timeout_after_create", 0.5), ("hang", 2)):
            for phone in rng.sample(phones, 10):
                fault = {"mode": mode, "count": 1, "to": phone, "seconds": seconds}
                (await client.post(stack.url("sandbox") + "/_sandbox/faults", json=fault)).raise_for_status()

        async def send(phone: str) -> None:
            nonlocal refused
            async with limits:
                r = await stack.send_sms(client, phone, "Bonjour, question sur ma facture")
            if r.status_code == 200:
                accepted.append(phone)
            else:
                refused += 1

        chaos = asyncio.create_task(_chaos(stack, chaos_done, kills))
        for i in range(0, CONTACTS, 10):  # ~10 contacts a second, spread over the kills
            if chaos_done.is_set():
                await asyncio.gather(*(send(p) for p in phones[i:]))
                break
            await asyncio.gather(*(send(p) for p in phones[i:i + 10]))
            await asyncio.sleep(0.9)
        await chaos
        for name in ("router-worker", "notifier"):
            stack.processes[name].wait_healthy(60)

        wanted = set(accepted)

        async def all_acknowledged():
            sent = await stack.provider_messages(client)
            got = {m["to"] for m in sent if m["to"] in wanted}
            return len(got) == len(wanted)

        try:
            await wait_for(all_acknowledged, timeout=180, interval=1.0)
        except AssertionError:
            print(await _diagnose(stack, client, wanted))
            raise
        await asyncio.sleep(3)  # late duplicates would show up now
        sent = [m for m in await stack.provider_messages(client) if m["to"] in wanted]
        metrics = (await client.get(stack.url("notifier") + "/metrics")).text

    per_phone: dict[str, int] = {}
    for message in sent:
        per_phone[message["to"]] = per_phone.get(message["to"], 0) + 1
    doubles = {p: n for p, n in per_phone.items() if n > 1}
    notifier_log = stack.processes["notifier"].log_path.read_text(errors="replace")
    ambiguous = _reconciliations(notifier_log)
    left_sending = sum(int(n) for n in re.findall(r'"pending": (\d+), "event": "startup_reconciliation_done"', notifier_log))
    print(
        f"\naccepted={len(accepted)} refused={refused} kills={kills} acks={len(sent)}"
        f" rows_left_sending_at_restart={left_sending} reconciliations={ambiguous}"
        f" (last process metrics: {_metric_lines(metrics)})"
    )
    assert refused == 0  # intake was never killed and Kafka stayed up
    assert kills == {"router-worker": KILLS_PER_SERVICE, "notifier": KILLS_PER_SERVICE}
    assert not doubles, f"patients acknowledged twice: {len(doubles)}"
    assert len(per_phone) == len(accepted)


async def _diagnose(stack, client, wanted: set[str]) -> str:
    """Where the unacknowledged contacts are stuck (no addresses printed)."""
    import asyncpg

    sent = {m["to"] for m in await stack.provider_messages(client)}
    missing = sorted(wanted - sent)
    conn = await asyncpg.connect(stack.env["RELAIS_DATABASE_URL"])
    try:
        ledger = await conn.fetch(
            "SELECT status, in_doubt, attempts, last_error, count(*) FROM notifier.notifications"
            " WHERE address = ANY($1) GROUP BY 1, 2, 3, 4", missing,
        )
        routed = await conn.fetchval(
            "SELECT count(*) FROM router.correspondents WHERE address = ANY($1)", missing
        )
        outbox = await conn.fetchval("SELECT count(*) FROM router.outbox")
    finally:
        await conn.close()
    return (f"missing={len(missing)} routed={routed} router_outbox_backlog={outbox} "
            f"ledger={[dict(r) for r in ledger]}")


def _reconciliations(log_text: str) -> dict[str, int]:
    outcomes: dict[str, int] = {}
    for match in re.finditer(r'"event": "reconcil[a-z_]*"[^\n]*?"outcome": "([a-z_]+)"', log_text):
        outcomes[match.group(1)] = outcomes.get(match.group(1), 0) + 1
    return outcomes


def _metric_lines(metrics: str) -> str:
    return "; ".join(
        line for line in metrics.splitlines() if line.startswith("relais_notifier_reconciliations_total")
    )
