"""Inline shares (chosen inline results)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storage import Database
from storage.errors import NotFoundError
from tests.storage.conftest import NOW, DraftFactory


async def _article_ids(db: Database, make_draft: DraftFactory, count: int) -> list[int]:
    source = await db.sources.add("https://news.example/rss", "News")
    drafts = [make_draft(n) for n in range(1, count + 1)]
    result = await db.articles.upsert_many(source.id, drafts, fetched_at=NOW)
    return list(result.inserted)


async def test_shares_are_counted_per_article(db: Database, make_draft: DraftFactory) -> None:
    first, second = await _article_ids(db, make_draft, 2)
    await db.shares.record(7, first, result_id=str(first), now=NOW)
    await db.shares.record(7, first, result_id=str(first), now=NOW + timedelta(hours=2))
    await db.shares.record(8, first, result_id=str(first), now=NOW + timedelta(hours=3))

    assert await db.shares.count_for_article(first) == 3
    assert await db.shares.count_for_article(second) == 0
    assert await db.shares.count_all() == 3


async def test_sharing_a_missing_article_raises_and_stores_nothing(
    db: Database, make_draft: DraftFactory
) -> None:
    [article] = await _article_ids(db, make_draft, 1)
    with pytest.raises(NotFoundError):
        await db.shares.record(7, article + 100, result_id="forged", now=NOW)
    assert await db.shares.count_for_article(article + 100) == 0


async def test_shares_go_with_their_article(db: Database, make_draft: DraftFactory) -> None:
    [article] = await _article_ids(db, make_draft, 1)
    await db.shares.record(7, article, result_id=str(article), now=NOW)
    source = (await db.sources.list())[0]
    await db.sources.remove(source.id)
    assert await db.shares.count_for_article(article) == 0


async def test_naive_times_are_refused(db: Database, make_draft: DraftFactory) -> None:
    [article] = await _article_ids(db, make_draft, 1)
    with pytest.raises(ValueError, match="timezone-aware"):
        await db.shares.record(7, article, result_id=str(article), now=NOW.replace(tzinfo=None))
