"""Topic names (v1) and event types: the only place these strings live."""

from __future__ import annotations

from typing import Final

CONTACT_RECEIVED: Final = "contact.received.v1"
CONVERSATION_EVENTS: Final = "conversation.events.v1"
NOTIFY_REQUESTED: Final = "notify.requested.v1"
CHAT_OUTBOUND: Final = "chat.outbound.v1"
PROVIDER_CALLBACK: Final = "provider.callback.v1"
DELIVERY_STATUS: Final = "delivery.status.v1"

ALL_TOPICS: Final = (
    CONTACT_RECEIVED,
    CONVERSATION_EVENTS,
    NOTIFY_REQUESTED,
    CHAT_OUTBOUND,
    PROVIDER_CALLBACK,
    DELIVERY_STATUS,
)
DLQ_SUFFIX: Final = ".dlq"


def dlq_topic(topic: str) -> str:
    """The dead-letter topic of `topic`."""
    return topic + DLQ_SUFFIX


ALL_TOPICS_WITH_DLQ: Final = ALL_TOPICS + tuple(dlq_topic(t) for t in ALL_TOPICS)

# Envelope `type` per topic (conversation events are "conversation.<kind>").
TYPE_BY_TOPIC: Final = {
    CONTACT_RECEIVED: "contact.received",
    NOTIFY_REQUESTED: "notify.requested",
    CHAT_OUTBOUND: "chat.outbound",
    PROVIDER_CALLBACK: "provider.callback",
    DELIVERY_STATUS: "delivery.status",
}
