"""Sign-in and accounts on real PostgreSQL: argon2 off the event loop, rate limits and
lockout, input limits, corrupt hashes, TOTP, browser sessions and CSRF, logout, disabled
users, the static admin token, the audit trail, and the `relais users` CLI."""

from __future__ import annotations

import asyncio
import io
import re
import sys
import threading
import uuid
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import httpx
import pyotp
import pytest
from argon2 import PasswordHasher
from relais_cli import main as cli_main
from relais_cli import users as cli
from relais_cli.stack import prepare_database
from relais_router.adapters import users
from relais_router.api.app import create_app
from relais_router.api.auth import AuthRuntime

from tests.integration.router.test_threading import db, runtime  # noqa: F401  (fixtures)
from tests.support_auth import demo_passwords, demo_totp_secrets, sign_in_body, totp_code

pytestmark = pytest.mark.integration


@asynccontextmanager
async def router_client(runtime, base_url: str = "http://localhost", **settings):  # noqa: F811
    """An API client on a fresh app (its own rate limiter), with settings overridden."""
    app = create_app(runtime)
    if settings:
        app.state.settings = runtime.settings.model_copy(update=settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url=base_url) as client:
        client.app = app  # type: ignore[attr-defined]
        yield client
    auth = getattr(app.state, "auth", None)
    if auth is not None:
        auth.hashing.close()


@pytest.fixture
def creds(tmp_path) -> Path:
    return tmp_path / "creds.txt"


def login_body(creds: Path, username: str, **extra) -> dict:
    return {"username": username, "password": demo_passwords(creds)[username], **extra}


async def audit_rows(db, action: str) -> list[asyncpg.Record]:  # noqa: F811
    return await db.fetch(
        "SELECT actor, details FROM router.audit_log WHERE action = $1 ORDER BY id", action)


def problem_slug(answer: httpx.Response) -> str:
    assert answer.headers["content-type"].startswith("application/problem+json"), answer.text
    return answer.json()["type"].rsplit("/", 1)[-1]


async def test_twenty_parallel_sign_ins_leave_the_api_answering(runtime, creds, monkeypatch):  # noqa: F811
    # Each verification waits for the test's go: if argon2 ran on the event loop, the loop
    # would stand still inside the first one and /healthz could not answer meanwhile.
    go, entered, stalled = threading.Event(), [], []
    real_verify = users.verify_password

    def gated_verify(stored: str, password: str):
        entered.append(threading.current_thread().name)
        if not go.wait(timeout=3):
            stalled.append(True)
        return real_verify(stored, password)

    monkeypatch.setattr(users, "verify_password", gated_verify)
    async with router_client(runtime, auth_rate_burst=100) as api:
        body = login_body(creds, "agent.accueil")
        logins = [asyncio.create_task(api.post("/v1/auth/login", json=body)) for _ in range(20)]
        while not entered:
            await asyncio.sleep(0.01)
        health = await asyncio.wait_for(api.get("/healthz"), 5)
        assert health.status_code == 200
        assert not go.is_set() and not any(t.done() for t in logins)  # all still signing in
        go.set()
        answers = await asyncio.gather(*logins)
    assert not stalled
    assert [a.status_code for a in answers] == [200] * 20
    assert len({a.json()["access_token"] for a in answers}) == 20
    assert len(entered) == 20 and all(name.startswith("argon2") for name in entered)


async def test_healthz_answers_during_real_parallel_hashing(runtime, creds):  # noqa: F811
    async with router_client(runtime, auth_rate_burst=100) as api:
        body = login_body(creds, "agent.accueil")
        logins = [asyncio.create_task(api.post("/v1/auth/login", json=body)) for _ in range(20)]
        latencies = []
        while not all(t.done() for t in logins):
            started = asyncio.get_running_loop().time()
            answer = await api.get("/healthz")
            if not all(t.done() for t in logins):
                assert answer.status_code == 200
                latencies.append(asyncio.get_running_loop().time() - started)
            await asyncio.sleep(0.01)
        answers = await asyncio.gather(*logins)
    assert [a.status_code for a in answers] == [200] * 20
    assert latencies  # answered while sign-ins were still running
    print(f"healthz during 20 sign-ins: {len(latencies)} answers, "
          f"max {max(latencies) * 1000:.1f} ms")


async def test_a_burst_past_the_budget_gets_429_with_retry_after(runtime, creds):  # noqa: F811
    async with router_client(runtime, auth_rate_burst=3, auth_rate_per_minute=2,
                             auth_trusted_proxies=("127.0.0.1/32",)) as api:
        wrong = {"username": "agent.accueil", "password": "not the password"}
        for _ in range(3):
            assert (await api.post("/v1/auth/login", json=wrong)).status_code == 401
        refused = await api.post("/v1/auth/session", json=login_body(creds, "agent.accueil"))
        assert refused.status_code == 429 and problem_slug(refused) == "too-many-attempts"
        assert 1 <= int(refused.headers["Retry-After"]) <= 30
        # behind a trusted proxy, the client named in X-Forwarded-For has its own budget …
        other = await api.post("/v1/auth/login", json=login_body(creds, "agent.accueil"),
                               headers={"X-Forwarded-For": "198.51.100.7, 203.0.113.9"})
        assert other.status_code == 200
    async with router_client(runtime, auth_rate_burst=1, auth_rate_per_minute=1) as api:
        assert (await api.post("/v1/auth/login", json=wrong)).status_code == 401
        # … but from an untrusted peer the header is ignored (it is the caller's to forge)
        forged = await api.post("/v1/auth/login", json=wrong,
                                headers={"X-Forwarded-For": "203.0.113.10"})
        assert forged.status_code == 429


async def test_five_failures_lock_the_account_for_a_growing_period(runtime, db, creds):  # noqa: F811
    async with router_client(runtime) as api:
        right = login_body(creds, "agent.soins")
        wrong = {**right, "password": "definitely-wrong"}
        for _ in range(5):
            answer = await api.post("/v1/auth/login", json=wrong)
            assert answer.status_code == 401 and problem_slug(answer) == "invalid-credentials"
        locked = await api.post("/v1/auth/login", json=right)
        assert locked.status_code == 401 and problem_slug(locked) == "invalid-credentials"
        first = await db.fetchval("SELECT extract(epoch FROM locked_until - now())"
                                  " FROM router.users WHERE username = 'agent.soins'")
        assert 50 < first <= 60
        (lock,) = await audit_rows(db, "account_locked")
        assert lock["actor"] == "agent.soins"
        reasons = [orjson_loads(r["details"])["reason"] for r in await audit_rows(db, "login_failed")
                   if r["actor"] == "agent.soins"]
        assert reasons == ["bad_password"] * 5 + ["locked"]

        # the lockout ends; five more failures in a row rest the account twice as long
        await db.execute("UPDATE router.users SET locked_until = now() - interval '1 second'"
                         " WHERE username = 'agent.soins'")
        for _ in range(5):
            await api.post("/v1/auth/login", json=wrong)
        second = await db.fetchval("SELECT extract(epoch FROM locked_until - now())"
                                   " FROM router.users WHERE username = 'agent.soins'")
        assert 110 < second <= 120

        # a success after the rest clears the count
        await db.execute("UPDATE router.users SET locked_until = now() - interval '1 second'"
                         " WHERE username = 'agent.soins'")
        assert (await api.post("/v1/auth/login", json=right)).status_code == 200
        row = await db.fetchrow("SELECT failed_logins, lockouts, locked_until FROM router.users"
                                " WHERE username = 'agent.soins'")
        assert tuple(row) == (0, 0, None)


def orjson_loads(value):
    import orjson

    return orjson.loads(value) if isinstance(value, str | bytes) else value


async def test_oversized_inputs_are_422_and_never_reach_the_audit_log(runtime, db):  # noqa: F811
    before = await db.fetchval("SELECT count(*) FROM router.audit_log")
    async with router_client(runtime) as api:
        for body in ({"username": "u" * 65, "password": "x"},
                     {"username": "x" * 100_000, "password": "x"},
                     {"username": "agent.accueil", "password": "p" * 257},
                     {"username": "agent.accueil", "password": "p", "totp": "1" * 17},
                     {"username": "", "password": "p"}):
            answer = await api.post("/v1/auth/login", json=body)
            assert answer.status_code == 422 and problem_slug(answer) == "validation-error"
            assert "xxxxxxxx" not in answer.text and "pppppppp" not in answer.text
            assert (await api.post("/v1/auth/session", json=body)).status_code == 422
    assert await db.fetchval("SELECT count(*) FROM router.audit_log") == before


async def test_a_corrupt_password_hash_is_a_failed_sign_in_audited_as_such(runtime, db, creds):  # noqa: F811
    async with router_client(runtime) as api:
        for corrupt in ("not-an-argon2-hash",
                        "$argon2id$v=19$m=65536,t=3,p=4$bm90IGJhc2U2NA$!!!",
                        # parameters that would take gigabytes: refused unread
                        ("$argon2id$v=19$m=4194304,t=3,p=4$c2FsdHNhbHRzYWx0$"
                         "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGg")):
            await db.execute("UPDATE router.users SET password_hash = $1, failed_logins = 0"
                             " WHERE username = 'agent.facturation'", corrupt)
            answer = await api.post("/v1/auth/login", json=login_body(creds, "agent.facturation"))
            assert answer.status_code == 401 and problem_slug(answer) == "invalid-credentials"
    rows = [r for r in await audit_rows(db, "login_failed") if r["actor"] == "agent.facturation"]
    assert [orjson_loads(r["details"])["reason"] for r in rows] == ["corrupt_hash"] * 3


async def test_an_old_argon2_hash_is_replaced_at_sign_in(runtime, db, creds):  # noqa: F811
    password = demo_passwords(creds)["agent.resultats"]
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(password)
    await db.execute("UPDATE router.users SET password_hash = $1 WHERE username = 'agent.resultats'",
                     weak)
    async with router_client(runtime) as api:
        assert (await api.post("/v1/auth/login", json=login_body(creds, "agent.resultats"))
                ).status_code == 200
    stored = await db.fetchval(
        "SELECT password_hash FROM router.users WHERE username = 'agent.resultats'")
    assert stored != weak and "m=65536,t=3,p=4" in stored


async def test_an_unknown_username_costs_one_verification_and_is_audited_anonymously(
    runtime, db  # noqa: F811
):
    attempted = "Someone-Typed-Their-Password-Here"
    async with router_client(runtime) as api:
        auth = AuthRuntime.from_settings(runtime.settings)
        calls = []
        real_verify = auth.hashing.verify

        async def counting(stored, password):
            calls.append(password)
            return await real_verify(stored, password)

        auth.hashing.verify = counting  # type: ignore[method-assign]
        api.app.state.auth = auth
        unknown = await api.post("/v1/auth/login", json={"username": attempted, "password": "pw"})
        wrong = await api.post("/v1/auth/login",
                               json={"username": "agent.accueil", "password": "pw"})
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()  # the same answer for both
    assert calls == ["pw", "pw"]  # one argon2 verification each
    rows = await db.fetch("SELECT actor, details::text AS details FROM router.audit_log"
                          " WHERE action = 'login_failed' ORDER BY id")
    anonymous = [r for r in rows if r["actor"] == "anonymous"]
    assert len(anonymous) == 1
    details = orjson_loads(anonymous[0]["details"])
    assert details["reason"] == "unknown_user" and details["ip"] == "127.0.0.1"
    assert re.fullmatch(r"[0-9a-f]{8}", details["username_sha256"])
    assert attempted.lower() not in anonymous[0]["details"].lower()


async def test_leads_and_admins_need_a_totp_code_that_works_once(runtime, db, creds):  # noqa: F811
    secret = demo_totp_secrets(creds)["lead"]
    async with router_client(runtime) as api:
        # a wrong password never learns that a code would be asked for
        wrong = await api.post("/v1/auth/login", json={"username": "lead", "password": "nope"})
        assert problem_slug(wrong) == "invalid-credentials"
        missing = await api.post("/v1/auth/login", json=login_body(creds, "lead"))
        assert missing.status_code == 401 and problem_slug(missing) == "totp-required"
        bad = str((int(pyotp.TOTP(secret).now()) + 1) % 1_000_000).zfill(6)
        refused = await api.post("/v1/auth/login", json=login_body(creds, "lead", totp=bad))
        assert refused.status_code == 401 and problem_slug(refused) == "invalid-credentials"
        code = await totp_code(secret)
        accepted = await api.post("/v1/auth/login", json=login_body(creds, "lead", totp=code))
        assert accepted.status_code == 200, accepted.text
        replayed = await api.post("/v1/auth/session", json=login_body(creds, "lead", totp=code))
        assert replayed.status_code == 401 and problem_slug(replayed) == "invalid-credentials"
        # the next step's code still works (one step of drift), then the helper waits
        assert (await api.post("/v1/auth/login", json=await sign_in_body(creds, "admin"))
                ).status_code == 200
        me = await api.get("/v1/me", headers={
            "Authorization": f"Bearer {accepted.json()['access_token']}"})
    assert me.json()["role"] == "lead"
    reasons = [orjson_loads(r["details"])["reason"] for r in await audit_rows(db, "login_failed")
               if r["actor"] == "lead"]
    assert reasons == ["bad_password", "totp_invalid", "totp_replayed"]
    assert [r["actor"] for r in await audit_rows(db, "login_totp_required")] == ["lead"]


async def test_a_lead_without_a_totp_secret_cannot_sign_in(runtime, db, creds):  # noqa: F811
    await db.execute("UPDATE router.users SET totp_secret = NULL WHERE username = 'lead'")
    async with router_client(runtime) as api:
        answer = await api.post("/v1/auth/login", json=login_body(creds, "lead", totp="123456"))
    assert answer.status_code == 401 and problem_slug(answer) == "totp-not-enrolled"


def _cookie_flags(set_cookie: str) -> dict[str, str | bool]:
    first, *attrs = [p.strip() for p in set_cookie.split(";")]
    name, _, value = first.partition("=")
    flags: dict[str, str | bool] = {"name": name, "value": value}
    for attr in attrs:
        key, sep, val = attr.partition("=")
        flags[key.lower()] = val if sep else True
    return flags


async def test_a_browser_session_is_an_httponly_strict_cookie_with_csrf(runtime, db, creds):  # noqa: F811
    async with router_client(runtime) as api:
        signed = await api.post("/v1/auth/session", json=login_body(creds, "agent.accueil"))
        assert signed.status_code == 200, signed.text
        assert signed.headers["cache-control"] == "no-store"
        flags = _cookie_flags(signed.headers["set-cookie"])
        assert flags["name"] == "relais_session" and flags["httponly"] is True
        assert flags["samesite"] == "Strict" and flags["path"] == "/"
        assert "secure" not in flags  # plain http on localhost
        body = signed.json()
        assert set(body) >= {"csrf_token", "user"}
        assert body["user"] == {"username": "agent.accueil", "display_name": "Camille (accueil)",
                                "role": "agent", "memberships": [{"site": "demo", "team": "accueil"}],
                                "presence": "offline"}
        session, csrf = flags["value"], body["csrf_token"]
        # only digests are stored
        stored = await db.fetchrow(
            "SELECT t.* FROM router.api_tokens t JOIN router.users u ON u.id = t.user_id"
            " WHERE u.username = 'agent.accueil' AND t.kind = 'session'")
        assert session not in str(dict(stored)) and csrf not in str(dict(stored))
        assert str(stored["ip"]) == "127.0.0.1"

        assert (await api.get("/v1/me")).json()["username"] == "agent.accueil"
        # a session token is not a bearer token
        as_bearer = await api.get("/v1/me", headers={"Authorization": f"Bearer {session}"})
        assert as_bearer.status_code == 401
        for headers in ({}, {"X-CSRF-Token": "forged"}):
            refused = await api.post("/v1/auth/logout", headers=headers)
            assert refused.status_code == 403 and problem_slug(refused) == "csrf-failed"
        done = await api.post("/v1/auth/logout", headers={"X-CSRF-Token": csrf})
        assert done.status_code == 204
        cleared = _cookie_flags(done.headers["set-cookie"])
        assert cleared["value"] == "" and cleared["max-age"] == "0"
        api.cookies.set("relais_session", session)  # a copy kept by an attacker
        after = await api.get("/v1/me")
        assert after.status_code == 401 and problem_slug(after) == "invalid-session"
    async with router_client(runtime, base_url="https://inbox.clinique.example") as api:
        signed = await api.post("/v1/auth/session", json=login_body(creds, "agent.soins"))
        assert _cookie_flags(signed.headers["set-cookie"])["secure"] is True


async def test_sessions_end_when_idle_and_tokens_when_expired(runtime, db, creds):  # noqa: F811
    async with router_client(runtime) as api:
        await api.post("/v1/auth/session", json=login_body(creds, "agent.accueil"))
        session = api.cookies["relais_session"]
        token = (await api.post("/v1/auth/login", json=login_body(creds, "agent.soins"))
                 ).json()["access_token"]
        bearer = {"Authorization": f"Bearer {token}"}
        lifetime = await db.fetchval(
            "SELECT extract(epoch FROM expires_at - created_at) FROM router.api_tokens"
            " WHERE kind = 'bearer' ORDER BY created_at DESC LIMIT 1")
        assert lifetime == 12 * 3600

        # last_used_at moves on the first use, then at most once a minute
        assert (await api.get("/v1/me")).status_code == 200
        first = await db.fetchval("SELECT last_used_at FROM router.api_tokens WHERE kind = 'session'")
        assert first is not None
        assert (await api.get("/v1/me")).status_code == 200
        assert await db.fetchval(
            "SELECT last_used_at FROM router.api_tokens WHERE kind = 'session'") == first
        await db.execute("UPDATE router.api_tokens SET last_used_at = now() - interval '2 minutes'"
                         " WHERE kind = 'session'")
        assert (await api.get("/v1/me")).status_code == 200
        assert await db.fetchval("SELECT now() - last_used_at < interval '5 seconds'"
                                 " FROM router.api_tokens WHERE kind = 'session'")

        await db.execute(
            "UPDATE router.api_tokens SET last_used_at = now() - interval '8 hours 1 minute',"
            " created_at = now() - interval '9 hours' WHERE kind = 'session'")
        assert (await api.get("/v1/me")).status_code == 401
        api.cookies.clear()
        assert (await api.get("/v1/me", headers=bearer)).status_code == 200
        await db.execute("UPDATE router.api_tokens SET expires_at = now() - interval '1 second'"
                         " WHERE kind = 'bearer'")
        assert session  # (kept only to show the session and token were distinct)
        answer = await api.get("/v1/me", headers=bearer)
        assert answer.status_code == 401 and problem_slug(answer) == "invalid-token"


async def test_logout_revokes_the_bearer_token(runtime, db, creds):  # noqa: F811
    async with router_client(runtime) as api:
        token = (await api.post("/v1/auth/login", json=login_body(creds, "agent.accueil"))
                 ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        me = await api.get("/v1/me", headers=headers)
        assert me.json() == {"username": "agent.accueil", "display_name": "Camille (accueil)",
                             "role": "agent", "memberships": [{"site": "demo", "team": "accueil"}],
                             "presence": "offline"}
        assert (await api.post("/v1/auth/logout", headers=headers)).status_code == 204
        assert (await api.get("/v1/me", headers=headers)).status_code == 401
        assert (await api.post("/v1/auth/logout", headers=headers)).status_code == 401
    assert [r["actor"] for r in await audit_rows(db, "logout")] == ["agent.accueil"]


async def test_a_disabled_user_is_signed_out_at_once_and_cannot_sign_in(runtime, db, creds):  # noqa: F811
    url = runtime.settings.database_url
    async with router_client(runtime) as api:
        token = (await api.post("/v1/auth/login", json=login_body(creds, "agent.ordonnances"))
                 ).json()["access_token"]
        await api.post("/v1/auth/session", json=login_body(creds, "agent.ordonnances"))
        headers = {"Authorization": f"Bearer {token}"}
        assert (await api.get("/v1/me", headers=headers)).status_code == 200
        assert await cli.set_disabled(url, "agent.ordonnances", out=io.StringIO()) == 0
        assert (await api.get("/v1/me", headers=headers)).status_code == 401
        assert (await api.get("/v1/me")).status_code == 401  # the session too
        refused = await api.post("/v1/auth/login", json=login_body(creds, "agent.ordonnances"))
        assert refused.status_code == 401 and problem_slug(refused) == "invalid-credentials"
        # tokens stop by the user's state, not only by revocation: a token row left
        # unrevoked still opens nothing while the account is disabled
        await db.execute("UPDATE router.api_tokens SET revoked_at = NULL")
        assert (await api.get("/v1/me", headers=headers)).status_code == 401
        assert await cli.set_disabled(url, "agent.ordonnances", False, out=io.StringIO()) == 0
        assert (await api.post("/v1/auth/login", json=login_body(creds, "agent.ordonnances"))
                ).status_code == 200
    rows = [r for r in await audit_rows(db, "login_failed") if r["actor"] == "agent.ordonnances"]
    assert [orjson_loads(r["details"])["reason"] for r in rows] == ["disabled"]


async def test_the_static_admin_token_is_the_admin_user_and_refused_in_production(runtime, db):  # noqa: F811
    static = {"Authorization": f"Bearer {runtime.settings.admin_token}"}
    async with router_client(runtime, env="production") as api:
        answer = await api.get("/v1/me", headers=static)
        assert answer.status_code == 401 and problem_slug(answer) == "invalid-token"
        assert (await api.get("/v1/conversations", params={"address": "+33612345678"},
                              headers=static)).status_code == 401
    async with router_client(runtime) as api:
        me = await api.get("/v1/me", headers=static)
        assert me.status_code == 200 and me.json()["username"] == "admin"
        logout = await api.post("/v1/auth/logout", headers=static)
        assert logout.status_code == 400 and problem_slug(logout) == "not-revocable"
        await db.execute("UPDATE router.users SET disabled_at = now() WHERE username = 'admin'")
        assert (await api.get("/v1/me", headers=static)).status_code == 401


async def test_every_audit_row_names_a_person_or_anonymous(runtime, db, creds):  # noqa: F811
    static = {"Authorization": f"Bearer {runtime.settings.admin_token}"}
    before = await db.fetchval("SELECT coalesce(max(id), 0) FROM router.audit_log")
    async with router_client(runtime) as api:
        await api.post("/v1/auth/login", json={"username": "nobody", "password": "x"})
        await api.post("/v1/auth/login", json={"username": "agent.accueil", "password": "x"})
        await api.post("/v1/auth/login", json=await sign_in_body(creds, "admin"))
        await api.get(f"/v1/conversations/{uuid.uuid4()}", headers=static)
        await api.post("/v1/patients", json={"display_name": "Léa Martin"}, headers=static)
    # every row the API wrote (the directory seed before it is the system's own)
    actors = {r["actor"] for r in await db.fetch(
        "SELECT DISTINCT actor FROM router.audit_log WHERE id > $1", before)}
    people = {r["username"] for r in await db.fetch("SELECT username FROM router.users")}
    assert actors and actors <= people | {"anonymous"}, actors - people
    assert "admin" in actors
    ips = {orjson_loads(r["details"]).get("ip") for r in await db.fetch(
        "SELECT details FROM router.audit_log WHERE action LIKE 'login%' AND id > $1", before)}
    assert ips == {"127.0.0.1"}


async def test_the_users_cli_creates_lists_resets_and_disables(runtime, db, capsys, monkeypatch):  # noqa: F811
    url = runtime.settings.database_url
    out = io.StringIO()
    assert await cli.create(url, "Camille.Dupont", "agent", "Camille Dupont",
                            ["demo:accueil", "demo:rendez-vous"], out=out) == 0
    printed = out.getvalue()
    password = re.search(r"^password: (\S+)$", printed, re.MULTILINE).group(1)
    assert "TOTP" not in printed and len(password) >= 12

    # through `relais users …` as an operator runs it, password on stdin
    monkeypatch.setattr(sys, "stdin", io.StringIO("a long lead passphrase 42\n"))
    code = await asyncio.to_thread(cli_main.main, [
        "users", "create", "nadia", "--role", "lead", "--name", "Nadia Lead",
        "--member", "demo:soins", "--password-stdin", "--database-url", url])
    assert code == 0
    lead_out = capsys.readouterr().out
    assert "password:" not in lead_out  # given, so not printed
    secret = re.search(r"^TOTP secret: ([A-Z2-7]{32})$", lead_out, re.MULTILINE).group(1)
    assert f"otpauth://totp/Relais:nadia?secret={secret}" in lead_out

    async with router_client(runtime) as api:
        agent = await api.post("/v1/auth/login",
                               json={"username": "camille.dupont", "password": password})
        assert agent.status_code == 200
        me = await api.get("/v1/me", headers={"Authorization": f"Bearer {agent.json()['access_token']}"})
        assert me.json()["memberships"] == [{"site": "demo", "team": "accueil"},
                                            {"site": "demo", "team": "rendez-vous"}]
        lead = await api.post("/v1/auth/login", json={
            "username": "nadia", "password": "a long lead passphrase 42",
            "totp": await totp_code(secret)})
        assert lead.status_code == 200

        listed = io.StringIO()
        assert await cli.list_users(url, out=listed) == 0
        table = listed.getvalue()
        assert "camille.dupont" in table and "nadia" in table and "demo:soins" in table
        assert password not in table and secret not in table and "$argon2" not in table
        as_json = io.StringIO()
        await cli.list_users(url, as_json=True, out=as_json)
        assert password not in as_json.getvalue() and secret not in as_json.getvalue()

        reset = io.StringIO()
        assert await cli.reset_password(url, "camille.dupont", out=reset) == 0
        new_password = re.search(r"^password: (\S+)$", reset.getvalue(), re.MULTILINE).group(1)
        old_token = {"Authorization": f"Bearer {agent.json()['access_token']}"}
        assert (await api.get("/v1/me", headers=old_token)).status_code == 401  # revoked
        assert (await api.post("/v1/auth/login", json={
            "username": "camille.dupont", "password": password})).status_code == 401
        assert (await api.post("/v1/auth/login", json={
            "username": "camille.dupont", "password": new_password})).status_code == 200

        assert await cli.set_disabled(url, "nadia", out=io.StringIO()) == 0
        assert (await api.get("/v1/me", headers={
            "Authorization": f"Bearer {lead.json()['access_token']}"})).status_code == 401

    for bad in (lambda: cli.create(url, "camille.dupont", "agent", "X", ["demo:accueil"]),
                lambda: cli.create(url, "other", "agent", "X", ["demo:nowhere"]),
                lambda: cli.create(url, "other", "agent", "X", []),
                lambda: cli.create(url, "anonymous", "admin", "X", []),
                lambda: cli.create(url, "other", "agent", "X", ["demo:accueil"], password="short"),
                lambda: cli.reset_password(url, "nobody-here")):
        with pytest.raises(cli.UsageError):
            await bad()
    actions = [(r["action"], orjson_loads(r["details"])["username"]) for r in await db.fetch(
        "SELECT action, details FROM router.audit_log WHERE action LIKE 'user.%' ORDER BY id")]
    assert actions == [("user.created", "camille.dupont"), ("user.created", "nadia"),
                       ("user.password_reset", "camille.dupont"), ("user.disabled", "nadia")]


async def test_argon2_refuses_work_past_its_queue_rather_than_piling_up(runtime, creds):  # noqa: F811
    async with router_client(runtime, auth_hash_workers=1, auth_hash_queue_max=1,
                             auth_rate_burst=100) as api:
        body = login_body(creds, "agent.accueil")
        answers = await asyncio.gather(*(api.post("/v1/auth/login", json=body) for _ in range(6)))
    codes = sorted(a.status_code for a in answers)
    assert 200 in codes and 503 in codes, codes
    busy = next(a for a in answers if a.status_code == 503)
    assert problem_slug(busy) == "sign-in-busy" and busy.headers["Retry-After"] == "2"


async def test_the_demo_seed_writes_credentials_and_totp_secrets_privately(runtime, db, creds):  # noqa: F811
    lines = [line.split("\t") for line in creds.read_text().splitlines()]
    teams = ["accueil", "rendez-vous", "ordonnances", "resultats", "facturation", "soins",
             "relations-patients"]
    assert [(u, r) for u, r, _ in lines] == [(f"agent.{t}", "agent") for t in teams] + [
        ("lead", "lead"), ("admin", "admin")]
    totp_file = creds.with_name("demo-totp.txt")
    assert sorted(demo_totp_secrets(creds)) == ["admin", "lead"]
    assert creds.stat().st_mode & 0o777 == totp_file.stat().st_mode & 0o777 == 0o600
    members = {r["username"]: sorted(r["teams"]) for r in await db.fetch(
        "SELECT u.username, array_agg(m.site_id || ':' || m.team_id) AS teams FROM router.users u"
        " JOIN router.team_members m ON m.user_id = u.id GROUP BY u.username")}
    assert members["agent.soins"] == ["demo:soins"]
    assert members["lead"] == sorted(f"demo:{t}" for t in teams)
    # once seeded, a restart keeps the passwords; a data directory from before TOTP is reseeded
    await prepare_database(runtime.settings.database_url, creds)
    assert [line.split("\t") for line in creds.read_text().splitlines()] == lines
    totp_file.unlink()
    await prepare_database(runtime.settings.database_url, creds)
    assert demo_passwords(creds)["admin"] != {u: p for u, _, p in lines}["admin"]
    out = io.StringIO()
    assert cli.demo_code("admin", creds.parent, out=out) == 0
    assert out.getvalue().strip() == pyotp.TOTP(demo_totp_secrets(creds)["admin"]).now()
