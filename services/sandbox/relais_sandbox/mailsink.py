"""The SMTP sink's use case: keep each received mail, parsed, in a bounded mailbox."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from relais_shared.logging import get_logger

from . import metrics
from .domain.mail import Mailbox, parse_mail

log = get_logger(__name__)


class MailSink:
    def __init__(self, mailbox: Mailbox, clock: Callable[[], datetime]) -> None:
        self.mailbox = mailbox
        self._clock = clock

    def receive(self, raw: bytes, envelope_from: str, envelope_to: list[str]) -> int:
        """Keep one mail as the SMTP server received it; return its id."""
        mail = parse_mail(
            raw,
            mail_id=self.mailbox.next_id(),
            envelope_from=envelope_from,
            envelope_to=envelope_to,
            received_at=self._clock(),
        )
        self.mailbox.add(mail)
        metrics.MAILS_RECEIVED.inc()
        log.info("mail_received", mail_id=mail.id, size=mail.size, recipients=len(envelope_to))
        return mail.id
