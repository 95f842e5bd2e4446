"""Counts and recent failures the admin's `/stats` and `/channels` read."""

from __future__ import annotations

from datetime import timedelta

from storage import Database
from tests.storage.conftest import NOW, DraftFactory


async def test_articles_are_counted_in_total_and_since_a_time(
    db: Database, make_draft: DraftFactory
) -> None:
    source = await db.sources.add("https://feeds.example/quay.xml")
    await db.articles.upsert_many(source.id, [make_draft(1), make_draft(2)], fetched_at=NOW)
    await db.articles.upsert_many(source.id, [make_draft(3)], fetched_at=NOW + timedelta(days=2))

    assert await db.articles.count() == 3
    assert await db.articles.count(since=NOW + timedelta(days=1)) == 1
    assert await db.articles.count(since=NOW) == 3
    assert await db.articles.count(since=NOW + timedelta(days=3)) == 0


async def test_sent_posts_failures_and_channel_errors(
    db: Database, make_draft: DraftFactory
) -> None:
    source = await db.sources.add("https://feeds.example/quay.xml")
    stored = await db.articles.upsert_many(
        source.id, [make_draft(n) for n in (1, 2, 3, 4)], fetched_at=NOW
    )
    first, second = [(await db.channels.add(-100 - n)).id for n in (1, 2)]
    pairs = [(article_id, first) for article_id in stored.inserted]
    await db.outbox.add_many([*pairs, (stored.inserted[0], second)], now=NOW)
    items = {(i.article_id, i.channel_id): i.id for i in await _all_items(db, stored.inserted)}
    one, two, three, four = stored.inserted

    await db.outbox.mark_sent(items[one, first], message_id=10, sent_at=NOW)
    await db.outbox.mark_sent(items[two, first], message_id=11, sent_at=NOW + timedelta(days=1))
    await db.outbox.mark_failed(items[three, first], error="Bad Request: old failure")
    await db.outbox.mark_failed(items[four, first], error="Bad Request: new failure")
    await db.outbox.release(items[one, second], error="Forbidden: bot was kicked")

    assert await db.outbox.sent_count() == 2
    assert await db.outbox.sent_count(since=NOW + timedelta(hours=1)) == 1
    failures = await db.outbox.recent_failures(5)
    assert [item.last_error for item in failures] == [
        "Bad Request: new failure",
        "Bad Request: old failure",
    ]
    assert [item.article_id for item in await db.outbox.recent_failures(1)] == [four]
    assert await db.outbox.latest_error(first) == "Bad Request: new failure"
    assert await db.outbox.latest_error(second) == "Forbidden: bot was kicked"
    assert await db.outbox.latest_error(999) is None


async def test_bookmarks_and_shares_are_counted_over_all_users(
    db: Database, make_draft: DraftFactory
) -> None:
    source = await db.sources.add("https://feeds.example/quay.xml")
    stored = await db.articles.upsert_many(
        source.id, [make_draft(1), make_draft(2)], fetched_at=NOW
    )
    for user_id in (7, 8):
        await db.users.upsert(user_id, username=None, first_name="Reader", language_code="en")
    assert await db.bookmarks.count_all() == 0
    assert await db.shares.count_all() == 0

    await db.bookmarks.add(7, stored.inserted[0])
    await db.bookmarks.add(7, stored.inserted[1])
    await db.bookmarks.add(8, stored.inserted[0])
    await db.shares.record(7, stored.inserted[0], result_id="a1")
    await db.shares.record(8, stored.inserted[0], result_id="a1")
    await db.shares.record(8, stored.inserted[1], result_id="a2")

    assert await db.bookmarks.count_all() == 3
    assert await db.shares.count_all() == 3
    assert await db.bookmarks.count_for_source(source.id) == 3
    assert await db.bookmarks.count_for_source(999) == 0


async def test_articles_are_counted_per_source(db: Database, make_draft: DraftFactory) -> None:
    quay = await db.sources.add("https://feeds.example/quay.xml")
    mill = await db.sources.add("https://feeds.example/mill.xml")
    await db.articles.upsert_many(quay.id, [make_draft(1), make_draft(2)], fetched_at=NOW)
    await db.articles.upsert_many(mill.id, [make_draft(3)], fetched_at=NOW + timedelta(days=2))

    assert await db.articles.count(source_id=quay.id) == 2
    assert await db.articles.count(source_id=mill.id) == 1
    assert await db.articles.count(source_id=quay.id, since=NOW + timedelta(days=1)) == 0


async def _all_items(db: Database, article_ids: tuple[int, ...]) -> list:
    """Every outbox row of these articles."""
    return [item for article_id in article_ids for item in await db.outbox.for_article(article_id)]
