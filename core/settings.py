"""Settings read from the environment (prefix ``GONGZHI_``)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from pydantic import AliasChoices, Field, PrivateAttr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite://var/gongzhi.sqlite3"
DEV_SECRET_KEY = "dev-only-secret-key-not-for-production-use-0000"
MIN_SECRET_KEY_LENGTH = 32
_WEAK_KEYS = {"secret", "changeme", "change-me", "password", "dev", "test", DEV_SECRET_KEY}


class Env(StrEnum):
    DEV = "dev"
    TEST = "test"
    PRODUCTION = "production"


class TrustedDocuments(StrEnum):
    """Which GraphQL documents a request may carry (persisted queries, 受信文档).

    ``off``: full documents only; ``allow``: full documents, or a known one by ``documentId`` /
    APQ hash; ``require``: as ``allow``, but mini-program and display clients may only run the
    documents of ``schema/trusted-documents.json``.
    """

    OFF = "off"
    ALLOW = "allow"
    REQUIRE = "require"


class LogFormat(StrEnum):
    """How the server writes its log: one JSON object a line (``json``, for a log collector),
    or plain text (``text``, for a person at a terminal)."""

    JSON = "json"
    TEXT = "text"


class SettingsError(ValueError):
    """The environment describes a configuration the server refuses to run with."""


S = TypeVar("S", bound="SettingsSection")


class SettingsSection(BaseSettings):
    """A domain's own settings (``Domain.settings``), read from the same ``GONGZHI_``
    environment as ``Settings``; reached through ``settings.section(ItsClass)``."""

    model_config = SettingsConfigDict(env_prefix="GONGZHI_", extra="ignore")


class Settings(BaseSettings):
    """Everything the platform needs to know about its environment; each domain's own
    settings are a ``SettingsSection`` read with it (``settings.section(cls)``).

    ``create_app(settings)`` and the CLI take one of these; nothing reads the environment
    anywhere else.
    """

    model_config = SettingsConfigDict(env_prefix="GONGZHI_", extra="ignore")

    env: Env = Env.PRODUCTION
    database_url: str = DEFAULT_DATABASE_URL
    # PostgreSQL: the tables' owner, for the migrate step (which creates the app's role, the
    # one of database_url, and the row-security policies, docs/rls.md). Unset: database_url.
    database_owner_url: str | None = None
    redis_url: str | None = None
    redis_prefix: str = "gongzhi"
    secret_key: str | None = None

    access_token_minutes: int = 30
    refresh_token_days: int = 14

    # Login throttling: failures allowed per window, per account and per client address.
    login_max_failures: int = 5
    login_window_seconds: int = 900
    login_failure_delay_ms: int = 200
    # The addresses of reverse proxies whose X-Forwarded-For is believed (comma-separated IPs
    # or networks, `*` for any). Empty: none, the client address is the peer's.
    trusted_proxies: str = ""

    # Abuse limits on every GraphQL request.
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000
    max_page_size: int = 100
    # Schema introspection: None is on in dev only; true or false says so everywhere.
    introspection: bool | None = None

    # Request cost (docs/limits.md): each field counts 1, a connection `first` (20 when not
    # given) times its children, a plain list `query_cost_list_size` times its children. A
    # document over the caller's budget is refused before it is validated or run.
    query_cost_anonymous: int = 500
    query_cost_resident: int = 3000
    query_cost_staff: int = 50000
    query_cost_list_size: int = 10
    # What one person (an account, or a client address when signed out) may spend per minute.
    query_cost_per_minute: int = 500000
    # Queries and mutations costing at least this run `max_costly_operations` at a time per
    # worker, and a new such document is validated in a thread (the event loop stays free).
    query_cost_costly: int = 5000
    max_costly_operations: int = 2
    # A request's body (JSON, or a query string): at most this many bytes and this deep.
    max_body_bytes: int = 1024 * 1024
    max_json_depth: int = 32
    # A multipart request (photos, a CSV file) may be this large in all.
    max_upload_request_bytes: int = 50 * 1024 * 1024
    # A password longer than this is refused before it is hashed.
    max_password_length: int = 256
    # Persisted queries: `require` in production refuses any document outside the manifest
    # from mini-program and display clients (X-Client-Kind, or the DISPLAY role).
    trusted_documents: TrustedDocuments = TrustedDocuments.ALLOW

    # argon2 cost; tests lower it, production keeps the library defaults.
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536

    upload_dir: Path = Path("var/uploads")
    # Deep links in contact QR codes (扫码找代表) start here.
    public_base_url: str = "https://gongzhi.example.cn"
    max_upload_bytes: int = 5 * 1024 * 1024
    # Links to stored photos are signed and expire after one to two of these.
    file_link_minutes: int = 60

    # Answers of documents that may be kept (boards, maps, totals: docs/limits.md) are kept
    # this long at most, per street, and dropped as soon as anything of the street changes.
    # 0 keeps nothing.
    response_cache_seconds: float = 10.0

    # Live events: how long the event log is kept for resuming subscriptions, how often the
    # relay looks for committed events besides being woken after each commit, and how many
    # subscriptions one WebSocket connection may hold.
    event_retention_hours: int = 72
    event_poll_seconds: float = 0.5
    max_subscriptions_per_connection: int = 20
    # …and how many one person may hold over all their connections and every worker.
    max_subscriptions_per_person: int = 40

    # Running it (docs/deployment.md). The log: JSON lines or plain text (unset: text in dev,
    # JSON elsewhere), from this level on.
    log_format: LogFormat | None = None
    log_level: str = "INFO"
    # On SIGTERM: stop accepting, close WebSockets with 1001 (going away: clients reconnect
    # elsewhere and resume from their cursor), let requests finish for up to this long.
    shutdown_grace_seconds: float = 20.0
    # Prometheus metrics (/metrics): on a port of their own (`gongzhi serve` opens it, for
    # every worker), and on the public port only when allowed. Several workers share their
    # counts through prometheus-client's multi-process directory (its own variable, set by
    # `gongzhi serve` when unset).
    metrics_port: int | None = None
    metrics_on_public_port: bool = False
    prometheus_multiproc_dir: Path | None = Field(
        default=None,
        validation_alias=AliasChoices("PROMETHEUS_MULTIPROC_DIR", "prometheus_multiproc_dir"),
    )
    # Behind pgbouncer in transaction mode: asyncpg's prepared-statement cache off (a
    # prepared statement lives on one server connection, which the next transaction may
    # not get).
    database_statement_cache: bool = True
    # A read replica (PostgreSQL streaming replication) for the reads that may lag: boards,
    # dashboards, maps, reports (fields declared `replica=True`, docs/deployment.md). Unset:
    # every read on the primary. A person who wrote anything in the last
    # `read_your_writes_seconds` reads from the primary, so they see what they just did.
    read_database_url: str | None = None
    read_your_writes_seconds: float = 10.0
    # A replica more than this far behind (seconds) is not read until it catches up; 0: no
    # limit.
    read_max_lag_seconds: float = 30.0

    # A domain's settings given here by the name of its SettingsSection class, instead of the
    # environment (tests): {"VoteSettings": {"vote_scan_seconds": 1}}.
    section_values: dict[str, dict[str, Any]] = Field(default_factory=dict)
    _sections: dict[type, SettingsSection] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _check_secret(self) -> Settings:
        if self.env is Env.DEV and not self.secret_key:
            self.secret_key = DEV_SECRET_KEY
        return self

    def section(self, cls: type[S]) -> S:
        """A domain's settings, read once per ``Settings`` (from ``section_values`` when
        given, e.g. by a test, else from the environment)."""
        found = self._sections.get(cls)
        if not isinstance(found, cls):
            found = self._sections[cls] = cls(**self.section_values.get(cls.__name__, {}))
        return found

    @property
    def is_dev(self) -> bool:
        return self.env is Env.DEV

    @property
    def introspection_enabled(self) -> bool:
        """Introspection as set, else on in dev only."""
        return self.is_dev if self.introspection is None else self.introspection

    @property
    def log_lines(self) -> LogFormat:
        """The log's format as set, else text in dev and JSON elsewhere."""
        if self.log_format is not None:
            return self.log_format
        return LogFormat.TEXT if self.is_dev else LogFormat.JSON

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def security_report(self) -> dict[str, Any]:
        """The security settings in effect (logged once at startup, docs/limits.md): what a
        reviewer checks before opening a server to the internet. No secret is in it."""
        return {
            "env": self.env.value,
            "secret_key": "dev-only" if self.secret_key == DEV_SECRET_KEY else "set",
            "graphiql": self.is_dev,
            "errors_masked": not self.is_dev,
            "field_suggestions": self.is_dev,
            "introspection": self.introspection_enabled,
            "trusted_documents": self.trusted_documents.value,
            "trusted_proxies": self.trusted_proxies.strip() or "none",
            "shared_counters": "redis" if self.redis_url else "in-process",
            "login_max_failures": self.login_max_failures,
            "login_window_seconds": self.login_window_seconds,
            "max_password_length": self.max_password_length,
            "max_query_depth": self.max_query_depth,
            "max_aliases": self.max_aliases,
            "max_tokens": self.max_tokens,
            "max_page_size": self.max_page_size,
            "query_cost": {
                "anonymous": self.query_cost_anonymous,
                "resident": self.query_cost_resident,
                "staff": self.query_cost_staff,
                "per_minute": self.query_cost_per_minute,
                "costly": self.query_cost_costly,
                "costly_at_once": self.max_costly_operations,
            },
            "max_body_bytes": self.max_body_bytes,
            "max_upload_request_bytes": self.max_upload_request_bytes,
            "max_upload_bytes": self.max_upload_bytes,
            "max_json_depth": self.max_json_depth,
            "max_subscriptions_per_connection": self.max_subscriptions_per_connection,
            "max_subscriptions_per_person": self.max_subscriptions_per_person,
        }

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


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment, with these fields given (checked by pydantic)."""
    return Settings(**overrides)


__all__ = [
    "Env",
    "Field",
    "LogFormat",
    "Settings",
    "SettingsError",
    "TrustedDocuments",
    "load_settings",
]
