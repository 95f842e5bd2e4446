"""Full text inside Telegram in storage: the Telegraph account, full-text routes, pages.

On every engine.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from news.entities import PageState
from storage import Database
from storage.errors import NotFoundError
from tests.factories import add_source, draft, store
from tests.storage.conftest import NOW


async def article_id(db: Database, key: int = 1) -> int:
    source = await add_source(db, "Harbour")
    [article] = await store(db, source, draft(key))
    return article.id


async def test_the_first_account_stored_wins_and_a_refused_one_is_forgotten(db: Database):
    assert await db.telegraph.account() is None
    assert await db.telegraph.save_account("newsbot", "token-a", now=NOW) == ("newsbot", "token-a")
    assert await db.telegraph.save_account("other", "token-b", now=NOW) == ("newsbot", "token-a")
    assert not await db.telegraph.forget_account("token-b")
    assert await db.telegraph.forget_account("token-a")
    assert await db.telegraph.account() is None


async def test_full_text_is_off_by_default_and_set_per_route(db: Database):
    source = await add_source(db, "Harbour")
    one = await db.channels.add(-1001)
    two = await db.channels.add(-1002)
    await db.channels.route(source.id, one.id, include=["ferry"])
    await db.channels.route(source.id, two.id)
    assert not await db.telegraph.full_text(source.id, one.id)
    await db.telegraph.set_full_text(source.id, one.id, True)
    assert await db.telegraph.full_text(source.id, one.id)
    assert not await db.telegraph.full_text(source.id, two.id)
    [route] = await db.channels.routes_for_channel(one.id)
    assert route.options.full_text
    assert route.include == ("ferry",)
    # Re-routing replaces filters, not the option.
    route = await db.channels.route(source.id, one.id, include=["night boat"])
    assert route.options.full_text
    await db.telegraph.set_full_text(source.id, one.id, False)
    assert not await db.telegraph.full_text(source.id, one.id)
    with pytest.raises(NotFoundError):
        await db.telegraph.set_full_text(source.id, 99, True)
    assert not await db.telegraph.full_text(source.id, 99)


async def test_a_wanted_page_is_pending_once_and_due_at_once(db: Database):
    article = await article_id(db)
    page = await db.telegraph.want_page(article, now=NOW)
    assert (page.state, page.attempts, page.url, page.available_at) == (
        PageState.PENDING, 0, None, None,
    )  # fmt: skip
    again = await db.telegraph.want_page(article, now=NOW + timedelta(hours=1))
    assert again == page
    assert [p.article_id for p in await db.telegraph.due_pages(now=NOW)] == [article]
    with pytest.raises(NotFoundError):
        await db.telegraph.want_page(article + 100, now=NOW)


async def test_a_failed_attempt_waits_then_the_page_is_created(db: Database):
    article = await article_id(db)
    await db.telegraph.want_page(article, now=NOW)
    retry_at = NOW + timedelta(seconds=30)
    page = await db.telegraph.page_failed(article, error="HTTP 502", retry_at=retry_at, now=NOW)
    assert (page.state, page.attempts, page.available_at, page.last_error) == (
        PageState.PENDING, 1, retry_at, "HTTP 502",
    )  # fmt: skip
    assert await db.telegraph.due_pages(now=NOW) == []
    assert await db.telegraph.next_due_at() == retry_at
    flood = await db.telegraph.page_failed(
        article, error="FLOOD_WAIT_5", retry_at=retry_at, count_attempt=False, now=NOW
    )
    assert flood.attempts == 1
    assert [p.article_id for p in await db.telegraph.due_pages(now=retry_at)] == [article]
    created = await db.telegraph.page_created(
        article,
        path="Night-ferry-12-07",
        url="https://telegra.ph/Night-ferry-12-07",
        truncated=True,
        content_digest="abc",
        now=retry_at,
    )
    assert (created.state, created.url, created.truncated, created.done_at) == (
        PageState.CREATED, "https://telegra.ph/Night-ferry-12-07", True, retry_at,
    )  # fmt: skip
    assert created.available_at is None
    assert await db.telegraph.due_pages(now=retry_at) == []
    assert await db.telegraph.page(article) == created
    # A late failure report does not undo a created page.
    late = await db.telegraph.page_failed(article, error="late", retry_at=None, now=retry_at)
    assert late == created
    edited = await db.telegraph.page_edited(article, content_digest="def")
    assert edited.content_digest == "def"
    assert (await db.telegraph.state_counts())[PageState.CREATED] == 1


async def test_giving_up_fails_the_page(db: Database):
    article = await article_id(db)
    await db.telegraph.want_page(article, now=NOW)
    page = await db.telegraph.page_failed(article, error="TAG_NOT_ALLOWED", retry_at=None, now=NOW)
    assert (page.state, page.done_at, page.last_error) == (
        PageState.FAILED, NOW, "TAG_NOT_ALLOWED",
    )  # fmt: skip
    assert await db.telegraph.due_pages(now=NOW + timedelta(days=1)) == []
    counts = await db.telegraph.state_counts()
    assert counts == {PageState.PENDING: 0, PageState.CREATED: 0, PageState.FAILED: 1}


async def test_due_pages_come_longest_waiting_first_within_the_limit(db: Database):
    source = await add_source(db, "Harbour")
    articles = await store(db, source, draft(1), draft(2), draft(3))
    for article in articles:
        await db.telegraph.want_page(article.id, now=NOW)
    await db.telegraph.page_failed(
        articles[0].id, error="x", retry_at=NOW + timedelta(seconds=5), now=NOW
    )
    later = NOW + timedelta(seconds=10)
    due = await db.telegraph.due_pages(now=later, limit=2)
    assert len(due) == 2
    assert all(p.article_id != articles[0].id for p in due)  # never tried ones first
    assert len(await db.telegraph.due_pages(now=later)) == 3


async def test_a_page_goes_with_its_article(db: Database):
    article = await article_id(db)
    await db.telegraph.want_page(article, now=NOW)
    source = await add_source(db, "Harbour")
    await db.sources.remove(source.id)
    assert await db.telegraph.page(article) is None
