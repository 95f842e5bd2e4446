"""Finding a stored article by the URL a user pasted (compared in canonical form)."""

from __future__ import annotations

from storage import Database
from tests.storage.conftest import NOW, DraftFactory


async def test_find_by_url_ignores_tracking_fragment_and_host_case(
    db: Database, make_draft: DraftFactory
) -> None:
    source = await db.sources.add("https://feeds.example/world.xml")
    result = await db.articles.upsert_many(
        source.id, [make_draft(1), make_draft(2)], fetched_at=NOW
    )
    found = await db.articles.find_by_url(
        "  HTTPS://News.Example/story/2?utm_source=tg&utm_medium=share#comments "
    )
    assert found is not None
    assert found.id == result.inserted[1]
    assert await db.articles.find_by_url("https://news.example/story/3") is None
    assert await db.articles.find_by_url("not a url at all") is None
    assert await db.articles.find_by_url("") is None
