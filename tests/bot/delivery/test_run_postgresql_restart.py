"""PostgreSQL restarted under a running bot: `newsbot run` on the throwaway cluster, a
publishing burst on the emulator, the server stopped in the middle and started again.
Meanwhile /healthz says the database is down; afterwards every article is posted, nothing
is left in `sending`, no post is lost, at most the one in flight repeated."""

from __future__ import annotations

import asyncio
import json
import signal
import urllib.error
import urllib.request
from pathlib import Path

from emulator import RunningEmulator
from news.entities import OutboxState
from tests.bot.delivery.test_run_publishing import (
    bot_env,
    duplicates,
    emulator_config,  # noqa: F401  # the fixture: flood limits at 1/100
    posts_per_article,
    running_bot,
    sends,
    sends_reach,
    stop_with,
    wait_for,
)
from tests.bot.delivery.test_run_several_processes import burst, states
from tests.support.postgres import free_port
from tests.support.postgres_plugin import PostgresServer

STARTED_WITHIN = 120.0
"""Seconds for the bot to start and post a quarter of the burst (a loaded machine is slow)."""
FINISHED_WITHIN = 180.0
"""Seconds for the rest of the burst after the server is back."""


def healthz(port: int) -> tuple[int, dict]:
    """GET /healthz: (HTTP status, body)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


async def test_a_restarted_server_loses_nothing_and_healthz_tells(
    emulator: RunningEmulator,
    postgres_server: PostgresServer,
    postgres_url: str,
    tmp_path: Path,
):
    ids, chats = await burst(emulator, postgres_url, articles=150, channel_count=2)
    port = free_port()
    env = bot_env(
        emulator, tmp_path / "unused.sqlite3", DATABASE_URL=postgres_url, HEALTH_PORT=str(port)
    )
    cluster = postgres_server.cluster

    async with running_bot(env, tmp_path, "run") as bot:
        # Deadlines, not pauses: each wait ends at its event. They are generous because a
        # start under a loaded machine (the whole suite on two cores) can take most of 30 s.
        await wait_for(sends_reach(emulator, 80), within=STARTED_WITHIN, what="a quarter", bot=bot)
        await asyncio.to_thread(cluster.stop)
        stopped_at_sends = await sends(emulator)
        try:
            status, body = await asyncio.to_thread(healthz, port)
            assert status == 503
            assert body["database"] == "unreachable"
            assert postgres_url.split(":")[2].split("@")[0] not in json.dumps(body)

            async def outage_felt() -> bool:  # the bot's own statements met the outage
                return "event=lease_renewal_failed" in bot.log

            await wait_for(outage_felt, within=30, what="the outage reaching the bot", bot=bot)
        finally:
            await asyncio.to_thread(cluster.restart)  # starts it with the options it had

        async def all_sent() -> bool:
            return (await states(postgres_url))[OutboxState.SENT] == 300

        await wait_for(
            all_sent, within=FINISHED_WITHIN, what="finishing after the restart", bot=bot
        )
        status, body = await asyncio.to_thread(healthz, port)
        assert status == 200, body
        assert await stop_with(bot, signal.SIGTERM) == 0

    assert stopped_at_sends < 300, "the burst ended before the server stopped"
    final = await states(postgres_url)
    assert final[OutboxState.SENDING] == final[OutboxState.PENDING] == 0
    assert final[OutboxState.FAILED] == 0
    for chat_id in chats:
        counts = await posts_per_article(emulator, chat_id)
        assert set(counts) == set(ids), "an article was lost"
        assert duplicates(counts) <= 1
    assert (await emulator.client.stats()).too_many_requests == 0
