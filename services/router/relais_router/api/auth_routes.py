"""Sign-in endpoints: bearer tokens for the API."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel
from relais_shared.http import Problem

from ..adapters import repository as repo
from ..adapters.users import login

router = APIRouter(prefix="/v1")


class LoginRequest(BaseModel):
    username: str
    password: str


@router.post("/auth/login")
async def post_login(body: LoginRequest, request: Request) -> dict[str, str]:
    async with request.app.state.pool.acquire() as conn:
        token = await login(conn, body.username, body.password)
        await repo.audit(conn, body.username, "login" if token else "login_failed")
    if token is None:
        raise Problem(401, "invalid-credentials", "Unknown user or wrong password")
    return {"access_token": token, "token_type": "bearer"}
