"""`newsbot run` as a real process: admins get their menu, a deactivation notice, and /resume
works from the chat."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys

from telegram import Bot, BotCommandScopeChat

from emulator import RunningEmulator
from tests.support.feedserver import FeedServer
from tests.support.waiting import eventually

FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Quay Gazette</title>
<item><guid>qg-1</guid><link>https://quay.example/ferry</link><title>Night ferry adds a
Sunday sailing</title><description>The operator confirmed the extra crossing.</description>
</item></channel></rss>"""


def source_state(path: str) -> tuple[int, int] | None:
    """Return (active, failure_count) of source 1, or None before it exists."""
    try:
        with sqlite3.connect(path) as conn:
            row = conn.execute("SELECT active, failure_count FROM sources WHERE id = 1").fetchone()
    except sqlite3.OperationalError:
        return None
    return None if row is None else (int(row[0]), int(row[1]))


async def wait_for(check, what: str, *, within: float = 60.0):
    """Poll `check()` until it returns something truthy; return that."""
    return await eventually(check, within=within, what=what, interval=0.2)


async def test_a_deactivated_source_is_told_to_the_admin_who_resumes_it(
    emulator: RunningEmulator, tmp_path
):
    client = emulator.client
    ann = await client.create_user("Ann")
    await client.send_message(ann.id, "/start")  # before the bot runs: consumed on start
    db_path = str(tmp_path / "bot.sqlite3")
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": emulator.token,
        "TELEGRAM_API_BASE_URL": emulator.api_base_url,
        "DATABASE_PATH": db_path,
        "ALLOW_PRIVATE_ADDRESSES": "true",
        "ADMIN_IDS": str(ann.id),
        "FETCH_MAX_FAILURES": "1",
        "HEALTH_PORT": "",
        "WEBHOOK_URL": "",
    }
    env = {key: value for key, value in env.items() if value != ""}
    async with FeedServer() as feeds:
        feeds.add("/broken.xml", status=503, content_type="text/plain")
        add = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "sources", "add", feeds.url("/broken.xml"),
            "--name", "Quay Gazette", "--no-check", env=env, cwd=tmp_path,
        )  # fmt: skip
        assert await add.wait() == 0
        bot = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, cwd=tmp_path,
            stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:

            async def notice():
                return [
                    m
                    for m in await client.messages(ann.id, from_bot=True)
                    if m.text and m.text.startswith("⚠️ I stopped fetching the source 1")
                ]

            [told] = await wait_for(notice, "the deactivation notice")
            assert await asyncio.to_thread(source_state, db_path) == (0, 1)
            feeds.add("/broken.xml", body=FEED)  # the site is mended
            await client.send_message(ann.id, "/resume 1")

            async def resumed():
                return [
                    m
                    for m in await client.messages(ann.id, from_bot=True)
                    if m.text and m.text.startswith("Resumed source 1")
                ]

            [answer] = await wait_for(resumed, "the answer to /resume")
            state_after_resume = await asyncio.to_thread(source_state, db_path)
            async with Bot(emulator.token, base_url=emulator.api_base_url) as reader:
                menu = await reader.get_my_commands(scope=BotCommandScopeChat(ann.id))
            bot.terminate()
            await asyncio.wait_for(bot.communicate(), timeout=15)
        finally:
            if bot.returncode is None:
                bot.kill()
                await bot.wait()

    assert "Last error: " in told.text
    assert "/resume 1" in told.text
    assert answer.text == "Resumed source 1 (Quay Gazette): it is fetched again within a minute."
    assert state_after_resume == (1, 0)  # reactivated, failures reset (and the feed works)
    assert {"sources", "resume", "stats"} <= {command.command for command in menu}
