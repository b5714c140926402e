"""Bearer authentication for the router API."""

from __future__ import annotations

import hmac

from fastapi import Request
from relais_shared.http import Problem

from ..adapters.users import Principal, principal_for_token

ADMIN = Principal(None, "admin-token", "admin", frozenset())


async def require_principal(request: Request) -> Principal:
    """The caller, from `Authorization: Bearer <token>`; 401 problem otherwise."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Problem(401, "unauthenticated", "A bearer token is required",
                      headers={"WWW-Authenticate": "Bearer"})
    state = request.app.state
    if hmac.compare_digest(token.encode(), state.settings.admin_token.encode()):
        return ADMIN
    async with state.pool.acquire() as conn:
        principal = await principal_for_token(conn, token)
    if principal is None:
        raise Problem(401, "invalid-token", "The bearer token is invalid or expired",
                      headers={"WWW-Authenticate": "Bearer"})
    return principal
