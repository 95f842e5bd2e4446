"""InlineRenders: renders wait here until written, in the background, to the database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.services.inline.renders import InlineRenders
from news.entities import ArticleVersion, InlineRender
from storage import Database, open_database
from tests.factories import add_source, draft, store

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@pytest.fixture
async def db() -> AsyncIterator[Database]:
    database = await open_database(":memory:")
    try:
        yield database
    finally:
        await database.close()


async def _render(db: Database, article_id: int, text: str) -> InlineRender:
    version = (await db.articles.versions([article_id]))[article_id]
    return InlineRender(article_id, "en", version, NOW, text)


async def test_a_kept_render_is_served_until_written_then_read_from_storage(db):
    source = await add_source(db, "Herald")
    [article] = await store(db, source, draft("keeper"))
    renders = InlineRenders()
    render = await _render(db, article.id, '{"id":"1"}')

    renders.keep(db, [render])

    assert renders.waiting(article.id, "en", render.version) == '{"id":"1"}'
    assert renders.waiting(article.id, "ru", render.version) is None
    assert renders.waiting(article.id, "en", ArticleVersion(NOW, "other")) is None
    await renders.drain()
    assert renders.waiting(article.id, "en", render.version) is None
    page = await db.inline_results.page([article.id], "en", rendered_since=NOW)
    assert page[article.id].result == '{"id":"1"}'


async def test_no_more_than_the_limit_waits(db):
    source = await add_source(db, "Herald")
    articles = await store(db, source, draft("a"), draft("b"), draft("c"))
    renders = InlineRenders(max_waiting=2)

    renders.keep(db, [await _render(db, a.id, f'"{a.id}"') for a in articles])
    await renders.drain()

    page = await db.inline_results.page([a.id for a in articles], "en", rendered_since=NOW)
    assert sum(entry.result is not None for entry in page.values()) == 2


async def test_a_failed_write_drops_the_renders(db, caplog):
    source = await add_source(db, "Herald")
    [article] = await store(db, source, draft("keeper"))
    renders = InlineRenders()
    render = await _render(db, article.id, '{"id":"1"}')
    await db.close()

    renders.keep(db, [render])
    await renders.drain()

    assert renders.waiting(article.id, "en", render.version) is None
    assert "inline_renders_not_stored" in caplog.text
