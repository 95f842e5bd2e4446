"""Reactions on the bot's channel posts: the latest totals per post, replacing the last ones,
and their weight in /trending (0.5 per reaction, dated by the last change)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.storage.conftest import NOW

CHAT = -1002000000001
OTHER_CHAT = -1002000000002


@pytest.fixture
async def posts(db, make_draft):
    """Articles 1 and 2 posted to two channels: message ids 11/12 in the first, 21 in the
    second (article 1 only)."""
    source = await db.sources.add("https://harbour.example/rss", "Harbour Log")
    stored = await db.articles.upsert_many(
        source.id, [make_draft(1), make_draft(2)], fetched_at=NOW - timedelta(hours=2)
    )
    one, two = stored.inserted
    first = await db.channels.add(CHAT, title="Harbour News")
    second = await db.channels.add(OTHER_CHAT, title="Coast News")
    await db.outbox.add_many([(one, first.id), (two, first.id), (one, second.id)])
    for channel, article, message_id in ((first, one, 11), (first, two, 12), (second, one, 21)):
        item = await db.outbox.claim_next(channel.id, now=NOW)
        assert item is not None
        assert item.article_id == article
        await db.outbox.mark_sent(item.id, message_id=message_id, sent_at=NOW)
    return one, two


async def test_totals_are_stored_and_replaced_not_added(db, posts):
    one, _two = posts
    assert await db.reactions.record(CHAT, 11, {"👍": 3, "🔥": 1}, at=NOW) == one
    assert await db.reactions.for_article(one) == {"👍": 3, "🔥": 1}
    # The next update carries the post's whole list: 🔥 went away, 👍 grew.
    assert await db.reactions.record(CHAT, 11, {"👍": 5}, at=NOW + timedelta(minutes=1)) == one
    assert await db.reactions.for_article(one) == {"👍": 5}


async def test_an_articles_posts_in_several_channels_add_up(db, posts):
    one, two = posts
    await db.reactions.record(CHAT, 11, {"👍": 2, "paid": 1}, at=NOW)
    await db.reactions.record(OTHER_CHAT, 21, {"👍": 4}, at=NOW)
    await db.reactions.record(CHAT, 12, {"😢": 7}, at=NOW)
    assert await db.reactions.for_article(one) == {"👍": 6, "paid": 1}
    assert await db.reactions.for_article(two) == {"😢": 7}


async def test_zero_counts_are_dropped_and_an_empty_list_clears(db, posts):
    one, _two = posts
    await db.reactions.record(CHAT, 11, {"👍": 2, "🔥": 0}, at=NOW)
    assert await db.reactions.for_article(one) == {"👍": 2}
    await db.reactions.record(CHAT, 11, {}, at=NOW + timedelta(seconds=1))
    assert await db.reactions.for_article(one) == {}


async def test_a_late_older_update_changes_nothing(db, posts):
    one, _two = posts
    await db.reactions.record(CHAT, 11, {"👍": 9}, at=NOW)
    assert await db.reactions.record(CHAT, 11, {"👍": 1}, at=NOW - timedelta(minutes=3)) is None
    assert await db.reactions.for_article(one) == {"👍": 9}


async def test_messages_that_are_not_our_posts_are_ignored(db, posts):
    one, _two = posts
    assert await db.reactions.record(CHAT, 99, {"👍": 1}, at=NOW) is None  # not ours
    assert await db.reactions.record(-100777, 11, {"👍": 1}, at=NOW) is None  # unknown chat
    assert await db.reactions.for_article(one) == {}


async def test_reactions_count_in_trending_with_their_own_weight(db, posts):
    one, two = posts
    await db.users.upsert(1, username=None, first_name="Ann", language_code="en")
    await db.bookmarks.add(1, two, now=NOW)  # 3
    await db.reactions.record(CHAT, 11, {"👍": 4, "❤": 4}, at=NOW)  # 8 x 0.5 = 4
    top = await db.trending.stories(now=NOW)
    assert [(s.article.id, s.saves, s.reactions) for s in top] == [(one, 0, 8), (two, 1, 0)]
    assert [s.score for s in top] == pytest.approx([4.0, 3.0])


async def test_reactions_decay_from_their_last_change_and_leave_the_window(db, posts):
    await db.reactions.record(CHAT, 11, {"👍": 6}, at=NOW - timedelta(hours=12))
    [story] = await db.trending.stories(now=NOW)
    assert story.reactions == 6
    assert story.score == pytest.approx(6 * 0.5 / 2)
    assert await db.trending.stories(now=NOW + timedelta(hours=13)) == []
