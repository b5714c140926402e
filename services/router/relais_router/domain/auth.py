"""Sign-in rules as pure functions: input limits, password rules, lockout, TOTP, rate limits.

Nothing here does I/O; the sign-in service (`relais_router.signin`) fetches the state, asks
these rules, and writes what they decide. Times are passed in, so every rule is testable
without a clock.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import math
import re
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp

from .access import Role

# Input limits. A username is short; what a sign-in form may send is bounded before any
# hashing, so a megabyte "password" costs nothing and is never stored or audited.
USERNAME_MAX = 64
LOGIN_INPUT_MAX = 256
PASSWORD_MIN = 12
PASSWORD_MAX = 256
DISPLAY_NAME_MAX = 200
TOTP_CODE_MAX = 16

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")
# Names the audit log uses for no-one in particular: no person may carry them.
RESERVED_USERNAMES = frozenset({"anonymous", "admin-token", "system", "relais", "cli"})
ANONYMOUS_ACTOR = "anonymous"

TOTP_ROLES: frozenset[Role] = frozenset({"lead", "admin"})
TOTP_PERIOD_SECONDS = 30
TOTP_DIGITS = 6


class InvalidUsername(ValueError):
    """A username no new account may take."""


class WeakPassword(ValueError):
    """A new password the rules refuse (the message says which rule, never the password)."""


def normalise_username(raw: str) -> str:
    """How a typed username is looked up: NFKC, trimmed, lower-case ("Admin " is "admin")."""
    return unicodedata.normalize("NFKC", raw).strip().lower()


def check_new_username(username: str) -> str:
    """The normalised username of a new account, or InvalidUsername."""
    name = normalise_username(username)
    if not USERNAME_PATTERN.fullmatch(name):
        raise InvalidUsername(
            f"a username is 1–{USERNAME_MAX} characters: lower-case letters, digits, . _ @ -, "
            "starting with a letter or digit"
        )
    if name in RESERVED_USERNAMES:
        raise InvalidUsername(f"{name!r} is reserved for the audit log")
    return name


def check_new_password(password: str, username: str) -> None:
    """Refuse a new password that is too short, too long, or trivially guessable."""
    if len(password) < PASSWORD_MIN:
        raise WeakPassword(f"a password has at least {PASSWORD_MIN} characters")
    if len(password) > PASSWORD_MAX:
        raise WeakPassword(f"a password has at most {PASSWORD_MAX} characters")
    if username and normalise_username(username) in password.lower():
        raise WeakPassword("a password does not contain the username")
    if len(set(password)) < 5:
        raise WeakPassword("a password uses at least 5 different characters")


def requires_totp(role: str) -> bool:
    """Leads and admins see whole sites: a stolen password alone must not be enough."""
    return role in TOTP_ROLES


def username_fingerprint(attempted: str) -> str:
    """What the audit keeps of a username nobody has: 8 hex digits of its SHA-256.

    Enough to see one name tried again and again; too short to serve as a dictionary
    oracle when someone typed their password into the username field.
    """
    return hashlib.sha256(attempted.encode("utf-8", "surrogatepass")).hexdigest()[:8]


# --- lockout ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LockoutPolicy:
    """After `threshold` consecutive failures the account rests; each lockout in a row
    lasts `factor` times longer than the one before, up to `max_seconds`."""

    threshold: int = 5
    base_seconds: float = 60.0
    factor: float = 2.0
    max_seconds: float = 3600.0

    def duration(self, previous_lockouts: int) -> timedelta:
        seconds = self.base_seconds * self.factor ** min(previous_lockouts, 32)
        return timedelta(seconds=min(seconds, self.max_seconds))


@dataclass(frozen=True)
class LockState:
    """An account's failure bookkeeping, as the users table stores it."""

    failed_logins: int
    lockouts: int
    locked_until: datetime | None

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now

    def after_failure(self, policy: LockoutPolicy, now: datetime) -> LockState:
        """One more failure; the threshold-th one starts a lockout and clears the count."""
        failed = self.failed_logins + 1
        if failed < policy.threshold:
            return LockState(failed, self.lockouts, self.locked_until)
        return LockState(0, self.lockouts + 1, now + policy.duration(self.lockouts))

    @staticmethod
    def after_success() -> LockState:
        return LockState(0, 0, None)


# --- TOTP (RFC 6238) --------------------------------------------------------------------


class TotpOutcome(enum.Enum):
    ACCEPTED = "accepted"
    INVALID = "invalid"
    REPLAYED = "replayed"


@dataclass(frozen=True)
class TotpCheck:
    outcome: TotpOutcome
    step: int | None = None  # the time-step accepted, to store as the last one used


def totp_step(now: datetime) -> int:
    return math.floor(now.timestamp()) // TOTP_PERIOD_SECONDS


def clean_totp_code(raw: str) -> str:
    """What people type: "123 456" or "123-456" is 123456."""
    return re.sub(r"[\s-]", "", raw)


def check_totp(
    secret: str, code: str, now: datetime, last_step: int | None, window: int = 1
) -> TotpCheck:
    """Accept a code of the current time-step or `window` steps either side (clock drift),
    never one of a step at or before the last accepted one (a code works once)."""
    code = clean_totp_code(code)
    if len(code) != TOTP_DIGITS or not code.isdigit():
        return TotpCheck(TotpOutcome.INVALID)
    totp = pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_PERIOD_SECONDS)
    current = totp_step(now)
    for step in sorted(range(current - window, current + window + 1), key=lambda s: abs(s - current)):
        if hmac.compare_digest(totp.generate_otp(step), code):
            if last_step is not None and step <= last_step:
                return TotpCheck(TotpOutcome.REPLAYED, step)
            return TotpCheck(TotpOutcome.ACCEPTED, step)
    return TotpCheck(TotpOutcome.INVALID)


def new_totp_secret() -> str:
    """160 random bits in base32, what authenticator apps expect."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, username: str, issuer: str) -> str:
    """The otpauth:// URI an authenticator app reads (as text or a QR code)."""
    return pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_PERIOD_SECONDS).provisioning_uri(
        name=username, issuer_name=issuer
    )


# --- tokens -----------------------------------------------------------------------------

LAST_USED_EVERY = timedelta(minutes=1)


def needs_touch(last_used_at: datetime | None, now: datetime) -> bool:
    """`last_used_at` moves at most once a minute: no write on every request."""
    return last_used_at is None or now - last_used_at >= LAST_USED_EVERY


# --- rate limiting ----------------------------------------------------------------------


@dataclass
class _Bucket:
    tokens: float
    at: float


class TokenBucketLimiter:
    """Sign-in attempts per client key (the IP): `burst` at once, refilled at `per_minute`.

    In memory, in the API process: it bounds what one address costs (argon2 is dear) and
    how fast it can guess; the per-account lockout, stored in the database, holds across
    processes. At most `max_keys` addresses are tracked, least recently seen dropped first
    (a dropped key comes back with a full bucket: the lockout still stands behind it).
    """

    def __init__(self, burst: int, per_minute: float, max_keys: int = 10_000) -> None:
        if burst < 1 or per_minute <= 0:
            raise ValueError("a rate limit needs burst >= 1 and per_minute > 0")
        self.burst = float(burst)
        self.rate = per_minute / 60.0
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def acquire(self, key: str, now: float) -> float:
        """Take one token: 0.0 when allowed, else the seconds until one is available."""
        bucket = self._buckets.pop(key, None)
        if bucket is None:
            bucket = _Bucket(self.burst, now)
        else:
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
            bucket.at = now
        self._buckets[key] = bucket
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / self.rate


def retry_after_header(seconds: float) -> str:
    """Retry-After is whole seconds, never 0 for a refusal."""
    return str(max(1, math.ceil(seconds)))
