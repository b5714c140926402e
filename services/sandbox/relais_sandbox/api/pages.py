"""The sandbox's static pages and assets: the patient phone's HTML, script and style sheet."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from fastapi import APIRouter, HTTPException
from fastapi.responses import RedirectResponse, Response

from .security import page_headers

router = APIRouter(tags=["pages"], include_in_schema=False)

# Only these files are served (no path from the URL ever reaches the file system).
ASSETS = {
    "phone.js": "text/javascript; charset=utf-8",
    "sandbox.css": "text/css; charset=utf-8",
}


@cache
def asset(name: str) -> bytes:
    return (files(__package__) / "static" / name).read_bytes()


@router.get("/")
async def index() -> RedirectResponse:
    return RedirectResponse("/phone", status_code=307)


@router.get("/favicon.ico")
async def favicon() -> Response:
    return Response(status_code=204)


@router.get("/phone")
async def phone_page() -> Response:
    """The patient phone: text the clinic, simulate a missed call, see the thread live."""
    return Response(
        asset("phone.html"), media_type="text/html; charset=utf-8", headers=page_headers()
    )


@router.get("/static/{name}")
async def static_asset(name: str) -> Response:
    media_type = ASSETS.get(name)
    if media_type is None:
        raise HTTPException(404, "no such asset")
    headers = page_headers()
    headers["Cache-Control"] = "no-cache"
    return Response(asset(name), media_type=media_type, headers=headers)
