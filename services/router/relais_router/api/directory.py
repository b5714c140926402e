"""Admin API over the service directory: read it, its versions, and change sites and teams.

Only admins (the admin role, or RELAIS_ADMIN_TOKEN) may use it; every change is a new
directory version plus an audit row. Authentication is checked before the body.
"""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ValidationError
from relais_shared.http import Problem

from ..adapters import directory as store
from ..adapters.users import Principal
from ..domain.directory import (
    Directory,
    SitePatch,
    Team,
    TeamPatch,
    with_site,
    with_team,
)
from .auth import require_principal

router = APIRouter(prefix="/v1/directory", tags=["directory"])


async def require_admin(principal: Annotated[Principal, Depends(require_principal)]) -> Principal:
    if principal.role != "admin":  # answered as for any other's data: it is not theirs
        raise Problem(404, "not-found", "No such page")
    return principal


Admin = Annotated[Principal, Depends(require_admin)]


def _unprocessable(exc: ValidationError, prefix: tuple[str, ...] = ()) -> Problem:
    errors = [
        {"loc": [*prefix, *(str(p) for p in e.get("loc", ()))], "type": e.get("type"),
         "msg": e.get("msg")}
        for e in exc.errors()
    ]
    return Problem(422, "validation-error", "The directory change is not valid", errors=errors)


async def _json_body(request: Request, model: type[BaseModel]) -> dict[str, Any]:
    """The fields the caller sent, type-checked by `model` (400/415/422 otherwise)."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise Problem(415, "unsupported-media-type", "Send application/json")
    try:
        data = orjson.loads(await request.body())
    except orjson.JSONDecodeError:
        raise Problem(400, "invalid-json", "The body is not JSON") from None
    if not isinstance(data, dict):
        raise Problem(422, "validation-error", "The body is a JSON object",
                      errors=[{"loc": ["body"], "type": "dict_type", "msg": "an object"}])
    try:
        model.model_validate(data)
    except ValidationError as exc:
        raise _unprocessable(exc, ("body",)) from None
    return data


def _schema(model: type[BaseModel]) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {
        "application/json": {"schema": model.model_json_schema()}}}}


@router.get("")
async def get_directory(request: Request, _: Admin) -> dict[str, Any]:
    """The current directory and its version."""
    async with request.app.state.pool.acquire() as conn:
        version, directory = await store.read_directory(conn)
    return {"version": version, **(directory.document() if directory else {"sites": []})}


@router.get("/versions")
async def list_versions(
    request: Request, _: Admin, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> dict[str, Any]:
    """Every change, newest first: version, when, who, what (a diff)."""
    async with request.app.state.pool.acquire() as conn:
        return {"items": await store.versions(conn, limit)}


@router.get("/versions/{version}")
async def get_version(version: int, request: Request, _: Admin) -> dict[str, Any]:
    """One version with the whole directory as it stood."""
    async with request.app.state.pool.acquire() as conn:
        found = await store.version_snapshot(conn, version)
    if found is None:
        raise Problem(404, "not-found", "No such directory version")
    return found


async def _change(request: Request, principal: Principal, change: Any) -> dict[str, Any]:
    try:
        async with request.app.state.pool.acquire() as conn, conn.transaction():
            version, changes, directory = await store.change_directory(
                conn, principal.username, "update", change
            )
    except ValidationError as exc:
        raise _unprocessable(exc) from None
    except store.DirectoryConflict as exc:
        raise Problem(409, "directory-conflict", str(exc)) from None
    return {"version": version, "changes": changes, "directory": directory}


def _site_or_404(directory: Directory | None, site_id: str) -> Directory:
    if directory is None or directory.site(site_id) is None:
        raise Problem(404, "not-found", f"No site {site_id!r} in the directory")
    return directory


@router.put("/sites/{site_id}/teams/{team_id}", openapi_extra=_schema(TeamPatch))
async def put_team(site_id: str, team_id: str, request: Request,
                   principal: Admin) -> dict[str, Any]:
    """Change some of a team's fields (or add a team, given at least its names)."""
    fields = await _json_body(request, TeamPatch)

    def change(current: Directory | None) -> Directory:
        directory = _site_or_404(current, site_id)
        site = directory.site(site_id)
        assert site is not None
        existing = site.team(team_id)
        merged = {**(existing.model_dump(mode="json") if existing else {"id": team_id}),
                  **fields}
        try:
            Team.model_validate(merged)  # the team's own rules first: clearer error paths
        except ValidationError as exc:
            raise _unprocessable(exc, ("body",)) from None
        return with_team(directory, site_id, team_id, fields)

    result = await _change(request, principal, change)
    site = result["directory"].site(site_id)
    team = site.team(team_id)
    return {"version": result["version"], "changes": result["changes"],
            "team": team.model_dump(mode="json")}


@router.put("/sites/{site_id}", openapi_extra=_schema(SitePatch))
async def put_site(site_id: str, request: Request, principal: Admin) -> dict[str, Any]:
    """Change some of a site's own fields (on-call contact, holidays, sender, names …)."""
    fields = await _json_body(request, SitePatch)

    def change(current: Directory | None) -> Directory:
        return with_site(_site_or_404(current, site_id), site_id, fields)

    result = await _change(request, principal, change)
    site = result["directory"].site(site_id).model_dump(mode="json")
    site.pop("teams")
    return {"version": result["version"], "changes": result["changes"], "site": site}
