"""SMS providers: the Protocol the notifier needs, and a Twilio-compatible REST client."""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

import httpx

from ..domain.reconcile import parse_provider_date
from ..domain.sms import (
    Accepted,
    Ambiguous,
    NotSent,
    OutboundSms,
    ProviderMessage,
    ProviderUnavailable,
    SendResult,
    classify_refusal,
)


class SmsProvider(Protocol):
    async def send(self, message: OutboundSms) -> SendResult:
        """Ask the provider to send; never raises for provider or network failures."""
        ...

    async def find_messages(self, *, to: str, sent_since: date) -> list[ProviderMessage]:
        """Outbound messages to `to` created since `sent_since`; ProviderUnavailable on failure."""
        ...


def _error_code(response: httpx.Response) -> str | None:
    try:
        payload = response.json()
    except ValueError:
        return None
    code = payload.get("code") if isinstance(payload, dict) else None
    return str(code) if code is not None else None


def _message(item: dict[str, Any]) -> ProviderMessage | None:
    sid, to = item.get("sid"), item.get("to")
    if not isinstance(sid, str) or not isinstance(to, str):
        return None
    return ProviderMessage(
        sid=sid,
        to=to,
        sender=item.get("from") or None,
        body=str(item.get("body") or ""),
        status=item.get("status"),
        direction=item.get("direction"),
        date_created=parse_provider_date(item.get("date_created")),
    )


class TwilioSmsProvider:
    """Twilio's Messages REST API at `base_url` (+ /2010-04-01/Accounts/{sid}/Messages.json)."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        base_url: str,
        account_sid: str,
        auth_token: str,
        max_pages: int = 5,
    ) -> None:
        self._client = client
        self._base = base_url.rstrip("/")
        self._auth = httpx.BasicAuth(account_sid, auth_token)
        self._messages_url = f"{self._base}/2010-04-01/Accounts/{account_sid}/Messages.json"
        self._max_pages = max_pages

    async def send(self, message: OutboundSms) -> SendResult:
        form = {
            "To": message.to,
            "From": message.sender,
            "Body": message.body,
            "StatusCallback": message.status_callback,
        }
        try:
            response = await self._client.post(self._messages_url, data=form, auth=self._auth)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            # No connection was made: the request never left.
            return NotSent(type(exc).__name__)
        except httpx.TransportError as exc:
            # Read/write timeouts, a dropped connection: the provider may have it.
            return Ambiguous(type(exc).__name__)
        if response.is_success:
            try:
                sid = response.json().get("sid")
            except (ValueError, AttributeError):
                sid = None
            return Accepted(sid if isinstance(sid, str) else None)
        return classify_refusal(response.status_code, _error_code(response))

    async def find_messages(self, *, to: str, sent_since: date) -> list[ProviderMessage]:
        found: dict[str, ProviderMessage] = {}
        # Twilio's DateSent filter misses messages not yet sent (date_sent is null while
        # queued), so the recipient's latest messages are listed too.
        for params in (
            {"To": to, "DateSent>": sent_since.isoformat(), "PageSize": "100"},
            {"To": to, "PageSize": "50"},
        ):
            for item in await self._list(params, pages=self._max_pages if "DateSent>" in params else 1):
                found.setdefault(item.sid, item)
        return list(found.values())

    async def _list(self, params: dict[str, str], *, pages: int) -> list[ProviderMessage]:
        url: str | None = self._messages_url
        query: dict[str, str] | None = params
        messages: list[ProviderMessage] = []
        for _ in range(pages):
            if url is None:
                break
            try:
                response = await self._client.get(url, params=query, auth=self._auth)
            except httpx.TransportError as exc:
                raise ProviderUnavailable(type(exc).__name__) from exc
            if not response.is_success:
                raise ProviderUnavailable(f"http_{response.status_code}")
            try:
                payload = response.json()
            except ValueError as exc:
                raise ProviderUnavailable("invalid JSON") from exc
            items = payload.get("messages") if isinstance(payload, dict) else None
            if not isinstance(items, list):
                raise ProviderUnavailable("no messages list")
            messages += [m for m in map(_message, items) if m is not None]
            next_uri = payload.get("next_page_uri")
            url = f"{self._base}{next_uri}" if isinstance(next_uri, str) and next_uri else None
            query = None  # the next page's URI carries its own query
        return messages
