"""The admin's source actions below the chat: URL check, channel lookup, errors, removal."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.ops.i18n import texts_for
from bot.services.admin.sources import (
    BAD_URL,
    SourceAdminError,
    check_source_url,
    find_added_channel,
    removal_impact,
    remove_source,
    resume_source,
)
from bot.services.saving.links import HTTP_STATUS
from storage import Database, open_database
from tests.factories import PUBLISHED, draft


@pytest.fixture
async def db() -> AsyncIterator[Database]:
    database = await open_database(":memory:")
    try:
        yield database
    finally:
        await database.close()


@pytest.mark.parametrize(
    "text", ["https://quay.example/rss", " http://quay.example/feed.xml ", "HTTPS://Quay.example"]
)
def test_web_addresses_pass(text: str) -> None:
    assert check_source_url(text) == text.strip()


@pytest.mark.parametrize(
    "text", ["quay.example/rss", "ftp://quay.example/rss", "https://", "javascript:alert(1)", ""]
)
def test_other_text_is_refused_with_the_reason(text: str) -> None:
    with pytest.raises(SourceAdminError) as caught:
        check_source_url(text)
    assert caught.value.message == BAD_URL
    assert str(caught.value) == BAD_URL.format(url=text.strip())


async def test_channels_are_found_by_username_link_chat_id_or_id(db: Database) -> None:
    harbour = await db.channels.add(-100111, title="Harbour News", username="Harbour_News")
    quiet = await db.channels.add(-100222, title="Quiet Bay")
    for text in ("@harbour_news", "harbour_news", "https://t.me/Harbour_News", str(harbour.id)):
        assert await find_added_channel(db, text) == harbour
    assert await find_added_channel(db, "-100222") == quiet
    for text in ("@nobody", "-100333", "99", ""):
        assert await find_added_channel(db, text) is None


def test_errors_are_explained_in_the_admins_language() -> None:
    error = SourceAdminError(
        "cannot fetch {url}: {reason}",
        url="https://quay.example/rss",
        reason=HTTP_STATUS,
        reason_fields={"status": 503},
    )
    assert str(error) == (
        "cannot fetch https://quay.example/rss: the page answered with an error (HTTP 503)"
    )
    assert error.explain(texts_for("en")) == str(error)
    assert error.explain(texts_for("ru")) == (
        "не удалось загрузить https://quay.example/rss: страница ответила ошибкой (HTTP 503)"
    )


async def test_removal_reports_what_went_and_unknown_ids_are_refused(db: Database) -> None:
    quay = await db.sources.add("https://quay.example/rss", name="Quay")
    stored = await db.articles.upsert_many(
        quay.id,
        [draft("q1", "Ferry sails"), draft("q2", "Wall mended")],
        fetched_at=PUBLISHED,
    )
    await db.users.upsert(7, username=None, first_name="Rita", language_code="en")
    await db.bookmarks.add(7, stored.inserted[0])

    impact = await removal_impact(db, quay.id)
    assert (impact.source.id, impact.articles, impact.bookmarks) == (quay.id, 2, 1)
    assert await remove_source(db, quay.id) == impact
    assert await db.sources.list() == []
    assert await db.bookmarks.count_all() == 0
    for action in (removal_impact, remove_source, resume_source):
        with pytest.raises(SourceAdminError, match=f"there is no source {quay.id}"):
            await action(db, quay.id)
