"""The pages' security: a strict CSP, same-origin POSTs, and a script that never turns
message text into markup."""

from __future__ import annotations

import re
from importlib.resources import files

import pytest
from relais_sandbox.api.security import PAGE_CSP, STATIC_PAGE_CSP, page_headers, same_origin

pytestmark = pytest.mark.unit
STATIC = files("relais_sandbox.api") / "static"


def _directives(csp: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in csp.split(";"))


def test_the_csp_allows_only_the_sandbox_itself_and_nothing_inline():
    directives = _directives(PAGE_CSP)
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in PAGE_CSP and "data:" not in PAGE_CSP
    assert "script-src" not in STATIC_PAGE_CSP  # default-src 'none' forbids every script
    assert page_headers()["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("origin", "host", "allowed"),
    [
        (None, "127.0.0.1:8090", True),
        ("http://127.0.0.1:8090", "127.0.0.1:8090", True),
        ("http://LOCALHOST:8090", "localhost:8090", True),
        ("http://evil.example", "127.0.0.1:8090", False),
        ("http://127.0.0.1:8091", "127.0.0.1:8090", False),
        ("null", "127.0.0.1:8090", False),
        ("http://127.0.0.1:8090", None, False),
    ],
)
def test_posts_are_same_origin_only(origin, host, allowed):
    assert same_origin(origin, host) is allowed


def test_the_script_never_inserts_markup():
    script = (STATIC / "phone.js").read_text()
    for sink in (
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
        "new Function",
        'setTimeout("',
        "srcdoc",
    ):
        assert sink not in script, sink
    assert "textContent" in script


def test_the_page_has_no_inline_script_or_style_and_labels_every_control():
    page = (STATIC / "phone.html").read_text()
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page) is None
    assert "style=" not in page and "<style" not in page
    assert re.search(r"\son[a-z]+=", page) is None  # no inline event handlers
    controls = re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', page)
    assert controls
    for control in controls:
        assert f'for="{control}"' in page, control


def test_both_languages_have_every_text_the_page_uses():
    page = (STATIC / "phone.html").read_text()
    script = (STATIC / "phone.js").read_text()
    keys = set(re.findall(r'data-i18n(?:-aria-label)?="([a-z_]+)"', page))
    keys |= set(re.findall(r'\bt\("([a-z_]+)"\)', script))
    table = script.split("const TEXT = {", 1)[1].split("\n  };", 1)[0]
    french_part, english_part = table.split("\n    en: {", 1)
    french = set(re.findall(r"^\s{6}([a-z_]+): ", french_part, re.MULTILINE))
    english = set(re.findall(r"^\s{6}([a-z_]+): ", english_part, re.MULTILINE))
    assert keys, "no translated text found"
    assert keys <= french, keys - french
    assert keys <= english, keys - english
    assert french == english
