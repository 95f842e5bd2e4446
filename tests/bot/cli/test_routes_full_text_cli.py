"""`newsbot routes add ... --full-text`, `routes set ID --full-text on|off`, `routes list`."""

from __future__ import annotations

import asyncio
import json

import pytest

from bot.cli.main import main
from storage import opened_database
from tests.factories import add_source


@pytest.fixture
def database_path(tmp_path, monkeypatch):
    """Each test gets its own database; routes need no Telegram."""
    path = tmp_path / "db" / "newsbot.sqlite3"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(path))
    return path


async def cli(capsys, *argv: str) -> tuple[int, str, str]:
    """Run the CLI in a thread; return its exit code, stdout and stderr."""
    code = await asyncio.to_thread(main, list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


async def seed(path) -> None:
    async with opened_database(path) as db:
        await add_source(db, "Harbour")
        await db.channels.add(-1001, title="Harbour news", username="harbour_all")


async def full_text(path) -> list[bool]:
    async with opened_database(path) as db:
        return [r.options.full_text for r in await db.channels.routes_for_channel(1)]


async def test_add_with_full_text_turns_it_on_and_re_adding_without_keeps_it(
    capsys, database_path
):
    await seed(database_path)
    code, out, _ = await cli(capsys, "routes", "add", "1", "@harbour_all", "--full-text")
    assert code == 0, out
    assert "options: full text" in out
    assert await full_text(database_path) == [True]
    code, out, _ = await cli(capsys, "routes", "add", "1", "@harbour_all", "--include", "ferry")
    assert code == 0
    assert "include ferry" in out
    assert "full text" in out
    assert await full_text(database_path) == [True]


async def test_a_new_route_has_no_full_text(capsys, database_path):
    await seed(database_path)
    code, out, _ = await cli(capsys, "routes", "add", "1", "1")
    assert code == 0
    assert "full text" not in out
    assert await full_text(database_path) == [False]


async def test_set_full_text_off_and_on_keeps_the_filters_and_other_options(capsys, database_path):
    await seed(database_path)
    await cli(
        capsys, "routes", "add", "1", "1", "--exclude", "opinion", "--full-text", "--silent", "on"
    )
    code, out, _ = await cli(capsys, "routes", "set", "1", "--full-text", "off")
    assert code == 0
    assert out.strip() == "route 1: options silent"
    assert await full_text(database_path) == [False]
    code, out, _ = await cli(capsys, "routes", "set", "1", "--full-text", "on")
    assert code == 0
    assert out.strip() == "route 1: options silent, full text"
    code, out, _ = await cli(capsys, "routes", "list", "--json")
    [route] = [json.loads(line) for line in out.splitlines()]
    assert route["options"]["full_text"] is True
    assert route["exclude"] == ["opinion"]
    code, out, _ = await cli(capsys, "routes", "list")
    assert "silent, full text" in out


async def test_set_on_a_missing_route_says_so(capsys, database_path):
    await seed(database_path)
    code, _, err = await cli(capsys, "routes", "set", "7", "--full-text", "on")
    assert code != 0
    assert len(err.strip().splitlines()) == 1
