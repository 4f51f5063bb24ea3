"""Settings read from YKIEN_* environment variables, validated once when the app is built."""

from __future__ import annotations

import hashlib
import hmac
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET_KEY = "dev-insecure-secret-change-me"


class Settings(BaseSettings):
    """Everything configurable; build one and pass it to create_app / the CLI."""

    model_config = SettingsConfigDict(env_prefix="YKIEN_", extra="forbid", frozen=True)

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = Field(default=Path("data"))
    database_url: str = ""
    secret_key: str = DEV_SECRET_KEY
    timezone: str = "Asia/Ho_Chi_Minh"
    default_language: Literal["vi", "en"] = "vi"
    max_opinion_chars: int = Field(default=10_000, ge=100, le=1_000_000)
    max_upload_bytes: int = Field(default=20_000_000, ge=1_000, le=2_000_000_000)
    import_max_rows: int = Field(default=5_000_000, ge=1)
    # task queue: "" = an SQLite file in the data folder (embedded), "redis://host:port/db" in
    # production, "memory://" runs each job at once in the caller (tests)
    queue_url: str = ""
    # run a worker thread inside `ykien serve` (embedded mode); production runs `ykien worker`
    embedded_worker: bool = True
    # the place written in the date line of official reports ("Hà Nội, ngày … tháng … năm …")
    report_place: str = Field(default="Hà Nội", min_length=1, max_length=100)
    # folder of trained model files (e.g. moderation.npz); defaults to <data_dir>/models
    models_dir: Path | None = None
    # e-mail notices over SMTP (YKIEN_SMTP_HOST/PORT/FROM); no host = in-app notices only
    smtp_host: str = ""
    smtp_port: int = Field(default=25, ge=1, le=65_535)
    smtp_from: str = "ykien@localhost"
    # signed audit checkpoints (see ykien.audit.checkpoints): the HMAC key, kept outside the
    # database ("" = derived from secret_key), the file (default <data_dir>/audit-checkpoints.jsonl)
    # and how often the web app appends one (0 = only `ykien audit checkpoint`)
    audit_key: str = ""
    # sessions: at most this old, and ended after this long without a request
    session_max_age_seconds: int = Field(default=14 * 24 * 3600, ge=60, le=90 * 24 * 3600)
    session_idle_seconds: int = Field(default=12 * 3600, ge=60, le=90 * 24 * 3600)
    # proxies whose X-Forwarded-For is believed (comma-separated addresses or networks);
    # "" = none: the client address is the connection's peer
    trusted_proxies: str = ""
    # the shared sign-in and request limiters: "" = Redis if queue_url is Redis, else the
    # database; or "redis://..." explicitly
    limiter_url: str = ""
    # per-client request rates, per minute (the account when signed in, else the address),
    # shared by every process through the limiter above; 0 = no limit
    rate_submissions_per_minute: int = Field(default=30, ge=0, le=1_000_000)
    rate_receipt_lookups_per_minute: int = Field(default=20, ge=0, le=1_000_000)
    rate_searches_per_minute: int = Field(default=60, ge=0, le=1_000_000)
    # admission control: requests in progress per process, and the intake's bounds
    max_in_flight: int = Field(default=512, ge=1, le=100_000)
    intake_max_queue: int = Field(default=4096, ge=0, le=1_000_000)
    intake_budget_seconds: float = Field(default=2.0, gt=0, le=120)
    # the interactive API docs (/api/docs): None = on except in production
    api_docs: bool | None = None
    audit_checkpoint_file: Path | None = None
    # the named tiers of organisations, highest first (comma-separated)
    tiers: str = Field(
        default="Trung ương,Tỉnh/Thành phố,Khối/Huyện,Cơ sở", min_length=1, max_length=2000
    )
    audit_checkpoint_seconds: int = Field(default=300, ge=0, le=86_400)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _secret_outside_development(self) -> Settings:
        if self.environment == "production" and (
            self.secret_key == DEV_SECRET_KEY or len(self.secret_key) < 32
        ):
            raise ValueError(
                "YKIEN_SECRET_KEY must be set to a random value of at least 32 characters "
                "in production"
            )
        return self

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to an SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'ykien.sqlite3').resolve()}"

    @property
    def resolved_queue_url(self) -> str:
        """The queue URL, defaulting to an SQLite file in the data folder."""
        if self.queue_url:
            return self.queue_url
        return f"sqlite:///{(self.data_dir / 'queue.sqlite3').resolve()}"

    @property
    def resolved_models_dir(self) -> Path:
        return self.models_dir or self.data_dir / "models"

    @field_validator("queue_url")
    @classmethod
    def _known_queue(cls, value: str) -> str:
        if value and not value.startswith(("sqlite:///", "redis://", "rediss://", "memory://")):
            raise ValueError(
                "queue_url must start with sqlite:///, redis://, rediss:// or memory://"
            )
        return value

    @property
    def resolved_audit_key(self) -> bytes:
        """The checkpoint signing key: audit_key, or one derived from secret_key."""
        if self.audit_key:
            return self.audit_key.encode("utf-8")
        return hmac.new(
            self.secret_key.encode("utf-8"), b"ykien audit checkpoints", hashlib.sha256
        ).digest()

    @property
    def resolved_audit_checkpoint_file(self) -> Path:
        return self.audit_checkpoint_file or self.data_dir / "audit-checkpoints.jsonl"

    @property
    def resolved_limiter_url(self) -> str:
        if self.limiter_url:
            return self.limiter_url
        return self.queue_url if self.queue_url.startswith(("redis://", "rediss://")) else ""

    @property
    def docs_enabled(self) -> bool:
        return self.api_docs if self.api_docs is not None else self.environment != "production"

    @property
    def trusted_proxy_networks(self) -> list[IPv4Network | IPv6Network]:
        return [
            ip_network(item.strip(), strict=False)
            for item in self.trusted_proxies.split(",")
            if item.strip()
        ]

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: str) -> str:
        for item in value.split(","):
            if item.strip():
                ip_network(item.strip(), strict=False)  # ValueError: not an address or network
        return value

    @property
    def tier_list(self) -> list[str]:
        """The configured tiers, highest first."""
        return [item.strip() for item in self.tiers.split(",") if item.strip()]

    @field_validator("tiers")
    @classmethod
    def _some_tiers(cls, value: str) -> str:
        names = [item.strip() for item in value.split(",") if item.strip()]
        if not names or any(len(name) > 100 for name in names):
            raise ValueError("tiers must name 1 or more tiers of at most 100 characters")
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
