"""Starting comment threads and counting comments, without Telegram."""

from __future__ import annotations

import asyncio

import pytest

from bot.services.discussion import count_comment, start_thread
from news.entities import OutboxState
from storage import open_database
from tests.factories import STORY_TIME
from tests.factories import story_draft as draft

T = STORY_TIME
GROUP = -100700
CHANNEL_CHAT = -100800


@pytest.fixture
async def db():
    database = await open_database(":memory:")
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
async def world(db):
    """A channel and two articles of one story from two sources; the first is queued."""
    log = await db.sources.add("https://log.example/rss", "Harbour Log")
    courier = await db.sources.add("https://courier.example/rss", "Coast Courier")
    stored = await db.articles.upsert_many(log.id, [draft("main", "Pier closed")], fetched_at=T)
    [main] = stored.inserted
    await db.articles.upsert_many(
        courier.id, [draft("copy", "Pier closed to the public", story="main")], fetched_at=T
    )
    channel = await db.channels.add(CHANNEL_CHAT, title="Harbour news")
    await db.outbox.add_many([(main, channel.id)])
    [item] = await db.outbox.for_article(main)
    return channel, main, item


async def start(db, thread_id=5, message_id=40, wait_seconds=1.0):
    return await start_thread(
        db,
        group_chat_id=GROUP,
        thread_id=thread_id,
        channel_chat_id=CHANNEL_CHAT,
        channel_message_id=message_id,
        wait_seconds=wait_seconds,
    )


async def test_a_sent_post_opens_its_thread_once(db, world):
    channel, main, item = world
    await db.outbox.claim_next(channel.id)
    await db.outbox.mark_sent(item.id, message_id=40)
    started = await start(db)
    assert started is not None
    assert started.article_id == main
    assert started.reply_html == (
        '<b>Also reported by</b>\n• <a href="https://copy.example/news">'
        "Pier closed to the public</a> — Coast Courier"
    )
    assert started.channel.discussion_chat_id == GROUP
    assert await db.discussion.thread_article(GROUP, 5) == main
    assert await start(db) is None  # redelivered: no second reply


async def test_replies_off_still_records_the_thread(db, world):
    channel, main, item = world
    await db.channels.set_discussion_replies(channel.id, False)
    await db.outbox.claim_next(channel.id)
    await db.outbox.mark_sent(item.id, message_id=40)
    started = await start(db)
    assert started is not None
    assert started.reply_html is None
    assert await db.discussion.thread_article(GROUP, 5) == main


async def test_waits_for_a_post_being_sent(db, world, monkeypatch):
    channel, main, item = world
    await db.outbox.claim_next(channel.id)  # sending: the message id is not stored yet
    looked_while_sending = asyncio.Event()
    state_counts = db.outbox.state_counts

    async def counting_looks(channel_id: int) -> dict[OutboxState, int]:
        counts = await state_counts(channel_id)
        if counts[OutboxState.SENDING]:
            looked_while_sending.set()
        return counts

    monkeypatch.setattr(db.outbox, "state_counts", counting_looks)

    async def finish_sending() -> None:
        await looked_while_sending.wait()  # the first look found the post still in flight
        await db.outbox.mark_sent(item.id, message_id=40)

    finishing = asyncio.create_task(finish_sending())
    started = await start(db, wait_seconds=5.0)
    assert looked_while_sending.is_set()
    await finishing
    assert started is not None
    assert started.article_id == main


async def test_gives_up_on_a_post_that_never_gets_recorded(db, world):
    channel, _main, _item = world
    await db.outbox.claim_next(channel.id)
    loop = asyncio.get_running_loop()
    began = loop.time()
    assert await start(db, wait_seconds=0.3) is None
    assert 0.3 <= loop.time() - began < 2.0
    assert await db.discussion.thread_article(GROUP, 5) is None


async def test_posts_not_from_the_bot_are_ignored_without_waiting(db, world):
    channel, _main, item = world
    await db.outbox.claim_next(channel.id)
    await db.outbox.mark_sent(item.id, message_id=40)
    loop = asyncio.get_running_loop()
    began = loop.time()
    assert await start(db, message_id=41, wait_seconds=5.0) is None  # nothing is sending
    assert loop.time() - began < 1.0
    other_channel = await start_thread(
        db, group_chat_id=GROUP, thread_id=6, channel_chat_id=-100999, channel_message_id=40
    )
    assert other_channel is None


async def test_comments_count_only_in_recorded_threads(db, world):
    channel, main, item = world
    await db.outbox.claim_next(channel.id)
    await db.outbox.mark_sent(item.id, message_id=40)
    await start(db)
    assert await count_comment(db, group_chat_id=GROUP, thread_id=5, message_id=6, user_id=1)
    assert not await count_comment(db, group_chat_id=GROUP, thread_id=5, message_id=6, user_id=1)
    assert not await count_comment(db, group_chat_id=GROUP, thread_id=9, message_id=10, user_id=1)
    assert await db.discussion.comment_count(main) == 1
