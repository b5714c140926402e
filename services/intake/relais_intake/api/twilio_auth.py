"""Authenticating Twilio-compatible webhooks: the signed URL, the form, the signature."""

from __future__ import annotations

from typing import Final
from urllib.parse import parse_qsl

from fastapi import Request
from relais_shared.http import app_relative_path
from relais_shared.twilio import is_valid_signature

from .problems import (
    INVALID_SIGNATURE,
    MALFORMED_FORM,
    MISSING_SIGNATURE,
    PAYLOAD_TOO_LARGE,
    UNSUPPORTED_MEDIA_TYPE,
    rejected,
)

FORM_MEDIA_TYPE: Final = "application/x-www-form-urlencoded"
SIGNATURE_HEADER: Final = "X-Twilio-Signature"
# An SMS webhook is a few kB (1600-char body, up to 10 media URLs); more is not one.
MAX_FORM_BYTES: Final = 64 * 1024
MAX_FORM_FIELDS: Final = 200

Params = list[tuple[str, str]]


def signed_url(public_url: str, path: str, query: str) -> str:
    """The URL the provider signed: the public base URL + the app path + the raw query."""
    url = public_url.rstrip("/") + "/" + path.lstrip("/")
    return f"{url}?{query}" if query else url


def parse_form(body: bytes) -> Params:
    """Decode a urlencoded body into (name, value) pairs, repeated names kept in order."""
    try:
        text = body.decode("utf-8")
        return parse_qsl(
            text,
            keep_blank_values=True,
            strict_parsing=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_FORM_FIELDS,
        )
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValueError("malformed form") from exc


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


async def _read_body(request: Request, channel: str) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_FORM_BYTES:
        raise rejected(channel, PAYLOAD_TOO_LARGE, f"at most {MAX_FORM_BYTES} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            raise rejected(channel, PAYLOAD_TOO_LARGE, f"at most {MAX_FORM_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


class TwilioAuth:
    """Checks X-Twilio-Signature against RELAIS_PUBLIC_URL and returns the form fields."""

    def __init__(self, auth_token: str, public_url: str) -> None:
        self._token = auth_token
        self._public_url = public_url

    @property
    def public_url(self) -> str:
        """Intake's external base URL (what TwiML action URLs start with)."""
        return self._public_url.rstrip("/")

    def url_for(self, request: Request) -> str:
        """The URL this request was signed over."""
        query = request.scope.get("query_string", b"").decode("latin-1")
        return signed_url(self._public_url, app_relative_path(request.scope), query)

    async def form(self, request: Request, channel: str) -> Params:
        """The authenticated form: 401/403 first, then 413/415/400 for the body."""
        signature = request.headers.get(SIGNATURE_HEADER)
        if not signature:
            raise rejected(
                channel, MISSING_SIGNATURE, headers={"WWW-Authenticate": SIGNATURE_HEADER}
            )
        # The cap comes before the signature: verifying needs the whole body.
        body = await _read_body(request, channel)
        is_form = _media_type(request) == FORM_MEDIA_TYPE
        params: Params | None = None
        if is_form:
            try:
                params = parse_form(body)
            except ValueError:
                params = None
        # A body that is not a form is checked as signed with no parameters, so an
        # unsigned request always gets 403 whatever its body, before any body error.
        if not is_valid_signature(self._token, self.url_for(request), params or [], signature):
            raise rejected(channel, INVALID_SIGNATURE)
        if not is_form:
            raise rejected(channel, UNSUPPORTED_MEDIA_TYPE)
        if params is None:
            raise rejected(channel, MALFORMED_FORM, "not a UTF-8 urlencoded form")
        return params
