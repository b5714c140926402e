"""What intake does with an authenticated, parsed webhook: build the event, make it durable."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

import structlog
from relais_shared import topics
from relais_shared.events import ContactReceived, ProviderCallback, make_envelope, utcnow
from relais_shared.ids import new_id
from relais_shared.logging import get_logger

from .adapters.sink import ContactSink, SinkUnavailable
from .domain.sites import SiteDirectory
from .domain.sms import InboundSms, SmsStatus, build_sms_contact, build_status_callback
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


@dataclass(frozen=True)
class IntakeContext:
    """What the handlers need, built once by bootstrap."""

    sink: ContactSink
    sites: SiteDirectory
    region: str = "FR"
    clock: Callable[[], datetime] = field(default=utcnow)


async def accept_sms(ctx: IntakeContext, sms: InboundSms) -> ContactReceived:
    """Turn an SMS into a durable contact.received.v1 event; SinkUnavailable if not durable."""
    contact_id = new_id()
    contact = build_sms_contact(
        sms, contact_id=contact_id, received_at=ctx.clock(), region=ctx.region
    )
    site_id = ctx.sites.site_for(sms.recipient)
    envelope = make_envelope(
        topics.CONTACT_RECEIVED,
        contact,
        source=SOURCE,
        site_id=site_id,
        correlation_id=contact_id,
    )
    with structlog.contextvars.bound_contextvars(
        contact_id=contact_id, dedupe_key=contact.dedupe_key, event_id=envelope.id
    ):
        try:
            # Keyed by the normalised sender: one sender's messages stay in order.
            await ctx.sink.deliver(topics.CONTACT_RECEIVED, contact.sender.address, envelope)
        except SinkUnavailable as exc:
            log.warning("contact_not_durable", channel="sms", error=str(exc))
            raise
        CONTACTS_ACCEPTED.labels(channel="sms", kind=contact.kind).inc()
        log.info(
            "contact_accepted",
            channel="sms",
            kind=contact.kind,
            site_id=site_id,
            num_media=sms.num_media,
            sender_unparsed=contact.sender.kind != "phone",
        )
    return contact


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
        log.info("callback_accepted", channel="sms", status=label, error_code=status.error_code)
    return callback
