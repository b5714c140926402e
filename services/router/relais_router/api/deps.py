"""What every inbox endpoint needs: the caller as an `Actor`, ids parsed, the service
layer's errors answered as problem+json."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from relais_shared.http import Problem

from ..commands import Actor, InboxContext
from ..domain.access import Principal
from ..domain.inbox import InboxError
from .auth import client_ip, require_principal


async def current_actor(
    request: Request, principal: Annotated[Principal, Depends(require_principal)]
) -> Actor:
    return Actor(principal, client_ip(request))


CurrentActor = Annotated[Actor, Depends(current_actor)]


def inbox(request: Request) -> InboxContext:
    ctx: InboxContext = request.app.state.inbox
    return ctx


def parse_id(value: str, what: str = "id") -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Problem(400, "invalid-id", f"The {what} is not a UUID") from None


def install_inbox_errors(app: FastAPI) -> None:
    async def answer(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, InboxError)
        problem = Problem(exc.status, exc.slug, exc.title, exc.detail, **exc.extra)
        return problem.response(str(request.url.path))

    app.add_exception_handler(InboxError, answer)
