"""The agents' web inbox: the app shell at `/` and its static assets at `/ui/...`.

The front end has no build step (ES modules, one style sheet) and talks only to the JSON API
(docs/inbox.md). Every answer carries a strict CSP: scripts, styles and fetches from this
origin only, nothing inline, not framable. Patient text is inserted as text nodes by the
scripts, so even a CSP bypass would have no markup of a patient's to run.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib.resources import files

from fastapi import APIRouter, Request
from fastapi.responses import Response
from relais_shared.http import Problem

router = APIRouter(include_in_schema=False)

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}

MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".html": "text/html; charset=utf-8",
}


@cache
def assets() -> dict[str, tuple[bytes, str, str]]:
    """name -> (content, media type, ETag) of every servable file of the package's ui/ folder.

    Read once: no path taken from a URL ever reaches the file system."""
    found = {}
    for entry in (files("relais_router") / "ui").iterdir():
        suffix = "." + entry.name.rsplit(".", 1)[-1] if "." in entry.name else ""
        if entry.is_file() and suffix in MEDIA_TYPES and entry.name != "index.html":
            content = entry.read_bytes()
            etag = '"' + hashlib.sha256(content).hexdigest()[:20] + '"'
            found[entry.name] = (content, MEDIA_TYPES[suffix], etag)
    return found


@cache
def shell() -> bytes:
    return (files("relais_router") / "ui" / "index.html").read_bytes()


@router.get("/")
async def app_shell() -> Response:
    """The inbox. The page itself asks `GET /v1/me` and shows the sign-in form without a
    session, so one URL serves both (no redirect loop, no session check duplicated here)."""
    return Response(shell(), media_type="text/html; charset=utf-8",
                    headers={**SECURITY_HEADERS, "Cache-Control": "no-store"})


@router.get("/favicon.ico")
async def favicon() -> Response:
    return Response(status_code=204, headers=SECURITY_HEADERS)


@router.get("/ui/{name:path}")
async def asset(name: str, request: Request) -> Response:
    """An asset, revalidated on every load (the file names carry no hash: a deploy must
    show at once), answered 304 when unchanged."""
    found = assets().get(name)
    if found is None:
        raise Problem(404, "not-found", "No such asset", headers=SECURITY_HEADERS)
    content, media_type, etag = found
    headers = {**SECURITY_HEADERS, "Cache-Control": "no-cache", "ETag": etag}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(content, media_type=media_type, headers=headers)
