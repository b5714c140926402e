"""Event contracts: the envelope and the `data` model of every v1 topic.

The JSON Schemas in `schemas/` are generated from these models
(`relais contracts export`) and committed; a test keeps both in step and
validates every example. A breaking change is a new topic version.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from . import topics
from .ids import new_id

Channel = Literal["sms", "voice", "email", "chat", "other"]
ContactKind = Literal[
    "message", "missed_call", "voicemail", "call_answered", "opt_out", "opt_in", "help"
]
AddressKind = Literal["phone", "email", "chat", "other"]
Priority = Literal["P1", "P2", "P3", "P4"]
NotifyKind = Literal[
    "ack",
    "reply",
    "transfer_notice",
    "missed_call_ack",
    "callback_reminder",
    "callback_last_attempt",
    "resolution",
    "csat_survey",
    "emergency_guidance",
]
ConversationEventKind = Literal[
    "created",
    "routed",
    "claimed",
    "replied",
    "noted",
    "transfer_requested",
    "transfer_accepted",
    "transfer_refused",
    "resolved",
    "reopened",
    "callback_due",
    "callback_done",
]
DeliveryState = Literal[
    "queued",
    "sending",
    "sent",
    "delivered",
    "read",
    "failed",
    "undelivered",
    "bounced",
    "suppressed",
    "expired",
]


def utcnow() -> datetime:
    return datetime.now(UTC)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Address(_Strict):
    """A normalised sender or recipient address."""

    address: str = Field(min_length=1, max_length=320)
    kind: AddressKind
    raw: str | None = Field(default=None, max_length=320)


class AttachmentRef(_Strict):
    attachment_id: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0)
    content_type: str


class ContactReceived(_Strict):
    """A patient's contact on any channel, normalised by intake."""

    contact_id: str
    channel: Channel
    kind: ContactKind
    dedupe_key: str = Field(min_length=1, max_length=512)
    sender: Address
    recipient: str = Field(min_length=1, max_length=320)
    subject: str | None = Field(default=None, max_length=1000)
    text: str | None = Field(default=None, max_length=100_000)
    lang: str | None = Field(default=None, max_length=16)
    attachments: list[AttachmentRef] = Field(default_factory=list)
    provider_ids: dict[str, str] = Field(default_factory=dict)
    received_at: datetime
    metadata: dict[str, Any] = Field(default_factory=dict)


class ConversationEvent(_Strict):
    """Something that happened to a conversation (router is the writer)."""

    conversation_id: str
    kind: ConversationEventKind
    contact_id: str | None = None
    team: str | None = None
    priority: Priority | None = None
    urgent: bool = False
    needs_triage: bool = False
    assignee: str | None = None
    explanation: dict[str, Any] | None = None
    details: dict[str, Any] = Field(default_factory=dict)


class ChannelAddress(_Strict):
    channel: Channel
    address: str


class NotifyRequested(_Strict):
    """A message the router asks the notifier to deliver to a patient."""

    notification_id: str
    conversation_id: str
    kind: NotifyKind
    lang: Literal["fr", "en"] = "fr"
    sender_profile: str | None = None
    channel: Channel
    address: str
    fallback: list[ChannelAddress] = Field(default_factory=list)
    template: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    text: str | None = None
    eta: str | None = None
    priority: Priority = "P3"
    not_before: datetime | None = None
    expires_at: datetime | None = None
    dedupe_key: str


class ChatOutbound(_Strict):
    session_id: str
    notification_id: str
    text: str
    sent_at: datetime


class ProviderCallback(_Strict):
    """A provider's raw delivery callback, authenticated by intake."""

    notification_id: str
    provider: str
    channel: Channel
    status: str
    error_code: str | None = None
    provider_message_id: str | None = None
    received_at: datetime


class DeliveryStatus(_Strict):
    notification_id: str
    conversation_id: str | None = None
    status: DeliveryState
    provider_code: str | None = None
    provider_message_id: str | None = None


DATA_MODEL_BY_TOPIC: dict[str, type[BaseModel]] = {
    topics.CONTACT_RECEIVED: ContactReceived,
    topics.CONVERSATION_EVENTS: ConversationEvent,
    topics.NOTIFY_REQUESTED: NotifyRequested,
    topics.CHAT_OUTBOUND: ChatOutbound,
    topics.PROVIDER_CALLBACK: ProviderCallback,
    topics.DELIVERY_STATUS: DeliveryStatus,
}


class Envelope(BaseModel):
    """The JSON envelope every event travels in."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(default_factory=new_id)
    type: str = Field(pattern=r"^[a-z]+(\.[a-z_]+)+$")
    version: int = Field(default=1, ge=1)
    occurred_at: datetime = Field(default_factory=utcnow)
    source: str
    correlation_id: str | None = None
    site_id: str
    data: dict[str, Any]


def event_type_for(topic: str, data: BaseModel) -> str:
    if isinstance(data, ConversationEvent):
        return f"conversation.{data.kind}"
    return topics.TYPE_BY_TOPIC[topic]


def make_envelope(
    topic: str,
    data: BaseModel,
    *,
    source: str,
    site_id: str,
    correlation_id: str | None = None,
) -> Envelope:
    """Wrap a topic's data model in an envelope."""
    expected = DATA_MODEL_BY_TOPIC[topic]
    if not isinstance(data, expected):
        raise TypeError(f"{topic} carries {expected.__name__}, not {type(data).__name__}")
    return Envelope(
        type=event_type_for(topic, data),
        source=source,
        site_id=site_id,
        correlation_id=correlation_id,
        data=data.model_dump(mode="json"),
    )
