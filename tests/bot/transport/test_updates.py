"""PerChatUpdateProcessor: concurrent across chats and for inline queries, ordered per chat."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import Chat, InlineQuery, Message, Update, User

from bot.transport.updates import PerChatUpdateProcessor, chat_key

ANN = User(1, "Ann", is_bot=False)


def message_update(update_id: int, chat_id: int) -> Update:
    """A text message in a private chat."""
    chat = Chat(chat_id, Chat.PRIVATE)
    message = Message(
        update_id, datetime(2026, 11, 30, tzinfo=UTC), chat, from_user=ANN, text="hi"
    )
    return Update(update_id, message=message)


def inline_update(update_id: int) -> Update:
    """An inline query (no chat)."""
    return Update(update_id, inline_query=InlineQuery(str(update_id), ANN, "ferry", ""))


def test_chat_key_names_the_chat_or_nothing():
    assert chat_key(message_update(1, 42)) == 42
    assert chat_key(inline_update(2)) is None
    assert chat_key("not an update") is None


async def test_updates_of_one_chat_run_in_arrival_order_one_at_a_time():
    processor = PerChatUpdateProcessor()
    log: list[str] = []
    running = 0
    most_at_once = 0

    async def handle(name: str, pause: float) -> None:
        nonlocal running, most_at_once
        running += 1
        most_at_once = max(most_at_once, running)
        log.append(f"start {name}")
        await asyncio.sleep(pause)
        log.append(f"end {name}")
        running -= 1

    async with processor:
        await asyncio.gather(
            processor.process_update(message_update(1, 42), handle("first", 0.05)),
            processor.process_update(message_update(2, 42), handle("second", 0.0)),
            processor.process_update(message_update(3, 42), handle("third", 0.0)),
        )
    assert log == ["start first", "end first", "start second", "end second", "start third",
                   "end third"]  # fmt: skip
    assert most_at_once == 1
    assert processor.chats_in_flight() == 0  # idle chats are forgotten


async def test_other_chats_and_inline_queries_do_not_wait():
    processor = PerChatUpdateProcessor()
    release = asyncio.Event()
    started: list[str] = []

    async def blocked(name: str) -> None:
        started.append(name)
        await release.wait()

    async def quick(name: str) -> None:
        started.append(name)

    async with processor:
        slow = asyncio.create_task(
            processor.process_update(message_update(1, 42), blocked("chat 42"))
        )
        await asyncio.sleep(0)
        await asyncio.wait_for(
            asyncio.gather(
                processor.process_update(message_update(2, 43), quick("chat 43")),
                processor.process_update(inline_update(3), quick("inline 1")),
                processor.process_update(inline_update(4), quick("inline 2")),
            ),
            timeout=1,
        )
        assert started == ["chat 42", "chat 43", "inline 1", "inline 2"]
        assert processor.chats_in_flight() == 1  # chat 42 still running
        release.set()
        await slow
    assert processor.chats_in_flight() == 0


async def test_a_failing_update_releases_its_chat():
    processor = PerChatUpdateProcessor()
    done: list[int] = []

    async def fail() -> None:
        raise RuntimeError("handler failed")

    async def succeed() -> None:
        done.append(2)

    async with processor:
        results = await asyncio.gather(
            processor.process_update(message_update(1, 42), fail()),
            processor.process_update(message_update(2, 42), succeed()),
            return_exceptions=True,
        )
    assert isinstance(results[0], RuntimeError)
    assert done == [2]
    assert processor.chats_in_flight() == 0
