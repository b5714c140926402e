"""Sign-in endpoints: bearer tokens for API clients, a cookie session for the browser,
sign-out, and who am I (docs/inbox.md, "Sign-in")."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field
from relais_shared.http import Problem

from ..adapters import users
from ..domain import auth as rules
from ..domain.access import Principal
from ..signin import Attempt, Kind, SignedIn, SignInRefused, sign_in, sign_out
from .auth import (
    auth_runtime,
    client_ip,
    credential_of,
    rate_limit_sign_in,
    require_principal,
    session_cookie,
)

router = APIRouter(prefix="/v1")
Caller = Annotated[Principal, Depends(require_principal)]
NO_STORE = {"Cache-Control": "no-store"}

_REFUSALS = {
    "invalid-credentials": "Unknown user, wrong password or code, or sign-in paused after "
                           "repeated failures",
    "totp-required": "A one-time code from the authenticator app is required",
    "totp-not-enrolled": "This account needs a TOTP secret before it can sign in "
                         "(an administrator runs `relais users reset-password --new-totp`)",
}


class SignInBody(BaseModel):
    username: str = Field(min_length=1, max_length=rules.USERNAME_MAX)
    password: str = Field(min_length=1, max_length=rules.LOGIN_INPUT_MAX)
    totp: str | None = Field(default=None, max_length=rules.TOTP_CODE_MAX,
                             description="6-digit code; required for leads and admins")


def me_document(principal: Principal, presence: str) -> dict[str, Any]:
    return {
        "username": principal.username,
        "display_name": principal.display_name,
        "role": principal.role,
        "memberships": [{"site": site, "team": team}
                        for site, team in sorted(principal.memberships)],
        "presence": presence,
    }


async def _sign_in(body: SignInBody, request: Request, kind: Kind) -> SignedIn:
    auth = auth_runtime(request)
    attempt = Attempt(body.username, body.password, body.totp or None, kind,
                      client_ip(request), request.headers.get("user-agent"))
    try:
        return await sign_in(request.app.state.pool, auth.hashing, auth.policy, attempt)
    except SignInRefused as refused:
        raise Problem(401, refused.slug, _REFUSALS[refused.slug]) from None
    except users.HashingBusy:
        raise Problem(503, "sign-in-busy", "Too many sign-ins at once; try again shortly",
                      headers={"Retry-After": "2"}) from None


@router.post("/auth/login", dependencies=[Depends(rate_limit_sign_in)])
async def post_login(body: SignInBody, request: Request, response: Response) -> dict[str, str]:
    """A bearer token for API clients (12 h by default)."""
    done = await _sign_in(body, request, "bearer")
    response.headers.update(NO_STORE)
    return {"access_token": done.issued.token, "token_type": "bearer",
            "expires_at": done.issued.expires_at.isoformat()}


@router.post("/auth/session", dependencies=[Depends(rate_limit_sign_in)])
async def post_session(body: SignInBody, request: Request, response: Response) -> dict[str, Any]:
    """The browser's sign-in: an HttpOnly cookie, and the CSRF token its unsafe requests
    carry in `X-CSRF-Token`."""
    done = await _sign_in(body, request, "session")
    response.headers.update(NO_STORE)
    response.headers.append("Set-Cookie", session_cookie(request, done.issued.token))
    return {"csrf_token": done.issued.csrf_token, "expires_at": done.issued.expires_at.isoformat(),
            "user": me_document(done.principal, done.presence)}


@router.post("/auth/logout", status_code=204)
async def post_logout(principal: Caller, request: Request) -> Response:
    """Revoke the bearer token or the session this request came with."""
    credential = credential_of(request)
    if credential.kind == "static" or credential.token is None:
        raise Problem(400, "not-revocable",
                      "The static admin token is configuration; it cannot be signed out")
    async with request.app.state.pool.acquire() as conn:
        await sign_out(conn, principal, credential.token, credential.kind, client_ip(request))
    response = Response(status_code=204)
    if credential.kind == "session":
        response.headers.append("Set-Cookie", session_cookie(request, "", clear=True))
    return response


@router.get("/me")
async def get_me(principal: Caller, request: Request) -> dict[str, Any]:
    async with request.app.state.pool.acquire() as conn:
        presence = await users.presence_of(conn, principal.user_id)
    return me_document(principal, presence)
