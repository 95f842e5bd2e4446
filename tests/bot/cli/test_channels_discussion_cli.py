"""`newsbot channels set ID --discussion on|off` and the DISCUSSION column of the list."""

from __future__ import annotations

import asyncio
import json

import pytest

from bot.cli.main import main
from storage import opened_database


@pytest.fixture
def database_path(tmp_path, monkeypatch):
    """Each test gets its own database; no Telegram is needed to change a setting."""
    path = tmp_path / "db" / "newsbot.sqlite3"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(path))
    return path


async def cli(capsys, *argv: str) -> tuple[int, str, str]:
    """Run the CLI in a thread; return its exit code, stdout and stderr."""
    code = await asyncio.to_thread(main, list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


async def add_channels(path) -> None:
    async with opened_database(path) as db:
        await db.channels.add(-1001, title="Harbour news", username="harbour_all")
        await db.channels.add(-1002, title="Ferry times", username="harbour_ferries")


async def test_discussion_replies_are_on_for_a_new_channel_and_listed(capsys, database_path):
    await add_channels(database_path)
    code, out, _ = await cli(capsys, "channels", "list", "--json")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["username"], r["discussion_replies"]) for r in rows] == [
        ("harbour_all", True),
        ("harbour_ferries", True),
    ]
    code, out, _ = await cli(capsys, "channels", "list")
    assert code == 0
    header, first, _second = out.splitlines()
    assert "DISCUSSION" in header.split()
    assert first.split()[header.split().index("DISCUSSION")] == "on"


async def test_set_discussion_off_and_on_by_username_or_id(capsys, database_path):
    await add_channels(database_path)
    code, out, _ = await cli(capsys, "channels", "set", "@harbour_ferries", "--discussion", "off")
    assert code == 0
    assert out.strip() == "channel 2 @harbour_ferries: discussion replies off"
    async with opened_database(database_path) as db:
        assert [c.discussion_replies for c in await db.channels.list()] == [True, False]
    code, out, _ = await cli(capsys, "channels", "set", "2", "--discussion", "on")
    assert code == 0
    assert out.strip().endswith("discussion replies on")
    async with opened_database(database_path) as db:
        assert (await db.channels.get(2)).discussion_replies is True


async def test_set_refuses_unknown_channels_and_values(capsys, database_path):
    await add_channels(database_path)
    code, _, err = await cli(capsys, "channels", "set", "@nowhere", "--discussion", "off")
    assert code != 0
    assert "no channel @nowhere" in err
    with pytest.raises(SystemExit):
        await cli(capsys, "channels", "set", "1", "--discussion", "maybe")
    assert "invalid choice: 'maybe'" in capsys.readouterr().err
    async with opened_database(database_path) as db:
        assert all(c.discussion_replies for c in await db.channels.list())
