"""Intake's problem types (stable slugs) and the rejection counter behind them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from relais_shared.http import Problem
from relais_shared.logging import get_logger

from ..metrics import REJECTIONS, UNAVAILABLE

log = get_logger(__name__)

MISSING_SIGNATURE: Final = "missing-signature"
INVALID_SIGNATURE: Final = "invalid-signature"
PAYLOAD_TOO_LARGE: Final = "payload-too-large"
UNSUPPORTED_MEDIA_TYPE: Final = "unsupported-media-type"
MALFORMED_FORM: Final = "malformed-form"
MISSING_NOTIFICATION_ID: Final = "missing-notification-id"
MISSING_FIELD: Final = "missing-field"
INVALID_FIELD: Final = "invalid-field"
NOT_DURABLE: Final = "intake-unavailable"

# What every Twilio-style webhook may answer besides its success (OpenAPI documentation).
WEBHOOK_REJECTIONS: Final = (
    (401, "X-Twilio-Signature missing"),
    (403, "X-Twilio-Signature does not match"),
    (413, "Body too large"),
    (415, "Not a urlencoded form"),
    (422, "Missing or invalid fields"),
)
NOT_DURABLE_RESPONSE: Final = (503, "Not durable yet: retry (see Retry-After)")


def problem_responses(*answers: tuple[int, str]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for problem+json answers given as (status, why)."""
    return {code: {"content": {"application/problem+json": {}}, "description": why}
            for code, why in answers}


_STATUS_BY_SLUG: Final = {
    MISSING_SIGNATURE: 401,
    INVALID_SIGNATURE: 403,
    PAYLOAD_TOO_LARGE: 413,
    UNSUPPORTED_MEDIA_TYPE: 415,
    MALFORMED_FORM: 400,
    MISSING_NOTIFICATION_ID: 400,
    MISSING_FIELD: 422,
    INVALID_FIELD: 422,
}
_TITLES: Final = {
    MISSING_SIGNATURE: "The request is not signed",
    INVALID_SIGNATURE: "The request signature does not match",
    PAYLOAD_TOO_LARGE: "The request body is too large",
    UNSUPPORTED_MEDIA_TYPE: "The request body must be application/x-www-form-urlencoded",
    MALFORMED_FORM: "The request body is not a valid form",
    MISSING_NOTIFICATION_ID: "The notification id (nid) is missing",
    MISSING_FIELD: "Required fields are missing",
    INVALID_FIELD: "A field is not valid",
}


def rejected(
    channel: str,
    slug: str,
    detail: str | None = None,
    fields: Sequence[str] = (),
    headers: dict[str, str] | None = None,
) -> Problem:
    """A 4xx problem for `slug`, counted and logged (without the request's content)."""
    REJECTIONS.labels(channel=channel, reason=slug).inc()
    log.info("webhook_rejected", channel=channel, reason=slug, fields=list(fields) or None)
    extra: dict[str, Any] = {"fields": list(fields)} if fields else {}
    return Problem(_STATUS_BY_SLUG[slug], slug, _TITLES[slug], detail, headers, **extra)


def unavailable(channel: str, retry_after_s: int) -> Problem:
    """The 503 answered when the event is not durable: the provider must retry."""
    UNAVAILABLE.labels(channel=channel).inc()
    return Problem(
        503,
        NOT_DURABLE,
        "The message could not be stored durably; retry later",
        headers={"Retry-After": str(retry_after_s)},
    )
