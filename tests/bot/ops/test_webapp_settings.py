"""WEBAPP_URL: https, or http on a loopback address only; unset: no Mini App at all."""

from __future__ import annotations

import pytest

from bot.ops.settings import SettingsError, load_settings
from tests.bot.ops.conftest import bot_settings, running_app


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example/app/",
        "http://127.0.0.1:8088/",
        "http://localhost/app",
        "http://[::1]:9/",
    ],
)
def test_https_or_loopback_http_is_accepted(url, monkeypatch):
    monkeypatch.setenv("WEBAPP_URL", url)
    assert load_settings(_env_file=None).webapp_url == url


@pytest.mark.parametrize(
    "url", ["http://news.example/app/", "ftp://news.example/", "news.example/app", "https://"]
)
def test_anything_else_is_one_clear_line(url, monkeypatch):
    monkeypatch.setenv("WEBAPP_URL", url)
    with pytest.raises(SettingsError, match="invalid setting WEBAPP_URL"):
        load_settings(_env_file=None)


async def test_without_webapp_url_no_server_and_no_menu_button(emulator, tmp_path):
    async with running_app(bot_settings(emulator, tmp_path)) as application:
        assert application.bot_data.webapp_port is None
        assert await emulator.client.chat_menu_button(emulator.token) == {"type": "default"}
