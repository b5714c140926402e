"""Mails the SMTP sink keeps: parsed for display, HTML kept as source text, bounded."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from relais_sandbox.api.mail import LABELS, render_mail_page
from relais_sandbox.domain.mail import Mailbox, mail_view, parse_mail

from tests.unit.sandbox.factories import T0

pytestmark = pytest.mark.unit


def _mail(**headers: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = headers.get("From", "Cabinet Relais <noreply@relais.example>")
    mail["To"] = headers.get("To", "patient@example.org")
    mail["Subject"] = headers.get("Subject", "Votre demande a bien été reçue")
    mail["Date"] = "Wed, 01 May 2024 09:30:00 +0200"
    mail["Message-ID"] = "<ack-1@relais.example>"
    mail["Auto-Submitted"] = "auto-replied"
    mail.set_content("Bonjour,\nvotre demande est reçue.\n")
    return mail


def _parse(raw: bytes, mail_id: int = 1):
    return parse_mail(
        raw,
        mail_id=mail_id,
        envelope_from="bounce@relais.example",
        envelope_to=["patient@example.org"],
        received_at=T0,
    )


def test_headers_text_and_envelope_are_kept():
    mail = _parse(_mail().as_bytes())
    view = mail_view(mail)
    assert view["subject"] == "Votre demande a bien été reçue"  # RFC 2047 decoded
    assert view["from"] == "Cabinet Relais <noreply@relais.example>"
    assert view["to"] == "patient@example.org"
    assert view["date"] == "2024-05-01T09:30:00+02:00"
    assert view["message_id"] == "<ack-1@relais.example>"
    assert view["auto_submitted"] == "auto-replied"
    assert view["text"] == "Bonjour,\nvotre demande est reçue.\n"
    assert view["envelope_from"] == "bounce@relais.example"
    assert view["envelope_to"] == ["patient@example.org"]
    assert view["html"] == [] and view["attachments"] == []


def test_html_parts_are_kept_as_source_and_attachments_summarised():
    mail = _mail()
    mail.add_alternative("<p>Bonjour <script>alert(1)</script></p>", subtype="html")
    mail.add_attachment(
        b"%PDF-1.4 fake", maintype="application", subtype="pdf", filename="facture.pdf"
    )
    view = mail_view(_parse(mail.as_bytes()))
    assert view["html"] == ["<p>Bonjour <script>alert(1)</script></p>\n"]
    assert view["attachments"] == [
        {"filename": "facture.pdf", "content_type": "application/pdf", "size": 13}
    ]


def test_an_unknown_charset_or_a_broken_mail_still_shows_something():
    raw = (
        b"From: x@example.org\r\nSubject: =?utf-8?q?caf=C3=A9?=\r\n"
        b"Content-Type: text/plain; charset=x-unknown-charset\r\n\r\ncaf\xc3\xa9\r\n"
    )
    view = mail_view(_parse(raw))
    assert view["subject"] == "café"
    assert "caf" in view["text"]
    garbage = mail_view(_parse(b"\x00\xff not a mail at all"))
    assert garbage["subject"] == "" and garbage["size"] == 20


def test_the_mailbox_keeps_the_latest_and_lists_newest_first():
    box = Mailbox(capacity=2)
    for _ in range(3):
        box.add(_parse(_mail().as_bytes(), box.next_id()))
    assert [m.id for m in box.newest_first()] == [3, 2]
    assert box.get(1) is None and box.get(3) is not None
    assert [m.id for m in box.newest_first(limit=1)] == [3]


def test_the_mail_page_escapes_everything_from_the_mail():
    mail = _mail(Subject="<img src=x onerror=alert(1)>", From='"<b>Evil</b>" <e@example.org>')
    mail.add_alternative("<p onclick='x()'>Salut</p>", subtype="html")
    page = render_mail_page([_parse(mail.as_bytes())], {"listening": True, "port": 2526}, "fr", 1)
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<b>Evil" not in page and "<p onclick" not in page
    assert "&lt;p onclick=&#x27;x()&#x27;&gt;Salut&lt;/p&gt;" in page
    assert LABELS["fr"]["html"] in page


def test_the_mail_page_says_when_the_sink_is_not_listening_in_both_languages():
    down = {"listening": False, "port": 2526, "error": "cannot listen on 127.0.0.1:2526"}
    fr = render_mail_page([], down, "fr", 0)
    en = render_mail_page([], down, "en", 0)
    assert '<html lang="fr">' in fr and "n&#x27;écoute pas" in fr and "Aucun courriel" in fr
    assert '<html lang="en">' in en and "not listening" in en and "No mail received" in en
