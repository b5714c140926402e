"""Identity and threading in PostgreSQL: correspondents, patients, links, one-time codes,
and where an incoming contact threads (under row locks).

Functions take a connection so the caller owns the transaction. Every identity change
writes an audit_log row in the same transaction; links are never deleted.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import asyncpg
from relais_shared import db
from relais_shared.events import Address, ContactReceived

from ..domain import identity as rules
from ..domain.access import Principal
from ..domain.directory import Site
from ..domain.threading import (
    Candidate,
    EmailThreadIds,
    ThreadChoice,
    choose_thread,
    csat_rating,
    email_thread_ids,
    lone_rating,
    outbound_message_id,
)
from . import repository as repo

# --- threading --------------------------------------------------------------------------


@dataclass(frozen=True)
class Thread:
    """Where a contact goes, decided with the correspondent (and patient) rows locked."""

    contact: ContactReceived  # the contact with its sender re-read in the site's region
    correspondent_id: uuid.UUID
    address: rules.NormalisedAddress
    verified: bool
    patient_id: uuid.UUID | None  # the one patient the address has a trusted link to
    choice: ThreadChoice
    email: EmailThreadIds | None = None
    rating: int | None = None  # a CSAT reply: a rating, not a contact
    rated_conversation_id: uuid.UUID | None = None


def _candidate(row: asyncpg.Record | None) -> Candidate | None:
    if row is None:
        return None
    return Candidate(
        id=row["id"], status=row["status"], last_inbound_at=row["last_inbound_at"],
        patient_id=row["patient_id"], correspondent_id=row["correspondent_id"],
    )


# A partition batch's senders read by `prepare_threads`, by contact dedupe key (unit memo).
_PREPARED = "router.threading.senders"


def _sender(contact: ContactReceived, site: Site) -> tuple[rules.NormalisedAddress, repo.SenderSeen]:
    address = rules.normalise_address(
        contact.sender.address, contact.sender.kind, contact.sender.raw, site.region
    )
    return address, repo.SenderSeen(
        address.address, address.kind, address.raw, address.unparsed,
        address.is_mobile, address.number_type, contact.dedupe_key,
    )


async def prepare_threads(
    conn: asyncpg.Connection, contacts: Sequence[tuple[ContactReceived, Site]]
) -> None:
    """Upsert and lock a partition batch's senders in one statement, for `resolve_thread`
    to use in the batch's transaction. A sender is read here for its first contact only:
    its next ones read what that one wrote, one statement each, as without a batch."""
    prepared: dict[str, tuple[rules.NormalisedAddress, repo.SenderSeen]] = {}
    addresses: set[str] = set()
    for contact, site in contacts:
        address, seen = _sender(contact, site)
        if address.address not in addresses and seen.dedupe_key not in prepared:
            addresses.add(address.address)
            prepared[seen.dedupe_key] = (address, seen)
    if not prepared:
        return
    rows = await repo.upsert_correspondents_with_links(conn, [s for _, s in prepared.values()])
    db.unit_memo()[_PREPARED] = {key: (prepared[key][0], row) for key, row in rows.items()}


def prepared(contact: ContactReceived) -> bool:
    """Whether `prepare_threads` read this contact's sender (its first in the batch)."""
    return contact.dedupe_key in db.unit_memo().get(_PREPARED, {})


async def resolve_thread(
    conn: asyncpg.Connection, contact: ContactReceived, site: Site, window_hours: int
) -> Thread | None:
    """Lock the correspondent (and its verified patient) and decide where the contact
    threads; None when the contact is already stored (a redelivery, a provider's retry).

    Lock order everywhere: correspondent row, then patient row. Two addresses of one
    patient handled at the same instant on different partitions serialise on the
    patient row; the second sees the conversation the first opened.
    """
    found = db.unit_memo().get(_PREPARED, {}).pop(contact.dedupe_key, None)
    if found is None:
        address, seen = _sender(contact, site)
        row = (await repo.upsert_correspondents_with_links(conn, [seen]))[seen.dedupe_key]
    else:
        address, row = found
    if address.address != contact.sender.address or address.kind != contact.sender.kind:
        contact = contact.model_copy(update={"sender": Address(
            address=address.address, kind=address.kind, raw=contact.sender.raw  # type: ignore[arg-type]
        )})
    if row["duplicate"]:
        return None
    correspondent_id: uuid.UUID = row["id"]
    links = [rules.Link(p, r, v) for p, r, v in
             zip(row["patients"], row["relations"], row["link_verified"], strict=True)]
    patient_id = rules.trusted_patient(links, row["verified"])
    address_open = next((
        Candidate(id=conv, status="open", last_inbound_at=last, patient_id=None,
                  correspondent_id=correspondent_id)
        for conv, site_id, last in zip(row["open_ids"] or (), row["open_sites"] or (),
                                       row["open_last"] or (), strict=True)
        if site_id == site.id), None)
    patient_open: Candidate | None = None
    if patient_id is not None:
        await repo.lock_patient(conn, patient_id)
        # After the patient lock: a fresh statement sees what another address of the
        # patient committed while this one waited.
        fresh_patient_open, fresh_address_open = await repo.open_candidates(
            conn, correspondent_id, patient_id, site.id
        )
        patient_open, address_open = _candidate(fresh_patient_open), _candidate(fresh_address_open)
    now = contact.received_at

    rating, rated = await _csat_hook(conn, contact, correspondent_id, site.id, now)
    email = (email_thread_ids(contact.provider_ids, contact.metadata)
             if contact.channel == "email" else None)
    referenced: list[Candidate] = []
    if email is not None and rating is None:
        rows = await repo.conversations_by_message_ids(conn, email.candidates(), site.id)
        referenced = [c for c in map(_candidate, rows) if c is not None]
    choice = choose_thread(
        now=now, patient_id=patient_id, referenced=referenced,
        patient_open=patient_open, address_open=address_open, window_hours=window_hours,
    )
    return Thread(contact, correspondent_id, address, row["verified"], patient_id, choice,
                  email, rating, rated)


async def _csat_hook(
    conn: asyncpg.Connection, contact: ContactReceived, correspondent_id: uuid.UUID,
    site_id: str, now: datetime,
) -> tuple[int | None, uuid.UUID | None]:
    """CSAT hook: a lone 1–5 answering a recent survey is a rating (the survey is not built
    yet; once `csat_survey` messages exist this starts matching)."""
    if lone_rating(contact.text) is None:
        return None, None  # not a lone 1-5: no survey lookup
    survey = await repo.latest_csat_survey(conn, correspondent_id, site_id)
    if survey is None:
        return None, None
    rating = csat_rating(contact.text, survey_sent_at=survey["created_at"],
                         agent_replied_since=survey["agent_replied_since"], now=now)
    return (rating, survey["conversation_id"]) if rating is not None else (None, None)


async def store_rating(conn: asyncpg.Connection, thread: Thread) -> bool:
    """Keep a CSAT reply on the surveyed conversation as a rating (no routing, no ack)."""
    assert thread.rating is not None and thread.rated_conversation_id is not None
    contact = thread.contact
    return await repo.insert_message(
        conn, conversation_id=thread.rated_conversation_id, direction="in",
        channel=contact.channel, kind="csat_rating", dedupe_key=contact.dedupe_key,
        contact_id=uuid.UUID(contact.contact_id), body=contact.text, at=contact.received_at,
        correspondent_id=thread.correspondent_id, rating=thread.rating,
    )


async def record_inbound_ids(
    conn: asyncpg.Connection, thread: Thread, conversation_id: uuid.UUID
) -> list[tuple[str, str]]:
    """Remember the email's own Message-ID, so the patient's next reply threads here;
    returns the (Message-ID, direction) it added to the conversation's thread."""
    if thread.email is not None and thread.email.message_id:
        if await repo.remember_message_id(conn, thread.email.message_id, conversation_id, "in"):
            return [(thread.email.message_id, "in")]
    return []


async def outbound_email_headers(
    conn: asyncpg.Connection, conversation_id: uuid.UUID, notification_id: str,
    mailbox: str | None, known: list[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """Params an outgoing email carries so replies thread back: the Message-ID the notifier
    must use, In-Reply-To (the patient's latest email) and References (the thread's ids,
    oldest first). `known`: the thread's (Message-ID, direction) when the caller holds
    them all (a conversation it has just opened), else they are read; the outgoing id is
    appended to it, as the next read would show it."""
    thread = await repo.thread_message_ids(conn, conversation_id) if known is None else known
    own = outbound_message_id(notification_id, mailbox)
    params: dict[str, Any] = {"message_id": f"<{own}>"}
    inbound = [mid for mid, direction in thread if direction == "in"]
    if thread:
        params["in_reply_to"] = f"<{(inbound or [thread[-1][0]])[-1]}>"
        params["references"] = " ".join(f"<{mid}>" for mid, _ in thread[-20:])
    if await repo.remember_message_id(conn, own, conversation_id, "out",
                                      uuid.UUID(notification_id)) and known is not None:
        known.append((own, "out"))
    return params


# --- patients and links -----------------------------------------------------------------


async def create_patient(
    conn: asyncpg.Connection, actor: str, display_name: str, birth_date: date | None,
    external_ref: str | None,
) -> uuid.UUID:
    patient_id = uuid.uuid4()
    await conn.execute(
        "INSERT INTO router.patients (id, display_name, birth_date, external_ref, created_by)"
        " VALUES ($1, $2, $3, $4, $5)",
        patient_id, display_name, birth_date, external_ref, actor,
    )
    await repo.audit(conn, actor, "patient.created", details={"patient_id": str(patient_id)})
    return patient_id


async def patient(conn: asyncpg.Connection, patient_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM router.patients WHERE id = $1", patient_id)


async def correspondent(
    conn: asyncpg.Connection, correspondent_id: uuid.UUID, *, lock: bool = False
) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT * FROM router.correspondents WHERE id = $1" + (" FOR UPDATE" if lock else ""),
        correspondent_id,
    )


async def correspondent_by_address(conn: asyncpg.Connection, address: str) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM router.correspondents WHERE address = $1", address)


async def ensure_correspondent(
    conn: asyncpg.Connection, actor: str, address: rules.NormalisedAddress
) -> tuple[uuid.UUID, bool]:
    """Find or register an address (an agent adding a patient's known email); (id, created)."""
    created_id = await conn.fetchval(
        """
        INSERT INTO router.correspondents (id, address, kind, raw, unparsed, is_mobile, number_type)
        VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (address) DO NOTHING RETURNING id
        """,
        uuid.uuid4(), address.address, address.kind, address.raw, address.unparsed,
        address.is_mobile, address.number_type,
    )
    if created_id is not None:
        await repo.audit(conn, actor, "correspondent.registered",
                         details={"correspondent_id": str(created_id)})
        return created_id, True
    existing = await correspondent_by_address(conn, address.address)
    assert existing is not None
    return existing["id"], False


async def active_link(
    conn: asyncpg.Connection, correspondent_id: uuid.UUID, patient_id: uuid.UUID
) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT * FROM router.correspondent_links WHERE correspondent_id = $1 AND patient_id = $2"
        " AND unlinked_at IS NULL",
        correspondent_id, patient_id,
    )


async def link(
    conn: asyncpg.Connection, actor: str, correspondent_id: uuid.UUID, patient_id: uuid.UUID,
    relation: str, verified: bool,
) -> asyncpg.Record:
    """Link an address to a patient (the caller holds the correspondent and patient locks)."""
    row = await conn.fetchrow(
        """
        INSERT INTO router.correspondent_links
            (id, correspondent_id, patient_id, relation, verified, verified_at, verified_by,
             verification_method, created_by)
        VALUES ($1, $2, $3, $4, $5, CASE WHEN $5 THEN now() END, CASE WHEN $5 THEN $6 END,
                CASE WHEN $5 THEN 'agent' END, $6)
        RETURNING *
        """,
        uuid.uuid4(), correspondent_id, patient_id, relation, verified, actor,
    )
    await repo.audit(conn, actor, "correspondent.linked", details={
        "correspondent_id": str(correspondent_id), "patient_id": str(patient_id),
        "link_id": str(row["id"]), "relation": relation, "verified": verified,
    })
    return row


async def verify_link(
    conn: asyncpg.Connection, actor: str, link_row: asyncpg.Record, method: str
) -> None:
    if link_row["verified"]:
        return
    await conn.execute(
        "UPDATE router.correspondent_links SET verified = true, verified_at = now(),"
        " verified_by = $2, verification_method = $3 WHERE id = $1",
        link_row["id"], actor, method,
    )
    await repo.audit(conn, actor, "correspondent.link_verified", details={
        "correspondent_id": str(link_row["correspondent_id"]),
        "patient_id": str(link_row["patient_id"]), "link_id": str(link_row["id"]),
        "method": method,
    })


async def unlink(
    conn: asyncpg.Connection, actor: str, link_row: asyncpg.Record, reason: str | None
) -> None:
    """End a link; the row stays (history), a new link is a new row."""
    await conn.execute(
        "UPDATE router.correspondent_links SET unlinked_at = now(), unlinked_by = $2,"
        " unlink_reason = $3 WHERE id = $1",
        link_row["id"], actor, reason,
    )
    await repo.audit(conn, actor, "correspondent.unlinked", details={
        "correspondent_id": str(link_row["correspondent_id"]),
        "patient_id": str(link_row["patient_id"]), "link_id": str(link_row["id"]),
        "reason": reason,
    })


async def verify_address(
    conn: asyncpg.Connection, actor: str, correspondent_id: uuid.UUID, method: str
) -> bool:
    """Mark the address as confirmed; False when it already was."""
    status = await conn.execute(
        "UPDATE router.correspondents SET verified = true, verified_at = now(), verified_by = $2,"
        " verification_method = $3 WHERE id = $1 AND NOT verified",
        correspondent_id, actor, method,
    )
    changed = status.endswith(" 1")
    if changed:
        await repo.audit(conn, actor, "correspondent.verified", details={
            "correspondent_id": str(correspondent_id), "method": method,
        })
    return changed


async def links_of_correspondent(
    conn: asyncpg.Connection, correspondent_id: uuid.UUID, *, include_ended: bool = False
) -> list[asyncpg.Record]:
    return await conn.fetch(
        """
        SELECT l.*, p.display_name FROM router.correspondent_links l
        JOIN router.patients p ON p.id = l.patient_id
        WHERE l.correspondent_id = $1 AND ($2 OR l.unlinked_at IS NULL)
        ORDER BY l.created_at, l.id
        """,
        correspondent_id, include_ended,
    )


async def links_of_patient(conn: asyncpg.Connection, patient_id: uuid.UUID) -> list[asyncpg.Record]:
    return await conn.fetch(
        """
        SELECT l.*, k.address, k.kind, k.verified AS address_verified
        FROM router.correspondent_links l JOIN router.correspondents k ON k.id = l.correspondent_id
        WHERE l.patient_id = $1 ORDER BY l.created_at, l.id
        """,
        patient_id,
    )


# --- one-time codes ---------------------------------------------------------------------


async def store_code(
    conn: asyncpg.Connection, actor: str, correspondent_id: uuid.UUID, patient_id: uuid.UUID | None,
    site_id: str, code: str, notification_id: uuid.UUID, now: datetime,
) -> uuid.UUID:
    code_id = uuid.uuid4()
    await conn.execute(
        """
        INSERT INTO router.verification_codes
            (id, correspondent_id, patient_id, site_id, notification_id, code_digest,
             expires_at, issued_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        """,
        code_id, correspondent_id, patient_id, site_id, notification_id,
        rules.code_digest(code_id, code), now + rules.OTP_TTL, actor,
    )
    await repo.audit(conn, actor, "correspondent.code_issued", details={
        "correspondent_id": str(correspondent_id), "code_id": str(code_id),
        "patient_id": str(patient_id) if patient_id else None,
    })
    return code_id


async def latest_code(conn: asyncpg.Connection, correspondent_id: uuid.UUID) -> asyncpg.Record | None:
    """The newest code issued for the address, row-locked (attempts are counted)."""
    return await conn.fetchrow(
        "SELECT * FROM router.verification_codes WHERE correspondent_id = $1"
        " ORDER BY created_at DESC, id DESC LIMIT 1 FOR UPDATE",
        correspondent_id,
    )


async def count_attempt(conn: asyncpg.Connection, code_id: uuid.UUID, *, success: bool) -> None:
    await conn.execute(
        "UPDATE router.verification_codes SET attempts = attempts + 1,"
        " consumed_at = CASE WHEN $2 THEN now() ELSE consumed_at END WHERE id = $1",
        code_id, success,
    )


async def latest_conversation_at(
    conn: asyncpg.Connection, correspondent_id: uuid.UUID, site_id: str
) -> uuid.UUID | None:
    return await conn.fetchval(
        "SELECT id FROM router.conversations WHERE correspondent_id = $1 AND site_id = $2"
        " ORDER BY created_at DESC, id DESC LIMIT 1",
        correspondent_id, site_id,
    )


# --- read models --------------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def correspondent_view(row: asyncpg.Record) -> dict[str, Any]:
    """An address as the inbox shows it: unverified addresses say so."""
    return {
        "id": str(row["id"]),
        "address": row["address"],
        "kind": row["kind"],
        "verified": row["verified"],
        "verification": (
            {"method": row["verification_method"], "by": row["verified_by"],
             "at": _iso(row["verified_at"])} if row["verified"] else None
        ),
        "is_mobile": row["is_mobile"],
        "number_type": row["number_type"],
        "unparsed": row["unparsed"],
    }


def link_view(row: asyncpg.Record, *, address_verified: bool) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "correspondent_id": str(row["correspondent_id"]),
        "patient_id": str(row["patient_id"]),
        "relation": row["relation"],
        "verified": row["verified"],
        "trusted": rules.trusted(row["verified"], address_verified),
        "verified_by": row["verified_by"],
        "verified_at": _iso(row["verified_at"]),
        "verification_method": row["verification_method"],
        "created_by": row["created_by"],
        "created_at": row["created_at"].isoformat(),
        "unlinked_by": row["unlinked_by"],
        "unlinked_at": _iso(row["unlinked_at"]),
        "unlink_reason": row["unlink_reason"],
    }


def patient_view(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "display_name": row["display_name"],
        "birth_date": row["birth_date"].isoformat() if row["birth_date"] else None,
        "external_ref": row["external_ref"],
        "created_by": row["created_by"],
        "created_at": row["created_at"].isoformat(),
    }


_TRUSTED = "l.unlinked_at IS NULL AND l.verified AND k.verified"


async def trusted_patients_of(
    conn: asyncpg.Connection, correspondent_id: uuid.UUID
) -> list[dict[str, Any]]:
    """The patients an address is linked to through verified links only."""
    rows = await conn.fetch(
        f"""
        SELECT p.id, p.display_name, l.relation
        FROM router.correspondent_links l
        JOIN router.correspondents k ON k.id = l.correspondent_id
        JOIN router.patients p ON p.id = l.patient_id
        WHERE l.correspondent_id = $1 AND {_TRUSTED}
        ORDER BY l.created_at, l.id
        """,
        correspondent_id,
    )
    return [{"id": str(r["id"]), "display_name": r["display_name"], "relation": r["relation"]}
            for r in rows]


async def conversation_identity(
    conn: asyncpg.Connection, conversation_id: uuid.UUID
) -> dict[str, Any] | None:
    """The conversation's correspondent (with verification and trusted patients), its patient
    when a verified link still reaches it, and the ids of that patient's other conversations."""
    row = await conn.fetchrow(
        """
        SELECT c.patient_id, c.follows_id, k.*
        FROM router.conversations c JOIN router.correspondents k ON k.id = c.correspondent_id
        WHERE c.id = $1
        """,
        conversation_id,
    )
    if row is None:
        return None
    view = correspondent_view(row)
    view["patients"] = await trusted_patients_of(conn, row["id"])
    patient: dict[str, Any] | None = None
    history: list[uuid.UUID] = []
    if row["patient_id"] is not None:
        # through a verified link of an address that wrote in this conversation
        reached = await conn.fetchrow(
            f"""
            SELECT p.id, p.display_name FROM router.patients p
            WHERE p.id = $1 AND EXISTS (
                SELECT 1 FROM router.correspondent_links l
                JOIN router.correspondents k ON k.id = l.correspondent_id
                WHERE l.patient_id = p.id AND {_TRUSTED}
                  AND (l.correspondent_id = $2 OR l.correspondent_id IN (
                      SELECT m.correspondent_id FROM router.messages m
                      WHERE m.conversation_id = $3 AND m.correspondent_id IS NOT NULL)))
            """,
            row["patient_id"], row["id"], conversation_id,
        )
        if reached is not None:
            patient = {"id": str(reached["id"]), "display_name": reached["display_name"]}
            history = await patient_conversation_ids(conn, reached["id"], exclude=conversation_id)
    return {
        "correspondent": view,
        "patient": patient,
        "follows": str(row["follows_id"]) if row["follows_id"] else None,
        "history_ids": history,
    }


async def patient_conversation_ids(
    conn: asyncpg.Connection, patient_id: uuid.UUID, *, exclude: uuid.UUID | None = None,
    limit: int = 50,
) -> list[uuid.UUID]:
    """A patient's conversations, newest first: theirs, and those without a patient opened by
    an address with a verified link to them (never another patient's)."""
    rows = await conn.fetch(
        f"""
        SELECT c.id FROM router.conversations c
        WHERE (c.id IS DISTINCT FROM $2) AND (c.patient_id = $1 OR (
            c.patient_id IS NULL AND c.correspondent_id IN (
            SELECT l.correspondent_id FROM router.correspondent_links l
            JOIN router.correspondents k ON k.id = l.correspondent_id
            WHERE l.patient_id = $1 AND {_TRUSTED})))
        ORDER BY c.created_at DESC, c.id DESC LIMIT $3
        """,
        patient_id, exclude, limit,
    )
    return [r["id"] for r in rows]


async def conversation_ids_written_by(
    conn: asyncpg.Connection, correspondent_id: uuid.UUID
) -> list[uuid.UUID]:
    """Conversations another address opened in which this address wrote (email or SMS
    joined through its patient)."""
    rows = await conn.fetch(
        """
        SELECT DISTINCT m.conversation_id FROM router.messages m
        JOIN router.conversations c ON c.id = m.conversation_id
        WHERE m.correspondent_id = $1 AND c.correspondent_id <> $1
        """,
        correspondent_id,
    )
    return [r["conversation_id"] for r in rows]


async def site_region(conn: asyncpg.Connection, site_id: str) -> str | None:
    return await conn.fetchval("SELECT region FROM router.sites WHERE id = $1", site_id)


async def correspondent_visible(
    conn: asyncpg.Connection, correspondent_id: uuid.UUID, principal: Principal
) -> bool:
    """An address is seen through its conversations (opened or written in) that the
    principal sees; one with no conversation yet by leads, admins and whoever registered it."""
    if principal.is_admin:
        return True
    clause, params = principal.scope().sql("c.site_id", "c.team", 4)
    return bool(await conn.fetchval(
        f"""
        SELECT EXISTS (SELECT 1 FROM router.conversations c WHERE c.correspondent_id = $1
                       AND {clause})
            OR EXISTS (SELECT 1 FROM router.messages m JOIN router.conversations c
                       ON c.id = m.conversation_id WHERE m.correspondent_id = $1 AND {clause})
            OR (NOT EXISTS (SELECT 1 FROM router.conversations c WHERE c.correspondent_id = $1)
                AND NOT EXISTS (SELECT 1 FROM router.messages m WHERE m.correspondent_id = $1)
                AND ($2::bool OR EXISTS (
                    SELECT 1 FROM router.audit_log a WHERE a.action = 'correspondent.registered'
                    AND a.details->>'correspondent_id' = $1::text AND a.actor = $3)))
        """,
        correspondent_id, principal.is_lead, principal.username, *params,
    ))


async def patient_visible(conn: asyncpg.Connection, patient_id: uuid.UUID, principal: Principal) -> bool:
    """A patient is seen through their conversations, or the conversations of an address
    linked to them, that the principal sees; one with none by leads, admins and their
    creator."""
    if principal.is_admin:
        return True
    clause, params = principal.scope().sql("c.site_id", "c.team", 4)
    reach = """
        SELECT c.id FROM router.conversations c WHERE c.patient_id = $1
        UNION ALL
        SELECT c.id FROM router.conversations c JOIN router.correspondent_links l
          ON l.correspondent_id = c.correspondent_id AND l.unlinked_at IS NULL
        WHERE l.patient_id = $1"""
    return bool(await conn.fetchval(
        f"""
        SELECT EXISTS (SELECT 1 FROM ({reach}) r JOIN router.conversations c ON c.id = r.id
                       WHERE {clause})
            OR (NOT EXISTS ({reach}) AND ($2::bool OR EXISTS (
                SELECT 1 FROM router.patients p WHERE p.id = $1 AND p.created_by = $3)))
        """,
        patient_id, principal.is_lead, principal.username, *params,
    ))
