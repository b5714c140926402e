"""The SMTP sink's mails: `GET /mail` (a page, no script) and `GET /_sandbox/mail` (JSON).

Everything from a mail is escaped text: an HTML part is shown as its source, never rendered.
"""

from __future__ import annotations

from html import escape
from typing import Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse

from ..domain.mail import ReceivedMail, mail_view
from ..mailsink import MailSink
from .security import STATIC_PAGE_CSP, page_headers

router = APIRouter(tags=["smtp sink"])
PAGE_LIMIT = 200

LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Courriels reçus par le bac à sable",
        "intro": "Les courriels que Relais envoie en développement arrivent ici "
        "(serveur SMTP du bac à sable, port {port}). Rien n'est relayé.",
        "not_listening": "Le serveur SMTP du bac à sable n'écoute pas : {error}",
        "empty": "Aucun courriel reçu pour l'instant.",
        "from": "De",
        "to": "À",
        "cc": "Cc",
        "subject": "Objet",
        "date": "Date",
        "received": "Reçu le",
        "envelope": "Enveloppe",
        "text": "Texte",
        "html": "Partie HTML (code source, non interprété)",
        "attachments": "Pièces jointes",
        "no_subject": "(sans objet)",
        "switch": "English",
        "phone": "Téléphone patient",
        "count": "{n} courriel(s), du plus récent au plus ancien.",
    },
    "en": {
        "title": "Mails received by the sandbox",
        "intro": "Mails Relais sends in development land here "
        "(the sandbox's SMTP server, port {port}). Nothing is relayed.",
        "not_listening": "The sandbox's SMTP server is not listening: {error}",
        "empty": "No mail received yet.",
        "from": "From",
        "to": "To",
        "cc": "Cc",
        "subject": "Subject",
        "date": "Date",
        "received": "Received",
        "envelope": "Envelope",
        "text": "Text",
        "html": "HTML part (source, not rendered)",
        "attachments": "Attachments",
        "no_subject": "(no subject)",
        "switch": "Français",
        "phone": "Patient phone",
        "count": "{n} mail(s), newest first.",
    },
}


def _sink(request: Request) -> MailSink:
    sink: MailSink = request.app.state.mail
    return sink


def _smtp_status(request: Request) -> dict[str, Any]:
    smtp = request.app.state.smtp
    if smtp is None:
        return {"listening": False, "port": None, "error": "disabled"}
    status: dict[str, Any] = smtp.status()
    return status


@router.get("/_sandbox/mail")
async def list_mail(
    request: Request, limit: int = Query(default=100, ge=1, le=1000)
) -> dict[str, Any]:
    """Mails received by the SMTP sink, newest first."""
    mailbox = _sink(request).mailbox
    mails = mailbox.newest_first(limit)
    return {
        "smtp": _smtp_status(request),
        "mails": [mail_view(m) for m in mails],
        "count": len(mails),
        "total_stored": len(mailbox),
    }


@router.delete("/_sandbox/mail", status_code=204)
async def clear_mail(request: Request) -> Response:
    _sink(request).mailbox.clear()
    return Response(status_code=204)


def _row(label: str, value: str | None) -> str:
    if not value:
        return ""
    return f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>"


def render_mail(mail: ReceivedMail, t: dict[str, str]) -> str:
    """One mail as an <article>; every value escaped."""
    subject = mail.subject or t["no_subject"]
    parts = [
        f'<article class="mail" aria-labelledby="mail-{mail.id}">',
        f'<h2 id="mail-{mail.id}">{escape(subject)}</h2>',
        "<dl>",
        _row(t["from"], mail.headers.get("From")),
        _row(t["to"], mail.headers.get("To")),
        _row(t["cc"], mail.headers.get("Cc")),
        _row(t["date"], mail.headers.get("Date")),
        _row(t["received"], mail.received_at.isoformat()),
        _row(t["envelope"], f"{mail.envelope_from} → {', '.join(mail.envelope_to)}"),
        "</dl>",
    ]
    for part in mail.text_parts:
        parts.append(f'<h3>{escape(t["text"])}</h3><pre class="body">{escape(part.text)}</pre>')
    for part in mail.html_parts:
        parts.append(f'<h3>{escape(t["html"])}</h3><pre class="body">{escape(part.text)}</pre>')
    if mail.attachments:
        items = "".join(
            f"<li>{escape(a.filename or '?')} ({escape(a.content_type)}, {a.size} B)</li>"
            for a in mail.attachments
        )
        parts.append(f"<h3>{escape(t['attachments'])}</h3><ul>{items}</ul>")
    parts.append("</article>")
    return "".join(parts)


def render_mail_page(mails: list[ReceivedMail], smtp: dict[str, Any], lang: str, total: int) -> str:
    t = LABELS[lang]
    other = "en" if lang == "fr" else "fr"
    if smtp.get("listening"):
        status = f"<p>{escape(t['intro'].format(port=smtp.get('port')))}</p>"
    else:
        status = (
            '<p class="warning" role="status">'
            f"{escape(t['not_listening'].format(error=smtp.get('error') or '?'))}</p>"
        )
    body = (
        "".join(render_mail(m, t) for m in mails)
        if mails
        else f'<p class="empty">{escape(t["empty"])}</p>'
    )
    return (
        "<!doctype html>"
        f'<html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(t['title'])}</title>"
        '<link rel="stylesheet" href="/static/sandbox.css"></head>'
        '<body class="mail-page"><header class="bar">'
        f"<h1>{escape(t['title'])}</h1><nav>"
        f'<a href="/phone">{escape(t["phone"])}</a> '
        f'<a href="/mail?lang={other}" lang="{other}">{escape(t["switch"])}</a>'
        "</nav></header><main>"
        f"{status}<p>{escape(t['count'].format(n=total))}</p>{body}"
        "</main></body></html>"
    )


@router.get("/mail", response_class=HTMLResponse)
async def mail_page(
    request: Request, lang: str = Query(default="fr", pattern="^(fr|en)$")
) -> HTMLResponse:
    """The mails Relais sent, for a human: headers and bodies as text."""
    mailbox = _sink(request).mailbox
    html = render_mail_page(
        mailbox.newest_first(PAGE_LIMIT), _smtp_status(request), lang, len(mailbox)
    )
    return HTMLResponse(html, headers=page_headers(STATIC_PAGE_CSP))
