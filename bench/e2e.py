"""End-to-end throughput and latency of the running stack, with same-run baselines.

Usage (with `scripts/run` running):  uv run python bench/e2e.py [--rate 300] [--duration 60]

Drives signed SMS webhooks into intake from an open-loop, bounded load generator on
loopback, then reads when each acknowledgement was accepted by the Twilio-compatible
provider (the notifier's ledger `sent_at`) and what the provider really holds (loss,
duplicates). Durability stays on: acks=all, fsync'd Postgres, 3 partitions. In the same
run it measures two baselines on this machine: a bare FastAPI endpoint parsing the same
form, and raw aiokafka produce->consume of the same number of messages. CPU seconds of
the generator and of every Relais/Kafka/Postgres process are reported, and where the
acknowledgements' time went stage by stage (from the timestamps the stack writes).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from relais_cli.devstack import free_port
from relais_cli.devstack.topics import ensure_topics
from relais_cli.send_sms import WEBHOOK_PATH, signed_sms_form
from relais_shared.twilio import compute_signature

sys.path.insert(0, str(Path(__file__).parent))
from loadgen import RawPoster

INTAKE = os.environ.get("RELAIS_PUBLIC_URL", "http://127.0.0.1:8081").rstrip("/")
SANDBOX = os.environ.get("RELAIS_SMS_API_BASE", "http://127.0.0.1:8090").rstrip("/")
TOKEN = os.environ.get("RELAIS_TWILIO_AUTH_TOKEN", "dev-only-change-me-twilio")
DATABASE = os.environ.get("RELAIS_DATABASE_URL", "postgresql://relais:relais@127.0.0.1:55432/relais")
KAFKA = os.environ.get("RELAIS_KAFKA_BOOTSTRAP", "127.0.0.1:19092")
TEXT = "Bonjour, je voudrais déplacer mon rendez-vous de jeudi prochain s'il vous plaît"
TICKS = 100
PIDS = Path(__file__).resolve().parents[1] / ".relais" / "pids.json"  # the generator releases requests 100 times a second


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def cpu_seconds() -> dict[str, float]:
    """utime+stime of the stack's processes (from .relais/pids.json) and their children."""
    tick = os.sysconf("SC_CLK_TCK")
    roles: dict[int, str] = {pid: name for name, pid in json.loads(PIDS.read_text()).items()}
    stats: dict[int, tuple[int, float]] = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(pid)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    found: dict[str, float] = {}
    for pid, (ppid, cpu) in stats.items():
        role = roles.get(pid) or roles.get(ppid)  # postgres backends are the postmaster's children
        if role:
            found[role] = found.get(role, 0.0) + cpu
    return found


async def open_loop(url: str, rate: float, duration: float, concurrency: int, sign: bool):
    """Offer `rate` requests/s for `duration` s; returns (sent times by phone, answer latencies, failures)."""
    sent: dict[str, float] = {}
    answers: list[float] = []
    failures: dict[int, int] = {}
    poster = RawPoster(url, concurrency)
    try:
        drawn: set[str] = set()

        async def one() -> None:
            phone = f"+336{uuid.uuid4().int % 10**8:08d}"
            while phone in drawn:  # one new patient per request within a run
                phone = f"+336{uuid.uuid4().int % 10**8:08d}"
            drawn.add(phone)
            form = signed_sms_form(phone, "+33939000000", TEXT)
            headers = {"X-Twilio-Signature": compute_signature(TOKEN, url, form.items())} if sign else {}
            started = time.time()  # the latency a provider sees includes waiting for a connection
            status = await poster.post_form(form, headers)
            if status == 200:
                sent[phone] = started
                answers.append(time.time() - started)
            else:
                failures[status] = failures.get(status, 0) + 1  # 0: no answer

        tasks = []
        begin = time.perf_counter()
        released = 0
        while (elapsed := time.perf_counter() - begin) < duration:
            due = int(elapsed * rate) - released
            for _ in range(due):
                tasks.append(asyncio.create_task(one()))
            released += due
            await asyncio.sleep(1 / TICKS)
        offered_for = time.perf_counter() - begin
        await asyncio.gather(*tasks)
    finally:
        await poster.close()
    return sent, answers, failures, offered_for


async def closed_loop(url: str, duration: float, workers: int) -> float:
    """Requests/s that `workers` back-to-back clients get from `url` (signed forms)."""
    done = 0
    poster = RawPoster(url, workers)
    stop_at = time.perf_counter() + duration

    async def worker() -> None:
        nonlocal done
        while time.perf_counter() < stop_at:
            phone = f"+336{uuid.uuid4().int % 10**8:08d}"
            form = signed_sms_form(phone, "+33939000000", TEXT)
            headers = {"X-Twilio-Signature": compute_signature(TOKEN, url, form.items())}
            if await poster.post_form(form, headers) == 200:
                done += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(workers)))
    await poster.close()
    return done / (time.perf_counter() - started)


async def bare_fastapi_baseline(duration: float, concurrency: int) -> float:
    port = free_port()
    server = subprocess.Popen(  # noqa: ASYNC220 - once, before anything is measured
        [sys.executable, "-m", "uvicorn", "bare_app:app", "--port", str(port), "--log-level", "warning",
         "--no-access-log"], cwd=Path(__file__).parent,
    )
    try:
        url = f"http://127.0.0.1:{port}{WEBHOOK_PATH}"
        async with httpx.AsyncClient() as client:
            for _ in range(100):
                try:
                    await client.get(f"http://127.0.0.1:{port}/docs")
                    break
                except httpx.HTTPError:
                    await asyncio.sleep(0.1)
        return await closed_loop(url, duration, workers=32)
    finally:
        server.terminate()
        server.wait()


async def raw_kafka_baseline(count: int) -> tuple[float, float]:
    topic = "bench.raw." + uuid.uuid4().hex[:6]
    await ensure_topics(KAFKA, [topic])
    payload = os.urandom(300).hex().encode()  # ~ the size of a contact envelope
    producer = AIOKafkaProducer(bootstrap_servers=KAFKA, acks="all", enable_idempotence=True, linger_ms=2)
    await producer.start()
    started = time.perf_counter()
    futures = [await producer.send(topic, payload, key=str(i % 5000).encode()) for i in range(count)]
    await asyncio.gather(*futures)
    produced = time.perf_counter() - started
    await producer.stop()
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=KAFKA, group_id="bench-" + topic,
                                auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    got = 0
    while got < count:
        for records in (await consumer.getmany(timeout_ms=1000, max_records=5000)).values():
            got += len(records)
    total = time.perf_counter() - started
    await consumer.stop()
    return count / produced, count / total


def p99_by_window(sent: dict[str, float], acks: dict[str, datetime], width: float) -> list[float]:
    """p99 of webhook -> ack per `width` seconds of sending: a tail from a few stalls (a
    checkpoint, an autovacuum, a GC pause) shows as one bad window, saturation as all."""
    start = min(sent.values())
    windows: dict[int, list[float]] = {}
    for phone, t in sent.items():
        if phone in acks:
            windows.setdefault(int((t - start) // width), []).append(acks[phone].timestamp() - t)
    return [pct(windows[k], 0.99) for k in sorted(windows)]


async def acknowledgements(phones: list[str], since: datetime, timeout: float,
                           quiet: float = 30.0) -> dict[str, datetime]:
    """When each phone's acknowledgement of this run was accepted by the provider. Polls
    only the phones still waiting, once a second, so the bench's own queries stay a small
    load on the PostgreSQL it measures; stops when all are in, after `quiet` seconds
    without a new one (a reused number's follow-up gets no acknowledgement), or at
    `timeout`."""
    conn = await asyncpg.connect(DATABASE)
    found: dict[str, datetime] = {}
    remaining = list(phones)
    try:
        deadline = time.time() + timeout
        progress = time.time()
        while remaining and time.time() < deadline and time.time() - progress < quiet:
            rows = await conn.fetch(
                "SELECT address, sent_at FROM notifier.notifications WHERE address = ANY($1)"
                " AND kind = 'ack' AND sent_at IS NOT NULL AND created_at >= $2",
                remaining, since,
            )
            if rows:
                found.update((r["address"], r["sent_at"]) for r in rows)
                remaining = [p for p in remaining if p not in found]
                progress = time.time()
            await asyncio.sleep(1.0)
    finally:
        await conn.close()
    return found


STAGES = ("intake -> router", "router -> notifier", "notifier -> provider")


async def stage_latencies(phones: list[str], since: datetime) -> dict[str, list[float]]:
    """Where each acknowledgement's time went, from the timestamps the stack writes: the
    contact's `received_at` (intake, at the webhook), its router batch's start (the inbound
    message row's `updated_at`), its notification's admission (`created_at`: the notifier
    batch's start) and `sent_at` (the provider accepted it). Read after the run."""
    conn = await asyncpg.connect(DATABASE)
    try:
        rows = await conn.fetch(
            "SELECT extract(epoch FROM m.updated_at - m.created_at) AS routed,"
            " extract(epoch FROM n.created_at - m.updated_at) AS admitted,"
            " extract(epoch FROM n.sent_at - n.created_at) AS sent"
            " FROM notifier.notifications n"
            " JOIN router.messages a ON a.notification_id = n.notification_id::uuid"
            " JOIN router.messages m ON m.dedupe_key = substr(a.dedupe_key, 5)"  # ack:<key>
            " WHERE n.address = ANY($1) AND n.kind = 'ack' AND n.created_at >= $2"
            " AND n.sent_at IS NOT NULL",
            phones, since,
        )
    finally:
        await conn.close()
    return {stage: [float(r[i]) for r in rows] for i, stage in enumerate(STAGES)}


async def open_before(phones: set[str], start: datetime) -> set[str]:
    """Those of `phones` that already had a conversation open before `start`."""
    conn = await asyncpg.connect(DATABASE)
    try:
        rows = await conn.fetch(
            "SELECT DISTINCT c.address FROM router.correspondents c JOIN router.conversations v"
            " ON v.correspondent_id = c.id WHERE c.address = ANY($1) AND v.created_at < $2",
            list(phones), start,
        )
    finally:
        await conn.close()
    return {r["address"] for r in rows}


async def provider_counts(since: datetime, phones: set[str]) -> tuple[dict[str, int], int]:
    """Messages the provider holds per phone of this run, and how many it holds in all (it
    keeps the latest `RELAIS_SANDBOX_MAX_MESSAGES`: a long run's first ones are gone)."""
    async with httpx.AsyncClient(timeout=60) as client:
        response = await client.get(SANDBOX + "/_sandbox/messages", params={"since": since.isoformat()})
    body = response.json()
    counts: dict[str, int] = {}
    for message in body["messages"]:
        if message["to"] in phones:
            counts[message["to"]] = counts.get(message["to"], 0) + 1
    return counts, body["total_stored"]


async def main(args: argparse.Namespace) -> None:
    print("baselines (same machine, same run) …", flush=True)
    bare = await bare_fastapi_baseline(10, args.concurrency)
    raw_produce, raw_end_to_end = await raw_kafka_baseline(int(args.rate * args.duration))

    print(f"end to end: offering {args.rate}/s for {args.duration}s …", flush=True)
    start_wall = datetime.now(UTC).replace(microsecond=0)
    cpu_before, gen_before = cpu_seconds(), time.process_time()
    sent, answers, failures, took = await open_loop(
        INTAKE + WEBHOOK_PATH, args.rate, args.duration, args.concurrency, sign=True
    )
    generator_cpu = time.process_time() - gen_before
    acks = await acknowledgements(list(sent), start_wall, timeout=args.wait)
    cpu_after = cpu_seconds()
    latencies = [acks[p].timestamp() - t for p, t in sent.items() if p in acks]
    stages = await stage_latencies(list(acks), start_wall)
    at_provider, provider_keeps = await provider_counts(start_wall, set(sent))
    duplicates = sum(n - 1 for n in at_provider.values() if n > 1)
    # An acknowledgement the ledger saw the provider accept but the provider no longer holds
    # (its memory rolled over during a long run) is not lost; duplicates are counted among
    # those it still holds.
    rolled_over = set(acks) - set(at_provider)
    missing = set(sent) - set(at_provider) - rolled_over
    # A random number already texted in an earlier run joins its open conversation: a
    # follow-up gets no second acknowledgement, by design. Those are not losses.
    follow_ups = await open_before(missing, start_wall)
    lost = len(missing - follow_ups)
    span = (max(a.timestamp() for a in acks.values()) - min(sent.values())) if acks else float("nan")

    ms = lambda v: f"{v * 1000:8.1f} ms"
    accepted_rate = len(sent) / took
    print(f"\noffered {args.rate:.0f}/s for {took:.1f} s: {len(sent)} answered 200, not: {failures or 0}")
    print(f"  accepted (durable) rate        {accepted_rate:8.1f} contacts/s")
    print(f"  acknowledged rate              {len(acks) / span:8.1f} contacts/s (first webhook -> last ack)")
    print(f"  webhook answer   p50 {ms(statistics.median(answers))}  p99 {ms(pct(answers, 0.99))}")
    print(f"  webhook -> ack   p50 {ms(statistics.median(latencies))}  p95 {ms(pct(latencies, 0.95))}"
          f"  p99 {ms(pct(latencies, 0.99))}  max {ms(max(latencies))}")
    print("    p99 by 10 s of sending    " + " ".join(
        f"{v * 1000:.0f}" for v in p99_by_window(sent, acks, 10.0)) + " ms")
    for stage in STAGES:
        values = stages[stage]
        if values:
            print(f"    {stage:<21} p50 {ms(statistics.median(values))}  p95 {ms(pct(values, 0.95))}"
                  f"  p99 {ms(pct(values, 0.99))}")
    print(f"  unacknowledged after the wait (200s without an ack at the provider): {lost};"
          f" duplicates at the provider: {duplicates}; numbers reused from an earlier run"
          f" (a follow-up, no new ack): {len(follow_ups)}")
    if rolled_over:
        print(f"  (the provider keeps its latest {provider_keeps} messages: {len(rolled_over)} earlier"
              " acknowledgements were checked in the notifier's ledger only, not for duplicates)")
    print("\nbaselines")
    print(f"  bare FastAPI form endpoint     {bare:8.1f} req/s  (e2e accepted / bare = {accepted_rate / bare:.2f})")
    print(f"  raw aiokafka produce (acks=all){raw_produce:8.1f} msg/s  (e2e / raw = {accepted_rate / raw_produce:.3f})")
    print(f"  raw aiokafka produce->consume  {raw_end_to_end:8.1f} msg/s")
    print("\nCPU seconds during the run (2 cores = 2 CPU-s per s)")
    print(f"  load generator                 {generator_cpu:8.1f}")
    for role in sorted(cpu_after):
        print(f"  {role:<30} {cpu_after[role] - cpu_before.get(role, 0.0):8.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=300)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--concurrency", type=int, default=256)
    parser.add_argument("--wait", type=float, default=180, help="seconds to wait for the last acks")
    asyncio.run(main(parser.parse_args()))
