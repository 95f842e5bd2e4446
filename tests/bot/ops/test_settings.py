"""Settings: the documented example file, validation messages, and token redaction in logs."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from bot.ops.logs import RedactTokenFilter, configure_logging
from bot.ops.settings import Settings, SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[3]
# Built at run time so that no token-shaped string sits in the repository.
TOKEN = "123456789:" + "AAF-example-" * 3


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.chdir(tmp_path)


def test_env_example_lists_every_setting_and_loads_as_defaults(tmp_path):
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    documented = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#") and "=" in line
    }
    assert documented == {name.upper() for name in Settings.model_fields}
    settings = load_settings()
    assert settings.telegram_bot_token is None
    assert settings.admin_ids == frozenset()
    assert settings.ingest_workers is None
    assert settings.poll_interval_seconds == 300


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("POLL_INTERVAL_SECONDS", "5", "greater than or equal to 10"),
        ("ADMIN_IDS", "12,abc", "comma-separated integer user ids"),
        ("TELEGRAM_API_BASE_URL", "ftp://x", "http"),
        ("LOG_LEVEL", "loud", "LOG_LEVEL"),
        ("ALLOW_PRIVATE_ADDRESSES", "maybe", "ALLOW_PRIVATE_ADDRESSES"),
    ],
)
def test_invalid_value_names_the_setting(monkeypatch, name, value, fragment):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(f"invalid setting {name}:")
    assert fragment in message
    assert "\n" not in message


def test_admin_ids_and_secret_token(monkeypatch):
    monkeypatch.setenv("ADMIN_IDS", " 12, 34 ,")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    settings = load_settings()
    assert settings.admin_ids == frozenset({12, 34})
    assert TOKEN not in repr(settings)
    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.get_secret_value() == TOKEN


def test_log_records_never_carry_the_token(capsys):
    configure_logging("INFO", token="42:short-but-configured")
    log = logging.getLogger("newsbot.test")
    log.info("calling https://api.telegram.org/bot%s/getMe", TOKEN)
    log.warning("configured token 42:short-but-configured leaked?")
    error = RuntimeError(f"boom at /bot{TOKEN}/sendMessage")
    log.error("request failed", exc_info=(RuntimeError, error, None))
    err = capsys.readouterr().err
    assert TOKEN not in err
    assert "short-but-configured" not in err
    assert err.count("<redacted>") >= 3
    assert "request failed" in err
    assert "RuntimeError" in err


def test_redact_filter_leaves_ordinary_text_alone():
    assert RedactTokenFilter(None).redact("ferry 12:30 to port 80") == "ferry 12:30 to port 80"
