"""`newsbot channels|routes|sources add --channel` in-process, against the emulator."""

from __future__ import annotations

import asyncio
import json
import os

import pytest

from bot.cli.main import main
from emulator import RunningEmulator
from storage import opened_database
from tests.support.feedserver import FeedServer


@pytest.fixture(autouse=True)
def cli_env(tmp_path, monkeypatch, emulator: RunningEmulator):
    """Each test gets its own database and talks to the test's emulator."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "db" / "newsbot.sqlite3"))
    monkeypatch.setenv("ALLOW_PRIVATE_ADDRESSES", "true")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", emulator.token)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", emulator.api_base_url)


async def cli(capsys, *argv: str) -> tuple[int, str, str]:
    """Run the CLI in a thread (the emulator serves on this loop); return code, out, err."""
    code = await asyncio.to_thread(main, list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


async def json_lines(capsys, *argv: str) -> list[dict]:
    code, out, err = await cli(capsys, *argv, "--json")
    assert code == 0, err
    return [json.loads(line) for line in out.splitlines()]


def one_line_error(err: str) -> str:
    assert err.startswith("newsbot: error: ")
    assert err.count("\n") == 1
    assert "Traceback" not in err
    return err


async def test_add_channel_where_the_bot_is_an_admin_that_may_post(capsys, emulator):
    group = await emulator.client.create_group("Harbour talk", supergroup=True)
    chat = await emulator.client.create_channel(
        "Harbour News", username="harbour_news", linked_group_id=group.id
    )

    code, out, _ = await cli(capsys, "channels", "add", "@harbour_news", "--style", "compact")

    assert code == 0
    assert out.startswith("added channel 1: @harbour_news")
    assert "routes add SOURCE_ID 1" in out
    [row] = await json_lines(capsys, "channels", "list")
    assert row["chat_id"] == chat.id
    assert row["username"] == "harbour_news"
    assert row["title"] == "Harbour News"
    assert row["style"] == "compact"
    assert row["paused"] is False
    assert row["pending"] == 0
    assert row["discussion_chat_id"] == group.id
    code, out, _ = await cli(capsys, "channels", "list")
    assert code == 0
    assert "@harbour_news (Harbour News)" in out
    assert "active" in out


async def test_add_channel_by_numeric_id(capsys, emulator):
    chat = await emulator.client.create_channel("Private Harbour")  # no username

    code, out, _ = await cli(capsys, "channels", "add", str(chat.id))

    assert code == 0
    assert f"chat {chat.id}" in out
    [row] = await json_lines(capsys, "channels", "list")
    assert row["username"] is None
    assert row["style"] == "text"


async def test_bot_not_an_admin_is_a_clear_error(capsys, emulator):
    await emulator.client.create_channel("Reader", username="reader_news", bot_status="member")

    code, _, err = await cli(capsys, "channels", "add", "@reader_news")

    assert code == 1
    assert "not an administrator of @reader_news" in one_line_error(err)
    assert await json_lines(capsys, "channels", "list") == []


async def test_admin_without_post_rights_is_a_clear_error(capsys, emulator):
    await emulator.client.create_channel(
        "Quiet", username="quiet_news", bot_rights={"can_post_messages": False}
    )

    code, _, err = await cli(capsys, "channels", "add", "quiet_news")

    assert code == 1
    assert "administrator of @quiet_news but cannot post messages" in one_line_error(err)
    assert await json_lines(capsys, "channels", "list") == []


async def test_unknown_channel_is_a_clear_error(capsys, emulator):
    hidden = await emulator.client.create_channel("Hidden", bot_status="none")

    code, _, err = await cli(capsys, "channels", "add", "@nobody_here")
    assert code == 1
    assert "@nobody_here not found" in one_line_error(err)

    code, _, err = await cli(capsys, "channels", "add", str(hidden.id))
    assert code == 1
    assert f"{hidden.id} not found" in one_line_error(err)


async def test_private_chat_and_bad_names_are_refused(capsys, emulator):
    user = await emulator.client.create_user("Ann")

    code, _, err = await cli(capsys, "channels", "add", str(user.id))
    assert code == 1
    assert "not a channel or group" in one_line_error(err)

    code, _, err = await cli(capsys, "channels", "add", "two words!")
    assert code == 1
    assert "is not a channel" in one_line_error(err)


async def test_no_token_is_a_one_line_error(capsys, monkeypatch):
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN")

    code, _, err = await cli(capsys, "channels", "add", "@harbour_news")

    assert code == 1
    assert "TELEGRAM_BOT_TOKEN is not set" in one_line_error(err)


async def test_wrong_token_is_a_one_line_error(capsys, monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:not-the-emulator-token")

    code, _, err = await cli(capsys, "channels", "add", "@harbour_news")

    assert code == 1
    assert "token" in one_line_error(err)


async def test_adding_again_refreshes_and_resumes_a_paused_channel(capsys, emulator):
    await emulator.client.create_channel("Harbour News", username="harbour_news")
    assert (await cli(capsys, "channels", "add", "@harbour_news"))[0] == 0
    async with opened_database(os.environ["DATABASE_PATH"]) as db:
        [channel] = await db.channels.list()
        await db.channels.set_paused(channel.id, True)

    code, out, _ = await cli(capsys, "channels", "add", "@harbour_news", "--style", "photo")

    assert code == 0
    assert "was paused" in out
    assert "resumed" in out
    [row] = await json_lines(capsys, "channels", "list")
    assert row["paused"] is False
    assert row["style"] == "photo"
    code, out, _ = await cli(capsys, "channels", "add", "@harbour_news")
    assert code == 0
    assert "already added" in out
    assert (await json_lines(capsys, "channels", "list"))[0]["style"] == "photo"


async def test_remove_channel_by_id_or_username(capsys, emulator):
    await emulator.client.create_channel("One", username="harbour_one")
    await emulator.client.create_channel("Two", username="harbour_two")
    assert (await cli(capsys, "channels", "add", "@harbour_one"))[0] == 0
    assert (await cli(capsys, "channels", "add", "@harbour_two"))[0] == 0

    code, out, _ = await cli(capsys, "channels", "remove", "@Harbour_Two")
    assert code == 0
    assert "removed channel 2: @harbour_two" in out
    code, out, _ = await cli(capsys, "channels", "remove", "1")
    assert code == 0
    assert await json_lines(capsys, "channels", "list") == []

    code, _, err = await cli(capsys, "channels", "remove", "1")
    assert code == 1
    assert "no channel with id 1" in one_line_error(err)
    code, _, err = await cli(capsys, "channels", "remove", "@harbour_one")
    assert code == 1
    assert "no channel @harbour_one" in one_line_error(err)


async def add_two_channels(capsys, emulator) -> None:
    await emulator.client.create_channel("Harbour All", username="harbour_all")
    await emulator.client.create_channel("Harbour Ferries", username="harbour_ferries")
    assert (await cli(capsys, "channels", "add", "@harbour_all"))[0] == 0
    assert (await cli(capsys, "channels", "add", "@harbour_ferries"))[0] == 0


async def test_routes_add_list_and_remove(capsys, emulator):
    await add_two_channels(capsys, emulator)
    assert (await cli(capsys, "sources", "add", "https://harbour.example/rss", "--no-check"))[
        0
    ] == 0

    code, out, _ = await cli(capsys, "routes", "add", "1", "@harbour_all", "--exclude", "Fish")
    assert code == 0
    assert "routed source 1 (harbour.example) to channel 1 (@harbour_all): exclude Fish" in out
    code, out, _ = await cli(
        capsys,
        "routes",
        "add",
        "1",
        "2",
        "--include",
        "ferry",
        "--include",
        "São  Paulo",
        "--tag",
        "#Harbour-Life",
    )
    assert code == 0
    assert "include ferry, São Paulo; tags #harbour_life" in out

    rows = await json_lines(capsys, "routes", "list")
    assert [(r["source_id"], r["channel_id"]) for r in rows] == [(1, 1), (1, 2)]
    assert rows[0]["exclude"] == ["Fish"]
    assert rows[0]["include"] == []
    assert rows[1]["include"] == ["ferry", "São Paulo"]
    assert rows[1]["tags"] == ["harbour_life"]
    code, out, _ = await cli(capsys, "routes", "list")
    assert "1 harbour.example  1 @harbour_all" in out
    assert "every article" not in out

    # routing again replaces the filters
    code, out, _ = await cli(capsys, "routes", "add", "1", "@harbour_all")
    assert code == 0
    assert "updated route" in out
    assert "every article" in out
    assert (await json_lines(capsys, "routes", "list"))[0]["exclude"] == []

    code, out, _ = await cli(capsys, "routes", "remove", "1", "@harbour_ferries")
    assert code == 0
    assert [r["channel_id"] for r in await json_lines(capsys, "routes", "list")] == [1]
    code, _, err = await cli(capsys, "routes", "remove", "1", "@harbour_ferries")
    assert code == 1
    assert "not routed" in one_line_error(err)


async def test_routes_add_refuses_unknown_ids_and_empty_filters(capsys, emulator):
    await add_two_channels(capsys, emulator)
    assert (await cli(capsys, "sources", "add", "https://harbour.example/rss", "--no-check"))[
        0
    ] == 0

    code, _, err = await cli(capsys, "routes", "add", "9", "1")
    assert code == 1
    assert "no source with id 9" in one_line_error(err)
    code, _, err = await cli(capsys, "routes", "add", "1", "@nowhere")
    assert code == 1
    assert "no channel @nowhere" in one_line_error(err)
    code, _, err = await cli(capsys, "routes", "add", "1", "1", "--include", "!!!")
    assert code == 1
    assert "--include '!!!' has no letters" in one_line_error(err)
    code, _, err = await cli(capsys, "routes", "add", "1", "1", "--tag", "#")
    assert code == 1
    assert "--tag" in one_line_error(err)
    assert await json_lines(capsys, "routes", "list") == []


async def test_sources_add_with_channels_and_backfill(capsys, emulator):
    await add_two_channels(capsys, emulator)

    code, out, _ = await cli(
        capsys,
        "sources",
        "add",
        "https://harbour.example/rss",
        "--no-check",
        "--channel",
        "@harbour_all",
        "--channel",
        "2",
        "--backfill",
        "3",
    )

    assert code == 0
    assert "posts to @harbour_all, @harbour_ferries" in out
    assert "only its newest 3 items" in out
    [source] = await json_lines(capsys, "sources", "list")
    assert source["backfill"] == 3
    rows = await json_lines(capsys, "routes", "list")
    assert [(r["source_id"], r["channel_id"]) for r in rows] == [(1, 1), (1, 2)]


async def test_sources_add_with_an_unknown_channel_adds_nothing(capsys, emulator):
    await add_two_channels(capsys, emulator)

    code, _, err = await cli(
        capsys,
        "sources",
        "add",
        "https://harbour.example/rss",
        "--no-check",
        "--channel",
        "@harbour_all",
        "--channel",
        "@not_added",
    )

    assert code == 1
    assert "no channel @not_added" in one_line_error(err)
    assert await json_lines(capsys, "sources", "list") == []
    assert await json_lines(capsys, "routes", "list") == []
    code, _, err = await cli(capsys, "sources", "add", "https://x.example/rss", "--backfill", "-1")
    assert code == 1
    assert "--backfill" in one_line_error(err)


FEED = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>
<title>Harbour Log</title><link>https://harbour.example/</link>
<item><guid>h-3</guid><link>https://harbour.example/3</link><title>Ferry fares frozen</title>
<pubDate>Mon, 30 Nov 2026 10:00:00 +0000</pubDate>
<description>Season tickets keep last year's price until the spring.</description></item>
<item><guid>h-2</guid><link>https://harbour.example/2</link><title>Bridge repairs start</title>
<pubDate>Mon, 30 Nov 2026 09:00:00 +0000</pubDate>
<description>Scaffolding went up along the east span of the old bridge.</description></item>
<item><guid>h-1</guid><link>https://harbour.example/1</link><title>Fish market moves</title>
<pubDate>Mon, 30 Nov 2026 08:00:00 +0000</pubDate>
<description>Traders carried their stalls into the new hall by the quay.</description></item>
</channel></rss>"""


async def test_channels_list_counts_pending_posts_after_a_fetch(capsys, emulator):
    await add_two_channels(capsys, emulator)
    async with FeedServer() as server:
        server.add("/log.xml", body=FEED.encode())
        url = server.url("/log.xml")
        assert (
            await cli(
                capsys, "sources", "add", url, "--channel", "@harbour_all", "--backfill", "2"
            )
        )[0] == 0
        assert (await cli(capsys, "routes", "add", "1", "@harbour_ferries", "--include", "ferry"))[
            0
        ] == 0
        code, out, _ = await cli(capsys, "fetch")
    assert code == 0
    assert "3 new" in out
    rows = await json_lines(capsys, "channels", "list")
    assert [(r["username"], r["pending"], r["routes"]) for r in rows] == [
        ("harbour_all", 2, 1),
        ("harbour_ferries", 1, 1),
    ]
