"""`AiohttpRequest` against the emulator: same answers as PTB's httpx layer, same errors."""

from __future__ import annotations

import asyncio
import socket

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, RetryAfter, TimedOut
from telegram.request import BaseRequest, HTTPXRequest

from bot.transport.errors import FailureKind, classify_error
from bot.transport.http import AiohttpRequest, AnswerLost, RequestNotSent, _given
from emulator import RunningEmulator


def make_bot(emulator: RunningEmulator, request: AiohttpRequest | HTTPXRequest) -> Bot:
    """A bare Bot on the emulator using the given HTTP layer."""
    return Bot(
        emulator.token,
        base_url=emulator.api_base_url,
        base_file_url=emulator.file_base_url,
        request=request,
        get_updates_request=AiohttpRequest(connection_pool_size=1),
    )


async def started_user(emulator: RunningEmulator) -> int:
    """A user who has started the bot (so the bot may write to them)."""
    user = await emulator.client.create_user("Ann")
    await emulator.client.send_message(user.id, "/start")
    return user.id


async def conversation(emulator: RunningEmulator, bot: Bot) -> list[object]:
    """Calls of every body kind: none, form with JSON fields, multipart; what came back."""
    user_id = await started_user(emulator)
    me = await bot.get_me()
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("🔖 Save", callback_data="s1:7")]])
    sent = await bot.send_message(
        user_id,
        "<b>Ferry</b> back in service — Ünïcödé ✓",
        parse_mode="HTML",
        reply_markup=keyboard,
    )
    document = await bot.send_document(
        user_id, b'{"saved": ["one", "two"]}', filename="bookmarks.json", caption="Export"
    )
    stored = await emulator.client.messages(user_id, from_bot=True)
    return [
        me.username,
        sent.text,
        sent.reply_markup.inline_keyboard[0][0].callback_data if sent.reply_markup else None,
        document.document.file_name if document.document else None,
        [message.text or message.caption for message in stored],
    ]


async def test_aiohttp_layer_answers_exactly_like_the_httpx_layer(emulator):
    async with make_bot(emulator, HTTPXRequest()) as bot:
        with_httpx = await conversation(emulator, bot)
    async with make_bot(emulator, AiohttpRequest()) as bot:
        with_aiohttp = await conversation(emulator, bot)
    assert with_aiohttp[:4] == with_httpx[:4]
    assert with_aiohttp[:4] == [
        (await emulator.client.bot_info())["user"]["username"],
        "Ferry back in service — Ünïcödé ✓",
        "s1:7",
        "bookmarks.json",
    ]
    # the second user received the same two messages as the first
    assert with_aiohttp[4] == with_httpx[4] == ["Ferry back in service — Ünïcödé ✓", "Export"]


async def test_uploaded_file_arrives_byte_for_byte(emulator):
    user_id = await started_user(emulator)
    payload = bytes(range(256)) * 64
    async with make_bot(emulator, AiohttpRequest()) as bot:
        message = await bot.send_document(user_id, payload, filename="blob.bin")
        assert message.document is not None
        file = await bot.get_file(message.document.file_id)
        assert bytes(await file.download_as_bytearray()) == payload


async def test_api_errors_keep_their_meaning(emulator):
    async with make_bot(emulator, AiohttpRequest()) as bot:
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await bot.send_message(424242, "nobody")
        await emulator.client.add_fault(
            "sendMessage",
            error_code=429,
            retry_after=3,
            description="Too Many Requests: retry after 3",
        )
        user_id = await started_user(emulator)
        with pytest.raises(RetryAfter) as raised:
            await bot.send_message(user_id, "hello")
        assert raised.value.retry_after.total_seconds() == 3


async def test_a_hanging_call_times_out(emulator):
    user_id = await started_user(emulator)
    await emulator.client.add_fault("sendMessage", "hang", hang_seconds=30)
    async with make_bot(emulator, AiohttpRequest(read_timeout=0.3)) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(user_id, "hello")
        # the pool is still usable afterwards
        assert (await bot.send_message(user_id, "again")).text == "again"


async def test_a_per_call_timeout_replaces_the_default(emulator):
    user_id = await started_user(emulator)
    await emulator.client.add_fault("sendMessage", "hang", hang_seconds=30)
    async with make_bot(emulator, AiohttpRequest(read_timeout=60.0)) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(user_id, "hello", read_timeout=0.3)


async def test_unset_per_call_timeouts_keep_the_defaults():
    request = AiohttpRequest(read_timeout=1.0, write_timeout=2.0, connect_timeout=3.0)
    unset = BaseRequest.DEFAULT_NONE

    assert _given(unset, 1.0) == 1.0
    assert _given(0.5, 1.0) == 0.5
    assert _given(None, 1.0) is None  # an explicit None means no limit
    with pytest.raises(TypeError):
        _given("5", 1.0)
    assert request.read_timeout == 1.0


async def test_a_connection_closed_after_the_request_is_an_uncertain_outcome():
    async def swallow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")  # the request arrived; no answer is given
        writer.close()

    server = await asyncio.start_server(swallow, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(AnswerLost) as raised:
            await request.do_request(f"http://127.0.0.1:{port}/bot1:secret/sendMessage", "POST")
    finally:
        await request.shutdown()
        server.close()
        await server.wait_closed()
    assert "secret" not in str(raised.value)
    assert classify_error(raised.value).kind is FailureKind.UNCERTAIN


async def test_a_refused_connection_is_a_network_error_without_the_token():
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    token = "123456789:" + "no-such-bot-token-for-this-test-only"  # split: not token-shaped
    bot = Bot(
        token,
        base_url=f"http://127.0.0.1:{port}/bot",
        request=AiohttpRequest(),
        get_updates_request=AiohttpRequest(connection_pool_size=1),
    )
    with pytest.raises(RequestNotSent) as raised:
        await bot.initialize()
    assert classify_error(raised.value).kind is FailureKind.TRANSIENT  # safe to repeat
    assert token not in str(raised.value)
    assert "no-such-bot" not in repr(raised.value)
    await bot.shutdown()


async def test_calls_before_initialize_or_after_shutdown_are_refused():
    request = AiohttpRequest()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request("http://127.0.0.1:9/x", "POST")
    await request.initialize()
    await request.shutdown()
    await request.shutdown()  # idempotent
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request("http://127.0.0.1:9/x", "POST")


def test_pool_size_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        AiohttpRequest(connection_pool_size=0)
