"""The JSON the sandbox answers: Twilio's Message resource and list page, and the sandbox view."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from ..domain.dates import rfc2822
from ..domain.messages import API_VERSION, Message, to_record

ACCOUNT_BASE = "/" + API_VERSION + "/Accounts/{account_sid}"


def message_uri(message: Message) -> str:
    return f"{ACCOUNT_BASE.format(account_sid=message.account_sid)}/Messages/{message.sid}.json"


def twilio_message(message: Message) -> dict[str, Any]:
    """The Message resource as Twilio's 2010-04-01 API shapes it (counts are strings)."""
    base = message_uri(message).removesuffix(".json")
    return {
        "account_sid": message.account_sid,
        "api_version": API_VERSION,
        "body": message.body,
        "date_created": rfc2822(message.date_created),
        "date_sent": rfc2822(message.date_sent),
        "date_updated": rfc2822(message.date_updated),
        "direction": "outbound-api",
        "error_code": message.error_code,
        "error_message": message.error_message,
        "from": message.from_,
        "messaging_service_sid": message.messaging_service_sid,
        "num_media": "0",
        "num_segments": str(message.num_segments),
        "price": None,
        "price_unit": "USD",
        "sid": message.sid,
        "status": message.status,
        "subresource_uris": {"media": f"{base}/Media.json", "feedback": f"{base}/Feedback.json"},
        "to": message.to,
        "uri": message_uri(message),
    }


def twilio_page(
    account_sid: str,
    messages: list[Message],
    filters: list[tuple[str, str]],
    page: int,
    page_size: int,
    next_token: str | None,
) -> dict[str, Any]:
    """Twilio's list envelope; `next_page_uri` carries a PageToken after the page's last SID."""
    path = f"{ACCOUNT_BASE.format(account_sid=account_sid)}/Messages.json"

    def uri(page_number: int, token: str | None = None) -> str:
        query = [*filters, ("PageSize", str(page_size)), ("Page", str(page_number))]
        if token:
            query.append(("PageToken", token))
        return f"{path}?{urlencode(query)}"

    start = page * page_size
    return {
        "first_page_uri": uri(0),
        "end": start + max(len(messages) - 1, 0),
        "previous_page_uri": None,
        "messages": [twilio_message(m) for m in messages],
        "uri": uri(page),
        "page_size": page_size,
        "start": start,
        "next_page_uri": uri(page + 1, next_token) if next_token else None,
        "page": page,
    }


def sandbox_message(message: Message) -> dict[str, Any]:
    """The inspection view: everything the sandbox knows, dates in ISO 8601."""
    return to_record(message)
