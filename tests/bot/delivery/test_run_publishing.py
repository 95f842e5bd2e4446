"""`newsbot run` as a real process: a local source reaches the channel; kill -9 and SIGTERM
in the middle of a burst lose nothing and repeat at most the one post in flight."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from emulator import EmulatorConfig, FloodLimits, RunningEmulator
from news.render import SAVE_LABEL, SHARE_LABEL
from storage import open_database
from tests.bot.delivery.conftest import article_id_of, draft
from tests.support.feedserver import FeedServer
from tests.support.waiting import eventually

RUN_SCALE = 0.01
"""Flood windows at 1/100: a channel takes 20 posts per 0.6 s."""

FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Dale Post</title>
<item><guid>dp-1</guid><link>https://dale.example/mill</link>
<title>Old mill &amp; its wheel turn again</title>
<pubDate>Sat, 02 Mar 2024 08:00:00 +0000</pubDate>
<category>Dale</category>
<description>The village mill reopened as a lending library on Saturday.</description>
</item></channel></rss>"""


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    """Telegram's flood limits at 1/100 of their windows."""
    return EmulatorConfig(flood=FloodLimits(time_scale=RUN_SCALE))


@dataclass
class BotProcess:
    """A `python -m bot run` process and its log file."""

    process: asyncio.subprocess.Process
    log_path: Path

    @property
    def log(self) -> str:
        """Return what the process logged so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def bot_env(emulator: RunningEmulator, db_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a bot on the emulator with time-scaled pacing."""
    return {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": emulator.token,
        "TELEGRAM_API_BASE_URL": emulator.api_base_url,
        "DATABASE_PATH": str(db_path),
        "PUBLISH_TIME_SCALE": str(RUN_SCALE),
        "PUBLISH_POLL_SECONDS": "0.2",
        "PUBLISH_RETRY_BASE_SECONDS": "0.1",
        "INGEST_WORKERS": "0",
        "LOG_LEVEL": "INFO",
        **extra,
    }


@asynccontextmanager
async def running_bot(env: dict[str, str], folder: Path, name: str) -> AsyncIterator[BotProcess]:
    """Start the bot; at the end, make sure it is gone (killed if still running)."""
    log_path = folder / f"{name}.log"
    with log_path.open("wb") as log_file:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, cwd=folder, stderr=log_file
        )
    bot = BotProcess(process, log_path)
    try:
        yield bot
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


def outbox_states(db_path: Path) -> Counter[str]:
    """Count outbox rows per state, read from the file the bot writes."""
    with sqlite3.connect(db_path) as connection:
        return Counter(
            {
                state: count
                for state, count in connection.execute(
                    "SELECT state, count(*) FROM outbox GROUP BY state"
                )
            }
        )


async def wait_for(
    check: Callable[[], Awaitable[bool]], *, within: float, what: str, bot: BotProcess
) -> None:
    """Poll `check()` until true; fail with the bot's log (or when the bot exits)."""

    async def running_and_checked() -> bool:
        if bot.process.returncode is not None:
            raise AssertionError(f"the bot exited ({bot.process.returncode}):\n{bot.log}")
        return await check()

    def log_tail() -> str:
        return bot.log[-3000:]

    await eventually(running_and_checked, within=within, what=what, interval=0.1, context=log_tail)


async def sends(emulator: RunningEmulator) -> int:
    """Return how many sendMessage calls the emulator received."""
    return (await emulator.client.stats()).calls.get("sendMessage", 0)


def sends_reach(emulator: RunningEmulator, count: int) -> Callable[[], Awaitable[bool]]:
    """Return a check: the emulator received at least `count` sendMessage calls."""

    async def check() -> bool:
        return await sends(emulator) >= count

    return check


def outbox_is(db_path: Path, expected: Counter[str]) -> Callable[[], Awaitable[bool]]:
    """Return a check: the outbox rows are in exactly these states."""

    async def check() -> bool:
        return await asyncio.to_thread(outbox_states, db_path) == expected

    return check


async def burst(
    emulator: RunningEmulator, db_path: Path, articles: int, channel_count: int
) -> tuple[list[int], list[int]]:
    """Queue `articles` articles for `channel_count` channels; return (article ids, chat ids)."""
    chats = [(await emulator.client.create_channel(f"Burst {n}")).id for n in range(channel_count)]
    async with await open_database(db_path) as db:
        source = await db.sources.add("https://harbour.example/feed.xml")
        await db.sources.set_paused(source.id, True)  # nothing to fetch: the queue is given
        channels = [await db.channels.add(chat) for chat in chats]
        result = await db.articles.upsert_many(
            source.id, [draft(n) for n in range(1, articles + 1)], fetched_at=draft(1).published_at
        )
        ids = list(result.inserted)
        await db.outbox.add_many((a, c.id) for a in ids for c in channels)
    return ids, chats


async def posts_per_article(emulator: RunningEmulator, chat_id: int) -> Counter[int]:
    """Count the bot's posts of each article in a channel."""
    messages = await emulator.client.messages(chat_id, from_bot=True)
    return Counter(article_id_of(message) for message in messages)


def duplicates(counts: Counter[int]) -> int:
    """Return how many posts repeat an article already posted."""
    return sum(counts.values()) - len(counts)


async def stop_with(bot: BotProcess, signum: signal.Signals, within: float = 20.0) -> int:
    """Send a signal and wait for the process to end; return its exit code."""
    bot.process.send_signal(signum)
    return await asyncio.wait_for(bot.process.wait(), timeout=within)


async def test_local_source_reaches_the_channel_with_text_entities_and_buttons(
    emulator: RunningEmulator, tmp_path: Path
):
    db_path = tmp_path / "bot.sqlite3"
    chat = await emulator.client.create_channel("Dale Channel", username="dale_channel")
    async with FeedServer() as feeds:
        feeds.add("/dale.xml", body=FEED)
        async with await open_database(db_path) as db:
            source = await db.sources.add(feeds.url("/dale.xml"), name="Dale Post", backfill=5)
            channel = await db.channels.add(chat.id, title="Dale Channel")
            await db.channels.route(source.id, channel.id)
        env = bot_env(emulator, db_path, ALLOW_PRIVATE_ADDRESSES="true")
        async with running_bot(env, tmp_path, "run") as bot:
            await wait_for(
                outbox_is(db_path, Counter({"sent": 1})), within=20, what="posting", bot=bot
            )
            assert await stop_with(bot, signal.SIGTERM) == 0

    [post] = await emulator.client.messages(chat.id, from_bot=True)
    assert post.text == (
        "Old mill & its wheel turn again\n\n"
        "The village mill reopened as a lending library on Saturday.\n\n"
        "Dale Post · 2 Mar 2024 08:00\n"
        "#Dale"
    )
    title = "Old mill & its wheel turn again"
    spans = {(e["type"], e["offset"], e["length"], e.get("url")) for e in post.entities}
    assert ("bold", 0, len(title), None) in spans
    assert ("text_link", 0, len(title), "https://dale.example/mill") in spans
    assert "hashtag" in post.entity_types
    assert post.button_texts == [SAVE_LABEL, SHARE_LABEL]
    assert outbox_states(db_path) == Counter({"sent": 1})
    assert "event=publisher_stopped" in bot.log


async def test_kill_9_mid_burst_then_restart_posts_everything_at_most_one_repeat_per_channel(
    emulator: RunningEmulator, tmp_path: Path
):
    db_path = tmp_path / "bot.sqlite3"
    ids, chats = await burst(emulator, db_path, articles=300, channel_count=3)
    env = bot_env(emulator, db_path)

    async with running_bot(env, tmp_path, "first") as bot:
        await wait_for(sends_reach(emulator, 450), within=30, what="half the burst", bot=bot)
        bot.process.kill()  # SIGKILL: no cleanup at all
        await bot.process.wait()
    interrupted = outbox_states(db_path)
    assert interrupted["pending"] > 0, "the burst ended before the kill"

    async with running_bot(env, tmp_path, "second") as bot:
        await wait_for(
            outbox_is(db_path, Counter({"sent": 900})),
            within=60,
            what="finishing the burst",
            bot=bot,
        )
        assert await stop_with(bot, signal.SIGTERM) == 0

    repeated = 0
    for chat_id in chats:
        counts = await posts_per_article(emulator, chat_id)
        assert set(counts) == set(ids), "an article was lost"
        assert duplicates(counts) <= 1, f"channel {chat_id} repeated {duplicates(counts)}"
        repeated += duplicates(counts)
    assert repeated <= interrupted["sending"]  # only a post in flight at the kill can repeat
    if interrupted["sending"]:
        assert f"event=outbox_recovered rows={interrupted['sending']}" in bot.log
    assert (await emulator.client.stats()).too_many_requests == 0


async def test_sigterm_mid_burst_finishes_sends_in_flight_and_repeats_nothing(
    emulator: RunningEmulator, tmp_path: Path
):
    db_path = tmp_path / "bot.sqlite3"
    ids, chats = await burst(emulator, db_path, articles=100, channel_count=2)
    env = bot_env(emulator, db_path)

    async with running_bot(env, tmp_path, "first") as bot:
        await wait_for(sends_reach(emulator, 60), within=30, what="a third of it", bot=bot)
        assert await stop_with(bot, signal.SIGTERM) == 0
    stopped = outbox_states(db_path)
    assert stopped["sending"] == 0, "a clean stop left a row half-written"
    assert stopped["pending"] > 0
    assert stopped["sent"] == await sends(emulator)  # every answered send was recorded

    async with running_bot(env, tmp_path, "second") as bot:
        await wait_for(
            outbox_is(db_path, Counter({"sent": 200})),
            within=30,
            what="finishing the burst",
            bot=bot,
        )
        assert await stop_with(bot, signal.SIGTERM) == 0
    assert "event=outbox_recovered" not in bot.log
    for chat_id in chats:
        assert await posts_per_article(emulator, chat_id) == Counter(ids)
