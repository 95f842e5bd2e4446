"""What the Mini App needs of the store: read marks, restoring a removed bookmark, muting
one follow, and daily counts for the admin chart; on both engines (PostgreSQL included)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from news.entities import Bookmark
from news.follows import parse_follow
from storage.errors import NotFoundError
from tests.storage.conftest import NOW

pytestmark = pytest.mark.parametrize("db", ["sqlite", "sqlite-file", "postgresql"], indirect=True)


async def _world(db, make_draft, count: int = 3):
    await db.users.upsert(1, username=None, first_name="Ann", language_code="en")
    await db.users.upsert(2, username=None, first_name="Bob", language_code="en")
    source = await db.sources.add("https://herald.example/rss", "Herald")
    drafts = [make_draft(n) for n in range(1, count + 1)]
    result = await db.articles.upsert_many(source.id, drafts, fetched_at=NOW)
    return source, list(result.inserted)


async def test_a_bookmark_is_marked_read_and_unread_by_its_owner_only(db, make_draft):
    _, [first, *_] = await _world(db, make_draft)
    await db.bookmarks.add(1, first, now=NOW)

    read = await db.bookmarks.set_read(1, first, True, now=NOW + timedelta(hours=1))
    assert read == Bookmark(1, first, NOW, NOW + timedelta(hours=1))
    assert await db.bookmarks.set_read(2, first, True) is None  # Bob never saved it
    assert await db.bookmarks.get(2, first) is None
    assert (await db.bookmarks.list(1))[0].read_at == NOW + timedelta(hours=1)
    unread = await db.bookmarks.set_read(1, first, False)
    assert unread is not None
    assert unread.read_at is None


async def test_a_restored_bookmark_returns_to_its_place(db, make_draft):
    _, ids = await _world(db, make_draft)
    for n, article in enumerate(ids):
        await db.bookmarks.add(1, article, now=NOW + timedelta(minutes=n))
    middle = await db.bookmarks.set_read(1, ids[1], True, now=NOW + timedelta(hours=2))
    assert middle is not None
    assert await db.bookmarks.remove(1, ids[1])

    assert await db.bookmarks.restore(middle)
    assert not await db.bookmarks.restore(middle)  # saved already: nothing changes
    marks = await db.bookmarks.list(1)
    assert [m.article_id for m in marks] == [ids[2], ids[1], ids[0]]
    assert marks[1] == middle
    with pytest.raises(NotFoundError):
        await db.bookmarks.restore(Bookmark(1, 10**9, NOW))


async def test_a_muted_follow_is_not_active_and_only_its_owner_mutes_it(db, make_draft):
    await _world(db, make_draft)
    query = parse_follow("ferry")
    added = await db.follows.add(1, query.text, query.key, max_follows=5, now=NOW)
    follow = added.follow
    assert follow is not None

    assert await db.follows.set_muted(2, follow.id, True) is None
    muted = await db.follows.set_muted(1, follow.id, True)
    assert muted is not None
    assert muted.muted
    assert await db.follows.active() == []
    # Coming back after blocking the bot resumes blocked follows, not muted ones.
    await db.follows.set_paused_for_user(1, False)
    assert await db.follows.active() == []
    resumed = await db.follows.set_muted(1, follow.id, False)
    assert resumed is not None
    assert [f.id for f in await db.follows.active()] == [follow.id]


async def test_articles_and_posts_are_counted_per_utc_day(db, make_draft):
    source = await db.sources.add("https://herald.example/rss", "Herald")
    drafts = [
        make_draft(1, published_at=NOW - timedelta(days=2)),
        make_draft(2, published_at=NOW - timedelta(days=2, hours=1)),
        make_draft(3, published_at=NOW),
        make_draft(4, published_at=NOW - timedelta(days=40)),
    ]
    ids = list((await db.articles.upsert_many(source.id, drafts, fetched_at=NOW)).inserted)
    channel = await db.channels.add(-100, title="Harbour news")
    other = await db.channels.add(-200, title="Other")
    await db.outbox.add_many([(ids[0], channel.id), (ids[1], channel.id), (ids[2], other.id)])
    for sent_at in (NOW - timedelta(days=1), NOW):
        item = await db.outbox.claim_next(channel.id, now=NOW)
        assert item is not None
        await db.outbox.mark_sent(item.id, message_id=item.id, sent_at=sent_at)

    since = NOW - timedelta(days=29)
    assert await db.articles.daily_counts(since=since) == {
        date(2024, 2, 28): 2,
        date(2024, 3, 1): 1,
    }
    assert await db.outbox.daily_sent(since=since) == {date(2024, 2, 29): 1, date(2024, 3, 1): 1}
    assert await db.outbox.sent_by_channel(since=NOW - timedelta(hours=1)) == {channel.id: 1}
