"""Users and bookmarks."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storage import Database
from storage.errors import NotFoundError
from tests.storage.conftest import NOW, DraftFactory
from tests.support.reads import bookmark_ids


async def test_user_upsert_creates_then_refreshes(db: Database) -> None:
    created = await db.users.upsert(
        7, username="reader", first_name="Ann", language_code="en", seen_at=NOW
    )
    assert (created.id, created.username, created.first_name) == (7, "reader", "Ann")
    assert created.created_at == created.last_seen_at == NOW
    assert not created.blocked

    await db.users.set_blocked(7, True)
    later = NOW + timedelta(days=1)
    refreshed = await db.users.upsert(
        7, username=None, first_name="Anna", language_code="de", seen_at=later
    )
    assert (refreshed.username, refreshed.first_name, refreshed.language_code) == (
        None,
        "Anna",
        "de",
    )
    assert refreshed.created_at == NOW
    assert refreshed.last_seen_at == later
    assert not refreshed.blocked  # writing to the bot again means it is not blocked
    assert await db.users.get(7) == refreshed
    assert await db.users.get(8) is None
    assert await db.users.count() == 1


async def test_set_blocked_unknown_user(db: Database) -> None:
    with pytest.raises(NotFoundError):
        await db.users.set_blocked(1, True)


@pytest.fixture
async def articles(db: Database, make_draft: DraftFactory) -> list[int]:
    """Three stored articles and two users (1 and 2)."""
    source = await db.sources.add("https://feeds.example/world.xml")
    result = await db.articles.upsert_many(
        source.id, [make_draft(n) for n in (1, 2, 3)], fetched_at=NOW
    )
    for user_id in (1, 2):
        await db.users.upsert(user_id, username=None, first_name="U", language_code=None)
    return list(result.inserted)


async def test_toggle_saves_and_unsaves(db: Database, articles: list[int]) -> None:
    assert await db.bookmarks.toggle(1, articles[0], now=NOW) is True
    assert await bookmark_ids(db, 1) == {articles[0]}
    assert await bookmark_ids(db, 2) == set()
    assert await db.bookmarks.toggle(1, articles[0]) is False
    assert await bookmark_ids(db, 1) == set()


async def test_list_count_and_remove(db: Database, articles: list[int]) -> None:
    for offset, article_id in enumerate(articles):
        await db.bookmarks.add(1, article_id, now=NOW + timedelta(minutes=offset))
    assert not await db.bookmarks.add(1, articles[0])
    await db.bookmarks.add(2, articles[1])

    listed = await db.bookmarks.list(1)
    assert [b.article_id for b in listed] == list(reversed(articles))
    assert listed[0].created_at == NOW + timedelta(minutes=2)
    assert [b.article_id for b in await db.bookmarks.list(1, limit=1, offset=1)] == [articles[1]]
    assert await bookmark_ids(db, 1) == set(articles)
    assert await bookmark_ids(db, 2) == {articles[1]}
    assert await db.bookmarks.count_all() == 4

    assert await db.bookmarks.remove(1, articles[0])
    assert not await db.bookmarks.remove(1, articles[0])
    assert await bookmark_ids(db, 1) == set(articles[1:])


async def test_bookmark_of_missing_article_or_user(db: Database, articles: list[int]) -> None:
    with pytest.raises(NotFoundError):
        await db.bookmarks.toggle(1, 999)
    with pytest.raises(NotFoundError):
        await db.bookmarks.add(99, articles[0])
    assert await db.bookmarks.count_all() == 0
