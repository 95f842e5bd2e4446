"""Flood limits end to end: a channel burst meets RetryAfter; AIORateLimiter gets through."""

from __future__ import annotations

import asyncio
import datetime as dtm
from collections.abc import Callable, Coroutine
from typing import Any

import pytest
from telegram import Update
from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter, CommandHandler, ContextTypes

from emulator import EmulatorConfig, FloodLimits

TIME_SCALE = 0.05  # 20 posts per 60 s becomes 20 per 3 s
GROUP_WINDOW_SECONDS = 60 * TIME_SCALE
BURST = 25


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    """Flood windows scaled down so the burst clears in seconds."""
    return EmulatorConfig(flood=FloodLimits(time_scale=TIME_SCALE))


def burst_handler(
    channel_id: int, outcomes: list[object], done: asyncio.Event
) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]:
    """A /burst command that posts BURST messages to the channel at once."""

    async def burst(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        sends = [context.bot.send_message(channel_id, f"Post {n}") for n in range(BURST)]
        outcomes.extend(await asyncio.gather(*sends, return_exceptions=True))
        done.set()

    return burst


def retry_seconds(error: RetryAfter) -> float:
    """Return retry_after in seconds, whichever type PTB gives."""
    value = error.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


async def test_burst_to_a_channel_meets_retry_after(bot_app):
    outcomes: list[object] = []
    done = asyncio.Event()
    async with bot_app() as harness:
        channel = await harness.client.create_channel("Headlines")
        harness.application.add_handler(
            CommandHandler("burst", burst_handler(channel.id, outcomes, done))
        )
        admin = await harness.new_user("Admin")
        await admin.send("/burst")
        await asyncio.wait_for(done.wait(), 5)
        stats = await harness.client.stats()
    refused = [o for o in outcomes if isinstance(o, RetryAfter)]
    assert len(refused) == BURST - 20
    assert all(1 <= retry_seconds(e) <= GROUP_WINDOW_SECONDS for e in refused)
    assert len(await harness.client.messages(channel.id)) == 20
    assert stats.too_many_requests == BURST - 20
    waits = {d.removeprefix("Too Many Requests: retry after ") for d in stats.descriptions()}
    assert waits <= {"1", "2", "3"}


async def test_aio_rate_limiter_gets_every_post_through(bot_app):
    outcomes: list[object] = []
    done = asyncio.Event()
    limiter = AIORateLimiter(group_max_rate=0, max_retries=3)  # let the emulator say 429
    async with bot_app(rate_limiter=limiter) as harness:
        channel = await harness.client.create_channel("Headlines")
        harness.application.add_handler(
            CommandHandler("burst", burst_handler(channel.id, outcomes, done))
        )
        admin = await harness.new_user("Admin")
        await admin.send("/burst")
        await asyncio.wait_for(done.wait(), GROUP_WINDOW_SECONDS * 3)
        posts = await harness.wait_for_messages(channel.id, BURST, within=GROUP_WINDOW_SECONDS * 3)
        stats = await harness.client.stats()
    assert sorted(post.text for post in posts) == sorted(f"Post {n}" for n in range(BURST))
    assert stats.too_many_requests >= 1
    assert not [o for o in outcomes if isinstance(o, BaseException)]
