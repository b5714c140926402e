"""HTTP plumbing shared by every service: problem+json, health, readiness, metrics."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

PROBLEM_BASE = "https://relais.example/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"

ReadinessCheck = Callable[[], Awaitable[Any]]


class Problem(Exception):
    """An RFC 9457 problem: raise it from any route to answer a clear 4xx/5xx."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(title)
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.headers = headers
        self.extra = extra

    def response(self, instance: str | None = None) -> JSONResponse:
        body: dict[str, Any] = {
            "type": PROBLEM_BASE + self.slug,
            "title": self.title,
            "status": self.status,
        }
        if self.detail:
            body["detail"] = self.detail
        if instance:
            body["instance"] = instance
        body.update(self.extra)
        return JSONResponse(
            body, status_code=self.status, media_type=PROBLEM_MEDIA_TYPE, headers=self.headers
        )


def app_relative_path(scope: MutableMapping[str, Any]) -> str:
    """The request path without the ASGI root_path (the prefix lives in the public URL)."""
    path: str = scope.get("path", "/")
    root: str = scope.get("root_path", "") or ""
    if root and (path == root or path.startswith(root + "/")):
        path = path[len(root) :] or "/"
    return path


Endpoint = Callable[[Request], Awaitable[Response]]
ErrorHandler = Callable[[Request, Any], Awaitable[Response]]


class DirectRoutes:
    """Middleware serving a service's hottest routes (exact method and path) by calling their
    endpoint at once, past FastAPI's routing, dependency and exception layers: about a third
    of intake's CPU a webhook. An endpoint takes the `Request` and returns a `Response`; an
    exception it raises gets the app's own handler for it (`app.exception_handlers`), as when
    FastAPI calls it (register the endpoints as routes too: FastAPI still documents them).
    Any other method or path goes on to the app."""

    def __init__(
        self,
        app: ASGIApp,
        routes: dict[tuple[str, str], Endpoint],
        handlers: Mapping[Any, ErrorHandler],
    ) -> None:
        self._app = app
        self._routes = routes
        self._handlers = dict(handlers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            endpoint = self._routes.get((scope["method"], app_relative_path(scope)))
            if endpoint is not None:
                request = Request(scope, receive)
                try:
                    response = await endpoint(request)
                except Exception as exc:
                    handler = next((self._handlers[kind] for kind in type(exc).__mro__
                                    if kind in self._handlers), None)
                    if handler is None:
                        raise
                    response = await handler(request, exc)
                await response(scope, receive, send)
                return
        await self._app(scope, receive, send)


def install_problem_handlers(app: FastAPI) -> None:
    async def on_problem(request: Request, exc: Problem) -> JSONResponse:
        return exc.response(request.url.path)

    async def on_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": [str(p) for p in e.get("loc", ())], "type": e.get("type"), "msg": e.get("msg")}
            for e in exc.errors()
        ]
        return Problem(
            422, "validation-error", "The request body is not valid", errors=errors
        ).response(request.url.path)

    async def on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        slug = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
        return Problem(exc.status_code, slug, str(exc.detail)).response(request.url.path)

    app.add_exception_handler(Problem, on_problem)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, on_validation)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, on_http)  # type: ignore[arg-type]


def ops_router(checks: dict[str, ReadinessCheck], timeout: float = 2.0) -> APIRouter:
    """`/healthz` (process alive), `/readyz` (dependencies really reachable), `/metrics`."""
    router = APIRouter(include_in_schema=False)

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz() -> JSONResponse:
        results: dict[str, str] = {}
        for name, check in checks.items():
            try:
                await asyncio.wait_for(check(), timeout)
                results[name] = "ok"
            except Exception as exc:  # readiness reports any failure, it never raises
                results[name] = f"unavailable: {type(exc).__name__}"
        ready = all(v == "ok" for v in results.values())
        return JSONResponse(
            {"status": "ready" if ready else "not_ready", "checks": results},
            status_code=200 if ready else 503,
        )

    @router.get("/metrics")
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


def db_check(pool: Any) -> ReadinessCheck:
    async def check() -> None:
        await pool.fetchval("SELECT 1")

    return check


def kafka_check(producer: Any) -> ReadinessCheck:
    async def check() -> None:
        await producer.client.fetch_all_metadata()

    return check
