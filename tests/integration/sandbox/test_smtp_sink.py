"""The SMTP sink: any SMTP client's mail is kept and listed (JSON and page), escaped; a busy
port leaves the sandbox running and says so."""

from __future__ import annotations

import asyncio
import smtplib
import socket
from email.message import EmailMessage

import pytest
from relais_sandbox.bootstrap import build_runtime
from relais_sandbox.settings import SandboxSettings

pytestmark = pytest.mark.integration


def _send(port: int, message: EmailMessage) -> dict:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        smtp.ehlo("relais-notifier.test")
        return smtp.send_message(message)


def _ack_mail(to: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = "Cabinet du Parc <noreply@relais.example>"
    mail["To"] = to
    mail["Subject"] = "Votre demande est bien reçue — réf. R-42"
    mail["Message-ID"] = "<r-42@relais.example>"
    mail["Auto-Submitted"] = "auto-replied"
    mail.set_content("Bonjour,\nl'équipe Rendez-vous vous répond avant 17 h.\n")
    mail.add_alternative("<p>Bonjour <script>alert('x')</script></p>", subtype="html")
    return mail


async def test_a_mail_sent_with_smtplib_is_listed_as_json_and_on_the_page(
    phone_sandbox, phone_client
):
    port = phone_sandbox.runtime.smtp.port
    refused = await asyncio.to_thread(_send, port, _ack_mail("patient@example.org"))
    assert refused == {}
    listing = (await phone_client.get("/_sandbox/mail")).json()
    assert listing["smtp"]["listening"] and listing["smtp"]["port"] == port
    (mail,) = listing["mails"]
    assert mail["subject"] == "Votre demande est bien reçue — réf. R-42"
    assert mail["from"] == "Cabinet du Parc <noreply@relais.example>"
    assert mail["to"] == "patient@example.org" and mail["envelope_to"] == ["patient@example.org"]
    assert mail["envelope_from"] == "noreply@relais.example"
    assert mail["text"] == "Bonjour,\nl'équipe Rendez-vous vous répond avant 17 h.\n"
    assert mail["html"] == ["<p>Bonjour <script>alert('x')</script></p>\n"]
    assert mail["auto_submitted"] == "auto-replied"

    page = await phone_client.get("/mail")
    assert page.status_code == 200
    assert "script-src" not in page.headers["content-security-policy"]
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "<script>" not in page.text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page.text
    assert "Votre demande est bien reçue — réf. R-42" in page.text
    english = await phone_client.get("/mail", params={"lang": "en"})
    assert '<html lang="en">' in english.text and "newest first" in english.text


async def test_many_mails_and_recipients_from_concurrent_clients(phone_sandbox, phone_client):
    port = phone_sandbox.runtime.smtp.port

    def send_many(offset: int) -> None:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
            for n in range(5):
                mail = _ack_mail(f"p{offset + n}@example.org")
                smtp.send_message(mail, to_addrs=[f"p{offset + n}@example.org", "copy@example.org"])

    await asyncio.gather(*(asyncio.to_thread(send_many, k * 10) for k in range(4)))
    listing = (await phone_client.get("/_sandbox/mail", params={"limit": 100})).json()
    assert listing["total_stored"] == 20
    assert all(m["envelope_to"][1] == "copy@example.org" for m in listing["mails"])
    ids = [m["id"] for m in listing["mails"]]
    assert ids == sorted(ids, reverse=True)  # newest first
    (await phone_client.delete("/_sandbox/mail")).raise_for_status()
    assert (await phone_client.get("/_sandbox/mail")).json()["count"] == 0


async def test_an_oversized_mail_is_refused_with_552(phone_sandbox):
    port = phone_sandbox.runtime.smtp.port
    mail = _ack_mail("p@example.org")
    mail.add_attachment(
        b"x" * (phone_sandbox.runtime.settings.sandbox_max_mail_bytes + 10),
        maintype="application",
        subtype="octet-stream",
        filename="big.bin",
    )
    with pytest.raises(smtplib.SMTPException) as caught:
        await asyncio.to_thread(_send, port, mail)
    assert "552" in str(caught.value) or getattr(caught.value, "smtp_code", None) == 552


async def test_a_busy_port_leaves_the_sandbox_up_and_says_so():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        runtime = build_runtime(SandboxSettings(env="test", sandbox_smtp_port=port))
        try:
            assert await runtime.start_smtp() is False
            status = runtime.smtp.status()
            assert status["listening"] is False and str(port) in status["error"]
        finally:
            await runtime.close()
