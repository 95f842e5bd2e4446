"""`read_settings()`: the settings for commands that only read the store, without
pydantic-settings (about 100 ms to import).

The same sources as `bot.ops.settings.Settings` (the environment over `.env`, names in any
case, empty values meaning the default), validated by the same `SettingsModel`;
`tests/bot/ops/test_settings_env.py` checks that both loaders agree.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Collection, Mapping
from pathlib import Path

from dotenv import dotenv_values
from pydantic import ValidationError

from bot.ops.settings_model import ENV_FILE, SettingsModel, settings_error


def read_settings(env_file: Path | None = None) -> SettingsModel:
    """Read and validate the settings from the environment and `.env`, or raise
    `SettingsError` (the message names the setting)."""
    names = set(SettingsModel.model_fields)
    values: dict[str, str] = {}
    path = env_file or Path(ENV_FILE)
    if path.is_file():
        values.update(_known(dotenv_values(path, encoding="utf-8"), names))
    values.update(_known(os.environ, names))
    try:
        return SettingsModel.model_validate(values)
    except ValidationError as exc:
        raise settings_error(exc) from None


def _known(source: Mapping[str, str | None], names: Collection[str]) -> dict[str, str]:
    """Return the non-empty values of `source` whose lower-cased names are settings."""
    return {key.lower(): value for key, value in source.items() if value and key.lower() in names}


def env_file_typos(path: Path | None = None) -> list[str]:
    """Warnings for keys of the `.env` file that are no setting but look like one (a typo:
    `TELEGRAM_BOT_TOKN`), each naming the setting it resembles. The file is read as the
    settings loader reads it (python-dotenv: `export` prefixes, quotes, comments)."""
    env_file = path or Path(ENV_FILE)
    if not env_file.is_file():
        return []
    names = [name.upper() for name in SettingsModel.model_fields]
    warnings = []
    for key in dotenv_values(env_file, encoding="utf-8"):
        wanted = key.strip().upper()
        if wanted in names:
            continue
        close = difflib.get_close_matches(wanted, names, n=1, cutoff=0.8)
        if close:
            warnings.append(
                f"{env_file}: {key} is not a setting (ignored); did you mean {close[0]}?"
            )
    return warnings
