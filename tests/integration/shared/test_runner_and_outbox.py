"""The shared consumer runner and outbox relay against real Kafka and PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import uuid
from dataclasses import dataclass, field
from typing import ClassVar

import asyncpg
import orjson
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from relais_shared import db, topics
from relais_shared.contracts import encode
from relais_shared.db import migrate
from relais_shared.errors import InvalidMessage, Retryable
from relais_shared.events import DeliveryStatus, make_envelope
from relais_shared.kafka.producer import make_producer
from relais_shared.kafka.runner import ConsumerRunner, Delivery, RetryPolicy
from relais_shared.metrics import BATCHES_REDONE as REDONE
from relais_shared.outbox import OutboxRelay, enqueue
from relais_shared.topics import dlq_topic

from tests.conftest import published

pytestmark = pytest.mark.integration


def status_event(n: int):
    data = DeliveryStatus(notification_id=str(uuid.uuid4()), status="sent", provider_code=str(n))
    return make_envelope(topics.DELIVERY_STATUS, data, source="test", site_id="demo")


@pytest.fixture
async def producer(kafka_bootstrap):
    producer = make_producer(kafka_bootstrap, client_id="test")
    await producer.start()
    yield producer
    await producer.stop()


async def test_retryable_failure_pauses_only_its_partition_and_keeps_order(kafka_bootstrap, producer):
    topic = topics.DELIVERY_STATUS
    run = uuid.uuid4().hex[:8]
    keys = [f"{run}-k{i}" for i in range(4)]
    seen: list[tuple[str, int]] = []
    failures = {keys[0]: 2}  # the first message of one key fails twice, transiently

    async def handler(delivery: Delivery) -> None:
        key = delivery.key or ""
        if key not in keys:
            return  # another test's traffic on the shared topic
        code = int(delivery.data.provider_code or 0)  # type: ignore[attr-defined]
        if code == 0 and failures.get(key, 0) > 0:
            failures[key] -= 1
            raise Retryable("database briefly unavailable")
        seen.append((key, code))

    last_offsets: dict[int, int] = {}
    for n in range(3):
        for key in keys:
            env = status_event(n)
            meta = await producer.send_and_wait(topic, encode(env), key=key.encode())
            last_offsets[meta.partition] = meta.offset
    group = "g-" + run
    runner = ConsumerRunner(
        bootstrap=kafka_bootstrap, group_id=group, topics=[topic], handlers={topic: handler},
        dlq_producer=producer, client_id="test", retry=RetryPolicy(base_seconds=0.2),
    )
    task = asyncio.create_task(runner.run())
    deadline = asyncio.get_running_loop().time() + 30
    while len(seen) < 12 and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.1)
    runner.stop()
    await asyncio.wait_for(task, 15)
    assert len(seen) == 12, seen
    for key in keys:
        assert [code for k, code in seen if k == key] == [0, 1, 2]  # order per key kept
    assert failures[keys[0]] == 0

    # Offsets were committed after the work: the group's position is past our messages.
    check = AIOKafkaConsumer(bootstrap_servers=kafka_bootstrap, group_id=group, enable_auto_commit=False)
    await check.start()
    try:
        for partition, offset in last_offsets.items():
            assert (await check.committed(TopicPartition(topic, partition)) or 0) > offset
    finally:
        await check.stop()


async def test_outbox_relay_publishes_in_order_once_with_one_active_relay(
    kafka_bootstrap, fresh_database_url, producer, tmp_path
):
    schema = "relaytest"
    empty = tmp_path / "migrations"
    empty.mkdir()
    conn = await asyncpg.connect(fresh_database_url)
    await migrate(conn, schema, empty)
    relays = [OutboxRelay(fresh_database_url, schema, producer, poll_interval=0.2) for _ in range(2)]
    tasks = [asyncio.create_task(r.run()) for r in relays]
    key = "conv-" + uuid.uuid4().hex
    events = [status_event(n) for n in range(20)]
    try:
        for env in events:
            async with conn.transaction():
                await enqueue(conn, schema, topics.DELIVERY_STATUS, key, env)
        async with conn.transaction():
            await enqueue(conn, schema, topics.DELIVERY_STATUS, key, status_event(99))
        tr = conn.transaction()  # a rolled-back transaction publishes nothing
        await tr.start()
        await enqueue(conn, schema, topics.DELIVERY_STATUS, key, status_event(100))
        await tr.rollback()

        deadline = asyncio.get_running_loop().time() + 20
        while asyncio.get_running_loop().time() < deadline:
            if not await conn.fetchval(f"SELECT count(*) FROM {schema}.outbox"):
                break
            await asyncio.sleep(0.1)
        assert sum(r.active for r in relays) == 1  # the advisory lock elects one relay
    finally:
        for r in relays:
            r.stop()
        await asyncio.wait(tasks, timeout=10)
        await conn.close()

    codes = await _published_codes(kafka_bootstrap, key, 21)
    assert codes == list(range(20)) + [99]  # in id order, once each, the rolled-back one absent


async def _published_codes(kafka_bootstrap: str, key: str, expected: int) -> list[int]:
    """The provider codes of the delivery statuses published for `key`, in topic order."""
    got = await published(kafka_bootstrap, [topics.DELIVERY_STATUS], key, expected)
    assert all(dict(r.headers)["type"] == b"delivery.status" for r in got)
    return [int(orjson.loads(r.value)["data"]["provider_code"]) for r in got]


async def test_a_standby_relay_leaves_the_outbox_to_one_started_meanwhile_and_takes_over(
    fresh_database_url, producer, tmp_path
):
    """The router worker's relay stands by (`standby_seconds`) for the API process's: the
    one started later but without standby is active; stopped, the standby one takes over."""
    schema = "relaystandby"
    empty = tmp_path / "migrations"
    empty.mkdir()
    conn = await asyncpg.connect(fresh_database_url)
    await migrate(conn, schema, empty)
    await conn.close()
    standby = OutboxRelay(fresh_database_url, schema, producer, poll_interval=0.2,
                          standby_seconds=1.5)
    standby_task = asyncio.create_task(standby.run())
    await asyncio.sleep(0.3)
    preferred = OutboxRelay(fresh_database_url, schema, producer, poll_interval=0.2)
    preferred_task = asyncio.create_task(preferred.run())
    loop = asyncio.get_running_loop()
    try:
        deadline = loop.time() + 10
        while not preferred.active:
            assert loop.time() < deadline, "the relay without standby never became active"
            await asyncio.sleep(0.05)
        await asyncio.sleep(2.0)  # past the standby delay: still the preferred one alone
        assert preferred.active and not standby.active
        preferred.stop()
        await asyncio.wait_for(preferred_task, 10)
        deadline = loop.time() + 10
        while not standby.active:
            assert loop.time() < deadline, "the standby relay did not take over"
            await asyncio.sleep(0.05)
    finally:
        preferred.stop()
        standby.stop()
        await asyncio.wait([standby_task, preferred_task], timeout=10)


async def test_an_event_committed_after_newer_ones_were_published_is_published_too(
    fresh_database_url, kafka_bootstrap, producer, tmp_path
):
    """The relay reads past the last id it published when woken, and the ids missing below
    it: a transaction that took a lower id and committed later is published on its commit's
    wake-up, not at the next full scan (far away here)."""
    schema = "relaylate"
    empty = tmp_path / "migrations"
    empty.mkdir()
    conn, late = await asyncpg.connect(fresh_database_url), await asyncpg.connect(fresh_database_url)
    await migrate(conn, schema, empty)
    relay = OutboxRelay(fresh_database_url, schema, producer, poll_interval=60)
    task = asyncio.create_task(relay.run())
    key = "conv-" + uuid.uuid4().hex

    async def unpublished() -> list[int]:
        rows = await conn.fetch(f"SELECT id FROM {schema}.outbox")
        return [r["id"] for r in rows]

    async def settle(expect_left: int) -> list[int]:
        deadline = asyncio.get_running_loop().time() + 10
        while len(left := await unpublished()) != expect_left:
            assert asyncio.get_running_loop().time() < deadline, left
            await asyncio.sleep(0.05)
        return left

    try:
        slow = late.transaction()
        await slow.start()
        await enqueue(late, schema, topics.DELIVERY_STATUS, key, status_event(1))  # lowest id
        for n in (2, 3, 4):
            async with conn.transaction():
                await enqueue(conn, schema, topics.DELIVERY_STATUS, key, status_event(n))
        assert await settle(0) == []  # 2-4 published past the uncommitted 1
        await slow.commit()
        await settle(0)  # 1 too, once committed (its commit's NOTIFY wakes the relay)
    finally:
        relay.stop()
        await asyncio.wait([task], timeout=10)
        await conn.close()
        await late.close()
    assert sorted(await _published_codes(kafka_bootstrap, key, 4)) == [1, 2, 3, 4]


async def test_a_slow_partition_does_not_hold_up_the_others(kafka_bootstrap, producer):
    topic = topics.DELIVERY_STATUS
    run = uuid.uuid4().hex[:8]
    keys = [f"{run}-s{i}" for i in range(12)]
    partition_of: dict[str, int] = {}
    for key in keys:
        meta = await producer.send_and_wait(topic, encode(status_event(0)), key=key.encode())
        partition_of[key] = meta.partition
    slow_partition = partition_of[keys[0]]
    release = asyncio.Event()
    done: list[str] = []

    async def handler(delivery: Delivery) -> None:
        if delivery.key not in partition_of:
            return
        if delivery.key == keys[0]:
            await release.wait()  # a provider hanging on one message
        done.append(delivery.key)

    runner = ConsumerRunner(
        bootstrap=kafka_bootstrap, group_id="g-" + run, topics=[topic], handlers={topic: handler},
        dlq_producer=producer, client_id="test",
    )
    task = asyncio.create_task(runner.run())
    others = {k for k in keys if partition_of[k] != slow_partition}
    deadline = asyncio.get_running_loop().time() + 30
    while not others <= set(done) and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.1)
    assert others <= set(done), "other partitions waited for the slow one"
    assert keys[0] not in done
    release.set()
    runner.stop()
    await asyncio.wait_for(task, 15)
    assert keys[0] in done  # in-flight work finishes on stop


async def test_a_paced_topic_rests_after_a_batch_and_takes_what_arrived_meanwhile_at_once(
    kafka_bootstrap, producer
):
    """Bookkeeping topics (`paced_topics`): a partition keeping up rests after each batch,
    so the events that arrive meanwhile are handled together, one batch, after the rest."""
    topic = topics.DELIVERY_STATUS
    run = uuid.uuid4().hex[:8]
    key = f"{run}-paced"
    handled: list[tuple[int, float]] = []
    loop = asyncio.get_running_loop()

    async def handler(delivery: Delivery) -> None:
        if delivery.key == key:
            handled.append((int(delivery.data.provider_code or 0), loop.time()))  # type: ignore[attr-defined]

    runner = ConsumerRunner(
        bootstrap=kafka_bootstrap, group_id="g-" + run, topics=[topic], handlers={topic: handler},
        dlq_producer=producer, client_id="test", paced_topics={topic: 1.5},
    )
    task = asyncio.create_task(runner.run())

    async def until_handled(count: int) -> None:
        deadline = loop.time() + 30
        while len(handled) < count:
            assert loop.time() < deadline, handled
            await asyncio.sleep(0.02)

    try:
        await producer.send_and_wait(topic, encode(status_event(0)), key=key.encode())
        await until_handled(1)
        first_at = handled[0][1]
        for n in range(1, 6):
            await producer.send_and_wait(topic, encode(status_event(n)), key=key.encode())
        await until_handled(6)
    finally:
        runner.stop()
        await asyncio.wait_for(task, 15)
    rest = [at for _, at in handled[1:]]
    assert [code for code, _ in handled] == list(range(6))
    assert min(rest) - first_at >= 1.3  # rested after the first batch...
    assert max(rest) - min(rest) < 0.3  # ...then took the five that came meanwhile together


async def test_a_batch_commits_once_and_an_invalid_event_is_redone_alone(
    kafka_bootstrap, producer, fresh_database_url
):
    """batch_scope: a partition batch is one transaction; an invalid event in it rolls the
    batch back and the batch is redone one event per transaction — each good event written
    once, the invalid one dead-lettered, no write of it left behind."""
    topic = topics.DELIVERY_STATUS
    run = uuid.uuid4().hex[:8]
    key = f"{run}-batch"
    pool = await asyncpg.create_pool(fresh_database_url, min_size=1, max_size=3)
    await pool.execute("CREATE TABLE handled (code int, tx bigint)")
    retry_once = {12}

    async def handler(delivery: Delivery) -> None:
        if delivery.key != key:
            return
        code = int(delivery.data.provider_code or 0)  # type: ignore[attr-defined]
        async with db.transaction(pool) as conn:
            await conn.execute("INSERT INTO handled VALUES ($1, txid_current())", code)
            if code == 15:
                raise InvalidMessage("code 15 is poison")
            if code in retry_once:
                retry_once.discard(code)
                raise Retryable("a concurrent writer got there first")

    async def send(codes: range) -> None:
        for n in codes:
            await producer.send(topic, encode(status_event(n)), key=key.encode())
        await producer.flush()

    async def handled() -> list[asyncpg.Record]:
        return await pool.fetch("SELECT code, tx FROM handled ORDER BY code")

    async def wait_for(count: int) -> None:
        deadline = asyncio.get_running_loop().time() + 30
        while len(await handled()) < count:
            assert asyncio.get_running_loop().time() < deadline, await handled()
            await asyncio.sleep(0.1)

    await send(range(10))  # waiting before the runner starts: one batch
    runner = ConsumerRunner(
        bootstrap=kafka_bootstrap, group_id="g-" + run, topics=[topic], handlers={topic: handler},
        dlq_producer=producer, client_id="test", retry=RetryPolicy(base_seconds=0.1),
        batch_scope=functools.partial(db.transaction, pool),
    )
    redone = REDONE.labels(topic)._value.get()
    task = asyncio.create_task(runner.run())
    try:
        await wait_for(10)
        first = await handled()
        assert len({r["tx"] for r in first}) < 10  # committed together, not one by one
        await send(range(10, 20))  # 12 asks for one retry, 15 is poison
        await wait_for(19)
        await asyncio.sleep(0.5)
    finally:
        runner.stop()
        await asyncio.wait_for(task, 15)
    rows = await handled()
    await pool.close()
    assert [r["code"] for r in rows] == [c for c in range(20) if c != 15]  # each once, in order
    assert REDONE.labels(topic)._value.get() > redone  # the batch with the retry, at least
    found = await dead_letters(kafka_bootstrap, topic, key)
    assert len(found) == 1
    assert dict(found[0].headers)["dlq.reason"] == b"code 15 is poison"


async def test_a_nested_transaction_joins_and_after_commit_runs_only_once_committed(
    fresh_database_url,
):
    pool = await asyncpg.create_pool(fresh_database_url, min_size=1, max_size=2)
    await pool.execute("CREATE TABLE rows (n int)")
    ran: list[str] = []

    async def note(what: str) -> None:
        ran.append(what)

    try:
        async with db.transaction(pool) as outer:
            async with db.transaction(pool) as inner:
                assert inner is outer  # joined, not a second connection
                await inner.execute("INSERT INTO rows VALUES (1)")
                db.after_commit(functools.partial(note, "committed"))
            assert ran == []  # the inner block's end is not a commit
        assert ran == ["committed"]
        with pytest.raises(RuntimeError, match="rolled back"):
            async with db.transaction(pool) as conn:
                await conn.execute("INSERT INTO rows VALUES (2)")
                db.after_commit(functools.partial(note, "must not run"))
                raise RuntimeError("rolled back")
        assert ran == ["committed"]
        assert await pool.fetchval("SELECT array_agg(n) FROM rows") == [1]
        with pytest.raises(RuntimeError, match="outside"):
            db.after_commit(functools.partial(note, "nowhere"))
    finally:
        await pool.close()


@dataclass
class _Codes(db.WriteBehind):
    """Test rows written at the end of their unit of work, in one statement."""

    codes: list[int] = field(default_factory=list)
    refuse_once: set[int] = field(default_factory=set)
    flushes: ClassVar[list[list[int]]] = []
    poison: ClassVar[set[int]] = set()  # found invalid only when flushed

    async def flush(self, conn: asyncpg.Connection) -> None:
        _Codes.flushes.append(list(self.codes))
        if _Codes.poison & set(self.codes):
            raise InvalidMessage(f"code {min(_Codes.poison & set(self.codes))} is poison")
        if self.refuse_once & set(self.codes):
            _REFUSED.update(self.refuse_once & set(self.codes))
            raise Retryable("a concurrent writer got there first")
        await conn.execute("INSERT INTO handled SELECT unnest($1::int[])", self.codes)


_REFUSED: set[int] = set()


async def test_write_behind_rows_are_flushed_once_before_the_commit_and_roll_back_with_it(
    fresh_database_url,
):
    pool = await asyncpg.create_pool(fresh_database_url, min_size=1, max_size=2)
    await pool.execute("CREATE TABLE handled (code int)")
    _Codes.flushes.clear()
    try:
        async with db.transaction(pool):
            _Codes.current().codes.append(1)
            async with db.transaction(pool):  # joins: same buffer, no flush at its end
                _Codes.current().codes.append(2)
                assert db.unit_memo() is db.unit_memo()
                db.unit_memo()["version"] = 7
            assert _Codes.flushes == []
            assert db.unit_memo()["version"] == 7
        assert _Codes.flushes == [[1, 2]]
        assert db.unit_memo() == {}  # outside a unit nothing is remembered
        with pytest.raises(Retryable):
            async with db.transaction(pool) as conn:
                await conn.execute("INSERT INTO handled VALUES (3)")
                buffer = _Codes.current()
                buffer.codes.append(4)
                buffer.refuse_once.add(4)
        # the failed flush rolled back the unit's other writes too
        assert await pool.fetchval("SELECT array_agg(code ORDER BY code) FROM handled") == [1, 2]
        with pytest.raises(RuntimeError, match="outside"):
            _Codes.current()
    finally:
        await pool.close()


async def test_a_batch_whose_write_behind_flush_fails_is_redone_one_by_one(
    kafka_bootstrap, producer, fresh_database_url
):
    """The flush at a batch's end runs after its last handler: a Retryable or an
    InvalidMessage there rolls the batch back and it is redone one event per transaction,
    each good event's rows written once, the invalid one dead-lettered."""
    topic = topics.DELIVERY_STATUS
    run = uuid.uuid4().hex[:8]
    key = f"{run}-flush"
    pool = await asyncpg.create_pool(fresh_database_url, min_size=1, max_size=3)
    await pool.execute("CREATE TABLE handled (code int)")
    _REFUSED.clear()
    _Codes.poison = {5}

    async def handler(delivery: Delivery) -> None:
        if delivery.key != key:
            return
        code = int(delivery.data.provider_code or 0)  # type: ignore[attr-defined]
        async with db.transaction(pool):
            buffer = _Codes.current()
            buffer.codes.append(code)
            if code == 3 and 3 not in _REFUSED:
                buffer.refuse_once.add(3)

    for n in range(8):
        await producer.send(topic, encode(status_event(n)), key=key.encode())
    await producer.flush()
    runner = ConsumerRunner(
        bootstrap=kafka_bootstrap, group_id="g-" + run, topics=[topic], handlers={topic: handler},
        dlq_producer=producer, client_id="test", retry=RetryPolicy(base_seconds=0.1),
        batch_scope=functools.partial(db.transaction, pool),
    )
    redone = REDONE.labels(topic)._value.get()
    task = asyncio.create_task(runner.run())
    try:
        deadline = asyncio.get_running_loop().time() + 30
        while await pool.fetchval("SELECT count(*) FROM handled") < 7:
            assert asyncio.get_running_loop().time() < deadline
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)
    finally:
        _Codes.poison = set()
        runner.stop()
        await asyncio.wait_for(task, 15)
    codes = [r["code"] for r in await pool.fetch("SELECT code FROM handled ORDER BY code")]
    await pool.close()
    assert codes == [c for c in range(8) if c != 5]  # each once: failed batches left nothing
    assert _REFUSED == {3}
    assert REDONE.labels(topic)._value.get() > redone
    assert [dict(r.headers)["dlq.reason"] for r in await dead_letters(kafka_bootstrap, topic, key)
            ] == [b"code 5 is poison"]


async def test_poison_never_stops_a_partition_nor_crashes_the_consumer(
    kafka_bootstrap, producer, fresh_database_url
):
    """Data the database refuses (a NUL byte: SQLSTATE 22021), a permanent conflict (the
    same unique key every time) and a bug (an exception nobody classified) are each
    dead-lettered with their kind after a bounded number of attempts — none quoting the
    value — and the records after them are handled, in one batch transaction or one by one."""
    topic = topics.DELIVERY_STATUS
    run = uuid.uuid4().hex[:8]
    key = f"{run}-poison"
    pool = await asyncpg.create_pool(fresh_database_url, min_size=1, max_size=3)
    await pool.execute("CREATE TABLE handled (code int PRIMARY KEY, note text)")
    await pool.execute("INSERT INTO handled VALUES (-1, 'taken')")
    attempts: dict[int, int] = {}

    async def handler(delivery: Delivery) -> None:
        if delivery.key != key:
            return
        code = int(delivery.data.provider_code or 0)  # type: ignore[attr-defined]
        attempts[code] = attempts.get(code, 0) + 1
        async with db.transaction(pool) as conn:
            if code == 2:  # PostgreSQL refuses a NUL byte in text whatever the attempt
                await conn.execute("INSERT INTO handled VALUES ($1, $2)", code, "secret\x00+33612345678")
            elif code == 4:  # a permanent conflict, classified as one by the handler
                try:
                    await conn.execute("INSERT INTO handled VALUES (-1, 'again')")
                except asyncpg.UniqueViolationError as exc:
                    raise Retryable(type(exc).__name__) from exc
            elif code == 6:
                raise KeyError("+33612345678")  # a bug, whose text quotes a value
            else:
                await conn.execute("INSERT INTO handled VALUES ($1, 'ok')", code)

    for n in range(9):
        await producer.send(topic, encode(status_event(n)), key=key.encode())
    await producer.flush()
    runner = ConsumerRunner(
        bootstrap=kafka_bootstrap, group_id="g-" + run, topics=[topic], handlers={topic: handler},
        dlq_producer=producer, client_id="test",
        retry=RetryPolicy(base_seconds=0.05, max_seconds=0.2, max_attempts=4, failure_attempts=3),
        batch_scope=functools.partial(db.transaction, pool),
    )
    task = asyncio.create_task(runner.run())
    try:
        deadline = asyncio.get_running_loop().time() + 30
        while await pool.fetchval("SELECT count(*) FROM handled WHERE code >= 0") < 6:
            assert not task.done(), task.exception()
            assert asyncio.get_running_loop().time() < deadline, attempts
            await asyncio.sleep(0.1)
        found = await dead_letters(kafka_bootstrap, topic, key, at_least=3)
    finally:
        runner.stop()
        await asyncio.wait_for(task, 15)  # it never raised
    codes = [r["code"] for r in await pool.fetch("SELECT code FROM handled WHERE code >= 0 ORDER BY code")]
    await pool.close()
    assert codes == [0, 1, 3, 5, 7, 8]
    reasons = {orjson.loads(r.value)["data"]["provider_code"]: dict(r.headers)["dlq.reason"].decode()
               for r in found}
    assert set(reasons) == {"2", "4", "6"}
    assert reasons["2"] == "refused by the database: CharacterNotInRepertoireError (SQLSTATE 22021)"
    assert reasons["4"] == "4 attempts failed: UniqueViolationError"
    assert reasons["6"] == "3 attempts failed: unexpected KeyError"
    assert not any("336" in reason for reason in reasons.values())
    # bounded: 3 attempts alone, each perhaps after one inside a batch that was rolled back
    assert attempts[6] <= 2 * 3


async def dead_letters(kafka_bootstrap: str, topic: str, key: str, at_least: int = 1) -> list:
    dlq = AIOKafkaConsumer(dlq_topic(topic), bootstrap_servers=kafka_bootstrap,
                           auto_offset_reset="earliest", enable_auto_commit=False)
    await dlq.start()
    try:
        found: list = []
        deadline = asyncio.get_running_loop().time() + 15
        while len(found) < at_least and asyncio.get_running_loop().time() < deadline:
            for records in (await dlq.getmany(timeout_ms=500)).values():
                found += [r for r in records if r.key == key.encode()]
    finally:
        await dlq.stop()
    return found


async def test_a_second_member_joining_mid_stream_takes_partitions_without_a_crash(
    kafka_bootstrap, producer
):
    """Scaling out: a rebalance while partition batches are in flight (revocation and the
    poll loop both collect them; offsets of revoked partitions are not committed) leaves
    both members running, and every event is handled at least once."""
    topic = topics.DELIVERY_STATUS
    run = uuid.uuid4().hex[:8]
    keys = [f"{run}-r{i}" for i in range(60)]
    for n in range(5):
        for key in keys:
            await producer.send(topic, encode(status_event(n)), key=key.encode())
    await producer.flush()
    seen: set[tuple[str, int]] = set()
    by_member: dict[str, int] = {"a": 0, "b": 0}

    def handler_for(member: str):
        async def handler(delivery: Delivery) -> None:
            if (delivery.key or "") not in keys:
                return
            await asyncio.sleep(0.003)  # batches stay in flight while the group rebalances
            seen.add((delivery.key, int(delivery.data.provider_code)))  # type: ignore[arg-type,attr-defined]
            by_member[member] += 1
        return handler

    async def noop_scope():
        yield

    group = "g-rebalance-" + run
    runners = {
        member: ConsumerRunner(
            bootstrap=kafka_bootstrap, group_id=group, topics=[topic],
            handlers={topic: handler_for(member)}, dlq_producer=producer, client_id=member,
            max_batch=20, batch_scope=contextlib.asynccontextmanager(noop_scope))
        for member in ("a", "b")
    }
    first = asyncio.create_task(runners["a"].run())
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 60
    while by_member["a"] < 30:
        assert loop.time() < deadline and not first.done()
        await asyncio.sleep(0.01)
    second = asyncio.create_task(runners["b"].run())
    while len(seen) < len(keys) * 5 and loop.time() < deadline:
        assert not first.done() and not second.done(), "a member crashed in the rebalance"
        await asyncio.sleep(0.05)
    for runner in runners.values():
        runner.stop()
    await asyncio.gather(first, second)  # both stop cleanly: no error raised
    assert len(seen) == len(keys) * 5
