"""HTTP Basic authentication as Twilio's REST API does it (account SID : auth token)."""

from __future__ import annotations

import base64
import binascii
import hmac

from fastapi import Request

from ..domain import errors
from ..domain.errors import TwilioError

WWW_AUTHENTICATE = 'Basic realm="Twilio API"'


def _credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None


def authenticate(request: Request, path_account_sid: str) -> None:
    """Raise 401 (Twilio 20003) unless the request carries this account's SID and token and
    addresses that account."""
    config = request.app.state.sandbox.config
    given = _credentials(request)
    if given is None:
        raise TwilioError(
            errors.AUTHENTICATE, "Authentication Error - No credentials provided", 401
        )
    user, password = given
    ok = hmac.compare_digest(user.encode(), config.account_sid.encode())
    ok &= hmac.compare_digest(password.encode(), config.auth_token.encode())
    ok &= hmac.compare_digest(path_account_sid.encode(), config.account_sid.encode())
    if not ok:
        raise TwilioError(errors.AUTHENTICATE, "Authenticate", 401)
