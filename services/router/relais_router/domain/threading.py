"""Threading rules: which conversation a contact joins, or whether it opens one.

Pure: the adapter fetches (under row locks) the candidate conversations and
passes them in; `choose_thread` decides. Rules (DESIGN "Routing" 2 and 5):

- an email whose In-Reply-To/References name a known Message-ID joins that
  conversation while it is open, whatever its age (the patient answered it);
- otherwise a contact joins its patient's open conversation at the site (when
  the address has exactly one verified link), else the address's own open
  conversation, if the last inbound message is within the window (72 h);
- otherwise it opens a new conversation; open conversations left past the
  window are closed first (one open conversation per patient/address and site).

Joining never changes a conversation's team or agent (continuity).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

DEFAULT_WINDOW_HOURS = 72
MAX_REFERENCES = 50  # a long References header is trimmed to its most recent ids
MAX_MESSAGE_ID = 500
_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")


# --- email Message-IDs ---------------------------------------------------------------


def parse_message_ids(value: Any) -> list[str]:
    """Message-IDs in a header value (or a list of them), without angle brackets, in order.

    `<a@x> <b@y>` -> ["a@x", "b@y"]; a bare id without brackets is accepted as one id.
    """
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        found: list[str] = []
        for item in value:
            found.extend(parse_message_ids(item))
        return _unique(found)
    text = str(value).strip()
    if not text:
        return []
    ids = _MESSAGE_ID.findall(text)
    if not ids and " " not in text and "@" in text:
        ids = [text.strip("<>")]
    return _unique(i for i in ids if 0 < len(i) <= MAX_MESSAGE_ID)


def _unique(ids: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in ids:
        seen.setdefault(item, None)
    return list(seen)


@dataclass(frozen=True)
class EmailThreadIds:
    """An email's own Message-ID and the ids it answers."""

    message_id: str | None = None
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()

    def candidates(self) -> list[str]:
        """Ids to look up, strongest first: In-Reply-To, then References newest first."""
        recent = list(reversed(self.references))[:MAX_REFERENCES]
        return [i for i in _unique([*self.in_reply_to, *recent]) if i != self.message_id]


def email_thread_ids(provider_ids: Mapping[str, str], metadata: Mapping[str, Any]) -> EmailThreadIds:
    """Read an email contact's ids from `provider_ids["Message-ID"]` and `metadata`."""
    own = parse_message_ids(provider_ids.get("Message-ID") or metadata.get("message_id"))
    return EmailThreadIds(
        message_id=own[0] if own else None,
        in_reply_to=tuple(parse_message_ids(metadata.get("in_reply_to"))),
        references=tuple(parse_message_ids(metadata.get("references"))),
    )


def outbound_message_id(notification_id: str, mailbox: str | None) -> str:
    """The Message-ID the router names for an email it asks the notifier to send.

    The domain is the clinic mailbox's (the patient wrote to it), so replies thread back.
    """
    domain = mailbox.rsplit("@", 1)[1].strip().lower() if mailbox and "@" in mailbox else ""
    return f"relais.{notification_id}@{domain or 'relais.invalid'}"


# --- choosing the conversation ---------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """An existing conversation the contact might join."""

    id: uuid.UUID
    status: Literal["open", "resolved"]
    last_inbound_at: datetime
    patient_id: uuid.UUID | None = None
    correspondent_id: uuid.UUID | None = None


@dataclass(frozen=True)
class ThreadChoice:
    """Join `conversation_id`, or open a new conversation (conversation_id None)."""

    conversation_id: uuid.UUID | None
    reason: Literal["email_reference", "patient_open", "address_open", "new"]
    patient_id: uuid.UUID | None = None
    # the joined address conversation gets the now-verified patient
    adopt_patient: bool = False
    # open conversations past the window, closed before a new one opens
    close_stale: tuple[uuid.UUID, ...] = field(default_factory=tuple)
    # a resolved conversation the email answered: the new one follows it
    follows: uuid.UUID | None = None

    @property
    def joins(self) -> bool:
        return self.conversation_id is not None


def within_window(last_inbound_at: datetime, now: datetime, window_hours: int) -> bool:
    return now - last_inbound_at < timedelta(hours=window_hours)


def choose_thread(
    *,
    now: datetime,
    patient_id: uuid.UUID | None,
    referenced: Sequence[Candidate] = (),
    patient_open: Candidate | None = None,
    address_open: Candidate | None = None,
    window_hours: int = DEFAULT_WINDOW_HOURS,
) -> ThreadChoice:
    """Decide where a contact goes.

    `referenced`: conversations named by the email's In-Reply-To/References, strongest
    first. `patient_open`: the open conversation of the address's verified patient at
    the site. `address_open`: the address's own open conversation without a patient.
    """
    for conv in referenced:
        if conv.status == "open":
            return ThreadChoice(conv.id, "email_reference", patient_id=conv.patient_id)
    follows = referenced[0].id if referenced else None
    stale: list[uuid.UUID] = []
    if patient_open is not None:
        if within_window(patient_open.last_inbound_at, now, window_hours):
            return ThreadChoice(patient_open.id, "patient_open", patient_id=patient_id)
        stale.append(patient_open.id)
    if address_open is not None:
        if within_window(address_open.last_inbound_at, now, window_hours):
            return ThreadChoice(
                address_open.id, "address_open", patient_id=patient_id,
                adopt_patient=patient_id is not None,
            )
        stale.append(address_open.id)
    return ThreadChoice(None, "new", patient_id=patient_id, close_stale=tuple(stale), follows=follows)


# --- CSAT replies (hook: the survey itself is not built yet) ---------------------------

CSAT_REPLY_HOURS = 48
_RATING = re.compile(r"^\s*([1-5])\s*(?:/\s*5)?\s*[.!]?\s*$")


def lone_rating(text: str | None) -> int | None:
    """The 1–5 a message consists of ("4", " 5/5 ", "3."), else None."""
    match = _RATING.match(text) if text else None
    return int(match.group(1)) if match else None


def csat_rating(
    text: str | None,
    *,
    survey_sent_at: datetime | None,
    agent_replied_since: bool,
    now: datetime,
) -> int | None:
    """A lone 1–5 answering a CSAT survey sent within 48 h (no agent message since) is a rating.

    Returns the rating, or None when the contact is an ordinary contact.
    """
    if survey_sent_at is None or agent_replied_since:
        return None
    if not timedelta(0) <= now - survey_sent_at <= timedelta(hours=CSAT_REPLY_HOURS):
        return None
    return lone_rating(text)
