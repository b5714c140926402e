"""Notifier handlers: one function per consumed topic, mapped explicitly in HANDLERS.

All are idempotent: a notification id (and dedupe key) is unique in the ledger,
delivery states only move forward, and suppression changes are ordered by the
time the patient said them.
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import asyncpg
from relais_shared import db, topics
from relais_shared.errors import TRANSIENT_DB_ERRORS, InvalidMessage, Retryable
from relais_shared.events import ContactReceived, NotifyRequested, ProviderCallback
from relais_shared.kafka.runner import Delivery
from relais_shared.logging import get_logger
from structlog.contextvars import bound_contextvars

from .adapters import ledger, suppressions
from .adapters.ledger import NewNotification
from .callbacks import Callback, ProviderCallbacks
from .dispatch import Dispatcher, admit_all
from .domain.status import state_from_provider
from .domain.templates import (
    HELP_REPLY,
    KINDS,
    OPT_IN_CONFIRMATION,
    OPT_OUT_CONFIRMATION,
    TemplateError,
    render,
)
from .metrics import CALLBACKS, SUPPRESSION_CHANGES
from .send_pool import SendPool
from .state import move_request

log = get_logger(__name__)

# Channels this notifier delivers today.
SUPPORTED_CHANNELS = frozenset({"sms"})
UNSUPPORTED_CHANNEL = "unsupported_channel"
KEYWORD_KINDS = frozenset({"opt_out", "opt_in", "help"})
HELP_REPLY_EVERY_SECONDS = 600.0
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
# Confirmation ids derive from the contact's dedupe key: a replayed keyword makes the same one.
_CONFIRMATION_NAMESPACE = uuid.UUID("6f0c1a52-7f4e-4c55-9d61-0e6b8f1f4a10")


@dataclass
class NotifierContext:
    pool: asyncpg.Pool
    dispatcher: Dispatcher
    sends: SendPool
    sms_from: str


async def _hand_over(ctx: NotifierContext, notification_id: str, lane: str) -> None:
    """The row is committed `sending`: the send pool takes it from here (the offset may
    commit); a stopping pool leaves it to the next start."""
    if not await ctx.sends.submit(notification_id, lane):
        log.info("send_left_for_restart", notification_id=notification_id)


async def handle_notify_requested(ctx: NotifierContext, delivery: Delivery) -> None:
    request: NotifyRequested = delivery.data  # type: ignore[assignment]
    envelope = delivery.envelope
    with bound_contextvars(
        notification_id=request.notification_id,
        conversation_id=request.conversation_id,
        event_id=envelope.id,
    ):
        template = request.template if request.template in KINDS else request.kind
        try:
            body = render(
                template,
                lang=request.lang,
                params=request.params,
                text=request.text,
                eta=request.eta,
                sender_profile=request.sender_profile,
            )
        except TemplateError as exc:
            raise InvalidMessage(f"cannot render {template}: {exc}") from None
        new = NewNotification(
            notification_id=request.notification_id,
            dedupe_key=request.dedupe_key,
            site_id=envelope.site_id,
            conversation_id=request.conversation_id,
            correlation_id=envelope.correlation_id or envelope.id,
            kind=request.kind,
            channel=request.channel,
            address=request.address,
            sender=_site_sender(request, ctx.sms_from),
            lang=request.lang,
            body=body,
            expires_at=request.expires_at,
        )
        # A channel without a delivery adapter yet ends as `failed` (the router shows it),
        # recorded like any other request rather than filling the DLQ with acks.
        refuse = None if request.channel in SUPPORTED_CHANNELS else UNSUPPORTED_CHANNEL
        # One lane per conversation: emergency guidance requested before an ack reaches
        # the provider first.
        lane = request.conversation_id or request.address
        hand_over = functools.partial(_hand_over, ctx, request.notification_id, lane)
        try:
            async with db.transaction(ctx.pool):
                Admissions.current().requests.append((new, refuse, hand_over))
        except TRANSIENT_DB_ERRORS as exc:
            raise Retryable(type(exc).__name__) from exc


@dataclass
class Admissions(db.WriteBehind):
    """The notify requests of a unit of work (a partition batch), admitted in one statement
    just before it commits; those to send go to the send pool once it committed, in order."""

    requests: list[tuple[NewNotification, str | None, Callable[[], Awaitable[None]]]] = field(
        default_factory=list)

    async def flush(self, conn: asyncpg.Connection) -> None:
        try:
            statuses = await admit_all(conn, [(new, refuse) for new, refuse, _ in self.requests])
        except TRANSIENT_DB_ERRORS as exc:
            raise Retryable(type(exc).__name__) from exc
        for (_, _, hand_over), status in zip(self.requests, statuses, strict=True):
            if status == "sending":
                db.after_commit(hand_over)


def _site_sender(request: NotifyRequested, default: str) -> str:
    """The site's number when the router names it (params.sms_from), else RELAIS_SMS_FROM."""
    named = request.params.get("sms_from")
    return named if isinstance(named, str) and _E164.match(named) else default


async def handle_provider_callback(ctx: NotifierContext, delivery: Delivery) -> None:
    """Queued in the unit of work (`ProviderCallbacks`): the batch's callbacks move their
    rows forward together, each delivery.status with its move, in the same transaction."""
    callback: ProviderCallback = delivery.data  # type: ignore[assignment]
    state = state_from_provider(callback.status, callback.error_code)
    if state is None:
        CALLBACKS.labels("unknown_status").inc()
        log.info("callback_ignored", provider=callback.provider, status=callback.status,
                 notification_id=callback.notification_id, event_id=delivery.envelope.id)
        return
    move = move_request(callback.notification_id, state,
                        provider_message_id=callback.provider_message_id,
                        provider_code=callback.error_code)
    try:
        async with db.transaction(ctx.pool):
            ProviderCallbacks.current().callbacks.append(Callback(move, callback.received_at))
    except TRANSIENT_DB_ERRORS as exc:
        raise Retryable(type(exc).__name__) from exc


def confirmation_id(contact: ContactReceived) -> str:
    return str(uuid.uuid5(_CONFIRMATION_NAMESPACE, f"{contact.kind}:{contact.dedupe_key}"))


async def handle_contact_received(ctx: NotifierContext, delivery: Delivery) -> None:
    contact: ContactReceived = delivery.data  # type: ignore[assignment]
    if contact.kind not in KEYWORD_KINDS:
        return  # the router's business
    site_id = delivery.envelope.site_id
    address = contact.sender.address
    textable = contact.channel == "sms" and contact.sender.kind == "phone"
    with bound_contextvars(contact_id=contact.contact_id, event_id=delivery.envelope.id):
        try:
            reply_kind: str | None = None
            async with db.transaction(ctx.pool) as conn:
                if contact.kind in ("opt_out", "opt_in"):
                    changed = await suppressions.record(
                        conn, site_id, address,
                        suppressed=contact.kind == "opt_out",
                        reason=contact.kind,
                        changed_at=contact.received_at,
                    )
                    if changed:
                        SUPPRESSION_CHANGES.labels(contact.kind).inc()
                        log.info("suppression_changed", kind=contact.kind)
                        reply_kind = (
                            OPT_OUT_CONFIRMATION if contact.kind == "opt_out"
                            else OPT_IN_CONFIRMATION
                        )
                elif not await ledger.sent_recently(
                    conn, address, HELP_REPLY, HELP_REPLY_EVERY_SECONDS
                ):
                    reply_kind = HELP_REPLY
                nid = confirmation_id(contact)
                if reply_kind is not None and textable:
                    await ctx.dispatcher.admit(
                        _confirmation(ctx, contact, site_id, reply_kind, nid))
                row = await ledger.get(conn, nid)  # also a redelivery's unfinished reply
                if row is not None and row.status == "sending":
                    # no conversation: the address's lane
                    db.after_commit(functools.partial(_hand_over, ctx, nid, row.address))
        except TRANSIENT_DB_ERRORS as exc:
            raise Retryable(type(exc).__name__) from exc


def _confirmation(
    ctx: NotifierContext, contact: ContactReceived, site_id: str, kind: str, nid: str
) -> NewNotification:
    lang = "en" if (contact.lang or "").lower().startswith("en") else "fr"
    # Answer from the number the patient wrote to when it is one.
    sender = contact.recipient if _E164.match(contact.recipient) else ctx.sms_from
    return NewNotification(
        notification_id=nid,
        dedupe_key=f"{kind}:{contact.dedupe_key}",
        site_id=site_id,
        conversation_id=None,
        correlation_id=contact.contact_id,
        kind=kind,
        channel="sms",
        address=contact.sender.address,
        sender=sender,
        lang=lang,
        body=render(kind, lang=lang),
    )


Handler = Callable[[NotifierContext, Delivery], Awaitable[None]]

HANDLERS: dict[str, Handler] = {
    topics.NOTIFY_REQUESTED: handle_notify_requested,
    topics.PROVIDER_CALLBACK: handle_provider_callback,
    topics.CONTACT_RECEIVED: handle_contact_received,
}
