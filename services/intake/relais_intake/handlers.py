"""What intake does with an authenticated, parsed webhook: build the event, make it durable."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

import structlog
from relais_shared import topics
from relais_shared.events import ContactReceived, ProviderCallback, make_envelope, utcnow
from relais_shared.ids import new_id
from relais_shared.logging import get_logger

from .adapters.calls import CallLedger, CallLedgerUnavailable, MemoryCallLedger
from .adapters.sink import ContactSink, SinkUnavailable
from .domain.sites import SiteDirectory
from .domain.sms import InboundSms, SmsStatus, build_sms_contact, build_status_callback
from .domain.voice import CallFields, CallOutcome, build_voice_contact
from .metrics import CALLBACKS_ACCEPTED, CONTACTS_ACCEPTED

log = get_logger(__name__)

SOURCE: Final = "intake"
# Status label values kept for metrics; anything else is counted as "other".
_KNOWN_STATUSES: Final = frozenset(
    {
        "accepted",
        "queued",
        "sending",
        "sent",
        "delivered",
        "undelivered",
        "failed",
        "read",
        "canceled",
        "scheduled",
        "receiving",
        "received",
        "partially_delivered",
    }
)
_ROUTINE_STATUSES: Final = frozenset({"queued", "sending", "sent", "delivered", "read"})


@dataclass(frozen=True)
class IntakeContext:
    """What the handlers need, built once by bootstrap."""

    sink: ContactSink
    sites: SiteDirectory
    region: str = "FR"
    clock: Callable[[], datetime] = field(default=utcnow)
    # Voice: which calls reached their Dial, and per-site lines and clinic names.
    calls: CallLedger = field(default_factory=MemoryCallLedger)
    voice_lines: Mapping[str, str] = field(default_factory=dict)
    clinic_names: Mapping[str, str] = field(default_factory=dict)
    ivr_menu: Mapping[str, str] = field(default_factory=dict)  # digit -> intent (team slug)


async def _publish_contact(
    ctx: IntakeContext, contact: ContactReceived, site_id: str, **details: object
) -> ContactReceived:
    """Make a contact durable on contact.received.v1, keyed by its normalised sender (one
    sender's contacts stay in order); SinkUnavailable when Kafka did not take it."""
    envelope = make_envelope(
        topics.CONTACT_RECEIVED,
        contact,
        source=SOURCE,
        site_id=site_id,
        correlation_id=contact.contact_id,
    )
    with structlog.contextvars.bound_contextvars(
        contact_id=contact.contact_id, dedupe_key=contact.dedupe_key, event_id=envelope.id
    ):
        try:
            await ctx.sink.deliver(topics.CONTACT_RECEIVED, contact.sender.address, envelope)
        except SinkUnavailable as exc:
            log.warning("contact_not_durable", channel=contact.channel, error=str(exc))
            raise
        CONTACTS_ACCEPTED.labels(channel=contact.channel, kind=contact.kind).inc()
        log.info(
            "contact_accepted",
            channel=contact.channel,
            kind=contact.kind,
            site_id=site_id,
            sender_unparsed=contact.sender.kind != "phone",
            **details,
        )
    return contact


async def accept_sms(ctx: IntakeContext, sms: InboundSms) -> ContactReceived:
    """Turn an SMS into a durable contact.received.v1 event; SinkUnavailable if not durable."""
    contact = build_sms_contact(
        sms, contact_id=new_id(), received_at=ctx.clock(), region=ctx.region
    )
    return await _publish_contact(ctx, contact, ctx.sites.site_for(sms.recipient),
                                  num_media=sms.num_media)


async def accept_sms_status(
    ctx: IntakeContext, status: SmsStatus, notification_id: str, clinic_number: str | None
) -> ProviderCallback:
    """Forward an SMS status callback to provider.callback.v1, keyed by notification id."""
    callback = build_status_callback(
        status, notification_id=notification_id, received_at=ctx.clock()
    )
    envelope = make_envelope(
        topics.PROVIDER_CALLBACK,
        callback,
        source=SOURCE,
        site_id=ctx.sites.site_for(clinic_number),
        correlation_id=notification_id,
    )
    with structlog.contextvars.bound_contextvars(
        notification_id=notification_id, event_id=envelope.id
    ):
        try:
            await ctx.sink.deliver(topics.PROVIDER_CALLBACK, notification_id, envelope)
        except SinkUnavailable as exc:
            log.warning("callback_not_durable", channel="sms", error=str(exc))
            raise
        label = status.status if status.status in _KNOWN_STATUSES else "other"
        CALLBACKS_ACCEPTED.labels(channel="sms", status=label).inc()
        # Two a message when all goes well (sent, delivered): counted, logged at debug level.
        routine = label in _ROUTINE_STATUSES and not status.error_code
        (log.debug if routine else log.info)(
            "callback_accepted", channel="sms", status=label, error_code=status.error_code
        )
    return callback


async def accept_call_outcome(ctx: IntakeContext, outcome: CallOutcome) -> ContactReceived:
    """Turn a call's outcome into a durable contact.received.v1 event; SinkUnavailable if not."""
    contact = build_voice_contact(
        outcome, contact_id=new_id(), received_at=ctx.clock(), region=ctx.region
    )
    with structlog.contextvars.bound_contextvars(call_sid=outcome.call.call_sid):
        return await _publish_contact(
            ctx, contact, ctx.sites.site_for(outcome.call.called),
            caller_withheld=bool(contact.metadata.get("caller_withheld")),
        )


async def accept_dial(ctx: IntakeContext, outcome: CallOutcome) -> ContactReceived:
    """The Dial's outcome: the call is marked as dialled, then its contact made durable."""
    dial_status = str(outcome.metadata.get("dial_status", ""))
    try:
        await ctx.calls.mark_dialled(outcome.call.call_sid, dial_status)
    except CallLedgerUnavailable as exc:
        # The contact matters more than the marker: without it, a later status callback
        # may add a missed call for this CallSid (same key as an unanswered Dial's).
        log.warning("call_ledger_unavailable", call_sid=outcome.call.call_sid, error=str(exc))
    return await accept_call_outcome(ctx, outcome)


async def call_reached_dial(ctx: IntakeContext, call: CallFields) -> bool:
    """Did this call's Dial callback arrive? CallLedgerUnavailable when it cannot be told."""
    return await ctx.calls.was_dialled(call.call_sid)
