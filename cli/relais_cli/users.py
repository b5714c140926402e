"""`relais users create|disable|enable|reset-password|list|demo-code`: the inbox's accounts.

A password is printed only when Relais generated it, once; a lead's or admin's TOTP secret
and otpauth:// URI only when it is (re)issued. `list` never prints a secret. Every change
is audited in `router.audit_log`, with the operator's login as actor (`cli:<user>`, as
`relais directory` does). Each change revokes the tokens and sessions the account held.
"""

from __future__ import annotations

import asyncio
import getpass
import json
import os
import secrets
import sys
from pathlib import Path
from typing import TextIO

import asyncpg
from relais_router.adapters import repository as repo
from relais_router.adapters import users as store
from relais_router.domain import auth as rules

ROLES = ("agent", "lead", "admin")


class UsageError(Exception):
    """A bad argument: printed to stderr, exit status 2."""


def _actor() -> str:
    try:
        return "cli:" + getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def _issuer() -> str:
    return os.environ.get("RELAIS_AUTH_TOTP_ISSUER", "Relais")


def parse_member(raw: str) -> tuple[str, str]:
    site, sep, team = raw.partition(":")
    if not sep or not site.strip() or not team.strip():
        raise UsageError(f"--member takes SITE:TEAM, not {raw!r}")
    return site.strip(), team.strip()


def read_password(stdin: TextIO) -> str:
    """One line from stdin, without its line ending (`--password-stdin`)."""
    line = stdin.readline()
    return line.removesuffix("\n")


def _new_password(given: str | None, username: str) -> tuple[str, bool]:
    """The password to set, and whether Relais made it up (then it is printed)."""
    if given is None:
        return secrets.token_urlsafe(15), True
    try:
        rules.check_new_password(given, username)
    except rules.WeakPassword as exc:
        raise UsageError(str(exc)) from None
    return given, False


def _print_totp(out: TextIO, username: str, secret: str) -> None:
    print(f"TOTP secret: {secret}", file=out)
    print(f"otpauth URI: {rules.provisioning_uri(secret, username, _issuer())}", file=out)
    print("  (add it to an authenticator app now: it is not shown again)", file=out)


async def create(
    database_url: str, username: str, role: str, display_name: str, members: list[str],
    password: str | None = None, out: TextIO | None = None,
) -> int:
    """Create an account; prints a generated password and, for leads/admins, the TOTP."""
    out = sys.stdout if out is None else out
    try:
        name = rules.check_new_username(username)
    except rules.InvalidUsername as exc:
        raise UsageError(str(exc)) from None
    if role not in ROLES:
        raise UsageError(f"--role is one of {', '.join(ROLES)}")
    display = display_name.strip()
    if not display or len(display) > rules.DISPLAY_NAME_MAX:
        raise UsageError(f"--name is 1–{rules.DISPLAY_NAME_MAX} characters")
    memberships = sorted({parse_member(m) for m in members})
    if role != "admin" and not memberships:
        raise UsageError("an agent or lead needs at least one --member SITE:TEAM")
    password, generated = _new_password(password, name)
    secret = rules.new_totp_secret() if rules.requires_totp(role) else None
    password_hash = await asyncio.to_thread(store.hash_password, password)
    conn = await asyncpg.connect(database_url)
    try:
        await _check_teams(conn, memberships)
        async with conn.transaction():
            await store.create_user(conn, username=name, password_hash=password_hash, role=role,
                                    display_name=display, memberships=memberships,
                                    totp_secret=secret)
            await repo.audit(conn, _actor(), "user.created", None, {
                "username": name, "role": role,
                "memberships": [f"{s}:{t}" for s, t in memberships]})
    except store.UserExists:
        raise UsageError(f"user {name!r} exists (use reset-password)") from None
    finally:
        await conn.close()
    where = ", ".join(f"{s}:{t}" for s, t in memberships) or "no team (admin)"
    print(f"created {name} ({role}), member of {where}", file=out)
    if generated:
        print(f"password: {password}", file=out)
        print("  (give it to the person now: it is not shown again)", file=out)
    if secret:
        _print_totp(out, name, secret)
    return 0


async def _check_teams(conn: asyncpg.Connection, memberships: list[tuple[str, str]]) -> None:
    if not memberships:
        return
    known = {(r["site_id"], r["id"]) for r in await conn.fetch(
        "SELECT site_id, id FROM router.teams WHERE site_id = ANY($1::text[])",
        [s for s, _ in memberships])}
    missing = [f"{s}:{t}" for s, t in memberships if (s, t) not in known]
    if missing:
        raise UsageError(f"no such team: {', '.join(missing)}")


async def reset_password(
    database_url: str, username: str, password: str | None = None, new_totp: bool = False,
    out: TextIO | None = None,
) -> int:
    """A new password (unlocks the account, revokes its tokens); a new TOTP secret with
    `new_totp`, or when a lead or admin has none yet."""
    out = sys.stdout if out is None else out
    name = rules.normalise_username(username)
    password, generated = _new_password(password, name)
    password_hash = await asyncio.to_thread(store.hash_password, password)
    conn = await asyncpg.connect(database_url)
    try:
        row = await conn.fetchrow(
            "SELECT role, totp_secret IS NOT NULL AS enrolled FROM router.users WHERE username = $1",
            name)
        if row is None:
            raise UsageError(f"no user {name!r}")
        enrol = new_totp or (rules.requires_totp(row["role"]) and not row["enrolled"])
        secret = rules.new_totp_secret() if enrol else None
        async with conn.transaction():
            if enrol:
                await store.set_password(conn, name, password_hash, secret)
            else:
                await store.set_password(conn, name, password_hash)
            await repo.audit(conn, _actor(), "user.password_reset", None,
                             {"username": name, "new_totp": enrol})
    finally:
        await conn.close()
    print(f"password of {name} reset; its tokens and sessions are revoked", file=out)
    if generated:
        print(f"password: {password}", file=out)
        print("  (give it to the person now: it is not shown again)", file=out)
    if secret:
        _print_totp(out, name, secret)
    return 0


async def set_disabled(
    database_url: str, username: str, disabled: bool = True, out: TextIO | None = None
) -> int:
    """Disable an account (its tokens stop working at once) or enable it again."""
    out = sys.stdout if out is None else out
    name = rules.normalise_username(username)
    conn = await asyncpg.connect(database_url)
    try:
        async with conn.transaction():
            if await store.set_disabled(conn, name, disabled) is None:
                raise UsageError(f"no user {name!r}")
            await repo.audit(conn, _actor(), "user.disabled" if disabled else "user.enabled",
                             None, {"username": name})
    finally:
        await conn.close()
    print(f"{name} {'disabled: its tokens and sessions are revoked' if disabled else 'enabled'}",
          file=out)
    return 0


async def list_users(database_url: str, as_json: bool = False, out: TextIO | None = None) -> int:
    """Every account: role, teams, state, TOTP enrolled or not, last seen. No secrets."""
    out = sys.stdout if out is None else out
    conn = await asyncpg.connect(database_url)
    try:
        found = await store.list_users(conn)
    finally:
        await conn.close()
    rows = [{
        "username": u.username, "display_name": u.display_name, "role": u.role,
        "memberships": [f"{s}:{t}" for s, t in u.memberships],
        "disabled": u.disabled_at is not None,
        "locked_until": u.locked_until.isoformat() if u.locked_until else None,
        "totp": u.totp_enrolled,
        "last_seen_at": u.last_seen_at.isoformat() if u.last_seen_at else None,
    } for u in found]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2), file=out)
        return 0
    print(f"{'USER':<28} {'ROLE':<6} {'STATE':<9} {'TOTP':<4} {'LAST SEEN':<20} TEAMS", file=out)
    for r in rows:
        state = "disabled" if r["disabled"] else ("locked" if r["locked_until"] else "active")
        seen = (r["last_seen_at"] or "never")[:19]
        print(f"{r['username']:<28} {r['role']:<6} {state:<9} {'yes' if r['totp'] else 'no':<4} "
              f"{seen:<20} {', '.join(r['memberships'])}", file=out)
    return 0


def demo_code(username: str, base_dir: Path, out: TextIO | None = None) -> int:
    """The current TOTP code of a demo lead or admin, from `demo-totp.txt` (development)."""
    out = sys.stdout if out is None else out
    import pyotp

    path = base_dir / "demo-totp.txt"
    try:
        secrets_by_user = dict(line.split("\t", 1) for line in path.read_text().splitlines()
                               if "\t" in line)
    except OSError:
        raise UsageError(f"no {path}: start the stack once with `relais run`") from None
    secret = secrets_by_user.get(rules.normalise_username(username))
    if secret is None:
        raise UsageError(f"{username!r} has no demo TOTP secret in {path}")
    print(pyotp.TOTP(secret.strip()).now(), file=out)
    return 0


def run(args) -> int:  # type: ignore[no-untyped-def]
    """Dispatch `relais users ACTION` (argparse namespace from main.py)."""
    try:
        if args.action == "demo-code":
            from .devstack import default_base_dir

            return demo_code(args.username, Path(args.data_dir) if args.data_dir
                             else default_base_dir())
        url = args.database_url
        password = read_password(sys.stdin) if getattr(args, "password_stdin", False) else None
        if args.action == "create":
            return asyncio.run(create(url, args.username, args.role, args.name,
                                      args.member or [], password))
        if args.action == "reset-password":
            return asyncio.run(reset_password(url, args.username, password, args.new_totp))
        if args.action in ("disable", "enable"):
            return asyncio.run(set_disabled(url, args.username, args.action == "disable"))
        return asyncio.run(list_users(url, args.json))
    except UsageError as exc:
        print(f"relais users {args.action}: {exc}", file=sys.stderr)
        return 2
