"""Settings read from the environment (prefix ``GONGZHI_``)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite://var/gongzhi.sqlite3"
DEV_SECRET_KEY = "dev-only-secret-key-not-for-production-use-0000"
MIN_SECRET_KEY_LENGTH = 32
_WEAK_KEYS = {"secret", "changeme", "change-me", "password", "dev", "test", DEV_SECRET_KEY}


class Env(StrEnum):
    DEV = "dev"
    TEST = "test"
    PRODUCTION = "production"


class SettingsError(ValueError):
    """The environment describes a configuration the server refuses to run with."""


class Settings(BaseSettings):
    """Everything the app needs to know about its environment.

    ``create_app(settings)`` and the CLI take one of these; nothing reads the environment
    anywhere else.
    """

    model_config = SettingsConfigDict(env_prefix="GONGZHI_", extra="ignore")

    env: Env = Env.PRODUCTION
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    redis_prefix: str = "gongzhi"
    secret_key: str | None = None

    access_token_minutes: int = 30
    refresh_token_days: int = 14

    # Login throttling: failures allowed per window, per account and per client address.
    login_max_failures: int = 5
    login_window_seconds: int = 900
    login_failure_delay_ms: int = 200

    # Abuse limits on every GraphQL request.
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000
    max_page_size: int = 100
    introspection: bool = True

    # argon2 cost; tests lower it, production keeps the library defaults.
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536

    upload_dir: Path = Path("var/uploads")
    # Deep links in contact QR codes (扫码找代表) start here.
    public_base_url: str = "https://gongzhi.example.cn"
    max_upload_bytes: int = 5 * 1024 * 1024
    # Links to stored photos are signed and expire after one to two of these.
    file_link_minutes: int = 60

    # Livelihood projects: a milestone turns yellow this many days before its planned date
    # (red once it passed); supervision opinions are answered within so many working days;
    # the deadline scanner looks for new warnings this often.
    project_yellow_days: int = 3
    opinion_reply_working_days: int = 5
    deadline_scan_seconds: float = 60.0

    # Online votes: the electorate is reminded this long before a vote closes (截止提醒), and
    # the scheduler opens and closes votes by their times this often.
    vote_closing_soon_minutes: int = 60
    vote_scan_seconds: float = 15.0

    # Live events: how long the event log is kept for resuming subscriptions, how often the
    # relay looks for committed events besides being woken after each commit, and how many
    # subscriptions one WebSocket connection may hold.
    event_retention_hours: int = 72
    event_poll_seconds: float = 0.5
    max_subscriptions_per_connection: int = 20

    @model_validator(mode="after")
    def _check_secret(self) -> Settings:
        if self.env is Env.DEV and not self.secret_key:
            self.secret_key = DEV_SECRET_KEY
        return self

    @property
    def is_dev(self) -> bool:
        return self.env is Env.DEV

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def require_safe_secret(self) -> None:
        """Refuse to serve outside dev with a missing or weak signing key."""
        if self.is_dev:
            return
        key = self.secret_key or ""
        if not key:
            raise SettingsError("GONGZHI_SECRET_KEY is not set (set GONGZHI_ENV=dev to try it out)")
        if len(key) < MIN_SECRET_KEY_LENGTH or key.lower() in _WEAK_KEYS or len(set(key)) < 8:
            raise SettingsError(
                f"GONGZHI_SECRET_KEY is too weak: use at least {MIN_SECRET_KEY_LENGTH} random "
                "characters, e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`"
            )


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]


__all__ = ["Env", "Field", "Settings", "SettingsError", "load_settings"]
