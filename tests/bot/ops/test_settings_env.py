"""`read_settings` (commands that only read) loads what `load_settings` loads, the same way."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.ops.settings import Settings, SettingsError, load_settings
from bot.ops.settings_env import read_settings
from bot.ops.settings_model import SettingsModel

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.chdir(tmp_path)


def both() -> tuple[dict[str, object], dict[str, object]]:
    """Load with each loader; return both as plain dicts of the model's fields."""
    full, light = load_settings(), read_settings()
    assert isinstance(full, SettingsModel)
    assert type(light) is SettingsModel
    fields = SettingsModel.model_fields
    return (
        {name: getattr(full, name) for name in fields},
        {name: getattr(light, name) for name in fields},
    )


def test_the_example_file_loads_the_same(tmp_path):
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    full, light = both()
    assert full == light


def test_the_environment_wins_over_the_file_names_in_any_case_empty_is_default(
    tmp_path, monkeypatch
):
    (tmp_path / ".env").write_text(
        "database_path=/from/file.sqlite3\nLOG_LEVEL=debug\nADMIN_IDS=1, 2\n"
        "POLL_INTERVAL_SECONDS=\nexport LOG_FORMAT='json'\nNOT_A_SETTING=1\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("DATABASE_PATH", "/from/env.sqlite3")
    monkeypatch.setenv("Fetch_Concurrency", "7")
    monkeypatch.setenv("ALLOW_PRIVATE_ADDRESSES", "yes")
    full, light = both()
    assert full == light
    assert light["database_path"] == Path("/from/env.sqlite3")
    assert light["log_level"] == "DEBUG"
    assert light["log_format"] == "json"
    assert light["admin_ids"] == frozenset({1, 2})
    assert light["poll_interval_seconds"] == 300
    assert light["fetch_concurrency"] == 7
    assert light["allow_private_addresses"] is True


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("POLL_INTERVAL_SECONDS", "5"),
        ("ADMIN_IDS", "12,abc"),
        ("LOG_LEVEL", "loud"),
        ("WEBHOOK_URL", "https://news.example/hook"),  # a rule across settings
    ],
)
def test_invalid_settings_fail_with_the_same_message(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as full:
        load_settings()
    with pytest.raises(SettingsError) as light:
        read_settings()
    assert str(light.value) == str(full.value)
