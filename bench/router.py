"""Router throughput and latency on real Kafka (3 partitions) and PostgreSQL (fsync on).

Usage:  uv run python bench/router.py [--n 20000] [--paced 3000] [--workers 2] [--inprocess]

Starts its own Kafka and PostgreSQL (relais_cli.devstack, like the test session) unless
RELAIS_KAFKA_BOOTSTRAP and RELAIS_DATABASE_URL point at running ones (a fresh database is
created there). Feeds N `contact.received.v1` events — a clinic's mix: many distinct
senders on SMS, email, calls and chat, follow-ups of earlier senders (threaded), provider
retries (duplicates), opt-outs — to the router worker, run as in production: processes of
`python -m relais_router.worker` (two by default, one consumer group sharing the three
partitions; one of them publishes the outbox).

Prints:
- saturated run: contacts routed and persisted per second (until every inbound message
  row is in the database), and produce -> `conversation.events.v1` `created` latency;
- paced run: the same latency at a fixed offered rate (half the measured throughput);
- same-run baselines on this machine: raw aiokafka produce->consume of the same
  messages, and bare single-row INSERT transactions in PostgreSQL (3 connections, as
  many as partitions), with the ratios;
- CPU seconds of the worker, Kafka, PostgreSQL and this bench process.

"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import shutil
import signal
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.partitioner import DefaultPartitioner
from relais_cli.devstack import free_port
from relais_cli.devstack.topics import ensure_topics
from relais_cli.stack import prepare_database
from relais_shared import topics
from relais_shared.contracts import encode
from relais_shared.events import Address, ContactReceived, make_envelope
from relais_shared.topics import ALL_TOPICS_WITH_DLQ

SITE = "demo"
CLINIC_NUMBER = "+33939000000"
CLINIC_MAILBOX = "accueil@centre-demo.fr"
TEXTS = [
    "Bonjour, je voudrais prendre rendez-vous avec le Dr Martin la semaine prochaine",
    "Bjr, je dois annuler mon rdv de jeudi 14h, merci",
    "Pouvez-vous renouveler mon ordonnance de Levothyrox ? Merci beaucoup",
    "Bonjour, mes résultats de prise de sang sont-ils arrivés ?",
    "Je n'ai pas reçu le remboursement de la mutuelle pour la consultation du 3",
    "Hello, I need to reschedule my appointment on Friday please",
    "Bonjour, mon fils a de la fièvre depuis hier soir, 38,5, que faire ?",
    "Je souhaite obtenir une copie de mon dossier médical",
    "Merci pour votre accueil de ce matin, tout s'est très bien passé",
    "j'ai une douleur thoracique qui serre depuis 30 min",
    "Could you send me the invoice for my last visit?",
    "Bonjour, est-ce que le cabinet est ouvert samedi matin ?",
]
FOLLOW_UPS = ["Merci !", "c'est pour ma fille en fait", "je peux venir à 17h",
              "Je vous joins le document demandé", "d'accord, à jeudi"]


@dataclass
class Item:
    key: bytes
    value: bytes
    contact_id: str
    stored: bool  # adds an inbound message row (not a duplicate, not an opt-out)
    opens: bool  # its sender is new: it opens a conversation (a `created` event)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def contact_mix(n: int, seed: int = 7) -> list[Item]:
    """N encoded events: ~70 % new senders, ~22 % follow-ups, ~5 % retries, ~3 % opt-outs."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    items: list[Item] = []
    senders: list[tuple[str, str, str | None]] = []  # (address, kind, last Message-ID)
    last_by_index: list[ContactReceived] = []

    def add(contact: ContactReceived, stored: bool, opens: bool) -> None:
        envelope = make_envelope(topics.CONTACT_RECEIVED, contact, source="bench", site_id=SITE,
                                 correlation_id=contact.contact_id)
        items.append(Item(contact.sender.address.encode(), encode(envelope), contact.contact_id,
                          stored, opens))
        last_by_index.append(contact)

    while len(items) < n:
        roll = rng.random()
        if roll < 0.05 and last_by_index:  # a provider retry: a new event, same dedupe key
            again = rng.choice(last_by_index)
            copy = again.model_copy(update={"contact_id": str(uuid.uuid4())})
            add(copy, stored=False, opens=False)
            continue
        if roll < 0.08 and senders:
            phone = next((s for s in senders if s[1] == "phone"), None)
            if phone:
                add(_contact("sms", "opt_out", phone[0], "phone", "STOP", now), False, False)
                continue
        if roll < 0.30 and senders:  # a follow-up from an earlier sender: threaded
            index = rng.randrange(len(senders))
            address, kind, message_id = senders[index]
            contact = _contact("email" if kind == "email" else "chat" if kind == "chat" else "sms",
                               "message", address, kind, rng.choice(FOLLOW_UPS), now,
                               in_reply_to=message_id)
            senders[index] = (address, kind, contact.provider_ids.get("Message-ID"))
            add(contact, True, False)
            continue
        channel = rng.choices(["sms", "email", "voice", "chat"], [60, 25, 10, 5])[0]
        if channel == "email":
            address, kind = f"p{uuid.uuid4().hex[:12]}@example.org", "email"
        elif channel == "chat":
            address, kind = f"chat-{uuid.uuid4().hex}", "chat"
        else:
            address, kind = f"+336{rng.randrange(10**8):08d}", "phone"
        contact_kind = "message" if channel != "voice" else rng.choice(["missed_call", "voicemail"])
        text = rng.choice(TEXTS) if contact_kind == "message" else None
        contact = _contact(channel, contact_kind, address, kind, text, now)
        senders.append((address, kind, contact.provider_ids.get("Message-ID")))
        add(contact, True, True)
    return items


def _contact(channel: str, kind: str, address: str, address_kind: str, text: str | None,
             at: datetime, in_reply_to: str | None = None) -> ContactReceived:
    provider_ids: dict[str, str] = {}
    metadata: dict[str, object] = {}
    if channel == "email":
        message_id = f"<{uuid.uuid4().hex}@example.org>"
        provider_ids["Message-ID"] = message_id
        metadata["message_id"] = message_id
        if in_reply_to:
            metadata["in_reply_to"] = in_reply_to
            metadata["references"] = in_reply_to
        dedupe = f"email:{message_id}"
    else:
        dedupe = f"{channel}:{uuid.uuid4().hex}"
    return ContactReceived(
        contact_id=str(uuid.uuid4()), channel=channel, kind=kind, dedupe_key=dedupe,  # type: ignore[arg-type]
        sender=Address(address=address, kind=address_kind), recipient=CLINIC_MAILBOX  # type: ignore[arg-type]
        if channel == "email" else CLINIC_NUMBER,
        subject="Demande" if channel == "email" else None, text=text,
        provider_ids=provider_ids, received_at=at, metadata=metadata,
    )


# --- infrastructure ---------------------------------------------------------------------------


class Infra:
    def __init__(self) -> None:
        self.nodes: list[object] = []
        self.base: Path | None = None

    async def start(self) -> tuple[str, str]:
        bootstrap = os.environ.get("RELAIS_KAFKA_BOOTSTRAP")
        server_url = os.environ.get("RELAIS_DATABASE_URL")
        if not (bootstrap and server_url):
            from relais_cli.devstack.kafka import start_kafka
            from relais_cli.devstack.postgres import start_postgres

            self.base = Path(tempfile.mkdtemp(prefix="relais-bench-", dir="/var/tmp"))
            os.chmod(self.base, 0o755)
            pg = start_postgres(self.base / "postgres", port=free_port())
            kafka = start_kafka(self.base / "kafka", port=free_port(), controller_port=free_port())
            self.nodes = [kafka, pg]
            bootstrap, server_url = kafka.bootstrap, pg.url
        name = "bench_" + uuid.uuid4().hex[:8]
        conn = await asyncpg.connect(server_url)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
            fsync = await conn.fetchval("SHOW fsync")
            sync_commit = await conn.fetchval("SHOW synchronous_commit")
        finally:
            await conn.close()
        self.fsync = f"fsync={fsync}, synchronous_commit={sync_commit}"
        return bootstrap, server_url.rsplit("/", 1)[0] + "/" + name

    def pids(self) -> dict[str, int | None]:
        """Root pids of the Kafka and PostgreSQL this bench started (None when external)."""
        if not self.nodes:
            return {"kafka": None, "postgres": None}
        kafka, pg = self.nodes
        return {"kafka": kafka.process.pid, "postgres": pg.process.pid}  # type: ignore[attr-defined]

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()  # type: ignore[attr-defined]
        if self.base:
            shutil.rmtree(self.base, ignore_errors=True)


def _stats() -> dict[int, tuple[int, float, float]]:
    """pid -> (ppid, own CPU seconds, CPU seconds of its reaped children)."""
    tick = os.sysconf("SC_CLK_TCK")
    found: dict[int, tuple[int, float, float]] = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[int(pid)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick,
                           (int(fields[13]) + int(fields[14])) / tick)
    return found


def tree_cpu(root: int | None, stats: dict[int, tuple[int, float, float]]) -> float:
    """CPU seconds of a process and its descendants (a postmaster and its backends)."""
    if root is None:
        return float("nan")
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        _, own, reaped = stats.get(pid, (0, 0.0, 0.0))
        total += own + reaped
        todo += [child for child, (ppid, _, _) in stats.items() if ppid == pid]
    return total


def cpu_by_role(roots: dict[str, int | None]) -> dict[str, float]:
    """CPU seconds per role; the bench counts only its own process (Kafka, PostgreSQL and
    the worker are its children)."""
    stats = _stats()
    found = {role: tree_cpu(pid, stats) for role, pid in roots.items() if role != "bench"}
    found["bench"] = stats[os.getpid()][1]
    return found


# --- baselines --------------------------------------------------------------------------------


async def raw_kafka_baseline(bootstrap: str, items: list[Item]) -> float:
    """Messages/s of aiokafka producing (acks=all, idempotent) and consuming the same messages."""
    topic = "bench.raw." + uuid.uuid4().hex[:6]
    await ensure_topics(bootstrap, [topic])
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id="bench-" + topic,
                                auto_offset_reset="earliest", enable_auto_commit=False)
    await producer.start()
    await consumer.start()
    try:
        started = time.perf_counter()
        futures = [await producer.send(topic, i.value, key=i.key) for i in items]
        got = 0
        while got < len(items):
            for records in (await consumer.getmany(timeout_ms=500, max_records=2000)).values():
                got += len(records)
        await asyncio.gather(*futures)
        return len(items) / (time.perf_counter() - started)
    finally:
        await producer.stop()
        await consumer.stop()


async def bare_insert_baseline(database_url: str, count: int, connections: int = 3) -> float:
    """Single-row INSERT transactions per second (autocommit, each one fsync'd)."""
    setup = await asyncpg.connect(database_url)
    await setup.execute("CREATE TABLE IF NOT EXISTS public.bench_insert"
                        " (id uuid PRIMARY KEY, at timestamptz NOT NULL, body text)")
    await setup.close()
    conns = [await asyncpg.connect(database_url) for _ in range(connections)]
    body = TEXTS[0]

    async def run(conn: asyncpg.Connection, n: int) -> None:
        for _ in range(n):
            await conn.execute("INSERT INTO public.bench_insert VALUES ($1, now(), $2)",
                               uuid.uuid4(), body)

    started = time.perf_counter()
    await asyncio.gather(*(run(c, count // connections) for c in conns))
    elapsed = time.perf_counter() - started
    for conn in conns:
        await conn.close()
    return (count // connections * connections) / elapsed


# --- the router -------------------------------------------------------------------------------


class Worker:
    """The router worker: its own process(es) in one consumer group (default) or in this
    event loop."""

    def __init__(self, bootstrap: str, database_url: str, inprocess: bool, log: Path,
                 processes: int = 1) -> None:
        self.env = {**os.environ, "RELAIS_KAFKA_BOOTSTRAP": bootstrap,
                    "RELAIS_DATABASE_URL": database_url,
                    "RELAIS_ROUTER_CONSUMER_GROUP": "bench-router-" + uuid.uuid4().hex[:6],
                    "RELAIS_ROUTER_WORKER_PORT": str(free_port()), "RELAIS_LOG_FORMAT": "json"}
        self.inprocess = inprocess
        self.log = log
        self.count = processes
        self.processes: list[asyncio.subprocess.Process] = []
        self.task: asyncio.Task | None = None

    @property
    def pids(self) -> dict[str, int | None]:
        """The worker processes by role (None in-process: its CPU is the bench's)."""
        if not self.processes:
            return {"router worker": None}
        return {"router worker" + (f" {n + 1}" if self.count > 1 else ""): p.pid
                for n, p in enumerate(self.processes)}

    async def start(self) -> None:
        if self.inprocess:
            from relais_router import worker

            os.environ.update({k: v for k, v in self.env.items() if k.startswith("RELAIS_")})
            self.task = asyncio.create_task(worker.main())
            return
        for _ in range(self.count):
            with self.log.open("ab") as out:
                self.processes.append(await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "relais_router.worker",
                    env={**self.env, "RELAIS_ROUTER_WORKER_PORT": str(free_port())},
                    stdout=out, stderr=asyncio.subprocess.STDOUT,
                ))

    async def stop(self) -> None:
        for process in self.processes:
            process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                await asyncio.wait_for(process.wait(), timeout=30)
            except TimeoutError:
                process.kill()
        if self.task:
            self.task.cancel()


class Events:
    """Reads conversation.events.v1 from its end; time of each `created` event by contact id."""

    def __init__(self, bootstrap: str) -> None:
        self.consumer = AIOKafkaConsumer(topics.CONVERSATION_EVENTS, bootstrap_servers=bootstrap,
                                         auto_offset_reset="latest", enable_auto_commit=False)
        self.created: dict[str, float] = {}
        self.task: asyncio.Task | None = None

    async def start(self) -> None:
        await self.consumer.start()
        await self.consumer.seek_to_end()
        self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            batches = await self.consumer.getmany(timeout_ms=200, max_records=5000)
            now = time.perf_counter()
            for records in batches.values():
                for record in records:
                    headers = dict(record.headers or ())
                    if headers.get("type") != b"conversation.created":
                        continue
                    data = orjson.loads(record.value)["data"]
                    if data.get("contact_id"):
                        self.created.setdefault(data["contact_id"], now)

    async def stop(self) -> None:
        if self.task:
            self.task.cancel()
        await self.consumer.stop()


async def inbound_rows(conn: asyncpg.Connection) -> int:
    return await conn.fetchval("SELECT count(*) FROM router.messages WHERE direction = 'in'")


def _last_stored_per_partition(items: list[Item], partitions: int = 3) -> list[uuid.UUID]:
    """The last stored contact of each partition: a partition is handled in order, so when
    these are in the database every contact before them is too."""
    partitioner = DefaultPartitioner()
    last: dict[int, str] = {}
    for item in items:
        if item.stored:
            last[partitioner(item.key, list(range(partitions)), list(range(partitions)))] = (
                item.contact_id)
    return [uuid.UUID(c) for c in last.values()]


async def wait_stored(conn: asyncpg.Connection, items: list[Item], timeout: float) -> float:
    """perf_counter time at which every stored item is committed (a cheap indexed poll, so
    the bench does not load PostgreSQL; the full count is checked once at the end)."""
    probes = _last_stored_per_partition(items)
    deadline = time.perf_counter() + timeout
    while True:
        found = await conn.fetchval(
            "SELECT count(*) FROM router.messages WHERE contact_id = ANY($1::uuid[])", probes)
        if found == len(probes):
            return time.perf_counter()
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{found} of {len(probes)} partition tails after {timeout} s")
        await asyncio.sleep(0.05)


async def wait_rows(conn: asyncpg.Connection, expected: int, timeout: float) -> float:
    """perf_counter time at which `expected` inbound rows are committed."""
    deadline = time.perf_counter() + timeout
    while True:
        if await inbound_rows(conn) >= expected:
            return time.perf_counter()
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{await inbound_rows(conn)} of {expected} rows after {timeout} s")
        await asyncio.sleep(0.25)


async def produce(producer: AIOKafkaProducer, items: list[Item], rate: float | None) -> dict[str, float]:
    """Send items (at `rate`/s, or as fast as possible); perf_counter send time by contact id."""
    sent: dict[str, float] = {}
    futures = []
    started = time.perf_counter()
    for index, item in enumerate(items):
        if rate:
            due = started + index / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
        sent[item.contact_id] = time.perf_counter()
        futures.append(await producer.send(topics.CONTACT_RECEIVED, item.value, key=item.key))
    await asyncio.gather(*futures)
    return sent


async def run_router(bootstrap: str, database_url: str, items: list[Item], paced: list[Item],
                     mode: str, log: Path, infra_pids: dict[str, int | None],
                     processes: int = 1) -> dict[str, object]:
    conn = await asyncpg.connect(database_url)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    worker = Worker(bootstrap, database_url, mode != "process", log, processes)
    events = Events(bootstrap)
    await events.start()
    await worker.start()
    try:
        warm = contact_mix(30, seed=99)  # the worker joins its group and warms up
        await produce(producer, warm, None)
        await wait_rows(conn, sum(i.stored for i in warm), timeout=120)
        base_rows = await inbound_rows(conn)
        stats0 = await conn.fetchrow("SELECT xact_commit, tup_inserted, tup_updated"
                                     " FROM pg_stat_database WHERE datname = current_database()")
        roots = {**worker.pids, **infra_pids, "bench": os.getpid()}
        cpu0 = cpu_by_role(roots)

        started = time.perf_counter()
        sent = await produce(producer, items, None)
        produced = time.perf_counter()
        expected = base_rows + sum(i.stored for i in items)
        done = await wait_stored(conn, items, timeout=max(120, len(items) / 50))
        stored_rows = await inbound_rows(conn)
        assert stored_rows == expected, f"{stored_rows} inbound rows, expected {expected}"
        opened = [i.contact_id for i in items if i.opens]
        while len([c for c in opened if c in events.created]) < len(opened):
            if time.perf_counter() - done > 60:
                break
            await asyncio.sleep(0.05)
        cpu1 = cpu_by_role(roots)
        stats1 = await conn.fetchrow("SELECT xact_commit, tup_inserted, tup_updated"
                                     " FROM pg_stat_database WHERE datname = current_database()")
        saturated = [events.created[c] - sent[c] for c in opened if c in events.created]
        throughput = sum(i.stored for i in items) / (done - started)

        rate = max(10.0, throughput / 2)
        paced_sent = await produce(producer, paced, rate)
        await wait_stored(conn, paced, timeout=300)
        paced_open = [i.contact_id for i in paced if i.opens]
        deadline = time.perf_counter() + 60
        while (len([c for c in paced_open if c in events.created]) < len(paced_open)
               and time.perf_counter() < deadline):
            await asyncio.sleep(0.05)
        paced_latency = [events.created[c] - paced_sent[c] for c in paced_open if c in events.created]
        conversations = await conn.fetchval("SELECT count(*) FROM router.conversations")
        return {
            "throughput": throughput, "elapsed": done - started, "produce_s": produced - started,
            "saturated": saturated, "opened": len(opened), "paced_rate": rate,
            "paced": paced_latency, "paced_opened": len(paced_open),
            "cpu": {k: cpu1[k] - cpu0[k] for k in cpu0},
            "xacts": stats1["xact_commit"] - stats0["xact_commit"],
            "tuples": (stats1["tup_inserted"] - stats0["tup_inserted"]
                       + stats1["tup_updated"] - stats0["tup_updated"]),
            "conversations": conversations,
        }
    finally:
        await worker.stop()
        await events.stop()
        await producer.stop()
        await conn.close()


async def main(args: argparse.Namespace) -> None:
    infra = Infra()
    try:
        bootstrap, database_url = await infra.start()
        await ensure_topics(bootstrap, list(ALL_TOPICS_WITH_DLQ))
        await prepare_database(database_url, Path(tempfile.mkdtemp()) / "creds.txt")
        items = contact_mix(args.n)
        paced = contact_mix(args.paced, seed=11)
        stored = sum(i.stored for i in items)
        print(f"router bench: {len(items)} contact.received.v1 events ({stored} stored: "
              f"{sum(i.opens for i in items)} new senders, {stored - sum(i.opens for i in items)} "
              f"follow-ups; {len(items) - stored} retries/opt-outs), 3 partitions, "
              f"{infra.fsync}, {os.cpu_count()} CPUs, worker "
              + ("in this process" if args.inprocess else
                 f"as {args.workers} process{'es' if args.workers > 1 else ''} in one group"))

        kafka_rate = await raw_kafka_baseline(bootstrap, items)
        insert_rate = await bare_insert_baseline(database_url, min(len(items), 6000))
        log = Path(tempfile.mkdtemp()) / "router-worker.log"
        mode = "inprocess" if args.inprocess else "process"
        result = await run_router(bootstrap, database_url, items, paced, mode, log, infra.pids(),
                                  args.workers)
    finally:
        infra.stop()

    def ms(value: float) -> str:
        return f"{value * 1000:8.1f} ms"

    throughput = result["throughput"]
    print(f"  baseline raw aiokafka produce->consume   {kafka_rate:8.0f} msg/s")
    print(f"  baseline bare INSERT txns (3 conns)      {insert_rate:8.0f} rows/s")
    print(f"  router: routed and persisted             {throughput:8.0f} contacts/s"
          f"  ({stored} in {result['elapsed']:.1f} s; producing took {result['produce_s']:.1f} s)")
    print(f"    ratio to raw Kafka {throughput / kafka_rate:.2f}x, to bare INSERTs "
          f"{throughput / insert_rate:.2f}x; per stored contact: "
          f"{result['xacts'] / stored:.2f} commits, {result['tuples'] / stored:.1f} rows written")
    for name, values, total in (
        ("saturated (all N offered at once)", result["saturated"], result["opened"]),
        (f"paced at {result['paced_rate']:.0f}/s ({args.paced} events)", result["paced"],
         result["paced_opened"]),
    ):
        print(f"  produce -> conversation.created, {name}: n={len(values)}/{total}")
        if values:
            print(f"    p50 {ms(statistics.median(values))}  p95 {ms(pct(values, 0.95))}"
                  f"  p99 {ms(pct(values, 0.99))}  max {ms(max(values))}")
    cpu = result["cpu"]
    print("  CPU seconds during the saturated run: " + ", ".join(
        f"{k} {v:.1f}" for k, v in cpu.items()) + f" (wall {result['elapsed']:.1f} s)")
    print("    per stored contact: " + ", ".join(
        f"{k} {v / stored * 1000:.2f} ms" for k, v in cpu.items() if not math.isnan(v)))
    load = os.getloadavg()
    print(f"  load average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
          " (other work on this machine shares its CPUs)")
    print(f"  conversations in the database: {result['conversations']}; worker log: {log}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--paced", type=int, default=3_000)
    parser.add_argument("--inprocess", action="store_true",
                        help="run the worker in this event loop instead of a process")
    parser.add_argument("--workers", type=int, default=2,
                        help="worker processes sharing the 3 partitions (one consumer group);"
                             " 2 on a 2-core machine")
    asyncio.run(main(parser.parse_args()))
