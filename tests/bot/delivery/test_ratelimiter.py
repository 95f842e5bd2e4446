"""The bot-wide rate limiter: every message send is paced; already paced sends pass."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from telegram.error import RetryAfter
from telegram.ext import ExtBot

from bot.transport.pacing import Pacer, PacingLimits
from bot.transport.ratelimiter import PacingRateLimiter, chat_key, posts_a_message
from emulator import RunningEmulator
from tests.bot.delivery.conftest import TIME_SCALE
from tests.support.clock import FakeClock

CHANNEL = -1001


async def ok(*args: object, **kwargs: object) -> bool:
    """A Bot API call that succeeds."""
    return True


async def call(limiter: PacingRateLimiter, endpoint: str, chat_id: object) -> object:
    """Make one call through the limiter."""
    return await limiter.process_request(ok, (), {}, endpoint, {"chat_id": chat_id}, None)


def test_message_endpoints() -> None:
    assert posts_a_message("sendMessage")
    assert posts_a_message("sendPhoto")
    assert posts_a_message("copyMessage")
    assert not posts_a_message("sendChatAction")
    assert not posts_a_message("answerCallbackQuery")
    assert not posts_a_message("editMessageText")


def test_chat_keys() -> None:
    assert chat_key(-1001) == -1001
    assert chat_key(" -1001 ") == -1001
    assert chat_key("@Harbour_News") == "@harbour_news"
    assert chat_key(None) is None
    assert chat_key(True) is None
    assert chat_key("") is None


async def test_message_sends_are_counted_and_other_calls_are_not() -> None:
    clock = FakeClock(500.0)
    pacer = Pacer(PacingLimits(channel_per_minute=1), clock=clock)
    limiter = PacingRateLimiter(pacer)
    assert await call(limiter, "answerCallbackQuery", CHANNEL) is True
    assert await call(limiter, "sendChatAction", CHANNEL) is True
    assert pacer.delay(CHANNEL) == 0.0
    assert await call(limiter, "sendMessage", CHANNEL) is True
    assert pacer.delay(CHANNEL) == pytest.approx(60.0)


async def test_a_send_inside_a_publisher_slot_is_not_counted_twice() -> None:
    clock = FakeClock(500.0)
    pacer = Pacer(PacingLimits(channel_per_minute=2), clock=clock)
    limiter = PacingRateLimiter(pacer)
    async with pacer.slot(CHANNEL):
        await call(limiter, "sendMessage", CHANNEL)
    assert pacer.delay(CHANNEL) == 0.0  # one of two places used


async def test_retry_after_holds_the_chat_and_is_raised() -> None:
    clock = FakeClock(500.0)
    pacer = Pacer(clock=clock)
    limiter = PacingRateLimiter(pacer)

    async def flooded(*args: object, **kwargs: object) -> bool:
        raise RetryAfter(timedelta(seconds=9))

    with pytest.raises(RetryAfter):
        await limiter.process_request(flooded, (), {}, "sendMessage", {"chat_id": 7}, None)
    assert pacer.delay(7) == pytest.approx(9.0)
    assert pacer.delay(8) == 0.0


@pytest.mark.parametrize("recipients", [1, 3])
async def test_concurrent_replies_to_private_chats_all_arrive_without_429(
    emulator: RunningEmulator, recipients: int
) -> None:
    client = emulator.client
    users = [await client.create_user(f"Reader {n}") for n in range(recipients)]
    for user in users:
        await client.send_message(user.id, "/start")
    pacer = Pacer(PacingLimits(time_scale=TIME_SCALE))
    bot = ExtBot(
        emulator.token,
        base_url=emulator.api_base_url,
        base_file_url=emulator.file_base_url,
        rate_limiter=PacingRateLimiter(pacer),
    )
    async with bot:
        await asyncio.gather(
            *(bot.send_message(user.id, f"reply {n}") for user in users for n in range(10))
        )
    for user in users:
        assert len(await client.messages(user.id, from_bot=True)) == 10
    assert (await client.stats()).too_many_requests == 0
