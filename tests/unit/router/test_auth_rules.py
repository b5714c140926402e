"""Sign-in rules (domain/auth.py): input limits, passwords, lockout, TOTP, rate limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from relais_router.domain import auth as rules

pytestmark = pytest.mark.unit
NOW = datetime(2025, 3, 4, 9, 30, 10, tzinfo=UTC)


@pytest.mark.parametrize("raw, expected", [
    ("admin", "admin"), ("  Admin ", "admin"), ("agent.rendez-vous", "agent.rendez-vous"),
    ("ＡＤＭＩＮ", "admin"),  # full-width letters fold (NFKC)
])
def test_usernames_are_looked_up_normalised(raw, expected):
    assert rules.normalise_username(raw) == expected


@pytest.mark.parametrize("name", ["", "a" * 65, ".lead", "camille dupont", "anonymous",
                                  "admin-token", "été"])
def test_new_usernames_are_short_plain_and_not_reserved(name):
    with pytest.raises(rules.InvalidUsername):
        rules.check_new_username(name)


def test_a_valid_new_username_comes_back_normalised():
    assert rules.check_new_username("Agent.Soins") == "agent.soins"
    assert rules.check_new_username("a" * 64) == "a" * 64


@pytest.mark.parametrize("password, why", [
    ("short-pw-1", "at least 12"),
    ("x" * 257, "at most 256"),
    ("camille-is-my-password", "username"),
    ("abababababababab", "different characters"),
])
def test_weak_new_passwords_are_refused_with_the_rule_named(password, why):
    with pytest.raises(rules.WeakPassword, match=why):
        rules.check_new_password(password, "camille")


def test_a_long_random_password_is_accepted():
    rules.check_new_password("correct horse battery staple", "camille")
    rules.check_new_password("Z" * 200 + "abcdefgh", "camille")


def test_only_leads_and_admins_need_totp():
    assert [r for r in ("agent", "lead", "admin") if rules.requires_totp(r)] == ["lead", "admin"]


def test_the_username_fingerprint_is_short_stable_and_never_the_name():
    fp = rules.username_fingerprint("someone-typed-their-password-here")
    assert fp == rules.username_fingerprint("someone-typed-their-password-here")
    assert len(fp) == 8 and "someone" not in fp
    assert rules.username_fingerprint("x" * 100_000) != fp


def test_the_fifth_consecutive_failure_locks_for_a_growing_period():
    policy = rules.LockoutPolicy(threshold=5, base_seconds=60, factor=2, max_seconds=600)
    state = rules.LockState(0, 0, None)
    for _ in range(4):
        state = state.after_failure(policy, NOW)
        assert not state.is_locked(NOW)
    state = state.after_failure(policy, NOW)
    assert state.locked_until == NOW + timedelta(seconds=60) and state.is_locked(NOW)
    assert not state.is_locked(NOW + timedelta(seconds=61))
    assert state.failed_logins == 0 and state.lockouts == 1
    durations = []
    for _ in range(5):
        for _ in range(5):
            state = state.after_failure(policy, NOW)
        durations.append((state.locked_until - NOW).total_seconds())
    assert durations == [120, 240, 480, 600, 600]  # doubles, then capped
    assert rules.LockState.after_success() == rules.LockState(0, 0, None)


def test_a_totp_code_is_accepted_once_within_one_step_of_drift():
    secret = rules.new_totp_secret()
    totp = pyotp.TOTP(secret)
    step = rules.totp_step(NOW)
    current = totp.generate_otp(step)
    check = rules.check_totp(secret, current, NOW, None)
    assert check == rules.TotpCheck(rules.TotpOutcome.ACCEPTED, step)
    assert rules.check_totp(secret, current, NOW, step).outcome is rules.TotpOutcome.REPLAYED
    previous = totp.generate_otp(step - 1)
    assert rules.check_totp(secret, previous, NOW, None).step == step - 1
    # a code older than the last one accepted is refused too: steps only move forward
    assert rules.check_totp(secret, previous, NOW, step).outcome is rules.TotpOutcome.REPLAYED
    following = totp.generate_otp(step + 1)
    assert rules.check_totp(secret, following, NOW, step).outcome is rules.TotpOutcome.ACCEPTED
    too_old = totp.generate_otp(step - 2)
    assert rules.check_totp(secret, too_old, NOW, None).outcome is rules.TotpOutcome.INVALID


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef", "12 34 5x"])
def test_malformed_codes_are_invalid(typed):
    secret = rules.new_totp_secret()
    assert rules.check_totp(secret, typed, NOW, None).outcome is rules.TotpOutcome.INVALID


def test_spaces_and_dashes_in_a_typed_code_are_ignored():
    secret = rules.new_totp_secret()
    code = pyotp.TOTP(secret).at(NOW)
    spaced = f"{code[:3]} {code[3:]}"
    assert rules.check_totp(secret, spaced, NOW, None).outcome is rules.TotpOutcome.ACCEPTED
    dashed = f"{code[:3]}-{code[3:]}"
    assert rules.check_totp(secret, dashed, NOW, None).outcome is rules.TotpOutcome.ACCEPTED


def test_the_provisioning_uri_names_the_issuer_and_the_user():
    secret = rules.new_totp_secret()
    uri = rules.provisioning_uri(secret, "lead", "Relais")
    assert uri.startswith("otpauth://totp/Relais:lead?") and f"secret={secret}" in uri
    assert len(secret) == 32


def test_last_used_moves_at_most_once_a_minute():
    assert rules.needs_touch(None, NOW)
    assert not rules.needs_touch(NOW - timedelta(seconds=59), NOW)
    assert rules.needs_touch(NOW - timedelta(seconds=60), NOW)


def test_the_token_bucket_allows_a_burst_then_refills_at_its_rate():
    limiter = rules.TokenBucketLimiter(burst=3, per_minute=6)  # one every 10 s
    assert [limiter.acquire("1.2.3.4", 100.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = limiter.acquire("1.2.3.4", 100.0)
    assert wait == pytest.approx(10.0)
    assert rules.retry_after_header(wait) == "10"
    assert limiter.acquire("5.6.7.8", 100.0) == 0.0  # another address has its own bucket
    assert limiter.acquire("1.2.3.4", 105.0) == pytest.approx(5.0)
    assert limiter.acquire("1.2.3.4", 110.5) == 0.0
    assert rules.retry_after_header(0.2) == "1"


def test_the_limiter_tracks_a_bounded_number_of_addresses():
    limiter = rules.TokenBucketLimiter(burst=1, per_minute=1, max_keys=2)
    limiter.acquire("a", 0.0)
    limiter.acquire("b", 0.0)
    limiter.acquire("c", 0.0)  # "a" is forgotten, least recently seen
    assert limiter.acquire("b", 0.0) > 0
    assert limiter.acquire("a", 0.0) == 0.0
    with pytest.raises(ValueError):
        rules.TokenBucketLimiter(burst=0, per_minute=1)
