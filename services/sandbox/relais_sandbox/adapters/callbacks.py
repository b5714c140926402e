"""Signed status callbacks over HTTP, retried on 5xx and connection errors."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx
from relais_shared.twilio import compute_signature

from ..domain.messages import CallbackOutcome

SIGNATURE_HEADER = "X-Twilio-Signature"
USER_AGENT = "TwilioProxy/1.1 (relais-sandbox)"


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    backoff: float = 0.5  # seconds before the 2nd attempt, doubling after
    timeout: float = 10.0


# Callbacks in flight at once. Waiting callbacks queue here, not in httpcore's connection
# pool, whose request assignment is quadratic in the queue: thousands of queued
# callbacks under load made the sandbox burn a core on bookkeeping.
MAX_IN_FLIGHT = 32


@dataclass(frozen=True)
class CallbackResult:
    outcome: CallbackOutcome  # ok (2xx/3xx), rejected (4xx, not retried), gave_up
    attempts: int
    http_status: int | None


class SignedCallbackClient:
    """Posts a form to a StatusCallback URL with `X-Twilio-Signature` over exactly that URL."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        auth_token: str,
        policy: RetryPolicy,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._http = http
        self._token = auth_token
        self._policy = policy
        self._sleep = sleep
        self._slots = asyncio.Semaphore(MAX_IN_FLIGHT)

    async def post(self, url: str, params: list[tuple[str, str]]) -> CallbackResult:
        headers = {
            SIGNATURE_HEADER: compute_signature(self._token, url, params),
            "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": USER_AGENT,
        }
        content = urlencode(params)
        status: int | None = None
        for attempt in range(1, self._policy.attempts + 1):
            try:
                async with self._slots:
                    response = await self._http.post(
                        url, content=content, headers=headers, timeout=self._policy.timeout
                    )
            except (
                httpx.TransportError
            ):  # connection refused/reset, timeouts: the receiver may recover
                status = None
            else:
                status = response.status_code
                if status < 400:
                    return CallbackResult("ok", attempt, status)
                if status < 500:
                    return CallbackResult("rejected", attempt, status)
            if attempt < self._policy.attempts:
                await self._sleep(self._policy.backoff * 2 ** (attempt - 1))
        return CallbackResult("gave_up", self._policy.attempts, status)
