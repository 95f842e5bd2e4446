"""Trending: 3 per save, 2 per share, 1 per comment, each decayed by its age, last 24 h."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.storage.conftest import NOW

GROUP = -100500


@pytest.fixture
async def world(db, make_draft):
    """Three sources; articles 1-3 are distinct stories, 4 (source 2) duplicates 1."""
    harbour = await db.sources.add("https://harbour.example/rss", "Harbour Log")
    coast = await db.sources.add("https://coast.example/rss", "Coast Courier")
    stored = await db.articles.upsert_many(
        harbour.id, [make_draft(n) for n in (1, 2, 3)], fetched_at=NOW - timedelta(hours=30)
    )
    copy = await db.articles.upsert_many(
        coast.id,
        [make_draft(4, story=1)],  # the same story as draft 1
        fetched_at=NOW - timedelta(hours=29),
    )
    for user_id in range(1, 8):
        await db.users.upsert(
            user_id, username=None, first_name=f"Reader {user_id}", language_code="en"
        )
    return [*stored.inserted, *copy.inserted]


async def save(db, user_id, article_id, hours_ago=0.0):
    await db.bookmarks.add(user_id, article_id, now=NOW - timedelta(hours=hours_ago))


async def share(db, user_id, article_id, hours_ago=0.0):
    await db.shares.record(
        user_id, article_id, result_id=f"r{user_id}", now=NOW - timedelta(hours=hours_ago)
    )


async def comment(db, message_id, article_id, hours_ago=0.0):
    await db.discussion.add_comment(
        GROUP, message_id, article_id, now=NOW - timedelta(hours=hours_ago)
    )


async def test_nothing_trending_without_engagement(db, world):
    assert await db.trending.stories(now=NOW) == []


async def test_weights_order_saves_shares_and_comments(db, world):
    one, two, three, _copy = world
    await save(db, 1, one)  # 3
    await share(db, 1, two)
    await share(db, 2, two)  # 4
    for message_id in range(10, 15):
        await comment(db, message_id, three)  # 5
    top = await db.trending.stories(now=NOW)
    assert [(s.article.id, s.saves, s.shares, s.comments) for s in top] == [
        (three, 0, 0, 5),
        (two, 0, 2, 0),
        (one, 1, 0, 0),
    ]
    assert [s.score for s in top] == pytest.approx([5.0, 4.0, 3.0])


async def test_older_engagement_counts_less(db, world):
    one, two, three, _copy = world
    await save(db, 1, one, hours_ago=12)  # 3 / (1 + 12/12) = 1.5
    await comment(db, 10, two)  # 1
    await share(db, 1, three, hours_ago=1)  # 2 / (1 + 1/12) = 1.846
    top = await db.trending.stories(now=NOW)
    assert [s.article.id for s in top] == [three, one, two]
    assert [s.score for s in top] == pytest.approx([2 / (1 + 1 / 12), 1.5, 1.0])


async def test_only_the_last_24_hours_count(db, world):
    one, two, _three, _copy = world
    await save(db, 1, one, hours_ago=25)
    await share(db, 1, one, hours_ago=24.5)
    await save(db, 2, two, hours_ago=23.5)
    await save(db, 3, two, hours_ago=-1)  # in the future: not yet
    top = await db.trending.stories(now=NOW)
    assert [(s.article.id, s.saves) for s in top] == [(two, 1)]


async def test_near_duplicates_are_one_story_shown_by_its_most_engaged_article(db, world):
    one, two, _three, copy = world
    assert (await db.articles.get(copy)).story_id == one
    await save(db, 1, one)
    await save(db, 2, copy)
    await save(db, 3, copy)
    await share(db, 4, two)
    top = await db.trending.stories(now=NOW)
    assert [(s.article.id, s.saves, s.shares) for s in top] == [(copy, 3, 0), (two, 0, 1)]
    assert top[0].score == pytest.approx(9.0)


async def test_limit(db, world):
    for number, article_id in enumerate(world[:3], 1):
        await save(db, number, article_id)
    assert len(await db.trending.stories(limit=2, now=NOW)) == 2
    assert await db.trending.stories(limit=0, now=NOW) == []
