"""The inbox's service layer for reads: what a person may see of conversations, queues and
search, each read audited in the same transaction (who, what, from where).

A conversation shows its correspondent's verification state; linked patients and the
patient's other conversations appear only through verified links, and only those the
reader may see.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg

from .adapters import identity, views
from .adapters import inbox as store
from .adapters import repository as repo
from .commands import Actor, InboxContext
from .domain.access import Principal
from .domain.identity import query_address
from .domain.inbox import QUEUE_FILTERS, CannedReply, Invalid, NotFound, builtin_canned, reply_route

_REFERENCE = re.compile(r"^R-[0-9A-F]{8}$")
_PHONEISH = re.compile(r"^[+0-9][0-9 .()-]{5,}$")


async def _audit(conn: asyncpg.Connection, actor: Actor, action: str,
                 conversation_id: uuid.UUID | None = None, **details: Any) -> None:
    await repo.audit(conn, actor.username, action, conversation_id,
                     {**details, **({"ip": actor.ip} if actor.ip else {})})


def _visible(principal: Principal, conversation: dict[str, Any]) -> bool:
    return principal.can_see(conversation["site"], conversation["team"])


async def conversations_of_address(
    ctx: InboxContext, actor: Actor, address: str, site: str | None, default_site: str
) -> list[dict[str, Any]]:
    """The conversations an address opened or wrote in that the reader sees, newest first;
    a national number is read in the region of `site` (default: the deployment's)."""
    async with ctx.pool.acquire() as conn, conn.transaction():
        if site is not None and not actor.principal.can_see_site(site):
            raise Invalid("Unknown site", f"No site {site!r}")
        region = await identity.site_region(conn, site or default_site)
        if region is None and site is not None:
            raise Invalid("Unknown site", f"No site {site!r}")
        key = query_address(address, region or "FR")
        found = await views.conversations_of_address(conn, key)
        found += await _joined_conversations(conn, key)
        found.sort(key=lambda c: (c["created_at"], c["id"]), reverse=True)
        visible = [c for c in found if _visible(actor.principal, c)]
        for conv in visible:
            await _audit(conn, actor, "conversation.listed", uuid.UUID(conv["id"]))
    return visible


async def _joined_conversations(conn: asyncpg.Connection, address: str) -> list[dict[str, Any]]:
    """Conversations another address of the same patient opened, in which this one wrote."""
    row = await identity.correspondent_by_address(conn, address)
    if row is None:
        return []
    joined = []
    for conversation_id in await identity.conversation_ids_written_by(conn, row["id"]):
        conv = await views.conversation(conn, conversation_id)
        if conv is not None:
            conv.pop("messages", None)
            joined.append(conv)
    return joined


async def conversation(ctx: InboxContext, actor: Actor, conversation_id: uuid.UUID) -> dict[str, Any]:
    """The agent's whole view of a conversation (404 when not theirs to see)."""
    async with ctx.pool.acquire() as conn, conn.transaction():
        conv = await views.conversation(conn, conversation_id)
        if conv is None or not _visible(actor.principal, conv):
            raise NotFound("No such conversation")
        conv = await _with_identity(conn, actor.principal, conv)
        conv.update(await _inbox_state(ctx, conn, conversation_id))
        await _audit(conn, actor, "conversation.read", conversation_id)
    return conv


async def conversation_of_contact(
    ctx: InboxContext, actor: Actor, contact_id: uuid.UUID
) -> dict[str, Any]:
    async with ctx.pool.acquire() as conn:
        conversation_id = await views.conversation_id_of_contact(conn, contact_id)
    if conversation_id is None:
        raise NotFound("No such contact (it may still be in flight)")
    conv = await conversation(ctx, actor, conversation_id)
    return {**conv, "contact_id": str(contact_id), "conversation_id": conv["id"]}


async def _inbox_state(
    ctx: InboxContext, conn: asyncpg.Connection, conversation_id: uuid.UUID
) -> dict[str, Any]:
    state = await store.conversation_state(conn, conversation_id)
    assert state is not None
    found = await ctx.directory.site(conn, state["site_id"])
    sms_from = found[0].sms_from if found else None
    route = reply_route(state["address"], state["address_kind"], state["is_mobile"],
                        state["unparsed"], await store.last_inbound_channel(conn, conversation_id),
                        sms_from)
    due = state["due_at"]
    breached = (state["first_response_at"] is None and state["sla_paused_at"] is None
                and due is not None and due < datetime.now(UTC))
    return {
        "due_at": due.isoformat() if due else None,
        "breached": breached,
        "answered": state["first_response_at"] is not None,
        "sla_paused": state["sla_paused_at"] is not None,
        "waiting_on_patient": state["waiting_on_patient"],
        "snoozed_until": state["snoozed_until"].isoformat() if state["snoozed_until"] else None,
        "tags": list(state["tags"]),
        "reason": state["reason"],
        "notes": await store.notes_of(conn, conversation_id),
        "timeline": [c.as_dict() for c in await store.timeline(conn, conversation_id)],
        "viewers": await store.viewers_of(conn, conversation_id),
        "reply": ({"channel": route.channel, "address": route.address, "sender": route.sender}
                  if route else None),
    }


async def _with_identity(
    conn: asyncpg.Connection, principal: Principal, conv: dict[str, Any]
) -> dict[str, Any]:
    """Add the correspondent's verification, its patients and the patient's history (verified
    links only, conversations the reader sees) to the view."""
    extra = await identity.conversation_identity(conn, uuid.UUID(conv["id"]))
    if extra is None:
        return conv
    history = []
    for other_id in extra["history_ids"]:
        other = await views.conversation(conn, other_id)
        if other is not None and _visible(principal, other):
            history.append({key: other[key] for key in
                            ("id", "reference", "site", "status", "team", "priority",
                             "created_at")})
    return {
        **conv,
        "correspondent": {**conv["correspondent"], **extra["correspondent"]},
        "patient": extra["patient"],
        "follows": extra["follows"],
        "history": history,
    }


async def queues(ctx: InboxContext, actor: Actor) -> list[dict[str, Any]]:
    """One entry per (site, team) the caller sees, with its counts."""
    me = actor.principal
    async with ctx.pool.acquire() as conn:
        rows = await store.queue_counts(conn, me.scope(), me.user_id)
    return [{
        "site": r["site_id"], "team": r["team"], "name_fr": r["name_fr"], "name_en": r["name_en"],
        "counts": {k: r[k] for k in ("open", "urgent", "needs_triage", "breached", "unassigned",
                                     "mine", "waiting")},
        "oldest_due": r["oldest_due"].isoformat() if r["oldest_due"] else None,
    } for r in rows]


async def queue(
    ctx: InboxContext, actor: Actor, site: str, team: str, filters: list[str],
    limit: int, offset: int,
) -> dict[str, Any]:
    me = actor.principal
    if not me.can_see(site, team):
        raise NotFound("No such queue")
    unknown = [f for f in filters if f not in QUEUE_FILTERS]
    if unknown:
        raise Invalid("Unknown filter", f"Filters: {', '.join(QUEUE_FILTERS)}")
    async with ctx.pool.acquire() as conn, conn.transaction():
        items, total = await store.queue(conn, site, team, filters, me.user_id, limit, offset)
        await _audit(conn, actor, "queue.listed", site=site, team=team, count=len(items))
    return {"site": site, "team": team, "filters": filters, "items": items, "total": total}


async def overview(ctx: InboxContext, actor: Actor) -> dict[str, Any]:
    """A lead's view of load and breaches per team of their sites."""
    me = actor.principal
    if not me.is_lead:
        raise NotFound("No such page")
    async with ctx.pool.acquire() as conn:
        rows = await store.queue_counts(conn, me.scope(), me.user_id)
        present = await store.agents_present(conn, None if me.is_admin else sorted(me.sites))
    agents = {(r["site_id"], r["team"]): (r["available"], r["members"]) for r in present}
    return {"teams": [{
        "site": r["site_id"], "team": r["team"], "name_fr": r["name_fr"], "name_en": r["name_en"],
        "open": r["open"], "unassigned": r["unassigned"], "urgent": r["urgent"],
        "breached": r["breached"], "waiting": r["waiting"],
        "oldest_due": r["oldest_due"].isoformat() if r["oldest_due"] else None,
        "agents_available": agents.get((r["site_id"], r["team"]), (0, 0))[0],
        "agents": agents.get((r["site_id"], r["team"]), (0, 0))[1],
    } for r in rows]}


async def search(ctx: InboxContext, actor: Actor, q: str, default_site: str) -> list[dict[str, Any]]:
    """By reference, phone, patient name or words, among what the caller sees."""
    text = q.strip()
    if len(text) < 2:
        raise Invalid("Type at least two characters")
    reference = text.upper() if _REFERENCE.match(text.upper()) else None
    address = None
    if _PHONEISH.match(text) or "@" in text:
        async with ctx.pool.acquire() as conn:
            region = await identity.site_region(conn, default_site)
        address = query_address(text, region or "FR")
    async with ctx.pool.acquire() as conn, conn.transaction():
        found = await store.search(conn, actor.principal.scope(), reference=reference,
                                   address=address, text=None if reference else text)
        await _audit(conn, actor, "conversation.searched", count=len(found))
    return found


async def canned_replies(
    ctx: InboxContext, actor: Actor, site: str, team: str,
    conversation_id: uuid.UUID | None = None,
) -> list[dict[str, Any]]:
    """The team's canned replies (the site's own, else the built-in ones), each also
    rendered for a conversation when one is given."""
    if not actor.principal.can_see(site, team):
        raise NotFound("No such team")
    async with ctx.pool.acquire() as conn:
        rows = await store.canned_of(conn, site, team)
        replies = ([CannedReply(str(r["id"]), r["team"], r["lang"], r["title"], r["body"])
                    for r in rows] or builtin_canned(team))
        variables = await _canned_variables(ctx, conn, actor, site, team, conversation_id)
    return [{"id": c.id, "team": c.team, "lang": c.lang, "title": c.title, "body": c.body,
             **({"text": c.render(variables)} if variables is not None else {})}
            for c in replies]


async def _canned_variables(
    ctx: InboxContext, conn: asyncpg.Connection, actor: Actor, site: str, team: str,
    conversation_id: uuid.UUID | None,
) -> dict[str, str] | None:
    if conversation_id is None:
        return None
    conv = await views.conversation(conn, conversation_id)
    if conv is None or not _visible(actor.principal, conv):
        raise NotFound("No such conversation")
    found = await ctx.directory.site(conn, site)
    site_model = found[0] if found else None
    extra = await identity.conversation_identity(conn, conversation_id)
    patient = (extra or {}).get("patient") or {}
    team_model = site_model.team(team) if site_model else None
    lang = conv.get("lang") or "fr"
    return {
        "patient": patient.get("display_name", "") if isinstance(patient, dict) else "",
        "reference": conv["reference"],
        "clinic": site_model.display_name if site_model else "",
        "team": team_model.name(lang) if team_model else team,
        "agent": actor.principal.display_name or actor.username,
    }


async def viewers(
    ctx: InboxContext, actor: Actor, conversation_id: uuid.UUID, typing: bool
) -> list[dict[str, Any]]:
    """A viewer's heartbeat; answers who else has the conversation open."""
    async with ctx.pool.acquire() as conn, conn.transaction():
        row = await store.conversation_state(conn, conversation_id)
        if row is None or not actor.principal.can_see(row["site_id"], row["team"]):
            raise NotFound("No such conversation")
        await store.touch_viewer(conn, conversation_id, actor.principal.user_id, typing)
        others = await store.viewers_of(conn, conversation_id)
    return [v for v in others if v["username"] != actor.username]


async def set_presence(ctx: InboxContext, actor: Actor, presence: str) -> dict[str, Any]:
    async with ctx.pool.acquire() as conn:
        await store.set_presence(conn, actor.principal.user_id, presence)
        open_assigned = await store.open_assigned(conn, actor.principal.user_id)
    return {"presence": presence, "open_assigned": open_assigned}


async def audit_log(
    ctx: InboxContext, actor: Actor, *, conversation_id: uuid.UUID | None, user: str | None,
    action: str | None, limit: int,
) -> list[dict[str, Any]]:
    """Leads: the audit rows of their sites' conversations (and of their sites' people);
    admins: all."""
    me = actor.principal
    if not me.is_lead:
        raise NotFound("No such page")
    async with ctx.pool.acquire() as conn, conn.transaction():
        clause, params = me.scope().sql("c.site_id", "c.team", 6)
        rows = await conn.fetch(
            f"""
            SELECT a.id, a.at, a.actor, a.action, a.conversation_id, a.details
            FROM router.audit_log a LEFT JOIN router.conversations c ON c.id = a.conversation_id
            WHERE ($1::uuid IS NULL OR a.conversation_id = $1)
              AND ($2::text IS NULL OR a.actor = $2) AND ($3::text IS NULL OR a.action = $3)
              AND ((c.id IS NULL AND $5::bool) OR (c.id IS NOT NULL AND {clause}))
            ORDER BY a.id DESC LIMIT $4
            """,
            conversation_id, user, action, limit, me.is_admin, *params,
        )
        await _audit(conn, actor, "audit.read", conversation_id, count=len(rows))
    return [{"id": r["id"], "at": r["at"].isoformat(), "actor": r["actor"],
             "action": r["action"],
             "conversation_id": str(r["conversation_id"]) if r["conversation_id"] else None,
             "details": r["details"]} for r in rows]
