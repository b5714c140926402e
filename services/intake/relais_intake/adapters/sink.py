"""Where an accepted event becomes durable: the ContactSink interface and its Kafka sink.

A later step slots an fsync'd local spool behind the same interface (Kafka first,
the spool when the broker does not answer in time); callers only see
`SinkUnavailable` when neither made the event durable.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from typing import Protocol

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from relais_shared.events import Envelope
from relais_shared.kafka.producer import publish
from relais_shared.logging import get_logger

from ..metrics import PRODUCE_SECONDS

log = get_logger(__name__)


class SinkUnavailable(Exception):
    """The event could not be made durable within the bounded wait."""


class ContactSink(Protocol):
    """Makes one event durable, or raises SinkUnavailable; returning means durable."""

    async def deliver(self, topic: str, key: str, envelope: Envelope) -> None: ...


class KafkaSink:
    """Publishes with acks=all and waits for the acknowledgement, bounded by `timeout`.

    The producer is started lazily and restarted after a failed start, so intake
    runs (and answers 503) while the broker is unreachable, and recovers without
    a restart.
    """

    def __init__(
        self,
        producer_factory: Callable[[], AIOKafkaProducer],
        *,
        timeout: float,
        required_topics: Iterable[str] = (),
    ) -> None:
        self._factory = producer_factory
        self._timeout = timeout
        self._required_topics = frozenset(required_topics)
        self._producer: AIOKafkaProducer | None = None
        self._lock = asyncio.Lock()

    async def start(self) -> bool:
        """Try to start the producer now; False (logged) when the broker is unreachable."""
        try:
            await asyncio.wait_for(self._started(), self._timeout)
        except (TimeoutError, KafkaError) as exc:
            log.warning("kafka_unavailable_at_start", error=type(exc).__name__)
            return False
        return True

    async def _started(self) -> AIOKafkaProducer:
        if self._producer is not None:
            return self._producer
        async with self._lock:
            if self._producer is None:
                producer = self._factory()
                try:
                    await producer.start()
                except BaseException:
                    await producer.stop()
                    raise
                self._producer = producer
        return self._producer

    async def deliver(self, topic: str, key: str, envelope: Envelope) -> None:
        """Publish and return once the broker acknowledged; SinkUnavailable otherwise."""
        started = time.monotonic()
        outcome = "unavailable"
        try:
            async with asyncio.timeout(self._timeout):  # one deadline, no task a webhook
                producer = self._producer or await self._started()
                await publish(producer, topic, key, envelope)
            outcome = "acked"
        except (TimeoutError, KafkaError) as exc:
            # A timed-out send may still land later: at-least-once, the dedupe_key
            # makes the provider's retry a no-op downstream.
            raise SinkUnavailable(f"kafka did not acknowledge: {type(exc).__name__}") from exc
        finally:
            PRODUCE_SECONDS.labels(topic=topic, outcome=outcome).observe(time.monotonic() - started)

    async def check(self) -> None:
        """Readiness: fresh cluster metadata from the broker, with intake's topics present."""
        producer = await self._started()
        metadata = await producer.client.fetch_all_metadata()
        missing = self._required_topics - set(metadata.topics())
        if missing:
            raise KafkaError(f"topics missing: {', '.join(sorted(missing))}")

    async def stop(self) -> None:
        """Flush pending sends and close the producer."""
        async with self._lock:
            if self._producer is not None:
                await self._producer.stop()
                self._producer = None
