"""`newsbot run` killed with SIGKILL leaves no child behind (issue 15.5)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import psutil

from emulator import RunningEmulator
from tests.bot.app.test_run import FEED, stored_titles
from tests.support.feedserver import FeedServer
from tests.support.waiting import eventually

CHILDREN_GRACE_SECONDS = 5.0


async def wait_until_gone(processes: list[psutil.Process], seconds: float) -> list[psutil.Process]:
    """Wait up to `seconds` for `processes` to end; return those still running."""
    _, alive = await asyncio.to_thread(psutil.wait_procs, processes, timeout=seconds)
    return [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


async def test_workers_exit_when_run_is_killed(emulator: RunningEmulator, tmp_path):
    db_path = str(tmp_path / "bot.sqlite3")
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": emulator.token,
        "TELEGRAM_API_BASE_URL": emulator.api_base_url,
        "DATABASE_PATH": db_path,
        "ALLOW_PRIVATE_ADDRESSES": "true",
        "INGEST_WORKERS": "1",
    }
    async with FeedServer() as feeds:
        feeds.add("/dale.xml", body=FEED)
        add = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "sources", "add", feeds.url("/dale.xml"), env=env
        )
        assert await add.wait() == 0
        bot = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, cwd=tmp_path
        )
        children: list[psutil.Process] = []
        try:

            async def ingested() -> bool:
                assert bot.returncode is None, "the bot exited"
                return bool(await asyncio.to_thread(stored_titles, db_path))

            await eventually(ingested, within=30, what="ingesting the source", interval=0.2)
            children = psutil.Process(bot.pid).children(recursive=True)
            bot.send_signal(signal.SIGKILL)
            await bot.wait()
        finally:
            if bot.returncode is None:
                bot.kill()
                await bot.wait()
        # The ingest ran in a worker: the fork server, the worker and the resource tracker.
        assert len(children) >= 2, [c.cmdline() for c in children]
        left = await wait_until_gone(children, CHILDREN_GRACE_SECONDS)
        for process in left:  # clean up after a failure so the test run does not leak them
            process.kill()
    assert [p.pid for p in left] == []
