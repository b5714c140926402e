"""Signing in: one password check off the event loop, then one short transaction that
decides (lockout, disabled, TOTP), counts, issues the token and audits — in that order.

No database connection is held while argon2 runs (a burst of sign-ins must not drain the
pool the inbox needs), and every attempt that reaches here costs one argon2 verification,
whether the user exists, is locked or disabled: the answer and its timing say nothing
about which usernames exist or which accounts rest. Only leads' and admins' correct
passwords get a different answer (`totp-required`), and wrong passwords are counted
towards the lockout whatever the TOTP field holds.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

import asyncpg
from relais_shared import db
from relais_shared.logging import get_logger

from .adapters import repository as repo
from .adapters import users
from .domain import auth as rules
from .domain.access import Principal

log = get_logger(__name__)
Kind = Literal["bearer", "session"]


@dataclass(frozen=True)
class SignInPolicy:
    lockout: rules.LockoutPolicy
    bearer_lifetime: timedelta
    session_lifetime: timedelta  # absolute; sessions also end after `session_idle`
    session_idle: timedelta

    @classmethod
    def from_settings(cls, settings: Any) -> SignInPolicy:
        return cls(
            lockout=rules.LockoutPolicy(
                threshold=settings.auth_lockout_threshold,
                base_seconds=settings.auth_lockout_base_seconds,
                max_seconds=settings.auth_lockout_max_seconds,
            ),
            bearer_lifetime=timedelta(hours=settings.auth_bearer_hours),
            session_lifetime=timedelta(hours=settings.auth_session_max_hours),
            session_idle=timedelta(hours=settings.auth_session_idle_hours),
        )


@dataclass(frozen=True)
class Attempt:
    username: str
    password: str
    totp: str | None
    kind: Kind
    ip: str | None
    user_agent: str | None


@dataclass(frozen=True)
class SignedIn:
    issued: users.Issued
    principal: Principal
    presence: str


class SignInRefused(Exception):
    """401: `invalid-credentials`, `totp-required` or `totp-not-enrolled`."""

    def __init__(self, slug: str) -> None:
        super().__init__(slug)
        self.slug = slug


# What the transaction decided: a SignedIn, or the slug of a refusal. A refusal is raised
# only once the transaction committed, so the failure it counted is kept.
_Decision = SignedIn | str


async def sign_in(
    pool: asyncpg.Pool, hashing: users.PasswordHashing, policy: SignInPolicy, attempt: Attempt
) -> SignedIn:
    """A token (or session) for `attempt`, or SignInRefused; `HashingBusy` when argon2's
    queue is full (nothing was checked, nothing is counted)."""
    username = rules.normalise_username(attempt.username)
    async with pool.acquire() as conn:
        found = await users.credentials_for(conn, username)
    if found is None:
        await hashing.verify_unknown(attempt.password)
        async with pool.acquire() as conn:
            await _audit_failure(conn, rules.ANONYMOUS_ACTOR, "unknown_user", attempt,
                                 username_sha256=rules.username_fingerprint(username))
        raise SignInRefused("invalid-credentials")
    verification = await hashing.verify(found.password_hash, attempt.password)
    async with db.transaction(pool) as conn:
        decision = await _decide(conn, found, verification, policy, attempt)
    if isinstance(decision, str):
        raise SignInRefused(decision)
    if verification.needs_rehash:
        await _rehash(pool, hashing, found, attempt.password)
    return decision


async def _decide(
    conn: asyncpg.Connection,
    found: users.Credentials,
    verification: users.Verification,
    policy: SignInPolicy,
    attempt: Attempt,
) -> _Decision:
    state = await users.lock_account(conn, found.user_id)
    if state is None:  # deleted while argon2 ran
        await _audit_failure(conn, rules.ANONYMOUS_ACTOR, "unknown_user", attempt,
                             username_sha256=rules.username_fingerprint(found.username))
        return "invalid-credentials"
    actor = found.username
    if state.disabled:
        await _audit_failure(conn, actor, "disabled", attempt)
        return "invalid-credentials"
    if state.lock.is_locked(state.now) and state.lock.locked_until is not None:
        await _audit_failure(conn, actor, "locked", attempt,
                             locked_until=state.lock.locked_until.isoformat())
        return "invalid-credentials"
    if state.password_changed_at != found.password_changed_at:  # reset while argon2 ran
        await _audit_failure(conn, actor, "password_changed", attempt)
        return "invalid-credentials"
    if verification.outcome is not users.HashCheck.MATCH:
        reason = ("corrupt_hash" if verification.outcome is users.HashCheck.CORRUPT
                  else "bad_password")
        if reason == "corrupt_hash":
            log.error("password_hash_unreadable", user_id=str(found.user_id))
        return await _fail(conn, found.user_id, actor, reason, state, policy, attempt)
    if rules.requires_totp(state.role):
        if not state.totp_secret:
            await _audit_failure(conn, actor, "totp_not_enrolled", attempt)
            return "totp-not-enrolled"
        if not attempt.totp or not rules.clean_totp_code(attempt.totp):
            # The password was right: worth a row (a stolen password shows up here).
            await repo.audit(conn, actor, "login_totp_required", None,
                             {"ip": attempt.ip, "kind": attempt.kind})
            return "totp-required"
        check = rules.check_totp(state.totp_secret, attempt.totp, state.now, state.totp_last_step)
        # the row is locked, but the step is compared in SQL too: a code works once
        if (check.outcome is rules.TotpOutcome.ACCEPTED and check.step is not None
                and not await users.accept_totp_step(conn, found.user_id, check.step)):
            check = rules.TotpCheck(rules.TotpOutcome.REPLAYED, check.step)
        if check.outcome is not rules.TotpOutcome.ACCEPTED:
            reason = "totp_replayed" if check.outcome is rules.TotpOutcome.REPLAYED else "totp_invalid"
            return await _fail(conn, found.user_id, actor, reason, state, policy, attempt)
    await users.save_lock_state(conn, found.user_id, rules.LockState.after_success())
    lifetime = policy.bearer_lifetime if attempt.kind == "bearer" else policy.session_lifetime
    issued = await users.issue_token(conn, found.user_id, attempt.kind, lifetime,
                                     attempt.ip, attempt.user_agent)
    await users.prune_tokens(conn, found.user_id)
    await repo.audit(conn, actor, "login", None, {"ip": attempt.ip, "kind": attempt.kind})
    principal = await users.principal_by_username(conn, found.username)
    if principal is None:  # cannot happen: the row is locked and enabled
        raise RuntimeError("a signed-in user vanished inside its own transaction")
    presence = await users.presence_of(conn, found.user_id)
    log.info("signed_in", user_id=str(found.user_id), kind=attempt.kind)
    return SignedIn(issued, principal, presence)


async def _fail(
    conn: asyncpg.Connection,
    user_id: uuid.UUID,
    actor: str,
    reason: str,
    state: users.AccountState,
    policy: SignInPolicy,
    attempt: Attempt,
) -> _Decision:
    """Count a failure; the threshold-th starts a lockout (audited on its own row)."""
    lock = state.lock.after_failure(policy.lockout, state.now)
    await users.save_lock_state(conn, user_id, lock)
    await _audit_failure(conn, actor, reason, attempt, failed_logins=lock.failed_logins)
    if lock.locked_until is not None and lock.locked_until != state.lock.locked_until:
        await repo.audit(conn, actor, "account_locked", None, {
            "ip": attempt.ip, "locked_until": lock.locked_until.isoformat(),
            "lockouts": lock.lockouts})
        log.warning("account_locked", user_id=str(user_id), lockouts=lock.lockouts)
    return "invalid-credentials"


async def _audit_failure(
    conn: asyncpg.Connection, actor: str, reason: str, attempt: Attempt, **details: Any
) -> None:
    await repo.audit(conn, actor, "login_failed", None,
                     {"reason": reason, "ip": attempt.ip, "kind": attempt.kind, **details})
    log.info("sign_in_refused", reason=reason, kind=attempt.kind)


async def _rehash(
    pool: asyncpg.Pool, hashing: users.PasswordHashing, found: users.Credentials, password: str
) -> None:
    """Argon2's parameters changed since this hash was made: store a new one."""
    try:
        new = await hashing.hash(password)
    except users.HashingBusy:
        return  # next sign-in will do it
    async with pool.acquire() as conn:
        await users.replace_hash(conn, found.user_id, found.password_hash, new)
    log.info("password_rehashed", user_id=str(found.user_id))


async def sign_out(conn: asyncpg.Connection, principal: Principal, token: str, kind: Kind,
                   ip: str | None) -> None:
    """Revoke the token or session in use."""
    await users.revoke_token(conn, token)
    await repo.audit(conn, principal.username, "logout", None, {"ip": ip, "kind": kind})
