"""The sandbox's Prometheus metrics (names are constants here)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

MESSAGES_CREATED = Counter(
    "relais_sandbox_messages_created_total", "Messages accepted by the sandbox", ["sender_kind"]
)
CREATE_REJECTED = Counter(
    "relais_sandbox_create_rejected_total", "Create requests refused with a Twilio error", ["code"]
)
FAULTS_INJECTED = Counter(
    "relais_sandbox_faults_injected_total", "Create requests failed on purpose", ["mode"]
)
CALLBACKS = Counter(
    "relais_sandbox_callbacks_total", "Status callbacks by final outcome", ["status", "outcome"]
)
STORED_MESSAGES = Gauge("relais_sandbox_stored_messages", "Messages kept in the sandbox history")
PATIENT_WEBHOOKS = Counter(
    "relais_sandbox_patient_webhooks_total",
    "Webhooks the patient phone posted to intake, by step and intake's answer",
    ["step", "outcome"],
)
PHONE_STREAMS = Gauge("relais_sandbox_phone_streams", "Patient phone SSE streams open")
MAILS_RECEIVED = Counter("relais_sandbox_mails_received_total", "Mails kept by the SMTP sink")
