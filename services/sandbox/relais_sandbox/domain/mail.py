"""Mails received by the sandbox's SMTP sink: parsed for display, kept in a bounded box.

Pure: the SMTP server (adapters/smtp_sink.py) hands over the raw bytes and the envelope.
HTML parts are kept as their source text, to be shown escaped, never rendered.
"""

from __future__ import annotations

import email
import email.policy
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from typing import Any

MAX_PART_CHARS = 100_000
_HEADERS = ("From", "To", "Cc", "Subject", "Date", "Message-ID", "In-Reply-To", "Auto-Submitted")


@dataclass(frozen=True)
class MailPart:
    content_type: str
    text: str
    truncated: bool = False


@dataclass(frozen=True)
class Attachment:
    filename: str | None
    content_type: str
    size: int


@dataclass(frozen=True)
class ReceivedMail:
    id: int
    received_at: datetime
    envelope_from: str
    envelope_to: tuple[str, ...]
    headers: dict[str, str]
    date: datetime | None
    text_parts: tuple[MailPart, ...]
    html_parts: tuple[MailPart, ...]
    attachments: tuple[Attachment, ...]
    size: int
    defects: int = 0

    @property
    def subject(self) -> str:
        return self.headers.get("Subject", "")


def _header(message: EmailMessage, name: str) -> str | None:
    try:
        value = message.get(name)
    except (ValueError, IndexError, TypeError):  # malformed header the policy cannot parse
        raw = message.get_all(name, failobj=None)
        value = raw[0] if raw else None
    return None if value is None else str(value)


def _part_text(part: EmailMessage) -> tuple[str, bool]:
    try:
        content = part.get_content()
    except (LookupError, ValueError, UnicodeError):
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    text = content if isinstance(content, str) else content.decode("utf-8", "replace")
    text = text.replace("\r\n", "\n")
    if len(text) > MAX_PART_CHARS:
        return text[:MAX_PART_CHARS], True
    return text, False


def _mail_date(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        return parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None


def parse_mail(
    raw: bytes,
    *,
    mail_id: int,
    envelope_from: str,
    envelope_to: list[str],
    received_at: datetime,
) -> ReceivedMail:
    """Headers, text and HTML parts (as text) and attachment summaries of one message."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    headers = {name: value for name in _HEADERS if (value := _header(message, name)) is not None}
    texts: list[MailPart] = []
    htmls: list[MailPart] = []
    attachments: list[Attachment] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        content_type = part.get_content_type()
        if part.get_content_disposition() == "attachment" or content_type not in (
            "text/plain",
            "text/html",
        ):
            payload = part.get_payload(decode=True)
            attachments.append(
                Attachment(
                    part.get_filename(),
                    content_type,
                    len(payload) if isinstance(payload, bytes) else 0,
                )
            )
            continue
        text, truncated = _part_text(part)
        (htmls if content_type == "text/html" else texts).append(
            MailPart(content_type, text, truncated)
        )
    return ReceivedMail(
        id=mail_id,
        received_at=received_at,
        envelope_from=envelope_from,
        envelope_to=tuple(envelope_to),
        headers=headers,
        date=_mail_date(headers.get("Date")),
        text_parts=tuple(texts),
        html_parts=tuple(htmls),
        attachments=tuple(attachments),
        size=len(raw),
        defects=len(message.defects),
    )


@dataclass
class Mailbox:
    """The latest `capacity` mails, newest first on listing; ids increase per process."""

    capacity: int = 1000
    _mails: deque[ReceivedMail] = field(init=False)
    _next_id: int = field(default=1, init=False)

    def __post_init__(self) -> None:
        if self.capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._mails = deque(maxlen=self.capacity)

    def __len__(self) -> int:
        return len(self._mails)

    def next_id(self) -> int:
        mail_id = self._next_id
        self._next_id += 1
        return mail_id

    def add(self, mail: ReceivedMail) -> None:
        self._mails.append(mail)

    def newest_first(self, limit: int | None = None) -> list[ReceivedMail]:
        mails = list(reversed(self._mails))
        return mails if limit is None else mails[:limit]

    def get(self, mail_id: int) -> ReceivedMail | None:
        return next((m for m in self._mails if m.id == mail_id), None)

    def clear(self) -> None:
        self._mails.clear()


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def mail_view(mail: ReceivedMail) -> dict[str, Any]:
    """The JSON shape of `/_sandbox/mail`."""
    return {
        "id": mail.id,
        "received_at": _iso(mail.received_at),
        "envelope_from": mail.envelope_from,
        "envelope_to": list(mail.envelope_to),
        "from": mail.headers.get("From"),
        "to": mail.headers.get("To"),
        "cc": mail.headers.get("Cc"),
        "subject": mail.subject,
        "date": _iso(mail.date),
        "message_id": mail.headers.get("Message-ID"),
        "in_reply_to": mail.headers.get("In-Reply-To"),
        "auto_submitted": mail.headers.get("Auto-Submitted"),
        "text": "\n\n".join(p.text for p in mail.text_parts),
        "html": [p.text for p in mail.html_parts],
        "attachments": [
            {"filename": a.filename, "content_type": a.content_type, "size": a.size}
            for a in mail.attachments
        ],
        "size": mail.size,
        "defects": mail.defects,
    }
