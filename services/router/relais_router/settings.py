"""Router settings (RELAIS_*)."""

from __future__ import annotations

from relais_shared.settings import RelaisSettings


class RouterSettings(RelaisSettings):
    host: str = "127.0.0.1"
    router_port: int = 8080
    router_worker_port: int = 8083
    admin_token: str = "dev-only-change-me-admin"
    thread_window_hours: int = 72
    router_consumer_group: str = "relais-router"
    # Inbox: a claimed conversation its assignee has not touched for this long goes back to
    # the queue; the sweeper (SLA clocks, breaches, idle claims) runs this often.
    inbox_claim_idle_minutes: float = 30.0
    inbox_sweep_seconds: float = 15.0

    # Sign-in (domain/auth.py, signin.py): token lifetimes, lockout, per-IP rate limit of
    # sign-in attempts, the argon2 worker threads, and which proxies may name the client.
    auth_bearer_hours: float = 12.0
    auth_session_idle_hours: float = 8.0
    auth_session_max_hours: float = 24.0
    auth_lockout_threshold: int = 5
    auth_lockout_base_seconds: float = 60.0
    auth_lockout_max_seconds: float = 3600.0
    auth_rate_burst: int = 20
    auth_rate_per_minute: float = 20.0
    auth_hash_workers: int = 2
    auth_hash_queue_max: int = 64
    auth_trusted_proxies: tuple[str, ...] = ()  # CIDRs, JSON in the environment
    auth_totp_issuer: str = "Relais"

    # admin_token is not a production secret: production refuses the static token outright
    # (api.auth), whatever its value, so it need not be set there.
