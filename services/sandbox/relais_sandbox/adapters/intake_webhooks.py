"""Posting a patient's signed webhooks to intake (as Twilio would) and reading the answer."""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx
from relais_shared.twilio_webhooks import SignedWebhook

MAX_ANSWER_CHARS = 4096


@dataclass(frozen=True)
class WebhookAnswer:
    status: int
    content_type: str
    text: str
    duration_ms: float


class WebhookUnreachable(Exception):
    """No HTTP answer: refused connection, reset, or timeout."""

    def __init__(self, reason: str, duration_ms: float) -> None:
        super().__init__(reason)
        self.reason = reason
        self.duration_ms = duration_ms


class HttpWebhookSender:
    """One form POST per webhook, no retry (the patient phone shows what happened)."""

    def __init__(self, http: httpx.AsyncClient, timeout: float) -> None:
        self._http = http
        self._timeout = timeout

    async def post(self, webhook: SignedWebhook) -> WebhookAnswer:
        headers = {**webhook.headers, "Content-Type": "application/x-www-form-urlencoded"}
        started = time.perf_counter()
        try:
            response = await self._http.post(
                webhook.url,
                content=urlencode(webhook.form),
                headers=headers,
                timeout=self._timeout,
            )
        except httpx.TimeoutException:
            raise WebhookUnreachable(
                f"no answer within {self._timeout:g} s", _ms_since(started)
            ) from None
        except httpx.TransportError as exc:
            raise WebhookUnreachable(
                f"cannot reach intake ({type(exc).__name__})", _ms_since(started)
            ) from None
        return WebhookAnswer(
            response.status_code,
            response.headers.get("content-type", ""),
            response.text[:MAX_ANSWER_CHARS],
            _ms_since(started),
        )


def _ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000
