"""The inbox's front end as the router serves it: a strict CSP and security headers on
every answer, only the package's own files served, no inline script or style in the HTML,
no way for the scripts to turn text into markup, and every word in both languages."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from importlib.resources import files
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from relais_router.api import ui
from relais_shared.http import install_problem_handlers

pytestmark = pytest.mark.unit

UI_DIR = Path(str(files("relais_router") / "ui"))
SCRIPTS = sorted(UI_DIR.glob("*.js"))
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'")


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = FastAPI()
    install_problem_handlers(app)
    app.include_router(ui.router)
    return TestClient(app)


def assert_secure(response) -> None:
    assert response.headers["content-security-policy"] == CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_the_router_app_includes_the_ui():
    source = (Path(ui.__file__).parent / "app.py").read_text()
    assert "app.include_router(ui.router)" in source


def test_the_shell_is_served_at_the_root_with_the_security_headers(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-store"
    assert_secure(response)
    assert '<script type="module" src="/ui/app.js">' in response.text


@pytest.mark.parametrize("name", [p.name for p in sorted(UI_DIR.iterdir())
                                  if p.suffix in {".js", ".css", ".svg"}])
def test_every_asset_is_served_revalidated_with_the_security_headers(client, name):
    response = client.get(f"/ui/{name}")
    assert response.status_code == 200
    assert_secure(response)
    assert response.content == (UI_DIR / name).read_bytes()
    assert response.headers["cache-control"] == "no-cache"
    expected_type = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}
    assert response.headers["content-type"].startswith(expected_type[Path(name).suffix])
    again = client.get(f"/ui/{name}", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304
    assert_secure(again)


@pytest.mark.parametrize("path", ["/ui/nope.js", "/ui/index.html", "/ui/..%2Fapi%2Fui.py",
                                  "/ui/%2e%2e/__init__.py"])
def test_nothing_else_is_served_and_a_refusal_carries_the_headers_too(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-security-policy"] == CSP


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inline: list[str] = []
        self.open_script = False

    def handle_starttag(self, tag, attrs):
        names = {name for name, _ in attrs}
        if tag == "style":
            self.inline.append("<style>")
        if "style" in names:
            self.inline.append(f"style attribute on <{tag}>")
        self.inline += [f"{name} on <{tag}>" for name in names if name.startswith("on")]
        if tag == "script":
            if "src" not in names:
                self.inline.append("<script> without src")
            self.open_script = True

    def handle_endtag(self, tag):
        if tag == "script":
            self.open_script = False

    def handle_data(self, data):
        if self.open_script and data.strip():
            self.inline.append("inline script text")


def test_the_html_has_no_inline_script_or_style():
    parser = _Markup()
    parser.feed((UI_DIR / "index.html").read_text())
    assert parser.inline == []


MARKUP_SINKS = re.compile(
    r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\s*\(|new\s+Function\b"
    r"|setAttribute\(\s*[\"']style|[\"']style[\"']\s*:|\bsrcdoc\b|javascript:")


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_no_script_turns_text_into_markup_or_code(script):
    found = [m.group(0) for m in MARKUP_SINKS.finditer(script.read_text())]
    assert found == [], f"{script.name}: {found}"


IMPORT = re.compile(r"""^import .* from "\./([\w.-]+)";$""", re.MULTILINE)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_every_module_imported_is_a_served_file(script):
    for name in IMPORT.findall(script.read_text()):
        assert (UI_DIR / name).is_file(), f"{script.name} imports missing {name}"
        assert name in ui.assets()


def _strings() -> dict[str, dict]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node (Node.js) is required to read ui/strings.js")
    program = (f'import {{ STRINGS }} from "{(UI_DIR / "strings.js").as_uri()}";'
               "process.stdout.write(JSON.stringify(STRINGS));")
    out = subprocess.run([node, "--input-type=module", "-e", program], check=True,
                         capture_output=True, text=True, timeout=30).stdout
    return json.loads(out)


def test_both_languages_have_the_same_words_and_every_word_used_exists():
    strings = _strings()
    assert set(strings) == {"fr", "en"}
    assert set(strings["fr"]) == set(strings["en"])
    used = set()
    for script in SCRIPTS:
        used |= set(re.findall(r"""\bt(?:Or)?\("([a-z0-9_]+)"[,)]""", script.read_text()))
    used |= set(re.findall(r'data-i18n="([a-z0-9_]+)"', (UI_DIR / "index.html").read_text()))
    assert used - set(strings["fr"]) == set()
    for lang in ("fr", "en"):
        for key, value in strings[lang].items():
            forms = value.values() if isinstance(value, dict) else [value]
            assert all(isinstance(f, str) and f for f in forms), (lang, key)
