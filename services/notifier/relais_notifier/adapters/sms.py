"""SMS providers: the Protocol the notifier needs, and a Twilio-compatible REST client."""

from __future__ import annotations

import base64
import json
from datetime import date
from typing import Any, Protocol
from urllib.parse import urlencode

import aiohttp
from yarl import URL

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

# Connections to the provider at once: above the send pool's concurrency plus lookups.
MAX_CONNECTIONS = 100
# Below uvicorn's 5 s keep-alive (the sandbox, test fakes): we drop an idle connection
# before the server closes it under a request, which would make that send ambiguous.
KEEPALIVE_S = 4.0


class SmsProvider(Protocol):
    async def send(self, message: OutboundSms) -> SendResult:
        """Ask the provider to send; never raises for provider or network failures."""
        ...

    async def find_messages(self, *, to: str, sent_since: date) -> list[ProviderMessage]:
        """Outbound messages to `to` created since `sent_since`; ProviderUnavailable on failure."""
        ...


def provider_session(timeout_seconds: float) -> aiohttp.ClientSession:
    """The HTTP session for the provider; create and close it inside the running event loop.

    Timeouts are per phase, not for the whole call: getting a connection (pool wait and
    connect) within `timeout_seconds`, the TCP connect itself within 5 s at most, then each
    read of the answer within `timeout_seconds`.
    """
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=MAX_CONNECTIONS, keepalive_timeout=KEEPALIVE_S),
        timeout=aiohttp.ClientTimeout(
            total=None,
            connect=timeout_seconds,
            sock_connect=min(5.0, timeout_seconds),
            sock_read=timeout_seconds,
        ),
        trust_env=False,
        cookie_jar=aiohttp.DummyCookieJar(),
    )


def send_failure(exc: BaseException) -> NotSent | Ambiguous:
    """What a send request that got no HTTP answer means: only a connection never made
    proves the provider does not have the message."""
    if isinstance(exc, aiohttp.ClientConnectorError | aiohttp.ConnectionTimeoutError):
        # Refused, unresolvable, TLS handshake failed, or no connection within the timeout
        # (pool wait included): the request never left.
        return NotSent(type(exc).__name__)
    # Read timeouts, a dropped or reset connection, a broken answer: the provider may have
    # the message. (aiohttp never resends a POST by itself: POST is not idempotent.)
    return Ambiguous(type(exc).__name__)


def _error_code(body: bytes) -> str | None:
    try:
        payload = json.loads(body)
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
        client: aiohttp.ClientSession,
        *,
        base_url: str,
        account_sid: str,
        auth_token: str,
        max_pages: int = 5,
    ) -> None:
        self._client = client
        self._base = base_url.rstrip("/")
        credentials = base64.b64encode(f"{account_sid}:{auth_token}".encode()).decode()
        self._auth = {"Authorization": f"Basic {credentials}"}
        self._send_headers = {**self._auth, "Content-Type": "application/x-www-form-urlencoded"}
        self._messages_url = URL(
            f"{self._base}/2010-04-01/Accounts/{account_sid}/Messages.json", encoded=True
        )
        self._max_pages = max_pages

    async def send(self, message: OutboundSms) -> SendResult:
        form = {
            "To": message.to,
            "From": message.sender,
            "Body": message.body,
            "StatusCallback": message.status_callback,
        }
        try:
            async with self._client.post(
                self._messages_url,
                data=urlencode(form).encode(),
                headers=self._send_headers,
                allow_redirects=False,
            ) as response:
                status = response.status
                body = await response.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            return send_failure(exc)
        if 200 <= status < 300:
            try:
                sid = json.loads(body).get("sid")
            except (ValueError, AttributeError):
                sid = None
            return Accepted(sid if isinstance(sid, str) else None)
        return classify_refusal(status, _error_code(body))

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
        url: URL | None = self._messages_url.with_query(params)
        messages: list[ProviderMessage] = []
        for _ in range(pages):
            if url is None:
                break
            try:
                async with self._client.get(url, headers=self._auth) as response:
                    status = response.status
                    body = await response.read()
            except (aiohttp.ClientError, TimeoutError) as exc:
                raise ProviderUnavailable(type(exc).__name__) from exc
            if not 200 <= status < 300:
                raise ProviderUnavailable(f"http_{status}")
            try:
                payload = json.loads(body)
            except ValueError as exc:
                raise ProviderUnavailable("invalid JSON") from exc
            items = payload.get("messages") if isinstance(payload, dict) else None
            if not isinstance(items, list):
                raise ProviderUnavailable("no messages list")
            messages += [m for m in map(_message, items) if m is not None]
            next_uri = payload.get("next_page_uri")
            # The next page's URI carries its own query, escaped by the provider: sent as is.
            url = (
                URL(f"{self._base}{next_uri}", encoded=True)
                if isinstance(next_uri, str) and next_uri
                else None
            )
        return messages
