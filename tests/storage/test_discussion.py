"""Comment threads and comments: recorded once, counted once per message, per article."""

from __future__ import annotations

import pytest

from storage.errors import NotFoundError
from tests.storage.conftest import NOW

GROUP = -100500


async def stored_articles(db, make_draft, count: int = 2) -> list[int]:
    source = await db.sources.add("https://harbour.example/rss", "Harbour Log")
    result = await db.articles.upsert_many(
        source.id, [make_draft(n) for n in range(1, count + 1)], fetched_at=NOW
    )
    return list(result.inserted)


async def test_thread_is_recorded_once_and_traced_to_its_article(db, make_draft):
    first, _second = await stored_articles(db, make_draft)
    channel = await db.channels.add(-1001, title="Harbour news")
    assert await db.discussion.open_thread(GROUP, 7, first, channel_id=channel.id, now=NOW)
    assert not await db.discussion.open_thread(GROUP, 7, first, channel_id=channel.id)
    assert await db.discussion.thread_article(GROUP, 7) == first
    assert await db.discussion.thread_article(GROUP, 8) is None
    assert await db.discussion.thread_article(-100600, 7) is None


async def test_thread_for_a_missing_article_is_refused(db):
    with pytest.raises(NotFoundError):
        await db.discussion.open_thread(GROUP, 7, 999)


async def test_comments_count_once_per_message(db, make_draft):
    first, second = await stored_articles(db, make_draft)
    assert await db.discussion.add_comment(GROUP, 10, first, user_id=42, now=NOW)
    assert await db.discussion.add_comment(GROUP, 11, first, user_id=43, now=NOW)
    assert not await db.discussion.add_comment(GROUP, 10, first, user_id=42)  # redelivered
    assert await db.discussion.add_comment(-100600, 10, second)  # same id, another group
    assert await db.discussion.comment_count(first) == 2
    assert await db.discussion.comment_count(second) == 1
    assert await db.discussion.comment_count(999) == 0


async def test_comment_on_a_missing_article_is_refused(db):
    with pytest.raises(NotFoundError):
        await db.discussion.add_comment(GROUP, 10, 999)


async def test_removing_an_article_removes_its_thread_and_comments(db, make_draft):
    first, _second = await stored_articles(db, make_draft)
    await db.discussion.open_thread(GROUP, 7, first)
    await db.discussion.add_comment(GROUP, 10, first)
    source = (await db.sources.list())[0]
    await db.sources.remove(source.id)  # its articles go with it
    assert await db.discussion.thread_article(GROUP, 7) is None
    assert await db.discussion.comment_count(first) == 0


async def test_removing_a_channel_keeps_its_threads(db, make_draft):
    first, _second = await stored_articles(db, make_draft)
    channel = await db.channels.add(-1001)
    await db.discussion.open_thread(GROUP, 7, first, channel_id=channel.id)
    await db.channels.remove(channel.id)
    assert await db.discussion.thread_article(GROUP, 7) == first


async def test_discussion_replies_setting(db):
    channel = await db.channels.add(-1001)
    assert channel.discussion_replies is True
    turned_off = await db.channels.set_discussion_replies(channel.id, False)
    assert turned_off.discussion_replies is False
    assert (await db.channels.get(channel.id)).discussion_replies is False
    turned_on = await db.channels.set_discussion_replies(channel.id, True)
    assert turned_on.discussion_replies is True
    with pytest.raises(NotFoundError):
        await db.channels.set_discussion_replies(999, False)
