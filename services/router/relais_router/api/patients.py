"""Identity endpoints: patients, correspondent links, address verification (agent or code).

A patient or an address is seen through the conversations the caller sees (see
`identity.patient_visible` / `correspondent_visible`); anything else answers 404. Every
change and every read of a patient's record lands in the audit log in the same
transaction; links are never deleted (an unlink stamps the link, a new link is a new row).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

import asyncpg
from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field
from relais_shared import topics
from relais_shared.events import NotifyRequested, make_envelope
from relais_shared.http import Problem
from relais_shared.ids import new_id
from relais_shared.outbox import enqueue

from ..adapters import identity, views
from ..adapters import repository as repo
from ..adapters.users import Principal
from ..domain import identity as rules
from .auth import require_principal

router = APIRouter(prefix="/v1")
Caller = Annotated[Principal, Depends(require_principal)]
Relation = Literal["self", "parent", "carer", "care_home"]
CHANNEL_OF_KIND = {"phone": "sms", "email": "email", "chat": "chat"}


def _parse_id(value: str, what: str = "id") -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Problem(400, "invalid-id", f"The {what} is not a UUID") from None


def _visible(principal: Principal, conversation: dict[str, Any]) -> bool:
    return principal.can_see(conversation["site"], conversation["team"])


async def _correspondent(
    conn: asyncpg.Connection, correspondent_id: uuid.UUID, principal: Principal
) -> asyncpg.Record:
    """The correspondent row, locked: identity changes serialise with threading (same order:
    correspondent, then patient)."""
    row = await identity.correspondent(conn, correspondent_id, lock=True)
    if row is None or not await identity.correspondent_visible(conn, correspondent_id, principal):
        raise Problem(404, "not-found", "No such correspondent")
    return row


async def _patient(conn: asyncpg.Connection, patient_id: uuid.UUID, principal: Principal) -> asyncpg.Record:
    row = await identity.patient(conn, patient_id)
    if row is None or not await identity.patient_visible(conn, patient_id, principal):
        raise Problem(404, "not-found", "No such patient")
    await repo.lock_patient(conn, patient_id)
    return row


async def _correspondent_answer(conn: asyncpg.Connection, correspondent_id: uuid.UUID) -> dict[str, Any]:
    row = await identity.correspondent(conn, correspondent_id)
    assert row is not None
    view = identity.correspondent_view(row)
    links = await identity.links_of_correspondent(conn, correspondent_id, include_ended=True)
    view["links"] = [
        {**identity.link_view(link, address_verified=row["verified"]),
         "display_name": link["display_name"]}
        for link in links
    ]
    return view


# --- patients -----------------------------------------------------------------------------


class PatientIn(BaseModel):
    display_name: str = Field(min_length=1, max_length=200)
    birth_date: date | None = None
    external_ref: str | None = Field(default=None, min_length=1, max_length=100)


@router.post("/patients", status_code=201)
async def create_patient(body: PatientIn, request: Request, principal: Caller) -> dict[str, Any]:
    async with request.app.state.pool.acquire() as conn, conn.transaction():
        try:
            async with conn.transaction():
                patient_id = await identity.create_patient(
                    conn, principal.username, body.display_name.strip(), body.birth_date,
                    body.external_ref,
                )
        except asyncpg.UniqueViolationError:
            raise Problem(409, "patient-exists",
                          "A patient with this external reference already exists") from None
        row = await identity.patient(conn, patient_id)
    assert row is not None
    return identity.patient_view(row)


@router.get("/patients/{patient_id}")
async def get_patient(patient_id: str, request: Request, principal: Caller) -> dict[str, Any]:
    """The patient, every link (ended and unverified ones marked), and the conversations reached
    through verified links (those of the caller's teams)."""
    pid = _parse_id(patient_id)
    async with request.app.state.pool.acquire() as conn, conn.transaction():
        row = await identity.patient(conn, pid)
        if row is None or not await identity.patient_visible(conn, pid, principal):
            raise Problem(404, "not-found", "No such patient")
        links = await identity.links_of_patient(conn, pid)
        conversations = []
        for conversation_id in await identity.patient_conversation_ids(conn, pid):
            conv = await views.conversation(conn, conversation_id)
            if conv is not None and _visible(principal, conv):
                conv.pop("messages", None)
                conversations.append(conv)
        await repo.audit(conn, principal.username, "patient.read",
                         details={"patient_id": str(pid)})
    return {
        **identity.patient_view(row),
        "links": [
            {**identity.link_view(link, address_verified=link["address_verified"]),
             "address": link["address"], "kind": link["kind"],
             "address_verified": link["address_verified"]}
            for link in links
        ],
        "conversations": conversations,
    }


# --- correspondents -----------------------------------------------------------------------


class CorrespondentIn(BaseModel):
    address: str = Field(min_length=3, max_length=320)
    site: str | None = None


async def _region(conn: asyncpg.Connection, site: str | None, default_site: str) -> str:
    region = await identity.site_region(conn, site or default_site)
    if region is None:
        if site is not None:
            raise Problem(422, "unknown-site", f"No site {site!r}")
        return "FR"
    return region


@router.post("/correspondents")
async def register_correspondent(
    body: CorrespondentIn, request: Request, response: Response, principal: Caller
) -> dict[str, Any]:
    """Find or register an address (phone read in the site's region, or email), e.g. a
    patient's email known before they write."""
    async with request.app.state.pool.acquire() as conn, conn.transaction():
        region = await _region(conn, body.site, request.app.state.settings.default_site)
        text = body.address.strip()
        kind = "email" if "@" in text else "phone"
        address = rules.normalise_address(text, kind, text, region)
        if address.unparsed:
            raise Problem(422, "invalid-address", "Not a phone number or an email address")
        correspondent_id, created = await identity.ensure_correspondent(
            conn, principal.username, address
        )
        if not created and not await identity.correspondent_visible(
                conn, correspondent_id, principal):
            # Known, through conversations the caller does not see: its links stay hidden.
            await repo.audit(conn, principal.username, "correspondent.looked_up",
                             details={"correspondent_id": str(correspondent_id)})
            response.status_code = 200
            return {"id": str(correspondent_id), "address": address.address,
                    "kind": address.kind, "links": [], "restricted": True}
        answer = await _correspondent_answer(conn, correspondent_id)
        if not created:
            await repo.audit(conn, principal.username, "correspondent.read",
                             details={"correspondent_id": str(correspondent_id)})
    response.status_code = 201 if created else 200
    return answer


@router.get("/correspondents/{correspondent_id}")
async def get_correspondent(correspondent_id: str, request: Request, principal: Caller) -> dict[str, Any]:
    cid = _parse_id(correspondent_id)
    async with request.app.state.pool.acquire() as conn, conn.transaction():
        if (await identity.correspondent(conn, cid) is None
                or not await identity.correspondent_visible(conn, cid, principal)):
            raise Problem(404, "not-found", "No such correspondent")
        answer = await _correspondent_answer(conn, cid)
        await repo.audit(conn, principal.username, "correspondent.read",
                         details={"correspondent_id": str(cid)})
    return answer


class LinkIn(BaseModel):
    patient_id: uuid.UUID
    relation: Relation
    verified: bool = False  # the agent confirmed who this is (it also verifies the address)


@router.post("/correspondents/{correspondent_id}/links", status_code=201)
async def link_patient(
    correspondent_id: str, body: LinkIn, request: Request, principal: Caller
) -> dict[str, Any]:
    cid = _parse_id(correspondent_id)
    async with request.app.state.pool.acquire() as conn, conn.transaction():
        await _correspondent(conn, cid, principal)
        await _patient(conn, body.patient_id, principal)
        if await identity.active_link(conn, cid, body.patient_id) is not None:
            raise Problem(409, "already-linked", "This address is already linked to this patient",
                          detail="Unlink first to change the relation.")
        await identity.link(conn, principal.username, cid, body.patient_id, body.relation,
                            body.verified)
        if body.verified:
            await identity.verify_address(conn, principal.username, cid, "agent")
        return await _correspondent_answer(conn, cid)


@router.delete("/correspondents/{correspondent_id}/links/{patient_id}")
async def unlink_patient(
    correspondent_id: str, patient_id: str, request: Request, principal: Caller,
    reason: str | None = None,
) -> dict[str, Any]:
    cid, pid = _parse_id(correspondent_id), _parse_id(patient_id, "patient id")
    async with request.app.state.pool.acquire() as conn, conn.transaction():
        await _correspondent(conn, cid, principal)
        await _patient(conn, pid, principal)
        link = await identity.active_link(conn, cid, pid)
        if link is None:
            raise Problem(404, "not-linked", "This address is not linked to this patient")
        await identity.unlink(conn, principal.username, link, (reason or None) and reason[:500])
        return await _correspondent_answer(conn, cid)


class VerifyIn(BaseModel):
    patient_id: uuid.UUID | None = None  # also verify this link


@router.post("/correspondents/{correspondent_id}/verify")
async def verify_correspondent(
    correspondent_id: str, request: Request, principal: Caller, body: VerifyIn | None = None,
) -> dict[str, Any]:
    """An agent confirms the address (and, when named, its link to a patient)."""
    cid = _parse_id(correspondent_id)
    async with request.app.state.pool.acquire() as conn, conn.transaction():
        await _correspondent(conn, cid, principal)
        if body is not None and body.patient_id is not None:
            await _patient(conn, body.patient_id, principal)
            link = await identity.active_link(conn, cid, body.patient_id)
            if link is None:
                raise Problem(404, "not-linked", "This address is not linked to this patient")
            await identity.verify_link(conn, principal.username, link, "agent")
        await identity.verify_address(conn, principal.username, cid, "agent")
        return await _correspondent_answer(conn, cid)


# --- one-time codes -----------------------------------------------------------------------


class CodeRequest(BaseModel):
    site: str | None = None
    patient_id: uuid.UUID | None = None  # the link the code will also verify
    conversation_id: uuid.UUID | None = None  # where the sent code shows (never its value)
    lang: Literal["fr", "en"] = "fr"


@router.post("/correspondents/{correspondent_id}/otp", status_code=202)
async def issue_code(
    correspondent_id: str, body: CodeRequest, request: Request, principal: Caller
) -> dict[str, Any]:
    """Send a one-time code to the address (a notify `reply` with a privacy-safe text)."""
    cid = _parse_id(correspondent_id)
    now = datetime.now(UTC)
    async with request.app.state.pool.acquire() as conn, conn.transaction():
        row = await _correspondent(conn, cid, principal)
        channel = CHANNEL_OF_KIND.get(row["kind"])
        if channel is None or row["unparsed"]:
            raise Problem(422, "not-reachable", "No code can be sent to this address")
        site = await repo.site(conn, body.site or request.app.state.settings.default_site)
        if site is None or not principal.can_see_site(site["id"]):
            raise Problem(422, "unknown-site", "No such site")
        if body.patient_id is not None:
            await _patient(conn, body.patient_id, principal)
            if await identity.active_link(conn, cid, body.patient_id) is None:
                raise Problem(404, "not-linked", "This address is not linked to this patient")
        conversation_id = body.conversation_id or await identity.latest_conversation_at(
            conn, cid, site["id"]
        )
        code = rules.new_code()
        nid = uuid.UUID(new_id())
        code_id = await identity.store_code(
            conn, principal.username, cid, body.patient_id, site["id"], code, nid, now
        )
        request_event = NotifyRequested(
            notification_id=str(nid),
            conversation_id=str(conversation_id or cid),
            kind="reply",
            lang=body.lang,
            sender_profile=site["sender_kind"],
            channel=channel,  # type: ignore[arg-type]
            address=row["address"],
            text=rules.otp_text(site["name"], code, body.lang),
            params={"purpose": "verification_code"},
            priority="P2",
            expires_at=now + rules.OTP_TTL,
            dedupe_key=f"otp:{code_id}",
        )
        if conversation_id is not None:
            await repo.insert_message(
                conn, conversation_id=conversation_id, direction="out", channel=channel,
                kind="verification_code", dedupe_key=request_event.dedupe_key,
                notification_id=nid, delivery_status="queued",
            )
        envelope = make_envelope(topics.NOTIFY_REQUESTED, request_event, source="router",
                                 site_id=site["id"], correlation_id=str(code_id))
        await enqueue(conn, repo.SCHEMA, topics.NOTIFY_REQUESTED, request_event.conversation_id,
                      envelope)
    return {"code_id": str(code_id), "notification_id": str(nid),
            "expires_at": (now + rules.OTP_TTL).isoformat()}


class CodeCheck(BaseModel):
    code: str = Field(min_length=1, max_length=20)


@router.post("/correspondents/{correspondent_id}/otp/verify")
async def check_code(
    correspondent_id: str, body: CodeCheck, request: Request, principal: Caller
) -> dict[str, Any]:
    """The code the patient read back: verifies the address (and the link it was issued for)."""
    cid = _parse_id(correspondent_id)
    now = datetime.now(UTC)
    async with request.app.state.pool.acquire() as conn:
        async with conn.transaction():
            await _correspondent(conn, cid, principal)
            code_row = await identity.latest_code(conn, cid)
            if code_row is None:
                raise Problem(404, "no-code", "No code was issued for this address")
            state = rules.otp_state(expires_at=code_row["expires_at"],
                                    attempts=code_row["attempts"],
                                    consumed_at=code_row["consumed_at"], now=now)
            if state != "valid":
                raise Problem(409, f"code-{state}", f"The code is {state}; issue a new one")
            matches = rules.code_matches(code_row["id"], body.code, code_row["code_digest"])
            await identity.count_attempt(conn, code_row["id"], success=matches)
            await repo.audit(conn, principal.username,
                             "correspondent.code_accepted" if matches
                             else "correspondent.code_rejected",
                             details={"correspondent_id": str(cid),
                                      "code_id": str(code_row["id"])})
            if matches:
                if code_row["patient_id"] is not None:
                    await repo.lock_patient(conn, code_row["patient_id"])
                    link = await identity.active_link(conn, cid, code_row["patient_id"])
                    if link is not None:
                        await identity.verify_link(conn, principal.username, link, "otp")
                await identity.verify_address(conn, principal.username, cid, "otp")
                return await _correspondent_answer(conn, cid)
        # the failed attempt is committed (counted) before answering
        left = max(0, rules.OTP_MAX_ATTEMPTS - code_row["attempts"] - 1)
        raise Problem(422, "code-mismatch", "The code does not match", attempts_left=left)
