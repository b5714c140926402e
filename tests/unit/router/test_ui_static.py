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


# --- the pure modules' behaviour, run by Node.js with the few browser globals they touch ---

NODE_PRELUDE = """
const store = new Map();
globalThis.localStorage = { getItem: (k) => store.has(k) ? store.get(k) : null,
  setItem: (k, v) => store.set(k, String(v)), removeItem: (k) => store.delete(k) };
globalThis.window = { addEventListener() {} };
globalThis.document = { documentElement: {}, querySelectorAll: () => [] };
"""


def run_node(body: str) -> object:
    """Run a module body under Node.js and return the JSON it prints. Its `import {…} from
    "./x.js"` lines become dynamic imports of ui/x.js, so the browser globals of the
    prelude exist before any inbox module loads."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node (Node.js) is required to run the inbox's modules")
    body = re.sub(
        r'^import \{ ([^}]+) \} from "\./([\w.]+)";$',
        lambda m: f'const {{ {m.group(1)} }} = await import("{UI_DIR.as_uri()}/{m.group(2)}");',
        body, flags=re.MULTILINE)
    program = (NODE_PRELUDE + "\nconst run = async () => {\n" + body
               + "\n};\nrun().catch((e) => { console.error(e); process.exit(1); });")
    done = subprocess.run([node, "--input-type=module", "-e", program], check=False,
                          capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_retried_click_resends_its_client_key_and_an_answered_one_never_does():
    sent = run_node("""
import { command, setCsrfToken } from "./api.js";
const bodies = [];
const answers = ["network", 200, 409, 200];
globalThis.fetch = async (path, init) => {
  bodies.push({ path, headers: init.headers, body: JSON.parse(init.body) });
  const next = answers.shift();
  if (next === "network") throw new TypeError("fetch failed");
  return { ok: next < 400, status: next, headers: new Map(),
           json: async () => (next < 400 ? { ok: true } : { type: "x/conversation-moved" }) };
};
setCsrfToken("csrf-1");
const conv = { id: "c1", version: 7 };
const tryIt = async () => { try { await command(conv, "claim"); } catch (e) { return e.slug || e.status; } };
await tryIt(); await tryIt(); await tryIt(); await tryIt();
process.stdout.write(JSON.stringify(bodies));
""")
    keys = [b["body"]["client_key"] for b in sent]
    assert keys[0] == keys[1]  # the network failed: the same click again, the same key
    assert keys[2] != keys[1]  # answered: a new click is a new command...
    assert keys[3] != keys[2]  # ...even after a refusal
    assert all(b["body"]["version"] == 7 for b in sent)
    assert all(b["headers"]["X-CSRF-Token"] == "csrf-1" for b in sent)
    assert sent[0]["path"] == "/v1/conversations/c1/claim"


CANNED = [
    "Bonjour {patient}, c'est {agent} de {clinic}. Je m'occupe de votre demande {reference}.",
    "Votre demande {reference} est traitée. Bonne journée, {clinic}.",
    "Hello {patient} , {team}!",
]


def test_canned_variables_fill_as_the_router_fills_them():
    from relais_router.domain.inbox import render_variables

    cases = [(body, variables) for body in CANNED for variables in (
        {"patient": "Mme Durand", "agent": "Camille", "clinic": "Centre Demo",
         "reference": "R-0A1B2C3D", "team": "Accueil"},
        {"patient": "", "agent": "Camille", "clinic": "", "reference": "R-0A1B2C3D", "team": ""},
    )]
    got = run_node(f"""
import {{ renderVariables }} from "./composer.js";
const cases = {json.dumps(cases)};
process.stdout.write(JSON.stringify(cases.map(([body, vars]) => renderVariables(body, vars))));
""")
    assert got == [render_variables(body, variables) for body, variables in cases]


def test_clinical_words_and_due_times_read_as_an_agent_would():
    got = run_node("""
import { clinicalWords } from "./clinical.js";
import { due } from "./format.js";
const now = Date.parse("2026-03-02T10:00:00Z");
process.stdout.write(JSON.stringify({
  words: clinicalWords("Votre BIOPSIE est revenue, les tests sont positifs ; IRM demain"),
  routine: clinicalWords("Votre ordonnance est prête, vos résultats sont disponibles"),
  english: clinicalWords("Your HIV test and the CT  scan"),
  soon: due("2026-03-02T12:00:00Z", now).text,
  late: due("2026-03-02T09:50:00Z", now),
  later: due("2026-03-02T11:30:00Z", now).text,
}));
""")
    assert got["words"] == ["biopsie", "positifs", "irm"]
    assert got["routine"] == []
    assert got["english"] == ["hiv", "ct scan"]
    assert got["soon"] == "dans 2 h"
    assert got["late"] == {"text": "en retard de 10 min", "overdue": True}
    assert got["later"] == "dans 1 h 30"
