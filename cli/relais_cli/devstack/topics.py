"""Idempotent creation of the Relais Kafka topics."""

from __future__ import annotations

import asyncio
import logging
import time

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError, for_code

log = logging.getLogger(__name__)

DAY_MS = 24 * 3600 * 1000


async def ensure_topics(
    bootstrap: str,
    topics: list[str],
    partitions: int = 3,
    retention_ms: int = 7 * DAY_MS,
    dlq_retention_ms: int = 14 * DAY_MS,
    *,
    replication_factor: int = 1,
    timeout: float = 30.0,
) -> None:
    """Create the topics that do not exist yet; leave existing ones untouched.

    Topics whose name ends in ``.dlq`` get ``retention.ms=dlq_retention_ms``, the others
    ``retention.ms=retention_ms``. Idempotent and race-safe (TOPIC_ALREADY_EXISTS is
    fine). Returns once every requested topic has a leader for each partition, so
    producers can use them right away. An existing topic with a different partition
    count is logged, not changed.
    """
    wanted = list(dict.fromkeys(topics))
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="relais-devstack")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in wanted if t not in existing]
        if missing:
            new = [
                NewTopic(
                    name=t,
                    num_partitions=partitions,
                    replication_factor=replication_factor,
                    topic_configs={
                        "retention.ms": str(
                            dlq_retention_ms if t.endswith(".dlq") else retention_ms
                        )
                    },
                )
                for t in missing
            ]
            resp = await admin.create_topics(new, timeout_ms=int(timeout * 1000))
            for err in resp.topic_errors:
                topic, code = err[0], err[1]
                message = err[2] if len(err) > 2 else None
                if code == 0:
                    log.info("created topic %s (%d partitions)", topic, partitions)
                    continue
                exc_type = for_code(code)
                if exc_type is TopicAlreadyExistsError:
                    continue
                raise exc_type(f"creating topic {topic!r}: {message or exc_type.__name__}")

        await _wait_for_leaders(admin, wanted, timeout)
        for meta in await admin.describe_topics(wanted):
            n = len(meta["partitions"])
            if meta["topic"] not in missing and n != partitions:
                log.warning(
                    "topic %s exists with %d partitions (wanted %d); left as is",
                    meta["topic"],
                    n,
                    partitions,
                )
    finally:
        await admin.close()


async def _wait_for_leaders(admin: AIOKafkaAdminClient, topics: list[str], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        metas = await admin.describe_topics(topics)
        pending = [
            m["topic"]
            for m in metas
            if m["error_code"] != 0
            or not m["partitions"]
            or any(p["leader"] < 0 for p in m["partitions"])
        ]
        if not pending:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"topics without partition leaders after {timeout} s: {pending}")
        await asyncio.sleep(0.1)
