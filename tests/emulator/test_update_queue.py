"""The update queue: confirmation by offset, allowed_updates, long polling, conflicts."""

from __future__ import annotations

import asyncio

import pytest

from emulator.errors import ApiError
from emulator.updates import DEFAULT_ALLOWED, UpdateQueue, parse_allowed_updates


def ids(updates: list[dict[str, object]]) -> list[object]:
    return [update["update_id"] for update in updates]


async def test_offset_confirms_and_negative_offset_keeps_the_tail():
    queue = UpdateQueue(first_update_id=1)
    for n in range(5):
        queue.push("message", {"n": n})
    assert ids(await queue.long_poll(0, 100, 0)) == [1, 2, 3, 4, 5]
    assert ids(await queue.long_poll(3, 2, 0)) == [3, 4]
    assert queue.pending_count == 3
    assert ids(await queue.long_poll(-1, 100, 0)) == [5]


async def test_updates_outside_allowed_updates_are_never_stored():
    queue = UpdateQueue()
    queue.allowed = frozenset({"callback_query"})
    assert not queue.push("message", {})
    assert queue.push("callback_query", {})
    assert queue.pending_count == 1


def test_allowed_updates_parsing_follows_telegram():
    assert parse_allowed_updates(None) is None
    assert parse_allowed_updates("not json") is None
    assert parse_allowed_updates("[]") == DEFAULT_ALLOWED
    assert parse_allowed_updates('["unknown"]') == DEFAULT_ALLOWED
    assert parse_allowed_updates('["message", "Chat_Member"]') == frozenset(
        {"message", "chat_member"}
    )
    assert "chat_member" not in DEFAULT_ALLOWED


async def test_long_poll_waits_and_wakes_on_a_new_update():
    queue = UpdateQueue()
    poll = asyncio.create_task(queue.long_poll(0, 100, 5))
    await asyncio.wait_for(queue.wait_parked(), 1)
    assert not poll.done()
    queue.push("message", {"text": "hi"})
    [update] = await asyncio.wait_for(poll, 1)
    assert update["message"] == {"text": "hi"}


async def test_long_poll_times_out_empty():
    queue = UpdateQueue()
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await queue.long_poll(0, 100, 0.2) == []
    assert loop.time() - started >= 0.19


async def test_a_newer_poll_terminates_the_waiting_one():
    queue = UpdateQueue()
    first = asyncio.create_task(queue.long_poll(0, 100, 5))
    await asyncio.wait_for(queue.wait_parked(), 1)
    assert await queue.long_poll(0, 100, 0) == []
    with pytest.raises(ApiError) as caught:
        await asyncio.wait_for(first, 1)
    assert caught.value.error_code == 409
    assert caught.value.description.startswith("Conflict: terminated by other getUpdates")


async def test_closing_releases_waiting_polls():
    queue = UpdateQueue()
    poll = asyncio.create_task(queue.long_poll(0, 100, 30))
    await asyncio.wait_for(queue.wait_parked(), 1)
    queue.close()
    assert await asyncio.wait_for(poll, 1) == []


async def test_confirmation_and_drops_tell_the_listener():
    confirmed: list[int] = []
    queue = UpdateQueue(
        first_update_id=1, on_confirm=lambda: confirmed.append(queue.pending_count)
    )
    for n in range(3):
        queue.push("message", {"n": n})
    await queue.long_poll(0, 100, 0)
    assert confirmed == []  # fetching is not confirming
    await queue.long_poll(3, 100, 0)
    assert confirmed == [1]
    await queue.long_poll(3, 100, 0)
    assert confirmed == [1]  # nothing forgotten, nobody told
    queue.drop_pending()
    assert confirmed == [1, 0]


async def test_each_update_counts_as_delivered_once():
    queue = UpdateQueue(first_update_id=1)
    for n in range(3):
        queue.push("message", {"n": n})
    await queue.long_poll(0, 2, 0)
    await queue.long_poll(0, 100, 0)  # 1 and 2 again, then 3
    assert queue.delivered_count == 3
