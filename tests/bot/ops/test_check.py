"""`newsbot check` against the emulator: all ok; a refused token, an unreachable API, a
broken database path and a foreign webhook each give a FAIL line and exit 1; no secret shown."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest
from telegram import WebhookInfo

from bot.cli.checks import CheckStatus, webhook_verdict
from bot.cli.main import main
from emulator import EmulatorConfig, RunningEmulator
from emulator.webhook import WebhookSettings
from tests.bot.ops.conftest import free_port

SECRET = "Check_secret-77aa"
WRONG_TOKEN = "123456789:" + "WrongTokenWrongTokenWrongTokenWrong"  # split: not token-shaped
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """Own database, no stray `.env`; the emulator's API unless a test says otherwise."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "db" / "bot.sqlite3"))
    for name in ("TELEGRAM_BOT_TOKEN", "WEBHOOK_URL", "WEBHOOK_SECRET_TOKEN", "HEALTH_PORT"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def on_emulator(emulator: RunningEmulator, monkeypatch) -> RunningEmulator:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", emulator.token)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", emulator.api_base_url)
    monkeypatch.setenv("ADMIN_IDS", "4242")
    return emulator


async def check(capsys, *options: str) -> tuple[int, str]:
    code = await asyncio.to_thread(main, ["check", *options])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def line_of(output: str, check_name: str) -> str:
    [line] = [line for line in output.splitlines() if line.split()[1:2] == [check_name]]
    return line


async def test_everything_ok_on_the_emulator(on_emulator: RunningEmulator, capsys):
    code, output = await check(capsys)
    assert code == 0
    assert [line.split()[:2] for line in output.splitlines()] == [
        ["ok", "settings"],
        ["ok", "admins"],
        ["ok", "database"],
        ["ok", "token"],
        ["ok", "inline"],
        ["ok", "webhook"],
        ["ok", "channels"],
    ]
    bot = (await on_emulator.client.bot_info())["user"]
    assert f"@{bot['username']} (id {bot['id']})" in line_of(output, "token")
    assert "schema" in line_of(output, "database")
    assert "0 sources (0 active), 0 articles, 0 channels, 0 posts pending" in output
    assert "long polling" in line_of(output, "webhook")
    assert on_emulator.token.split(":")[1] not in output


async def test_json_gives_one_object_per_check(on_emulator, capsys):
    code, output = await check(capsys, "--json")
    assert code == 0
    rows = [json.loads(line) for line in output.splitlines()]
    assert [(row["check"], row["status"]) for row in rows] == [
        ("settings", "ok"),
        ("admins", "ok"),
        ("database", "ok"),
        ("token", "ok"),
        ("inline", "ok"),
        ("webhook", "ok"),
        ("channels", "ok"),
    ]


async def test_a_refused_token_fails_without_showing_it(on_emulator, capsys, monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", WRONG_TOKEN)
    code, output = await check(capsys)
    assert code == 1
    assert line_of(output, "token") == (
        "FAIL  token     the token was refused (401 Unauthorized); check TELEGRAM_BOT_TOKEN"
    )
    assert line_of(output, "webhook").startswith("skip  webhook")
    assert "WrongToken" not in output
    assert "123456789" not in output


async def test_no_token_fails_and_points_to_the_demo(on_emulator, capsys, monkeypatch):
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN")
    code, output = await check(capsys)
    assert code == 1
    assert "newsbot demo" in line_of(output, "token")
    assert line_of(output, "database").startswith("ok")


async def test_an_unreachable_api_is_a_clear_failure(capsys, monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", WRONG_TOKEN)
    base = f"http://127.0.0.1:{free_port()}/bot"
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", base)
    code, output = await check(capsys)
    assert code == 1
    assert line_of(output, "token").startswith(f"FAIL  token     cannot reach {base}: ")
    assert "connection refused by 127.0.0.1" in line_of(output, "token")  # the cause, named
    assert "WrongToken" not in output


async def test_a_database_path_that_cannot_be_opened_fails(
    on_emulator, capsys, tmp_path, monkeypatch
):
    (tmp_path / "folder").mkdir()
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "folder"))
    code, output = await check(capsys)
    assert code == 1
    assert line_of(output, "database").startswith(f"FAIL  database  {tmp_path / 'folder'}: ")
    assert line_of(output, "token").startswith("ok")


async def test_webhook_registered_by_the_bot_matches_and_secret_stays_hidden(
    on_emulator: RunningEmulator, capsys, monkeypatch
):
    url = "https://127.0.0.1:9/tg/updates"  # never contacted: nothing is pending
    monkeypatch.setenv("WEBHOOK_URL", url)
    monkeypatch.setenv("WEBHOOK_SECRET_TOKEN", SECRET)
    core = on_emulator.emulator
    await core.webhook.start(WebhookSettings(url, SECRET, 40, None))
    try:
        code, output = await check(capsys)
    finally:
        await core.webhook.stop()
    assert code == 0
    assert line_of(output, "webhook") == (
        "ok    webhook   Telegram delivers to WEBHOOK_URL; 0 update(s) pending"
    )
    assert SECRET not in output


async def test_a_foreign_webhook_fails(on_emulator: RunningEmulator, capsys, monkeypatch):
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example/tg/updates")
    monkeypatch.setenv("WEBHOOK_SECRET_TOKEN", SECRET)
    await on_emulator.emulator.webhook.start(
        WebhookSettings("https://127.0.0.1:9/other-hook", None, 40, None)
    )
    try:
        code, output = await check(capsys)
    finally:
        await on_emulator.emulator.webhook.stop()
    assert code == 1
    assert line_of(output, "webhook") == (
        "FAIL  webhook   Telegram delivers to https://127.0.0.1:9/other-hook, "
        "not WEBHOOK_URL https://bot.example/tg/updates"
    )


def info(url: str = "", pending: int = 0, error: str | None = None) -> WebhookInfo:
    return WebhookInfo(
        url=url,
        has_custom_certificate=False,
        pending_update_count=pending,
        last_error_date=NOW - timedelta(minutes=12) if error else None,
        last_error_message=error,
    )


@pytest.mark.parametrize(
    ("expected", "webhook", "status", "detail"),
    [
        (None, info(), CheckStatus.OK, "long polling; 0 update(s) pending"),
        (
            None,
            info("https://a.example/h"),
            CheckStatus.OK,
            "long polling; Telegram has webhook https://a.example/h, `newsbot run` removes it",
        ),
        (
            "https://a.example/h",
            info(),
            CheckStatus.OK,
            "not registered at Telegram yet (`newsbot run` registers it); 0 update(s) pending",
        ),
        (
            "https://a.example/h",
            info("https://a.example/h", pending=3, error="Connection refused"),
            CheckStatus.FAIL,
            "Telegram cannot deliver to WEBHOOK_URL: last error 12 min ago: Connection refused;"
            " 3 update(s) pending",
        ),
        (
            "https://a.example/h",
            info("https://a.example/h", error="Connection refused"),
            CheckStatus.OK,
            "Telegram delivers to WEBHOOK_URL; 0 update(s) pending; "
            "last error 12 min ago: Connection refused",
        ),
    ],
)
def test_webhook_verdicts(expected, webhook, status, detail):
    result = webhook_verdict(expected, webhook, now=NOW)
    assert (result.status, result.detail) == (status, detail)


async def test_empty_admin_ids_is_a_warning_that_points_to_id(on_emulator, capsys, monkeypatch):
    monkeypatch.delenv("ADMIN_IDS")
    code, output = await check(capsys)
    assert code == 0  # a warning: the bot runs, but nobody can administer it from the chat
    assert line_of(output, "admins") == (
        "WARN  admins    ADMIN_IDS is empty: nobody can use the admin commands in the chat; "
        "send /id to the bot in a private chat to learn your user id"
    )


@pytest.mark.parametrize("emulator_config", [EmulatorConfig(inline_mode=False)])
async def test_inline_mode_off_is_a_warning_naming_botfather(on_emulator, capsys):
    code, output = await check(capsys)
    assert code == 0
    line = line_of(output, "inline")
    assert line.startswith("WARN  inline    inline mode is off: `@newsbot_test_bot words`")
    assert "/setinline" in line


async def test_a_base_url_without_bot_is_named_as_the_cause(on_emulator, capsys, monkeypatch):
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", on_emulator.base_url + "/")
    code, output = await check(capsys)
    assert code == 1
    assert line_of(output, "token") == (
        f"FAIL  token     the Bot API at {on_emulator.base_url}/ refused getMe: "
        "TELEGRAM_API_BASE_URL must end in /bot (the token is appended to it), "
        "e.g. https://api.telegram.org/bot"
    )


async def test_each_channel_is_checked_for_post_and_edit_rights(on_emulator, capsys):
    client = on_emulator.client
    fine = await client.create_channel("Harbour", username="harbour_fine")
    no_edit = await client.create_channel("Quay", username="quay_no_edit")
    demoted = await client.create_channel("Pier", username="pier_demoted")
    for name in ("@harbour_fine", "@quay_no_edit", "@pier_demoted"):
        assert await asyncio.to_thread(main, ["channels", "add", name]) == 0
    capsys.readouterr()
    await client.set_bot_status(
        no_edit.id,
        "administrator",
        bot_rights={"can_post_messages": True, "can_edit_messages": False},
    )
    await client.set_bot_status(demoted.id, "member")

    code, output = await check(capsys)

    assert code == 0
    channel_lines = [line for line in output.splitlines() if line.split()[1] == "channel"]
    assert channel_lines == [
        "ok    channel   @harbour_fine: may post and edit",
        "WARN  channel   @quay_no_edit: the bot may post but not edit its posts: give it the "
        "'Edit messages of others' right (changed articles are edited in place)",
        "WARN  channel   @pier_demoted: the bot is not an administrator of @pier_demoted: add it "
        "as an administrator with the right to post messages",
    ]
    assert fine.id != no_edit.id
