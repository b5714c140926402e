"""Signed status callbacks over HTTP (aiohttp), retried on 5xx and connection errors."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import aiohttp
from relais_shared.twilio import compute_signature
from yarl import URL

from ..domain.messages import CallbackOutcome

SIGNATURE_HEADER = "X-Twilio-Signature"
USER_AGENT = "TwilioProxy/1.1 (relais-sandbox)"


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    backoff: float = 0.5  # seconds before the 2nd attempt, doubling after
    timeout: float = 10.0


# Callbacks in flight at once, and the connection limit of their session. Waiting callbacks
# queue on the semaphore, not inside the HTTP client's pool.
MAX_IN_FLIGHT = 32
# Below uvicorn's 5 s keep-alive: the client drops an idle connection before the receiver
# closes it under a request.
KEEPALIVE_S = 4.0

# Characters left as they are when a URL is put on the wire: RFC 3986's reserved set, '%'
# (existing escapes stay escapes) and '~'. Everything else (spaces, non-ASCII) is escaped.
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"


def callback_session() -> aiohttp.ClientSession:
    """The HTTP session for callbacks; create and close it inside the running event loop."""
    # Callbacks go to local/compose services: an HTTP(S)_PROXY from the environment must
    # not capture them (trust_env=False).
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(
            limit=MAX_IN_FLIGHT, limit_per_host=MAX_IN_FLIGHT, keepalive_timeout=KEEPALIVE_S
        ),
        trust_env=False,
        auto_decompress=False,
        cookie_jar=aiohttp.DummyCookieJar(),
    )


def wire_url(url: str) -> URL:
    """`url` as sent, byte for byte: the signature covers exactly this string. (yarl's default
    parsing would decode escapes such as %3A, and the receiver would sign another URL.)"""
    return URL(quote(url, safe=_URL_SAFE), encoded=True)


@dataclass(frozen=True)
class CallbackResult:
    outcome: CallbackOutcome  # ok (2xx/3xx), rejected (4xx, not retried), gave_up
    attempts: int
    http_status: int | None


class SignedCallbackClient:
    """Posts a form to a StatusCallback URL with `X-Twilio-Signature` over exactly that URL."""

    def __init__(
        self,
        http: aiohttp.ClientSession,
        auth_token: str,
        policy: RetryPolicy,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._http = http
        self._token = auth_token
        self._policy = policy
        self._sleep = sleep
        self._slots = asyncio.Semaphore(MAX_IN_FLIGHT)
        # Per phase, like the former client: connecting (pool wait included), then each read.
        self._timeout = aiohttp.ClientTimeout(
            total=None,
            connect=policy.timeout,
            sock_connect=policy.timeout,
            sock_read=policy.timeout,
        )

    async def post(self, url: str, params: list[tuple[str, str]]) -> CallbackResult:
        headers = {
            SIGNATURE_HEADER: compute_signature(self._token, url, params),
            "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": USER_AGENT,
        }
        target = wire_url(url)
        content = urlencode(params).encode()
        status: int | None = None
        for attempt in range(1, self._policy.attempts + 1):
            try:
                async with self._slots, self._http.post(
                    target,
                    data=content,
                    headers=headers,
                    timeout=self._timeout,
                    allow_redirects=False,
                ) as response:
                    status = response.status
                    await response.read()  # the connection goes back to the pool for reuse
            except (aiohttp.ClientError, TimeoutError):
                # connection refused/reset, timeouts, a broken answer: the receiver may recover
                status = None
            else:
                if status < 400:
                    return CallbackResult("ok", attempt, status)
                if status < 500:
                    return CallbackResult("rejected", attempt, status)
            if attempt < self._policy.attempts:
                await self._sleep(self._policy.backoff * 2 ** (attempt - 1))
        return CallbackResult("gave_up", self._policy.attempts, status)
