"""Settings read from the environment and `.env` (pydantic-settings); nothing read at import.

The fields and their validation are `bot.ops.settings_model.SettingsModel`; commands that
only read the store load the same model without pydantic-settings (`bot.ops.settings_env`).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import ValidationError
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.ops.settings_env import env_file_typos
from bot.ops.settings_model import (
    ENV_FILE,
    LOOPBACK_HOSTS,
    TELEGRAM_DEFAULT_BASE_URL,
    TELEGRAM_WEB_APP_SCRIPT,
    SettingsError,
    SettingsModel,
    settings_error,
)

__all__ = [
    "LOOPBACK_HOSTS",
    "TELEGRAM_DEFAULT_BASE_URL",
    "TELEGRAM_WEB_APP_SCRIPT",
    "Settings",
    "SettingsError",
    "env_file_typos",
    "load_settings",
]


class Settings(BaseSettings, SettingsModel):
    """Every knob of the bot (`SettingsModel`), read from the environment and `.env`."""

    model_config = SettingsConfigDict(
        env_file=ENV_FILE,
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        env_ignore_empty=True,  # `SETTING=` (as in .env.example) means "use the default"
    )

    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    """`1,2,3`: split by the model's validator, not decoded as JSON by pydantic-settings."""


def load_settings(**overrides: object) -> Settings:
    """Load settings from the environment and `.env`, or raise `SettingsError`."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise settings_error(exc) from None
