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

    def secret_fields(self) -> tuple[str, ...]:
        return ("admin_token",)
