"""Rendered inline results kept beside the articles (the contract, on every engine)."""

from __future__ import annotations

from datetime import timedelta

from news.entities import InlineRender
from storage import Database
from tests.storage.conftest import NOW, DraftFactory

LONG_AGO = NOW - timedelta(days=1)


async def _articles(db: Database, make_draft: DraftFactory, count: int) -> list[int]:
    source = await db.sources.add("https://news.example/rss", "News")
    drafts = [make_draft(n) for n in range(1, count + 1)]
    result = await db.articles.upsert_many(source.id, drafts, fetched_at=NOW)
    return list(result.inserted)


async def _render(db: Database, article_id: int, text: str, language: str = "en") -> InlineRender:
    [version] = (await db.articles.versions([article_id])).values()
    return InlineRender(article_id, language, version, NOW, f'{{"id":"{text}"}}')


async def test_a_page_reads_versions_and_kept_results_in_one_call(
    db: Database, make_draft: DraftFactory
) -> None:
    first, second, third = await _articles(db, make_draft, 3)
    await db.inline_results.store([await _render(db, first, "one"), await _render(db, third, "3")])

    page = await db.inline_results.page(
        [third, first, second, third + 100], "en", rendered_since=LONG_AGO
    )

    assert set(page) == {first, second, third}  # a missing article is left out
    assert page[first].result == '{"id":"one"}'
    assert page[second].result is None
    assert page[third].result == '{"id":"3"}'
    versions = await db.articles.versions([first])
    assert page[first].version == versions[first]


async def test_results_are_kept_per_language_and_replaced(
    db: Database, make_draft: DraftFactory
) -> None:
    [article] = await _articles(db, make_draft, 1)
    await db.inline_results.store([await _render(db, article, "en-1")])
    await db.inline_results.store(
        [await _render(db, article, "en-2"), await _render(db, article, "ru-1", "ru")]
    )

    english = await db.inline_results.page([article], "en", rendered_since=LONG_AGO)
    russian = await db.inline_results.page([article], "ru", rendered_since=LONG_AGO)
    german = await db.inline_results.page([article], "de", rendered_since=LONG_AGO)

    assert english[article].result == '{"id":"en-2"}'
    assert russian[article].result == '{"id":"ru-1"}'
    assert german[article].result is None


async def test_an_old_render_is_not_used(db: Database, make_draft: DraftFactory) -> None:
    [article] = await _articles(db, make_draft, 1)
    await db.inline_results.store([await _render(db, article, "kept")])

    page = await db.inline_results.page([article], "en", rendered_since=NOW + timedelta(1))

    assert page[article].result is None


async def test_an_edit_makes_the_render_stale_and_a_stale_render_is_dropped(
    db: Database, make_draft: DraftFactory
) -> None:
    [article] = await _articles(db, make_draft, 1)
    before = await _render(db, article, "before")
    await db.inline_results.store([before])
    source = (await db.sources.list())[0]
    edited = make_draft(1, title="Harbour council changes the ferry timetable again")
    await db.articles.upsert_many(source.id, [edited], fetched_at=NOW + timedelta(hours=1))

    assert (await db.inline_results.page([article], "en", rendered_since=LONG_AGO))[
        article
    ].result is None
    await db.inline_results.store([before])  # rendered from the old version: not kept
    page = await db.inline_results.page([article], "en", rendered_since=LONG_AGO)
    assert page[article].result is None
    assert page[article].version != before.version


async def test_renders_go_with_their_article(db: Database, make_draft: DraftFactory) -> None:
    [article] = await _articles(db, make_draft, 1)
    render = await _render(db, article, "kept")
    await db.inline_results.store([render])
    source = (await db.sources.list())[0]
    await db.sources.remove(source.id)

    await db.inline_results.store([render])  # its article is gone: dropped, no error
    assert await db.inline_results.page([article], "en", rendered_since=LONG_AGO) == {}


async def test_empty_calls_touch_nothing(db: Database) -> None:
    await db.inline_results.store([])
    assert await db.inline_results.page([], "en", rendered_since=NOW) == {}
