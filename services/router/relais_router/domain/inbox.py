"""The inbox's commands and their rules (pure): what an agent may do to a conversation,
when a command is stale, where a reply goes, tags, contact reasons, canned replies.

Every write an agent makes is one of the command classes below; the service layer
(`relais_router.commands`) runs them, the API and the worker's sweeper only build them.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

MAX_REPLY_CHARS = 1600  # ten SMS segments of GSM-7; the notifier caps what one SMS may carry
MAX_NOTE_CHARS = 10_000
MAX_TAGS = 10
_TAG = re.compile(r"^[a-z0-9à-ÿ][a-z0-9à-ÿ_-]{0,39}$")

# Changes that make a command prepared on an older version stale: the agent would answer
# without having seen them. Notes, tags, snoozes and delivery states are not among them.
MOVES = frozenset({
    "patient_message", "replied", "claimed", "assigned", "released", "returned_to_queue",
    "resolved", "reopened", "escalated", "routed",
})

# Why patients write, for the "why" analytics (labels FR / EN).
CONTACT_REASONS: Mapping[str, tuple[str, str]] = {
    "appointment": ("Rendez-vous", "Appointment"),
    "prescription": ("Ordonnance", "Prescription"),
    "results": ("Résultats", "Results"),
    "billing": ("Facturation", "Billing"),
    "clinical_question": ("Question médicale", "Clinical question"),
    "administrative": ("Démarche administrative", "Paperwork"),
    "complaint": ("Réclamation", "Complaint"),
    "records_request": ("Demande de dossier", "Records request"),
    "information": ("Renseignement", "Information"),
    "other": ("Autre", "Other"),
}


class InboxError(Exception):
    """A command or read refused, classified; the API turns it into problem+json."""

    status: ClassVar[int] = 400
    slug: ClassVar[str] = "bad-request"

    def __init__(self, title: str, detail: str | None = None, **extra: Any) -> None:
        super().__init__(title)
        self.title = title
        self.detail = detail
        self.extra = extra


class NotFound(InboxError):
    """Absent, or not the caller's to see: the two are answered alike."""

    status, slug = 404, "not-found"


class Invalid(InboxError):
    status, slug = 422, "invalid-command"


class Conflict(InboxError):
    status, slug = 409, "conflict"


class ConversationMoved(Conflict):
    slug = "conversation-moved"


class AlreadyClaimed(Conflict):
    slug = "already-claimed"


class Forbidden(InboxError):
    """A role the command needs (a lead's assignment); the conversation itself is visible."""

    status, slug = 403, "forbidden"


@dataclass(frozen=True, kw_only=True)
class Command:
    """A write on one conversation. `version`: the one the agent saw (None: no check);
    `client_key`: a retried click with the same key gets the first answer."""

    name: ClassVar[str]
    checks_moves: ClassVar[bool] = True
    conversation_id: uuid.UUID
    version: int | None = None
    client_key: str | None = None


@dataclass(frozen=True, kw_only=True)
class Claim(Command):
    name = "claim"


@dataclass(frozen=True, kw_only=True)
class Release(Command):
    name = "release"


@dataclass(frozen=True, kw_only=True)
class Assign(Command):
    """A lead gives the conversation to an agent who is present and has room."""

    name = "assign"
    username: str


@dataclass(frozen=True, kw_only=True)
class Reply(Command):
    name = "reply"
    body: str
    channel: str | None = None


@dataclass(frozen=True, kw_only=True)
class AddNote(Command):
    name = "note"
    checks_moves = False
    body: str


@dataclass(frozen=True, kw_only=True)
class Resolve(Command):
    name = "resolve"


@dataclass(frozen=True, kw_only=True)
class Reopen(Command):
    name = "reopen"


@dataclass(frozen=True, kw_only=True)
class Snooze(Command):
    """Snoozed until a time, or waiting on the patient (until they write): the SLA pauses."""

    name = "snooze"
    checks_moves = False
    until: datetime | None = None
    waiting_on_patient: bool = False


@dataclass(frozen=True, kw_only=True)
class Wake(Command):
    name = "wake"
    checks_moves = False


@dataclass(frozen=True, kw_only=True)
class SetTags(Command):
    name = "tags"
    checks_moves = False
    tags: tuple[str, ...] = ()
    reason: str | None = None


@dataclass(frozen=True)
class Change:
    """One row of the conversation's change feed."""

    version: int
    change: str
    at: datetime
    actor: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"version": self.version, "change": self.change, "at": self.at.isoformat(),
                "actor": self.actor}


def stale_moves(changes: Iterable[Change], username: str) -> list[Change]:
    """The changes since the agent's version that they did not make and that matter."""
    return [c for c in changes if c.change in MOVES and c.actor != username]


def normalise_tags(tags: Sequence[str]) -> tuple[str, ...]:
    """Lower-cased, trimmed, distinct, in the given order; Invalid when one is not a tag."""
    seen: dict[str, None] = {}
    for raw in tags:
        tag = raw.strip().lower().replace(" ", "-")
        if not _TAG.match(tag):
            raise Invalid("Not a tag", f"Tags are 1-40 letters, digits, '-' or '_': {raw[:40]!r}")
        seen.setdefault(tag, None)
    if len(seen) > MAX_TAGS:
        raise Invalid("Too many tags", f"At most {MAX_TAGS} tags")
    return tuple(seen)


def check_reason(reason: str | None) -> str | None:
    if reason is not None and reason not in CONTACT_REASONS:
        raise Invalid("Unknown contact reason", f"One of: {', '.join(CONTACT_REASONS)}")
    return reason


def check_text(body: str, limit: int, what: str) -> str:
    text = body.strip()
    if not text:
        raise Invalid(f"An empty {what}")
    if len(text) > limit:
        raise Invalid(f"The {what} is too long", f"At most {limit} characters")
    return text


@dataclass(frozen=True)
class ReplyRoute:
    """Where an agent's reply goes: the channel, the patient's address, the site's sender."""

    channel: str
    address: str
    sender: str | None


def reply_route(
    address: str, address_kind: str, is_mobile: bool, unparsed: bool, last_channel: str | None,
    sms_from: str | None, requested: str | None = None,
) -> ReplyRoute | None:
    """The patient's channel for a reply, or None when Relais cannot answer there yet.

    SMS answers a phone that texted, or a mobile that called; other channels (email, chat)
    arrive with their providers."""
    sms_ok = address_kind == "phone" and not unparsed and (last_channel == "sms" or is_mobile)
    if requested not in (None, "sms"):
        return None
    return ReplyRoute("sms", address, sms_from) if sms_ok else None


@dataclass(frozen=True)
class CannedReply:
    id: str
    team: str
    lang: str
    title: str
    body: str

    def render(self, variables: Mapping[str, str]) -> str:
        return render_variables(self.body, variables)


_VARIABLE = re.compile(r"\{(patient|reference|clinic|team|agent)\}")


def render_variables(body: str, variables: Mapping[str, str]) -> str:
    """Fill `{patient}`, `{reference}`, `{clinic}`, `{team}`, `{agent}`; a variable without a
    value becomes an empty string, and the spaces around it fold (never a literal "{x}")."""
    text = _VARIABLE.sub(lambda m: variables.get(m.group(1), "") or "", body)
    return re.sub(r"[ \t]{2,}", " ", re.sub(r" +([,.!?;:])", r"\1", text)).strip()


@dataclass(frozen=True)
class _Builtin:
    title_fr: str
    body_fr: str
    title_en: str
    body_en: str
    teams: tuple[str, ...] = field(default=())  # () : every team


# Offered where a site set none of its own: short, no clinical content, FR and EN.
BUILTIN_CANNED: tuple[_Builtin, ...] = (
    _Builtin("Prise en charge", "Bonjour {patient}, c'est {agent} de {clinic}. Je m'occupe de votre demande {reference} et je reviens vers vous rapidement.",
             "Taking it", "Hello {patient}, this is {agent} from {clinic}. I am handling your request {reference} and will get back to you shortly."),
    _Builtin("Précision", "Bonjour {patient}, pour traiter votre demande {reference}, pourriez-vous nous préciser votre date de naissance ?",
             "Details", "Hello {patient}, to handle your request {reference}, could you tell us your date of birth?"),
    _Builtin("Clôture", "Votre demande {reference} est traitée. Bonne journée, {clinic}.",
             "Closing", "Your request {reference} has been handled. Have a good day, {clinic}."),
    _Builtin("Rendez-vous proposé", "Bonjour {patient}, nous pouvons vous proposer un rendez-vous. Quel jour et quelle heure vous conviendraient ?",
             "Appointment offered", "Hello {patient}, we can offer you an appointment. Which day and time would suit you?",
             ("rendez-vous", "accueil")),
    _Builtin("Ordonnance prête", "Bonjour {patient}, votre ordonnance est prête. Vous pouvez passer la récupérer à l'accueil de {clinic}.",
             "Prescription ready", "Hello {patient}, your prescription is ready to collect at the {clinic} front desk.",
             ("ordonnances",)),
    _Builtin("Résultats disponibles", "Bonjour {patient}, vos résultats sont disponibles. Le médecin vous rappellera pour en parler.",
             "Results available", "Hello {patient}, your results are in. The doctor will call you to go through them.",
             ("resultats",)),
)


def builtin_canned(team: str) -> list[CannedReply]:
    out = []
    for index, item in enumerate(BUILTIN_CANNED):
        if item.teams and team not in item.teams:
            continue
        out.append(CannedReply(f"builtin-{index}-fr", team, "fr", item.title_fr, item.body_fr))
        out.append(CannedReply(f"builtin-{index}-en", team, "en", item.title_en, item.body_en))
    return out


QUEUE_FILTERS = ("urgent", "needs_triage", "breached", "mine", "unassigned", "waiting")
