"""Intake's Prometheus metrics (names live here only)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

CONTACTS_ACCEPTED = Counter(
    "relais_intake_contacts_accepted_total",
    "Contacts made durable and acknowledged to the provider",
    ["channel", "kind"],
)
CALLBACKS_ACCEPTED = Counter(
    "relais_intake_callbacks_accepted_total",
    "Provider status callbacks made durable",
    ["channel", "status"],
)
REJECTIONS = Counter(
    "relais_intake_rejections_total",
    "Requests refused with a 4xx, by reason (the problem type slug)",
    ["channel", "reason"],
)
UNAVAILABLE = Counter(
    "relais_intake_unavailable_total",
    "Requests answered 503 because the event could not be made durable",
    ["channel"],
)
PRODUCE_SECONDS = Histogram(
    "relais_intake_produce_seconds",
    "Time from publish to broker acknowledgement (or giving up)",
    ["topic", "outcome"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0),
)
