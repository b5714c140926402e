"""DirectRoutes: a hot route's endpoint is called directly and answers as under FastAPI
(its exceptions get the app's handlers); anything else goes on to the app."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI, Request, Response
from relais_shared.http import DirectRoutes, Problem, install_problem_handlers

pytestmark = pytest.mark.unit


def make_app() -> FastAPI:
    calls: list[str] = []

    async def hot(request: Request) -> Response:
        calls.append(request.url.path)
        body = await request.body()
        if body == b"bad":
            raise Problem(400, "bad", "Bad body", detail="no")
        if body == b"boom":
            raise RuntimeError("unexpected")
        return Response(b"ok:" + body, media_type="text/plain")

    app = FastAPI()
    install_problem_handlers(app)
    app.add_api_route("/hot", hot, methods=["POST"])
    app.state.calls = calls
    app.add_middleware(DirectRoutes, routes={("POST", "/hot"): hot},
                       handlers=app.exception_handlers)
    return app


async def post(app: FastAPI, path: str, body: bytes, root_path: str = "") -> httpx.Response:
    transport = httpx.ASGITransport(app=app, root_path=root_path, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.post(root_path + path, content=body)


async def test_the_endpoint_answers_and_its_problem_is_problem_json():
    app = make_app()
    ok = await post(app, "/hot", b"x")
    assert (ok.status_code, ok.text) == (200, "ok:x")
    bad = await post(app, "/hot", b"bad")
    assert bad.status_code == 400
    assert bad.headers["content-type"] == "application/problem+json"
    assert bad.json()["instance"] == "/hot" and bad.json()["detail"] == "no"


async def test_an_unexpected_error_is_a_500_and_other_routes_reach_the_app():
    app = make_app()
    assert (await post(app, "/hot", b"boom")).status_code == 500
    missing = await post(app, "/cold", b"x")
    assert missing.status_code == 404 and missing.json()["type"].endswith("not-found")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert (await client.get("/hot")).status_code == 405  # only POST is direct


async def test_the_path_is_matched_without_the_root_path():
    app = make_app()
    response = await post(app, "/hot", b"y", root_path="/relais")
    assert response.text == "ok:y"
    assert app.state.calls[-1] == "/relais/hot"
