"""The producer every service uses: acks=all, idempotent, bounded waits."""

from __future__ import annotations

from aiokafka import AIOKafkaProducer

from ..contracts import encode
from ..events import Envelope


def make_producer(bootstrap: str, *, client_id: str, request_timeout_ms: int = 10_000) -> AIOKafkaProducer:
    """An idempotent acks=all producer (not started)."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        linger_ms=2,
        request_timeout_ms=request_timeout_ms,
        retry_backoff_ms=100,
    )


async def publish(producer: AIOKafkaProducer, topic: str, key: str, envelope: Envelope) -> None:
    """Send one event and wait until the broker acknowledged it (bound the wait around it)."""
    headers = [("type", envelope.type.encode()), ("event_id", envelope.id.encode())]
    if envelope.correlation_id:
        headers.append(("correlation_id", envelope.correlation_id.encode()))
    await producer.send_and_wait(topic, encode(envelope), key=key.encode(), headers=headers)
