"""Twilio request signatures (X-Twilio-Signature), as twilio's RequestValidator does.

signature = Base64(HMAC-SHA1(auth_token, url + concat(name + value for sorted params)))
The URL is the exact one the provider called; validation also accepts it with
or without the scheme's default port.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

_DEFAULT_PORTS = {"https": 443, "http": 80}


def compute_signature(auth_token: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    """The signature a Twilio-compatible provider sends for a form POST to `url`."""
    # As twilio's RequestValidator: names sorted, then each name's distinct values sorted.
    by_name: dict[str, set[str]] = {}
    for name, value in params:
        by_name.setdefault(name, set()).add(value)
    payload = url + "".join(
        name + value for name in sorted(by_name) for value in sorted(by_name[name])
    )
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def url_variants(url: str) -> list[str]:
    """The URL as given, plus it with the default port added or removed."""
    parts = urlsplit(url)
    default = _DEFAULT_PORTS.get(parts.scheme)
    host = parts.hostname or ""
    variants = [url]
    if default is None:
        return variants
    if parts.port is None:
        netloc = f"{host}:{default}"
    elif parts.port == default:
        netloc = host
    else:
        return variants
    if parts.username:
        netloc = f"{parts.username}:{parts.password or ''}@{netloc}"
    variants.append(urlunsplit(parts._replace(netloc=netloc)))
    return variants


def is_valid_signature(
    auth_token: str, url: str, params: Iterable[tuple[str, str]], signature: str | None
) -> bool:
    """Constant-time check of a received X-Twilio-Signature."""
    if not signature or not auth_token:
        return False
    pairs = list(params)
    return any(
        hmac.compare_digest(compute_signature(auth_token, candidate, pairs), signature)
        for candidate in url_variants(url)
    )
