"""Injected faults (errors, hangs, dropped connections) and the emulator's counters."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from emulator import EmulatorError, RunningEmulator
from tests.support.botapi import BotApiCaller


@pytest.fixture
async def ann(emulator: RunningEmulator) -> int:
    """A user who has started the bot."""
    user = await emulator.client.create_user("Ann")
    await emulator.client.send_message(user.id, "/start")
    return user.id


async def test_error_fault_hits_the_next_calls_only(api: BotApiCaller, emulator, ann):
    await emulator.client.add_fault(
        "sendMessage", times=2, error_code=429, description="Too Many Requests: retry after 7",
        retry_after=7,
    )  # fmt: skip
    for _ in range(2):
        reply = await api.refused("sendMessage", chat_id=ann, text="x")
        assert reply.body == {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 7",
            "parameters": {"retry_after": 7},
        }
    await api.ok("sendMessage", chat_id=ann, text="x")
    assert await emulator.client.faults() == []


async def test_ptb_turns_an_injected_429_into_retry_after(ptb_bot: Bot, emulator, ann):
    await emulator.client.add_fault(
        "sendmessage", error_code=429, description="Too Many Requests: retry after 5",
        retry_after=5,
    )  # fmt: skip
    with pytest.raises(RetryAfter) as caught:
        await ptb_bot.send_message(ann, "x")
    assert caught.value.retry_after.total_seconds() == 5  # type: ignore[union-attr]


async def test_dropped_connections_reach_ptb_as_network_errors(ptb_bot, emulator, ann):
    await emulator.client.add_fault("sendMessage", "drop")
    with pytest.raises(NetworkError):
        await ptb_bot.send_message(ann, "lost before")
    await emulator.client.add_fault("sendMessage", "drop_after")
    with pytest.raises(NetworkError):
        await ptb_bot.send_message(ann, "lost after")
    texts = [m.text for m in await emulator.client.messages(ann, from_bot=True)]
    assert texts == ["lost after"]  # the second call ran; only its answer was lost


async def test_a_hanging_call_times_out_in_ptb(emulator: RunningEmulator, ann):
    await emulator.client.add_fault("getChat", "hang")
    request = HTTPXRequest(read_timeout=0.3)
    bot = Bot(emulator.token, base_url=emulator.api_base_url, request=request)
    async with bot:
        with pytest.raises(TimedOut):
            await bot.get_chat(ann)
        assert (await bot.get_chat(ann)).id == ann


async def test_any_method_fault(api: BotApiCaller, emulator):
    await emulator.client.add_fault("*", error_code=502, description="Bad Gateway")
    reply = await api.refused("getMe")
    assert (reply.status, reply.description) == (502, "Bad Gateway")
    await emulator.client.clear_faults()


async def test_fault_requests_are_checked(emulator: RunningEmulator):
    with pytest.raises(EmulatorError, match="kind must be one of"):
        await emulator.client.add_fault("getMe", "explode")


async def test_counters(api: BotApiCaller, emulator, ann):
    await emulator.client.reset_stats()
    await api.ok("sendMessage", chat_id=ann, text="fine")
    await api.refused("sendMessage", chat_id=ann, text="<b>", parse_mode="HTML")
    await api.refused("sendMessage", chat_id=ann, text="")
    await api.refused("getNothing")
    stats = await emulator.client.stats()
    assert stats.calls == {"sendMessage": 3, "getNothing": 1}
    assert stats.descriptions("sendMessage") == [
        "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\"",
        "Bad Request: message text is empty",
    ]
    assert stats.too_many_requests == 0
