"""Prometheus metrics shared by every service (names are constants here)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

MESSAGES_HANDLED = Counter(
    "relais_messages_handled_total", "Kafka messages handled", ["topic", "outcome"]
)
HANDLE_SECONDS = Histogram(
    "relais_message_handle_seconds", "Time to handle one Kafka message", ["topic"]
)
DEAD_LETTERED = Counter("relais_dead_letters_total", "Messages sent to a DLQ", ["topic"])
RETRIES = Counter("relais_retries_total", "Retryable handler failures", ["topic"])
BATCHES_REDONE = Counter(
    "relais_batches_redone_total",
    "Partition batches rolled back and handled again one event per transaction", ["topic"],
)
OUTBOX_PUBLISHED = Counter("relais_outbox_published_total", "Outbox rows published", ["schema"])
OUTBOX_BACKLOG = Gauge("relais_outbox_backlog", "Outbox rows not yet published", ["schema"])
