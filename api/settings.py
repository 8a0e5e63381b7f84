"""All gateway settings in one place, from the environment (pydantic-settings)."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    database_url: str | None = None
    engine_port: int = 5005
    actions_port: int = 5055
    engine_url: str | None = None
    actions_url: str | None = None
    engine_api_token: str | None = None
    engine_timeout_seconds: float = 30.0
    secret_key: str | None = None
    triage_demo_password: str | None = None
    token_minutes: int = 8 * 60
    max_body_bytes: int = 64 * 1024
    max_message_chars: int = 5000
    rate_limit_per_minute: int = 60
    login_max_failures: int = 5
    login_lockout_minutes: int = 15
    secure_cookies: bool = False  # set true behind HTTPS

    @property
    def engine(self) -> str:
        return (self.engine_url or f"http://127.0.0.1:{self.engine_port}").rstrip("/")

    @property
    def actions(self) -> str:
        return (self.actions_url or f"http://127.0.0.1:{self.actions_port}").rstrip("/")

    def key(self) -> str:
        """SECRET_KEY, or one generated once and kept in var/secret_key (mode 0600)."""
        if self.secret_key:
            return self.secret_key
        path = ROOT / "var" / "secret_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(48))
        self.secret_key = path.read_text().strip()
        return self.secret_key


@lru_cache
def get_settings() -> Settings:
    return Settings()
