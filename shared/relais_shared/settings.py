"""Settings common to every service; each service subclasses it once."""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET_MARKER = "dev-only-change-me"


class RelaisSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RELAIS_", extra="ignore")

    env: Literal["dev", "test", "production"] = "dev"
    kafka_bootstrap: str = "127.0.0.1:19092"
    database_url: str = "postgresql://relais:relais@127.0.0.1:55432/relais"
    log_level: str = "INFO"
    log_format: Literal["auto", "json", "console"] = "auto"
    default_site: str = "demo"
    db_pool_max: int = 10

    def secret_fields(self) -> tuple[str, ...]:
        """Names of fields that must not keep a development default in production."""
        return ()

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> RelaisSettings:
        if self.env == "production":
            weak = [
                name
                for name in self.secret_fields()
                if not getattr(self, name) or DEV_SECRET_MARKER in str(getattr(self, name))
            ]
            if weak:
                raise ValueError(f"production mode refuses default secrets: {', '.join(weak)}")
        return self
