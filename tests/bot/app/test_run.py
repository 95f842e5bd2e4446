"""`newsbot run` as a real process against the emulator: it polls, ingests, stops on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sqlite3
import sys

from bot.ops.version import newsbot_version
from emulator import RunningEmulator
from tests.support.feedserver import FeedServer
from tests.support.waiting import eventually

FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Dale Post</title>
<item><guid>dp-1</guid><link>https://dale.example/mill</link><title>Old mill turns into a
library</title><description>The village mill reopened as a lending library.</description></item>
</channel></rss>"""


def stored_titles(path: str) -> list[str]:
    try:
        with sqlite3.connect(path) as conn:
            return [row[0] for row in conn.execute("SELECT title FROM articles")]
    except sqlite3.OperationalError:
        return []


async def test_run_ingests_on_schedule_and_stops_on_sigterm(emulator: RunningEmulator, tmp_path):
    db_path = str(tmp_path / "bot.sqlite3")
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": emulator.token,
        "TELEGRAM_API_BASE_URL": emulator.api_base_url,
        "DATABASE_PATH": db_path,
        "ALLOW_PRIVATE_ADDRESSES": "true",
        "LOG_LEVEL": "DEBUG",
    }
    async with FeedServer() as feeds:
        feeds.add("/dale.xml", body=FEED)
        add = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "sources",
            "add",
            feeds.url("/dale.xml"),
            env=env,
            cwd=tmp_path,
        )
        assert await add.wait() == 0
        bot = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            env=env,
            cwd=tmp_path,
            stderr=asyncio.subprocess.PIPE,
        )
        try:

            async def ingested() -> bool:
                assert bot.returncode is None, "the bot exited"
                return bool(await asyncio.to_thread(stored_titles, db_path))

            # 60 s: a bound for loaded machines, not a speed check
            await eventually(ingested, within=60, what="ingesting the source", interval=0.2)
            bot.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(bot.communicate(), timeout=15)
        finally:
            if bot.returncode is None:
                bot.kill()
                await bot.wait()
    assert bot.returncode == 0
    assert await asyncio.to_thread(stored_titles, db_path) == ["Old mill turns into a library"]
    log = stderr.decode()
    assert "event=started" in log
    [starting] = [line for line in log.splitlines() if "event=starting" in line]
    assert f"version={newsbot_version()}" in starting
    assert re.search(r'engine="SQLite 3\.\d+\.\d+" schema=\d+ ', starting), starting
    assert "event=stopping" in log
    assert emulator.token not in log
    assert emulator.token.split(":")[1] not in log
    stats = await emulator.client.stats()
    assert stats.calls.get("getUpdates", 0) >= 1
