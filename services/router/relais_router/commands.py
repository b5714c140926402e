"""The inbox's service layer for writes: one handler per command, mapped explicitly.

`execute` runs a command in one transaction: the conversation row locked, visibility
checked (404 otherwise), a stale `version` refused with what changed, the handler's state
change, its events through the outbox, the audit row, and the answer remembered under the
client key — so a retried click does nothing twice. The API builds commands from requests;
the worker's sweeper (`sweep`) runs the housekeeping ones as Relais itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
import orjson
from relais_shared import db, topics
from relais_shared.events import ConversationEvent, NotifyRequested, make_envelope
from relais_shared.ids import new_id
from relais_shared.logging import get_logger
from relais_shared.outbox import enqueue_many

from .adapters import directory
from .adapters import inbox as store
from .adapters import repository as repo
from .domain import sla
from .domain.access import Principal
from .domain.directory import Site
from .domain.inbox import (
    MAX_NOTE_CHARS,
    MAX_REPLY_CHARS,
    AddNote,
    AlreadyClaimed,
    Assign,
    Claim,
    Command,
    Conflict,
    ConversationMoved,
    Forbidden,
    Invalid,
    NotFound,
    Release,
    Reopen,
    Reply,
    Resolve,
    SetTags,
    Snooze,
    Wake,
    check_reason,
    check_text,
    normalise_tags,
    reply_route,
    stale_moves,
)

log = get_logger(__name__)
SOURCE = "router"


@dataclass(frozen=True)
class Actor:
    """Who runs a command, and from where (for the audit log)."""

    principal: Principal
    ip: str | None = None

    @property
    def username(self) -> str:
        return self.principal.username


@dataclass
class InboxContext:
    pool: asyncpg.Pool
    directory: directory.DirectoryCache


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]


@dataclass
class Unit:
    """What one command's handler works with: the locked row and what it will publish."""

    conn: asyncpg.Connection
    ctx: InboxContext
    actor: Actor
    row: asyncpg.Record
    events: list[tuple[str, str, Any]]
    now: datetime

    @property
    def conversation_id(self) -> uuid.UUID:
        return self.row["id"]

    async def site(self) -> Site:
        found = await self.ctx.directory.site(self.conn, self.row["site_id"])
        if found is None:
            raise NotFound("No such site")
        return found[0]

    async def save(self, change: str, **columns: Any) -> int:
        """The conversation's new version (what changed, by whom); the assignee's own
        action also keeps their claim alive."""
        if self.row["assignee"] == self.actor.principal.user_id and "agent_touched_at" not in columns:
            columns["agent_touched_at"] = self.now
        return await store.update_conversation(
            self.conn, self.conversation_id, change, self.actor.username, **columns)

    def publish(self, kind: str, **details: Any) -> None:
        """A `conversation.events.v1` event of this command (no patient text in it)."""
        row = self.row
        event = ConversationEvent(
            conversation_id=str(row["id"]), kind=kind,  # type: ignore[arg-type]
            team=row["team"], priority=row["priority"], urgent=row["urgent"],
            needs_triage=row["needs_triage"],
            assignee=details.pop("assignee", row["assignee_username"]),
            details={"actor": self.actor.username, **details},
        )
        self._add(topics.CONVERSATION_EVENTS, event)

    def _add(self, topic: str, data: Any) -> None:
        key = str(self.conversation_id)
        self.events.append((topic, key, make_envelope(
            topic, data, source=SOURCE, site_id=self.row["site_id"], correlation_id=key)))


Handler = Callable[[Unit, Any], Awaitable[Answer]]


def _summary(unit: Unit, version: int, **extra: Any) -> dict[str, Any]:
    return {"id": str(unit.conversation_id), "version": version, **extra}


async def claim(unit: Unit, command: Claim) -> Answer:
    row, me = unit.row, unit.actor.principal
    if row["status"] != "open":
        raise Conflict("The conversation is resolved", "Reopen it first")
    if row["assignee"] == me.user_id:
        return Answer(200, _summary(unit, row["version"], assignee=me.username))
    if row["assignee"] is not None:
        raise AlreadyClaimed("Another agent has claimed this conversation",
                             assignee=row["assignee_username"])
    version = await unit.save("claimed", assignee=me.user_id, claimed_at=unit.now,
                              agent_touched_at=unit.now)
    unit.publish("claimed", assignee=me.username)
    return Answer(200, _summary(unit, version, assignee=me.username))


async def release(unit: Unit, command: Release) -> Answer:
    row, me = unit.row, unit.actor.principal
    if row["assignee"] is None:
        return Answer(200, _summary(unit, row["version"], assignee=None))
    if row["assignee"] != me.user_id and not me.is_lead:
        raise AlreadyClaimed("Only its assignee or a lead can release it",
                             assignee=row["assignee_username"])
    version = await unit.save("released", assignee=None, claimed_at=None)
    unit.publish("claimed", assignee=None, released=True)
    return Answer(200, _summary(unit, version, assignee=None))


async def assign(unit: Unit, command: Assign) -> Answer:
    """A lead's assignment: to a member of the team who is present and has room."""
    me = unit.actor.principal
    if not me.is_lead:
        raise Forbidden("Only a lead assigns conversations")
    if unit.row["status"] != "open":
        raise Conflict("The conversation is resolved", "Reopen it first")
    agent = await store.user_for_assignment(unit.conn, command.username)
    membership = f"{unit.row['site_id']}/{unit.row['team']}"
    if agent is None or agent["disabled_at"] is not None or membership not in agent["memberships"]:
        raise Invalid("No such agent in this team")
    if agent["presence"] != "available":
        raise Conflict("The agent is not available", reason="agent-away")
    if agent["id"] != unit.row["assignee"] and agent["open_assigned"] >= agent["capacity"]:
        raise Conflict("The agent has no room left", reason="agent-at-capacity",
                       capacity=agent["capacity"])
    version = await unit.save("assigned", assignee=agent["id"], claimed_at=unit.now,
                              agent_touched_at=unit.now)
    unit.publish("claimed", assignee=agent["username"], assigned_by=me.username)
    return Answer(200, _summary(unit, version, assignee=agent["username"]))


async def reply(unit: Unit, command: Reply) -> Answer:
    """The agent's answer, sent by the notifier on the patient's channel (never held by
    quiet hours: it answers the patient); its delivery state comes back to the message."""
    row = unit.row
    if row["status"] != "open":
        raise Conflict("The conversation is resolved", "Reopen it to answer")
    body = check_text(command.body, MAX_REPLY_CHARS, "reply")
    site = await unit.site()
    route = reply_route(row["address"], row["address_kind"], row["is_mobile"], row["unparsed"],
                        await store.last_inbound_channel(unit.conn, row["id"]), site.sms_from,
                        command.channel)
    if route is None:
        raise Invalid("Relais cannot answer on this channel yet",
                      "Replies go by SMS to a mobile or to a number that texted")
    message_id, nid = uuid.uuid4(), new_id()
    request = NotifyRequested(
        notification_id=nid, conversation_id=str(row["id"]), kind="reply",
        lang=row["lang"], sender_profile=site.sender_kind,  # type: ignore[arg-type]
        channel=route.channel, address=route.address, text=body,  # type: ignore[arg-type]
        params={"reference": row["reference"], "clinic": site.display_name,
                **({"sms_from": route.sender} if route.sender else {})},
        priority=row["priority"], dedupe_key=f"reply:{message_id}",
    )
    await repo.insert_message(
        unit.conn, id=message_id, conversation_id=row["id"], direction="out",
        channel=route.channel, kind="reply", dedupe_key=request.dedupe_key,
        notification_id=uuid.UUID(nid), body=body, delivery_status="queued",
        author=unit.actor.principal.user_id,
    )
    version = await unit.save("replied")
    unit._add(topics.NOTIFY_REQUESTED, request)
    unit.publish("replied", message_id=str(message_id), channel=route.channel)
    return Answer(202, {"message_id": str(message_id), "notification_id": nid,
                        "version": version})


async def add_note(unit: Unit, command: AddNote) -> Answer:
    body = check_text(command.body, MAX_NOTE_CHARS, "note")
    note_id = uuid.uuid4()
    await store.insert_note(unit.conn, note_id, unit.conversation_id,
                            unit.actor.principal.user_id, body)
    version = await unit.save("noted")
    unit.publish("noted", note_id=str(note_id))
    return Answer(201, {"note_id": str(note_id), "version": version})


async def resolve(unit: Unit, command: Resolve) -> Answer:
    if unit.row["status"] == "resolved":
        return Answer(200, _summary(unit, unit.row["version"], status="resolved"))
    version = await unit.save("resolved", status="resolved", sla_paused_at=None,
                              snoozed_until=None, waiting_on_patient=False)
    unit.publish("resolved")
    return Answer(200, _summary(unit, version, status="resolved"))


async def reopen(unit: Unit, command: Reopen) -> Answer:
    if unit.row["status"] == "open":
        return Answer(200, _summary(unit, unit.row["version"], status="open"))
    try:
        async with unit.conn.transaction():  # savepoint: the one-open-conversation index
            version = await unit.save("reopened", status="open")
    except asyncpg.UniqueViolationError:
        raise Conflict("The patient has another open conversation",
                       "Answer them there") from None
    unit.publish("reopened")
    return Answer(200, _summary(unit, version, status="open"))


async def snooze(unit: Unit, command: Snooze) -> Answer:
    row = unit.row
    if row["status"] != "open":
        raise Conflict("The conversation is resolved")
    if command.until is None and not command.waiting_on_patient:
        raise Invalid("Snooze until a time, or wait on the patient")
    if command.until is not None and command.until <= unit.now:
        raise Invalid("The snooze ends in the past")
    columns: dict[str, Any] = {"snoozed_until": command.until,
                               "waiting_on_patient": command.waiting_on_patient}
    if row["sla_paused_at"] is None and row["due_at"] is not None:
        site = await unit.site()
        columns.update(sla_paused_at=unit.now, sla_remaining_s=sla.remaining_when_paused(
            unit.now, row["due_at"], _schedule(site, row["team"]), urgent=row["urgent"]))
    version = await unit.save("waiting" if command.waiting_on_patient else "snoozed", **columns)
    return Answer(200, _summary(unit, version, snoozed_until=(
        command.until.isoformat() if command.until else None),
        waiting_on_patient=command.waiting_on_patient))


async def wake(unit: Unit, command: Wake) -> Answer:
    version = await _resume(unit, "woken")
    return Answer(200, _summary(unit, version))


async def _resume(unit: Unit, change: str) -> int:
    row = unit.row
    columns: dict[str, Any] = {"snoozed_until": None, "waiting_on_patient": False,
                               "sla_paused_at": None, "sla_remaining_s": None}
    if row["sla_paused_at"] is not None and row["sla_remaining_s"] is not None:
        site = await unit.site()
        columns["due_at"] = sla.due_after_resume(
            unit.now, row["sla_remaining_s"], _schedule(site, row["team"]), urgent=row["urgent"])
    return await unit.save(change, **columns)


async def set_tags(unit: Unit, command: SetTags) -> Answer:
    tags = list(normalise_tags(command.tags))
    reason = check_reason(command.reason)
    version = await unit.save("tagged", tags=tags, reason=reason)
    return Answer(200, _summary(unit, version, tags=tags, reason=reason))


def _schedule(site: Site, team_id: str) -> Any:
    team = site.team(team_id)
    if team is None:
        raise NotFound("No such team")
    return site.schedule(team)


COMMAND_HANDLERS: dict[type[Command], Handler] = {
    Claim: claim,
    Release: release,
    Assign: assign,
    Reply: reply,
    AddNote: add_note,
    Resolve: resolve,
    Reopen: reopen,
    Snooze: snooze,
    Wake: wake,
    SetTags: set_tags,
}


async def execute(ctx: InboxContext, actor: Actor, command: Command) -> Answer:
    """Run one command: see the module docstring for what one transaction holds."""
    handler = COMMAND_HANDLERS[type(command)]
    me = actor.principal
    async with db.transaction(ctx.pool) as conn:
        if command.client_key is not None:
            prior = await store.command_answer(conn, me.user_id, command.client_key)
            if prior is not None:
                if (prior["command"], prior["conversation_id"]) != (
                        command.name, command.conversation_id):
                    raise Invalid("This client key was used for another command")
                return Answer(prior["status"], _json(prior["answer"]))
        row = await store.lock_conversation(conn, command.conversation_id)
        if row is None or not me.can_see(row["site_id"], row["team"]):
            raise NotFound("No such conversation")
        if command.checks_moves and command.version is not None and command.version != row["version"]:
            moved = stale_moves(await store.changes_since(conn, row["id"], command.version),
                                me.username)
            if moved or command.version > row["version"]:
                raise ConversationMoved(
                    "The conversation moved since you loaded it",
                    "Read what changed, then try again",
                    current_version=row["version"], changes=[c.as_dict() for c in moved])
        unit = Unit(conn, ctx, actor, row, [], datetime.now(UTC))
        answer = await handler(unit, command)
        if unit.events:
            await enqueue_many(conn, repo.SCHEMA, unit.events)
        await repo.audit(conn, actor.username, f"conversation.{command.name}", row["id"],
                         _audit_details(actor))
        if command.client_key is not None:
            await store.remember_answer(conn, me.user_id, command.client_key, command.name,
                                        row["id"], answer.status, answer.body)
    log.info("inbox_command", command=command.name, conversation_id=str(row["id"]))
    return answer


def _audit_details(actor: Actor) -> dict[str, Any]:
    return {"ip": actor.ip} if actor.ip else {}


def _json(value: Any) -> dict[str, Any]:
    return orjson.loads(value) if isinstance(value, str | bytes) else dict(value)


async def take_next(ctx: InboxContext, actor: Actor, site_id: str, team: str) -> Answer:
    """Assignment by capacity and presence: the caller gets the first unassigned conversation
    of the queue (urgent first, then priority, then due time) — only while available and
    below their capacity. Concurrent callers never get the same one."""
    me = actor.principal
    if not me.can_see(site_id, team):
        raise NotFound("No such queue")
    async with db.transaction(ctx.pool) as conn:
        presence, capacity = await store.presence_of(conn, me.user_id)
        if presence != "available":
            raise Conflict("You are not available", "Set yourself available first",
                           reason="agent-away")
        if await store.open_assigned(conn, me.user_id) >= capacity:
            raise Conflict("You have no room left", reason="agent-at-capacity",
                           capacity=capacity)
        conversation_id = await store.next_unassigned(conn, site_id, team)
        if conversation_id is None:
            raise NotFound("Nothing waits in this queue")
        row = await store.lock_conversation(conn, conversation_id)
        assert row is not None  # locked by next_unassigned in this transaction
        unit = Unit(conn, ctx, actor, row, [], datetime.now(UTC))
        answer = await claim(unit, Claim(conversation_id=conversation_id))
        await enqueue_many(conn, repo.SCHEMA, unit.events)
        await repo.audit(conn, actor.username, "conversation.claim", conversation_id,
                         {**_audit_details(actor), "via": "next"})
    return answer


# --- the sweeper: housekeeping run by Relais itself ------------------------------------------


SYSTEM = Principal(uuid.UUID(int=0), "relais", "admin", frozenset(), "Relais")


async def sweep(ctx: InboxContext, *, claim_idle_minutes: float) -> dict[str, int]:
    """Resume paused SLA clocks, return idle claims to the queue, flag new breaches (leads
    are alerted live; a non-urgent one only while its team is open). Returns counts."""
    done = {"resumed": 0, "returned": 0, "breaches": 0}
    now = datetime.now(UTC)
    async with db.transaction(ctx.pool) as conn:
        for conversation_id in await store.to_resume(conn, now):
            if await _sweep_one(ctx, conn, conversation_id, now, _resume_sweep):
                done["resumed"] += 1
        for conversation_id in await store.stale_claims(conn, claim_idle_minutes):
            if await _sweep_one(ctx, conn, conversation_id, now, _return_to_queue):
                done["returned"] += 1
        for conversation_id in await store.new_breaches(conn):
            if await _sweep_one(ctx, conn, conversation_id, now, _flag_breach):
                done["breaches"] += 1
        await store.prune(conn)
    return done


async def _sweep_one(
    ctx: InboxContext, conn: asyncpg.Connection, conversation_id: uuid.UUID, now: datetime,
    action: Callable[[Unit], Awaitable[bool]],
) -> bool:
    row = await store.lock_conversation(conn, conversation_id)
    if row is None or row["status"] != "open":
        return False
    unit = Unit(conn, ctx, Actor(SYSTEM), row, [], now)
    done = await action(unit)
    if unit.events:
        await enqueue_many(conn, repo.SCHEMA, unit.events)
    return done


async def _resume_sweep(unit: Unit) -> bool:
    if unit.row["sla_paused_at"] is None:
        return False
    await _resume(unit, "sla_resumed")
    return True


async def _return_to_queue(unit: Unit) -> bool:
    if unit.row["assignee"] is None:
        return False
    await store.update_conversation(unit.conn, unit.conversation_id, "returned_to_queue", None,
                                    assignee=None, claimed_at=None)
    unit.publish("claimed", assignee=None, released=True, reason="idle_claim")
    return True


async def _flag_breach(unit: Unit) -> bool:
    site = await unit.site()
    if not sla.breach_may_alert(unit.now, _schedule(site, unit.row["team"]),
                                urgent=unit.row["urgent"]):
        return False  # waits for the team's opening: nobody is paged at night for it
    await store.update_conversation(unit.conn, unit.conversation_id, "sla_breached", None,
                                    bump=False, breach_alerted_at=unit.now)
    await store.record_feed(unit.conn, unit.conversation_id, "sla_breached")
    log.warning("sla_breached", conversation_id=str(unit.conversation_id),
                priority=unit.row["priority"], team=unit.row["team"])
    return True
