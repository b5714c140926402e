"""The notifier's Prometheus metrics (names are constants here)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

# How often the ambiguous path is hit, and how it ends: found (the provider had it,
# no resend), not_found (sent now), lookup_failed (asked again later).
RECONCILIATIONS = Counter(
    "relais_notifier_reconciliations_total",
    "Reconciliations of notifications whose send attempt may have reached the provider",
    ["outcome"],
)
AMBIGUOUS_ATTEMPTS = Counter(
    "relais_notifier_ambiguous_attempts_total",
    "Send attempts whose outcome is unknown (timeout, dropped connection, gateway error)",
    ["reason"],
)
SEND_ATTEMPTS = Counter(
    "relais_notifier_send_attempts_total", "Provider send attempts by outcome", ["outcome"]
)
NOTIFICATIONS = Counter(
    "relais_notifier_notifications_total",
    "Notify requests by how they were admitted",
    ["outcome"],
)
DELIVERY_STATES = Counter(
    "relais_notifier_delivery_states_total", "delivery.status events emitted", ["status"]
)
CALLBACKS = Counter(
    "relais_notifier_callbacks_total", "Provider callbacks by effect", ["effect"]
)
SUPPRESSION_CHANGES = Counter(
    "relais_notifier_suppression_changes_total", "Opt-out state changes", ["reason"]
)
# The send pool (provider calls off the partition loop).
SEND_QUEUE_DEPTH = Gauge(
    "relais_notifier_send_queue_depth",
    "Notifications handed to the send pool and not being delivered right now"
    " (waiting for a worker or their conversation's turn, or backing off)",
)
SENDS_IN_FLIGHT = Gauge("relais_notifier_sends_in_flight", "Deliveries running now")
SEND_BACKPRESSURE = Counter(
    "relais_notifier_send_backpressure_total",
    "Hand-overs to the send pool that had to wait for room (consumption slowed down)",
)
SEND_RETRIES = Counter(
    "relais_notifier_send_retries_total",
    "Deliveries the send pool put back to try again after a backoff",
)
# Alert on any increase: the provider never took these (ledger `failed`, delivery.status
# failed was emitted). There is no dead letter: the Kafka record was committed long ago.
SENDS_EXHAUSTED = Counter(
    "relais_notifier_sends_exhausted_total",
    "Notifications marked failed after every allowed attempt",
)
SWEPT = Counter(
    "relais_notifier_swept_total",
    "Notifications left `sending` (a process died or stopped mid-send) picked up by the sweeper",
)

# Export every outcome from the start, so rates and alerts see zeros rather than nothing.
for _outcome in ("found", "not_found", "lookup_failed"):
    RECONCILIATIONS.labels(_outcome)
for _outcome in ("accepted", "not_sent", "refused", "ambiguous"):
    SEND_ATTEMPTS.labels(_outcome)
