"""Who is calling: a bearer token, the browser's session cookie (with its CSRF token on
unsafe methods) or, outside production, the static admin token acting as the `admin` user.

Every principal is a person with a username: audit rows never name a bare token.
"""

from __future__ import annotations

import hmac
import ipaddress
import time
from dataclasses import dataclass
from typing import Literal

from fastapi import Request
from relais_shared.http import Problem

from ..adapters import users
from ..adapters.users import Principal
from ..domain import auth as rules
from ..signin import SignInPolicy

SESSION_COOKIE = "relais_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
STATIC_ADMIN_USERNAME = "admin"
_TOKEN_MAX = 512  # ours are 43 characters; anything far longer is not worth a lookup
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})

__all__ = ["Principal", "require_principal"]


@dataclass
class AuthRuntime:
    """The API process's sign-in machinery: argon2 threads, the per-IP limiter, policy."""

    hashing: users.PasswordHashing
    limiter: rules.TokenBucketLimiter
    policy: SignInPolicy
    trusted_proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]

    @classmethod
    def from_settings(cls, settings) -> AuthRuntime:  # type: ignore[no-untyped-def]
        return cls(
            hashing=users.PasswordHashing(settings.auth_hash_workers, settings.auth_hash_queue_max),
            limiter=rules.TokenBucketLimiter(settings.auth_rate_burst, settings.auth_rate_per_minute),
            policy=SignInPolicy.from_settings(settings),
            trusted_proxies=tuple(ipaddress.ip_network(p, strict=False)
                                  for p in settings.auth_trusted_proxies),
        )


def auth_runtime(request: Request) -> AuthRuntime:
    """The app's AuthRuntime, made on first use from its settings (one per app)."""
    state = request.app.state
    runtime: AuthRuntime | None = getattr(state, "auth", None)
    if runtime is None:
        runtime = AuthRuntime.from_settings(state.settings)
        state.auth = runtime
    return runtime


@dataclass(frozen=True)
class Credential:
    """What authenticated this request (logout revokes it)."""

    kind: Literal["bearer", "session", "static"]
    token: str | None


def _parse_ip(raw: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address((raw or "").strip())
    except ValueError:
        return None


def client_ip(request: Request) -> str | None:
    """The caller's address: the peer, or — when the peer is a trusted proxy — the
    right-most address in X-Forwarded-For that is not one (the left part is forgeable)."""
    peer = _parse_ip(request.client.host if request.client else None)
    trusted = auth_runtime(request).trusted_proxies

    def is_trusted(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return any(ip in net for net in trusted)

    if peer is not None and trusted and is_trusted(peer):
        hops = request.headers.get("x-forwarded-for", "").split(",")
        for hop in reversed(hops):
            ip = _parse_ip(hop)
            if ip is None:
                break
            if not is_trusted(ip):
                return str(ip)
    return str(peer) if peer is not None else None


def is_local_host(request: Request) -> bool:
    """Requests to localhost may have a cookie without Secure (plain-HTTP development)."""
    return (request.url.hostname or "").lower() in _LOCAL_HOSTS


def session_cookie(request: Request, value: str, clear: bool = False) -> str:
    """The Set-Cookie value for the session (or for removing it)."""
    parts = [f"{SESSION_COOKIE}={'' if clear else value}", "HttpOnly", "SameSite=Strict", "Path=/"]
    if clear:
        parts.append("Max-Age=0")
    if not is_local_host(request):
        parts.append("Secure")
    return "; ".join(parts)


def _unauthenticated(slug: str, title: str, clear_cookie: Request | None = None) -> Problem:
    headers = {"WWW-Authenticate": "Bearer"}
    if clear_cookie is not None:
        headers["Set-Cookie"] = session_cookie(clear_cookie, "", clear=True)
    return Problem(401, slug, title, headers=headers)


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8", "surrogatepass"), b.encode("utf-8", "surrogatepass"))


async def require_principal(request: Request) -> Principal:
    """The caller as a person; 401 problem when unauthenticated, 403 `csrf-failed` for a
    cookie-authenticated unsafe request without the session's CSRF token."""
    header = request.headers.get("authorization", "").strip()
    if header:
        return await _from_bearer(request, header)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return await _from_session(request, cookie)
    raise _unauthenticated("unauthenticated", "A bearer token or a session is required")


async def _from_bearer(request: Request, header: str) -> Principal:
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise _unauthenticated("unauthenticated", "A bearer token is required")
    if len(token) > _TOKEN_MAX:
        raise _unauthenticated("invalid-token", "The bearer token is invalid or expired")
    state = request.app.state
    if _same(token, state.settings.admin_token):
        return await _static_admin(request)
    async with state.pool.acquire() as conn:
        use = await users.token_use(conn, token, "bearer", auth_runtime(request).policy.session_idle)
        if use is not None and use.stale:
            await users.touch_token(conn, token)
    if use is None:
        raise _unauthenticated("invalid-token", "The bearer token is invalid or expired")
    request.state.credential = Credential("bearer", token)
    return use.principal


async def _static_admin(request: Request) -> Principal:
    """`RELAIS_ADMIN_TOKEN`: refused in production; elsewhere it is the `admin` user."""
    state = request.app.state
    if state.settings.env == "production":
        raise _unauthenticated("invalid-token", "The bearer token is invalid or expired")
    async with state.pool.acquire() as conn:
        principal = await users.principal_by_username(conn, STATIC_ADMIN_USERNAME)
    if principal is None:
        raise _unauthenticated("invalid-token",
                               "The admin token acts as the user 'admin', and there is none")
    request.state.credential = Credential("static", None)
    return principal


async def _from_session(request: Request, cookie: str) -> Principal:
    if len(cookie) > _TOKEN_MAX:
        raise _unauthenticated("invalid-session", "The session is invalid or expired", request)
    state = request.app.state
    async with state.pool.acquire() as conn:
        use = await users.token_use(conn, cookie, "session", auth_runtime(request).policy.session_idle)
        if use is None:
            raise _unauthenticated("invalid-session", "The session is invalid or expired", request)
        if request.method not in SAFE_METHODS:
            sent = request.headers.get(CSRF_HEADER, "")
            if not (sent and use.csrf_sha256 and len(sent) <= _TOKEN_MAX
                    and _same(users.digest(sent), use.csrf_sha256)):
                raise Problem(403, "csrf-failed",
                              f"This request needs the session's {CSRF_HEADER} header")
        if use.stale:
            await users.touch_token(conn, cookie)
    request.state.credential = Credential("session", cookie)
    return use.principal


def credential_of(request: Request) -> Credential:
    """What `require_principal` authenticated this request with."""
    credential: Credential | None = getattr(request.state, "credential", None)
    if credential is None:
        raise RuntimeError("credential_of() before require_principal")
    return credential


def rate_limit_sign_in(request: Request) -> None:
    """A dependency of the sign-in routes: 429 with Retry-After past the per-IP budget."""
    key = client_ip(request) or "unknown"
    wait = auth_runtime(request).limiter.acquire(key, time.monotonic())
    if wait > 0:
        raise Problem(429, "too-many-attempts", "Too many sign-in attempts from this address",
                      headers={"Retry-After": rules.retry_after_header(wait)})
