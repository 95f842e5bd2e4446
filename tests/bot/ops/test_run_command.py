"""`newsbot run` start-up failures: one line each, no secret in it."""

from __future__ import annotations

import asyncio
import socket

import pytest

from bot.cli.main import main
from emulator import RunningEmulator


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """Own database, no stray `.env`, no token unless a test sets one."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "bot.sqlite3"))
    monkeypatch.setenv("INGEST_WORKERS", "0")
    for name in ("TELEGRAM_BOT_TOKEN", "WEBHOOK_URL", "WEBHOOK_SECRET_TOKEN", "HEALTH_PORT"):
        monkeypatch.delenv(name, raising=False)


def test_without_a_token_one_line_points_to_the_demo_and_exit_is_2(capsys):
    code = main(["run"])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err == (
        "newsbot: error: TELEGRAM_BOT_TOKEN is not set; "
        "run `newsbot demo` to try the bot locally\n"
    )


async def test_a_refused_token_is_one_line_without_the_token(
    emulator: RunningEmulator, capsys, monkeypatch
):
    wrong = "123456789:" + "ThisTokenIsWrongAndLongEnoughToLookReal"  # split: not token-shaped
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", wrong)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", emulator.api_base_url)
    code = await asyncio.to_thread(main, ["run"])
    captured = capsys.readouterr()
    assert code == 1
    error_lines = [line for line in captured.err.splitlines() if "newsbot: error:" in line]
    assert error_lines == [
        "newsbot: error: the token was refused (401 Unauthorized); check TELEGRAM_BOT_TOKEN"
    ]
    assert "ThisTokenIsWrong" not in captured.err + captured.out
    assert "Traceback" not in captured.err


async def test_a_health_port_in_use_is_one_line_and_the_bot_stops_cleanly(
    emulator: RunningEmulator, capsys, monkeypatch
):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", emulator.token)
        monkeypatch.setenv("TELEGRAM_API_BASE_URL", emulator.api_base_url)
        monkeypatch.setenv("HEALTH_PORT", str(port))
        code = await asyncio.to_thread(main, ["run"])
    captured = capsys.readouterr()
    assert code == 1
    error_lines = [line for line in captured.err.splitlines() if "newsbot: error:" in line]
    assert len(error_lines) == 1
    assert error_lines[0].startswith("newsbot: error: cannot start: ")
    assert str(port) in error_lines[0]
    assert "Traceback" not in captured.err
