"""The settings' fields and their validation, with no reading: `SettingsModel`.

`bot.ops.settings.Settings` reads them from the environment and `.env` (pydantic-settings,
~100 ms to import); `bot.ops.settings_env.read_settings` reads the same sources for commands
that only read the store, without it. Both validate with this one model.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal, Self
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

TELEGRAM_DEFAULT_BASE_URL = "https://api.telegram.org/bot"
TELEGRAM_WEB_APP_SCRIPT = "https://telegram.org/js/telegram-web-app.js"
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
ENV_FILE = ".env"


class SettingsModel(BaseModel):
    """Every knob of the bot; names are the environment variables' names."""

    model_config = ConfigDict(extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = TELEGRAM_DEFAULT_BASE_URL
    database_path: Path = Path("./data/newsbot.sqlite3")
    database_url: SecretStr | None = None
    """`postgresql://user:password@host:port/database`: PostgreSQL instead of the SQLite file."""
    sqlite_cache_mib: int | None = Field(default=None, ge=1, le=65_536)
    """SQLite's page caches of the process in all, MiB; None: `storage`'s default (48)."""
    admin_ids: frozenset[int] = frozenset()
    """`1,2,3` in the environment (see `_split_admin_ids`)."""
    poll_interval_seconds: int = Field(default=300, ge=10, le=7 * 24 * 3600)
    fetch_timeout_seconds: float = Field(default=20.0, gt=0, le=600)
    fetch_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    fetch_concurrency: int = Field(default=10, ge=1, le=256)
    fetch_per_host_concurrency: int = Field(default=2, ge=1, le=64)
    fetch_max_failures: int = Field(default=10, ge=1, le=1000)
    fetch_cycle_timeout_seconds: float = Field(default=600.0, gt=0)
    ingest_workers: int | None = Field(default=None, ge=0, le=64)
    """Worker processes for parsing and cleaning; None: one per extra core; 0: inline."""
    allow_private_addresses: bool = False
    publish_overall_per_second: int = Field(default=30, ge=1, le=1000)
    """Messages per second in all chats together (Telegram: about 30)."""
    publish_channel_per_minute: int = Field(default=20, ge=1, le=1000)
    """Messages per minute to one channel or group (Telegram: 20)."""
    publish_private_per_second: float = Field(default=1.0, gt=0, le=100)
    """Messages per second to one private chat (Telegram: about 1) ..."""
    publish_private_burst: int = Field(default=3, ge=1, le=100)
    """... after a burst of at most this many."""
    publish_time_scale: float = Field(default=1.0, gt=0, le=100)
    """Multiplies every pacing window (0.05: a minute lasts 3 s), for emulator runs only."""
    publish_max_attempts: int = Field(default=8, ge=1, le=1000)
    """Sends of one post that failed transiently before it is given up."""
    publish_retry_base_seconds: float = Field(default=2.0, gt=0, le=3600)
    publish_retry_max_seconds: float = Field(default=600.0, gt=0, le=24 * 3600)
    publish_send_timeout_seconds: float = Field(default=20.0, gt=0, le=600)
    """Seconds a send waits for Telegram's answer before its outcome counts as unknown."""
    publish_poll_seconds: float = Field(default=1.0, gt=0, le=300)
    publish_edit_window_hours: float = Field(default=48.0, ge=0, le=24 * 365)
    """A post whose article changes within this time of posting is edited in place."""
    digest_check_seconds: float = Field(default=60.0, gt=0, le=3600)
    """How often each process looks for channels' daily digests that are due."""
    telegraph_api_base_url: str = "https://api.telegra.ph"
    """Telegraph's API, where full-text routes publish their pages (Instant View)."""
    telegraph_account_name: str = Field(default="newsbot", min_length=1, max_length=32)
    """Short name of the Telegraph account the bot creates once (seen only by its owner)."""
    telegraph_timeout_seconds: float = Field(default=5.0, gt=0, le=120)
    """How long a post waits for Telegraph to make its page before going without the link."""
    telegraph_max_attempts: int = Field(default=8, ge=1, le=1000)
    """Failed calls for one page before it is given up (the post keeps its original link)."""
    telegraph_retry_base_seconds: float = Field(default=5.0, gt=0, le=3600)
    """First wait before a page is tried again; doubled each time ..."""
    telegraph_retry_max_seconds: float = Field(default=1800.0, gt=0, le=24 * 3600)
    """... up to this."""
    telegram_http_client: Literal["aiohttp", "httpx"] = "aiohttp"
    """HTTP layer for Bot API calls: aiohttp (faster) or PTB's default httpx."""
    webhook_url: str | None = None
    """Public HTTPS URL Telegram posts updates to; unset: long polling."""
    webhook_secret_token: SecretStr | None = None
    """Secret Telegram sends in every webhook request; required with WEBHOOK_URL."""
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    health_port: int | None = Field(default=None, ge=1, le=65535)
    """Port of the /healthz and /metrics HTTP server; unset: no server."""
    health_listen: str = "127.0.0.1"
    webapp_url: str | None = None
    """Public URL of the Mini App (https; http only on a loopback host); unset: no Mini App."""
    webapp_listen: str = "127.0.0.1"
    webapp_port: int = Field(default=8088, ge=0, le=65535)
    """Port of the Mini App's web server (0: any free port, for tests)."""
    webapp_auth_max_age_seconds: int = Field(default=24 * 3600, ge=10, le=30 * 24 * 3600)
    """Launch data (initData) older than this is refused: the user reopens the app."""
    webapp_requests_per_minute: int = Field(default=120, ge=1, le=100_000)
    """Mini App API requests one user may make per minute (beyond a burst of 20)."""
    webapp_script_url: str = TELEGRAM_WEB_APP_SCRIPT
    """Where the page loads `telegram-web-app.js` from (the emulator serves a stand-in)."""
    follows_per_user: int = Field(default=20, ge=1, le=1000)
    """Most /follow alerts one user may keep."""
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    log_format: Literal["keyvalue", "json"] = "keyvalue"
    """One line per event: key=value pairs or a JSON object."""

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_admin_ids(cls, value: object) -> object:
        """Accept `1,2,3` (the environment form) as well as a list."""
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            try:
                return frozenset(int(part) for part in parts)
            except ValueError:
                raise ValueError("must be comma-separated integer user ids") from None
        return value

    @field_validator("telegram_api_base_url", "telegraph_api_base_url")
    @classmethod
    def _check_base_url(cls, value: str) -> str:
        """Require an http(s) URL."""
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _check_webhook_url(cls, value: str | None) -> str | None:
        """Require an https URL (Telegram delivers webhooks over HTTPS only)."""
        if value is not None and not value.startswith("https://"):
            raise ValueError("must start with https://")
        return value

    @field_validator("webapp_url")
    @classmethod
    def _check_webapp_url(cls, value: str | None) -> str | None:
        """Require https (Telegram opens Mini Apps over HTTPS only), or http on loopback."""
        if value is None:
            return None
        parts = urlsplit(value)
        if not parts.hostname:
            raise ValueError("must be an absolute URL such as https://news.example/app/")
        if parts.scheme == "https":
            return value
        if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS:
            return value
        raise ValueError("must start with https:// (http:// only on a loopback address)")

    @field_validator("webapp_script_url")
    @classmethod
    def _check_script_url(cls, value: str) -> str:
        """Require an http(s) URL."""
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("webhook_secret_token")
    @classmethod
    def _check_webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        """Telegram accepts 1-256 characters of A-Z, a-z, 0-9, `_` and `-`."""
        secret = value.get_secret_value() if value is not None else None
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @property
    def database_location(self) -> Path | str:
        """Where the store is: the PostgreSQL URL when `DATABASE_URL` is set, else the file."""
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return self.database_path

    @property
    def uses_postgresql(self) -> bool:
        """Return whether the store is PostgreSQL (several processes may share it)."""
        return self.database_url is not None

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Self:
        """A webhook without a secret would accept forged updates from anyone."""
        if self.webhook_url is not None and self.webhook_secret_token is None:
            raise ValueError("WEBHOOK_SECRET_TOKEN is required when WEBHOOK_URL is set")
        return self

    @field_validator("log_level", "log_format", mode="before")
    @classmethod
    def _normalize_case(cls, value: object, info: ValidationInfo) -> object:
        """Accept `info` as well as `INFO`, and `JSON` as well as `json`."""
        if not isinstance(value, str):
            return value
        return value.upper() if info.field_name == "log_level" else value.lower()


class SettingsError(Exception):
    """Settings could not be loaded; the message is one line naming the setting."""


def settings_error(exc: ValidationError) -> SettingsError:
    """Return the one-line error for settings that failed validation."""
    first = exc.errors()[0]
    message = first["msg"].removeprefix("Value error, ")
    if not first["loc"]:  # a rule across settings names them itself
        return SettingsError(f"invalid settings: {message}")
    name = str(first["loc"][0]).upper()
    return SettingsError(f"invalid setting {name}: {message}")
