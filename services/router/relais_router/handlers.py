"""Router handlers: one function per consumed event type, mapped explicitly.

Every handler is idempotent: a contact's `dedupe_key` is unique in
`router.messages`, and state plus outgoing events are written in one
transaction through the outbox.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg
from prometheus_client import Counter
from pydantic import BaseModel
from relais_shared import db, topics
from relais_shared.errors import TRANSIENT_DB_ERRORS, InvalidMessage, Retryable
from relais_shared.events import (
    ContactReceived,
    ConversationEvent,
    DeliveryStatus,
    Envelope,
    NotifyRequested,
    make_envelope,
)
from relais_shared.ids import new_id, uuid7
from relais_shared.kafka.runner import Delivery
from relais_shared.logging import get_logger
from relais_shared.outbox import enqueue_many
from structlog.contextvars import bound_contextvars

from .adapters import directory, identity
from .adapters import repository as repo
from .domain.assignment import AssignmentPlan, overflow_chain, plan_assignment
from .domain.directory import Site
from .domain.identity import NormalisedAddress
from .domain.routing import (
    OpenConversation,
    RoutingDecision,
    RoutingInput,
    follow_up_escalation,
    route_contact,
)
from .domain.sla import first_answer_due

log = get_logger(__name__)
SOURCE = "router"
NOT_CONVERSATIONS = frozenset({"opt_out", "opt_in", "help"})  # the notifier owns these
ACK_KIND = {"missed_call": "missed_call_ack", "voicemail": "missed_call_ack"}
NOTICE_CHANNEL = {"phone": "sms", "email": "email", "chat": "chat"}  # address kind → channel

CONTACTS_ROUTED = Counter(
    "relais_router_contacts_total", "Contacts handled by the router", ["outcome", "team"]
)


@dataclass
class RouterContext:
    pool: asyncpg.Pool
    thread_window_hours: int = 72
    directory: directory.DirectoryCache = field(default_factory=directory.DirectoryCache)


# A reference already given is drawn again: with N conversations kept, 1 draw in 2^32 / N
# collides (1 in 7,000 at 600,000), which must not roll a partition batch back.
REFERENCE_ATTEMPTS = 5
_FREE_IDS = "router.conversations.free_ids"  # unit memo: ids drawn by `prepare_contacts`


def reference_for(conversation_id: uuid.UUID) -> str:
    """A short reference a patient can quote ("R-3F9A2C71"): 32 random bits of the UUIDv7;
    unique (a new conversation whose reference is taken draws another)."""
    return "R-" + conversation_id.hex[-8:].upper()


@dataclass
class Pending(db.WriteBehind):
    """What the worker's unit of work (one contact, or a partition batch of them) writes at
    its end: the conversations it opened (sooner when something is about to read them
    back: `write_conversations`), the message rows nothing reads back before the commit,
    then its events to the outbox, one statement each, in the order they were added."""

    conversations: list[repo.ConversationRow] = field(default_factory=list)
    messages: list[repo.MessageRow] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)  # dedupe keys of `messages`
    new_inbound: set[str] = field(default_factory=set)  # contacts that must be stored now
    events: list[tuple[str, str, Envelope]] = field(default_factory=list)

    def add_message(self, row: repo.MessageRow, *, inbound: bool = False) -> None:
        self.messages.append(row)
        self.keys.add(row.dedupe_key)
        if inbound:
            self.new_inbound.add(row.dedupe_key)

    async def write_conversations(self, conn: asyncpg.Connection) -> None:
        """Write the conversations opened so far (their references were checked free when
        drawn: one taken since, by a concurrent batch, has the unit redone)."""
        if not self.conversations:
            return
        rows, self.conversations = self.conversations, []
        if len(await repo.insert_conversations(conn, rows)) != len(rows):
            raise Retryable("conversation reference taken concurrently")

    async def flush(self, conn: asyncpg.Connection) -> None:
        try:
            await self.write_conversations(conn)
            stored = await repo.insert_messages(conn, self.messages) if self.messages else set()
            if not self.new_inbound <= stored:
                # A concurrent delivery of the same contact won the race: a retry sees it.
                raise Retryable("dedupe_key stored concurrently")
            if self.events:
                await enqueue_many(conn, repo.SCHEMA, self.events)
        except TRANSIENT_DB_ERRORS as exc:
            raise Retryable(type(exc).__name__) from exc


@dataclass(frozen=True)
class Outgoing:
    """One contact's writes into its unit of work's `Pending` rows and events."""

    site_id: str
    correlation_id: str
    pending: Pending

    def add(self, topic: str, key: str, data: BaseModel) -> None:
        self.pending.events.append((topic, key, make_envelope(
            topic, data, source=SOURCE, site_id=self.site_id, correlation_id=self.correlation_id)))

    def message(self, *, inbound: bool = False, **fields: Any) -> None:
        self.pending.add_message(repo.MessageRow(**fields), inbound=inbound)


async def handle_contact_received(ctx: RouterContext, delivery: Delivery) -> None:
    contact: ContactReceived = delivery.data  # type: ignore[assignment]
    site_id = delivery.envelope.site_id
    with bound_contextvars(contact_id=contact.contact_id, event_id=delivery.envelope.id):
        if contact.kind in NOT_CONVERSATIONS:
            CONTACTS_ROUTED.labels("not_a_conversation", "-").inc()
            return
        try:
            async with db.transaction(ctx.pool) as conn:
                out = Outgoing(site_id, delivery.envelope.correlation_id or contact.contact_id,
                               Pending.current())
                outcome, team = await _thread_contact(ctx, conn, contact, site_id, out)
        except TRANSIENT_DB_ERRORS as exc:
            raise Retryable(type(exc).__name__) from exc
        CONTACTS_ROUTED.labels(outcome, team).inc()


async def prepare_contacts(ctx: RouterContext, deliveries: list[Delivery]) -> None:
    """A partition batch's senders upserted and locked in one statement (`resolve_thread`
    then reads each contact's from the batch's unit of work), and ids for the conversations
    it may open drawn with references checked free in one statement (they are then written
    in one statement too)."""
    try:
        async with db.transaction(ctx.pool) as conn:
            contacts = []
            for delivery in deliveries:
                contact: ContactReceived = delivery.data  # type: ignore[assignment]
                found = await ctx.directory.site(conn, delivery.envelope.site_id)
                if found is not None and contact.kind not in NOT_CONVERSATIONS:
                    contacts.append((contact, found[0]))
            await identity.prepare_threads(conn, contacts)
            drawn = {reference_for(i): i for i in (uuid7() for _ in contacts)}
            taken = await repo.taken_references(conn, list(drawn)) if drawn else set()
            db.unit_memo()[_FREE_IDS] = deque(i for r, i in drawn.items() if r not in taken)
    except TRANSIENT_DB_ERRORS as exc:
        raise Retryable(type(exc).__name__) from exc


def _free_id() -> uuid.UUID | None:
    """A conversation id drawn by `prepare_contacts` whose reference was free, if any left."""
    free = db.unit_memo().get(_FREE_IDS)
    return free.popleft() if free else None


async def _thread_contact(
    ctx: RouterContext,
    conn: asyncpg.Connection,
    contact: ContactReceived,
    site_id: str,
    out: Outgoing,
) -> tuple[str, str]:
    found = await ctx.directory.site(conn, site_id)
    if found is None:
        raise InvalidMessage(f"unknown site {site_id!r}")
    site, version = found
    # Threading: correspondent (and verified patient) row-locked, then where it goes.
    thread = None
    if contact.dedupe_key not in out.pending.keys:  # not earlier in this batch
        if not identity.prepared(contact):  # the sender's next contact: it reads the first's
            await out.pending.write_conversations(conn)
        thread = await identity.resolve_thread(conn, contact, site, ctx.thread_window_hours)
    if thread is None:
        log.info("contact_duplicate_ignored")
        return "duplicate", "-"
    contact = thread.contact  # the sender as re-read in the site's region
    correspondent_id = thread.correspondent_id
    if thread.rating is not None:  # CSAT hook: a reply to a survey is a rating, not a contact
        if not await identity.store_rating(conn, thread):
            raise Retryable("dedupe_key stored concurrently")
        log.info("csat_rating_stored", conversation_id=str(thread.rated_conversation_id))
        return "csat_rating", "-"
    choice = thread.choice
    if choice.conversation_id is not None:
        conversation_id = choice.conversation_id
        if choice.adopt_patient and choice.patient_id is not None:
            await repo.adopt_patient(conn, conversation_id, choice.patient_id)
        await _store_inbound(conn, conversation_id, contact, thread, out)
        current = await repo.touch_conversation(conn, conversation_id, contact.received_at)
        if current is None:  # resolved by someone else since it was read: think again
            raise Retryable("conversation closed concurrently")
        team = await _weigh_follow_up(ctx, conn, site, version, conversation_id, current,
                                      contact, thread.address, out)
        log.info("contact_threaded", conversation_id=str(conversation_id), team=team,
                 via=choice.reason)
        return "threaded", team
    if contact.kind == "call_answered":
        # Someone at the clinic spoke with the caller: history for an open conversation,
        # never a new conversation or an acknowledgement of its own.
        log.info("answered_call_without_open_conversation")
        return "answered_call", "-"
    await _close_stale(ctx, conn, choice.close_stale, out)
    routed = route_contact(_routing_input(contact))
    now = datetime.now(UTC)
    lang = "en" if (contact.lang or "").startswith("en") else "fr"
    # Written with the batch's others at its end, unless other statements need it sooner:
    # a patient's (another address of theirs may write to it), an email's (its message ids).
    free = _free_id() if choice.patient_id is None and thread.email is None else None
    for _ in range(REFERENCE_ATTEMPTS):
        conversation_id = free or uuid7()
        reference = reference_for(conversation_id)
        plan = await _assign(ctx, conn, site, version, routed, now, lang, reference)
        explanation = {**routed.explanation, **plan.explanation()}
        decision = dataclasses.replace(routed, team=plan.team)  # after overflow
        row = repo.ConversationRow(
            id=conversation_id, site_id=site_id, correspondent_id=correspondent_id,
            reference=reference, team=decision.team, priority=decision.priority,
            urgent=decision.urgent, needs_triage=decision.needs_triage,
            explanation=explanation, lang=lang, at=contact.received_at,
            patient_id=choice.patient_id, follows_id=choice.follows,
            due_at=_first_answer_due(site, decision, contact.received_at),
        )
        if free is not None:
            out.pending.conversations.append(row)
            break
        if await repo.insert_conversations(conn, [row]):
            break
        log.info("conversation_reference_taken")  # drawn again, not the batch redone
    else:
        raise Retryable("no free conversation reference")
    eta = plan.eta_words
    ctx.directory.opened(site_id, decision.team, decision.priority)
    thread_ids = await _store_inbound(conn, conversation_id, contact, thread, out)
    conv_key = str(conversation_id)
    for kind in ("created", "routed"):
        out.add(topics.CONVERSATION_EVENTS, conv_key, _conversation_event(
            conv_key, kind, contact, decision, explanation,
            plan.routed_details() if kind == "routed" else None))
    # A current red flag, or risk a person must still triage: the numbers at once.
    kinds = ("emergency_guidance",) if decision.emergency_numbers else ()
    await _request_notices(conn, site, conv_key, contact, thread.address, decision, reference,
                           eta, lang, out, kinds=(*kinds, ACK_KIND.get(contact.kind, "ack")),
                           eta_params=plan.ack_eta_params, thread_ids=thread_ids)
    if plan.escalation is not None:
        _request_on_call(site, conv_key, contact, plan, out)
    log.info("contact_routed", conversation_id=conv_key, team=decision.team,
             priority=decision.priority, needs_triage=decision.needs_triage)
    return "new_conversation", decision.team


async def _weigh_follow_up(
    ctx: RouterContext, conn: asyncpg.Connection, site: Site, version: int,
    conversation_id: uuid.UUID, current: asyncpg.Record, contact: ContactReceived,
    address: NormalisedAddress, out: Outgoing,
) -> str:
    """Red flags first, in follow-ups too: a current sign escalates the conversation (P1
    `soins`, emergency guidance at once, on-call out of hours); ambiguous risk raises it to
    triage. Returns the conversation's team afterwards."""
    decision = route_contact(_routing_input(contact))
    escalated = follow_up_escalation(
        OpenConversation(current["team"], current["priority"], current["urgent"]), decision)
    conv_key, lang, reference = str(conversation_id), current["lang"], current["reference"]
    now = datetime.now(UTC)
    if escalated is None:
        if decision.urgent:  # already urgent: a new red flag still gets the guidance at once
            await _request_notices(conn, site, conv_key, contact, address, decision, reference,
                                   None, lang, out, kinds=("emergency_guidance",))
        return current["team"]
    why = {"reason": "follow_up_red_flag" if escalated.urgent else "follow_up_risk_triage",
           "contact_id": contact.contact_id, "from_team": current["team"],
           "from_priority": current["priority"], "team": escalated.team,
           "priority": escalated.priority, "at": now.isoformat(),
           **{k: v for k, v in escalated.explanation.items() if k.startswith("red_flags")}}
    plan = None
    if escalated.urgent:
        plan = await _assign(ctx, conn, site, version, escalated, now, lang, reference)
        escalated = dataclasses.replace(escalated, team=plan.team)
        why["team"] = plan.team
    await repo.escalate_conversation(conn, conversation_id, team=escalated.team,
                                     priority=escalated.priority, urgent=escalated.urgent,
                                     escalation=why)
    await _forget_loads(ctx, conn, out)
    out.add(topics.CONVERSATION_EVENTS, conv_key, _conversation_event(
        conv_key, "routed", contact, escalated, why,
        {"reason": why["reason"], "from_team": current["team"],
         **(plan.routed_details() if plan else {})}))
    if escalated.emergency_numbers:
        await _request_notices(conn, site, conv_key, contact, address, escalated, reference,
                               None, lang, out, kinds=("emergency_guidance",))
    if plan is not None and plan.escalation is not None:
        _request_on_call(site, conv_key, contact, plan, out)
    log.warning("conversation_escalated", conversation_id=conv_key, reason=why["reason"],
                team=escalated.team, priority=escalated.priority)
    return escalated.team


def _first_answer_due(site: Site, decision: RoutingDecision, start: datetime) -> datetime | None:
    team = site.team(decision.team)
    if team is None:
        return None
    return first_answer_due(start, team.sla_for(decision.priority), site.schedule(team),
                            urgent=decision.urgent)


def _routing_input(contact: ContactReceived) -> RoutingInput:
    return RoutingInput(
        channel=contact.channel, kind=contact.kind, subject=contact.subject, text=contact.text,
        recipient=contact.recipient, metadata=contact.metadata,
    )


async def _assign(
    ctx: RouterContext, conn: asyncpg.Connection, site: Site, version: int,
    decision: RoutingDecision, now: datetime, lang: str, reference: str,
) -> AssignmentPlan:
    """Directory step: the team after capacity overflow, its hours, the ETA, on-call."""
    chain = overflow_chain(site, decision.team)
    loads = await ctx.directory.loads(conn, site, chain, decision.priority)
    history = await ctx.directory.history(conn, site.id, chain, now)
    return plan_assignment(site, version, decision.team, decision.priority, loads, history,
                           now, lang, reference)


def _request_on_call(
    site: Site, conversation_id: str,
    contact: ContactReceived, plan: AssignmentPlan, out: Outgoing,
) -> None:
    """Out of hours, a P1 is told to the site's on-call person: staff, no patient content."""
    escalation = plan.escalation
    assert escalation is not None
    nid = new_id()
    request = NotifyRequested(
        notification_id=nid, conversation_id=conversation_id, kind="reply",
        lang=escalation.lang,  # type: ignore[arg-type]
        sender_profile=site.sender_kind, channel=escalation.channel,  # type: ignore[arg-type]
        address=escalation.address, text=escalation.text,
        params={"to_role": "on_call", **({"sms_from": site.sms_from} if site.sms_from else {})},
        priority="P1", dedupe_key=f"on_call:{contact.dedupe_key}",
    )
    out.message(
        conversation_id=uuid.UUID(conversation_id), direction="out",
        channel=escalation.channel, kind="on_call_escalation", dedupe_key=request.dedupe_key,
        notification_id=uuid.UUID(nid), body=escalation.text, delivery_status="queued",
    )
    out.add(topics.NOTIFY_REQUESTED, conversation_id, request)


def _conversation_event(
    conversation_id: str, kind: str, contact: ContactReceived, decision: RoutingDecision,
    explanation: dict, details: dict | None = None,
) -> ConversationEvent:
    return ConversationEvent(
        conversation_id=conversation_id,
        kind=kind,  # type: ignore[arg-type]
        contact_id=contact.contact_id,
        team=decision.team,
        priority=decision.priority,  # type: ignore[arg-type]
        urgent=decision.urgent,
        needs_triage=decision.needs_triage,
        explanation=explanation if kind == "routed" else None,
        details=details or {},
    )


async def _forget_loads(ctx: RouterContext, conn: asyncpg.Connection, out: Outgoing) -> None:
    """Conversations changed team or status: loads are read anew, and count the ones the
    unit opened (written first)."""
    await out.pending.write_conversations(conn)
    ctx.directory.forget_loads()


async def _close_stale(
    ctx: RouterContext, conn: asyncpg.Connection, conversation_ids: tuple[uuid.UUID, ...],
    out: Outgoing,
) -> None:
    """Open conversations silent past the threading window are resolved before a new one opens."""
    closed_ones = await repo.close_conversations(conn, conversation_ids)
    if closed_ones:
        await _forget_loads(ctx, conn, out)
    for closed in closed_ones:
        key = str(closed["id"])
        event = ConversationEvent(
            conversation_id=key, kind="resolved", team=closed["team"],
            priority=closed["priority"], urgent=closed["urgent"],
            needs_triage=closed["needs_triage"], details={"reason": "thread_window_elapsed"},
        )
        out.add(topics.CONVERSATION_EVENTS, key, event)


async def _store_inbound(
    conn: asyncpg.Connection, conversation_id: uuid.UUID, contact: ContactReceived,
    thread: identity.Thread, out: Outgoing,
) -> list[tuple[str, str]]:
    """Add the inbound message; returns the email ids it added to the conversation's thread."""
    out.message(
        inbound=True,
        conversation_id=conversation_id,
        direction="in",
        channel=contact.channel,
        kind=contact.kind,
        dedupe_key=contact.dedupe_key,
        contact_id=uuid.UUID(contact.contact_id),
        subject=contact.subject,
        body=contact.text,
        attachments=[a.model_dump() for a in contact.attachments],
        at=contact.received_at,
        correspondent_id=thread.correspondent_id,
    )
    return await identity.record_inbound_ids(conn, thread, conversation_id)


def _team_name(site: Site, team_id: str, lang: str) -> str:
    team = site.team(team_id)
    if team is None:
        return team_id
    return team.name_en if lang == "en" else team.name_fr


async def _request_notices(
    conn: asyncpg.Connection,
    site: Site,
    conversation_id: str,
    contact: ContactReceived,
    address: NormalisedAddress,
    decision: RoutingDecision,
    reference: str,
    eta: str | None,
    lang: str,
    out: Outgoing,
    *,
    kinds: tuple[str, ...],
    eta_params: dict | None = None,
    thread_ids: list[tuple[str, str]] | None = None,
) -> None:
    """Ask the notifier to tell the patient (`ack`, `emergency_guidance`…) on their channel.
    `thread_ids`: all the email ids of a conversation opened by this contact (None: read)."""
    channel = NOTICE_CHANNEL.get(address.kind)
    if channel is None or not address.reachable_by(channel, contact.channel):
        log.info("notices_not_sendable", kinds=list(kinds), channel=contact.channel,
                 number_type=address.number_type)
        return
    for kind in kinds:
        nid = new_id()
        request = NotifyRequested(
            notification_id=nid,
            conversation_id=conversation_id,
            kind=kind,  # type: ignore[arg-type]
            lang=lang,  # type: ignore[arg-type]
            sender_profile=site.sender_kind,
            channel=channel,  # type: ignore[arg-type]
            address=contact.sender.address,
            template=kind,
            params={
                "team": _team_name(site, decision.team, lang),
                "reference": reference,
                "clinic": site.clinic_name or site.name,
                **({"sms_from": site.sms_from} if site.sms_from else {}),
                **((eta_params or {}) if kind != "emergency_guidance" else {}),
                "suicidal": decision.suicidal,
            },
            eta=eta,
            priority=decision.priority,  # type: ignore[arg-type]
            dedupe_key=f"{kind}:{contact.dedupe_key}",
        )
        if channel == "email":  # Message-ID / In-Reply-To / References: replies thread back
            request.params.update(await identity.outbound_email_headers(
                conn, uuid.UUID(conversation_id), nid, contact.recipient, thread_ids))
        out.message(
            conversation_id=uuid.UUID(conversation_id),
            direction="out",
            channel=channel,
            kind=kind,
            dedupe_key=request.dedupe_key,
            notification_id=uuid.UUID(nid),
            delivery_status="queued",
        )
        out.add(topics.NOTIFY_REQUESTED, conversation_id, request)


@dataclass
class DeliveryUpdates(db.WriteBehind):
    """The delivery statuses a unit of work heard, written at its end in one statement: per
    notification the first status of the highest rank, which is where applying them one by
    one (forward only) would leave it."""

    latest: dict[uuid.UUID, tuple[int, str, str | None]] = field(default_factory=dict)

    def add(self, notification_id: uuid.UUID, status: str, provider_code: str | None) -> None:
        rank = repo.DELIVERY_RANK.get(status, 0)
        known = self.latest.get(notification_id)
        if known is None or rank > known[0]:
            self.latest[notification_id] = (rank, status, provider_code)

    async def flush(self, conn: asyncpg.Connection) -> None:
        try:
            await repo.advance_deliveries(
                conn, [(nid, status, code) for nid, (_, status, code) in self.latest.items()])
        except TRANSIENT_DB_ERRORS as exc:
            raise Retryable(type(exc).__name__) from exc


async def handle_delivery_status(ctx: RouterContext, delivery: Delivery) -> None:
    status: DeliveryStatus = delivery.data  # type: ignore[assignment]
    try:
        nid = uuid.UUID(status.notification_id)
    except ValueError:
        raise InvalidMessage("notification_id is not a UUID") from None
    try:
        async with db.transaction(ctx.pool) as conn:
            DeliveryUpdates.current().add(nid, status.status, status.provider_code)
            if status.provider_message_id and "@" in status.provider_message_id:
                # an email's Message-ID as the provider sent it: the patient's reply threads here
                await repo.remember_outbound_message_id(conn, nid, status.provider_message_id)
    except TRANSIENT_DB_ERRORS as exc:
        raise Retryable(type(exc).__name__) from exc


Handler = Callable[[RouterContext, Delivery], Awaitable[None]]
Preparer = Callable[[RouterContext, list[Delivery]], Awaitable[None]]

HANDLERS: dict[str, Handler] = {
    topics.CONTACT_RECEIVED: handle_contact_received,
    topics.DELIVERY_STATUS: handle_delivery_status,
}
# Run on a partition batch's events before its handlers, in the batch's transaction.
PREPARERS: dict[str, Preparer] = {topics.CONTACT_RECEIVED: prepare_contacts}
