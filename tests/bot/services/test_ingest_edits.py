"""Ingestion asks for edits of the posts of articles that changed within the edit window."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.services.ingest import Ingestor
from news.entities import Source
from news.fetch import Fetcher, FetchPolicy
from news.models import DocumentKind, ParsedDocument, ParsedEntry
from storage import Database, open_database
from tests.support.reads import outbox_item

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
LEDE = "The lock keepers reopened the canal after the spring dredging finished early."


def document(title: str, summary: str = LEDE) -> ParsedDocument:
    """A feed with one entry of our own."""
    entry = ParsedEntry(
        guid="canal-1",
        url="https://canal.example/reopened",
        title=title,
        summary=summary,
        published_at=NOW - timedelta(hours=3),
    )
    return ParsedDocument(DocumentKind.RSS, title="Canal News", entries=[entry])


@pytest.fixture
async def db() -> AsyncIterator[Database]:
    database = await open_database(":memory:")
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
async def ingestor(db: Database) -> AsyncIterator[Ingestor]:
    async with Fetcher(FetchPolicy(timeout_seconds=5)) as fetcher:
        yield Ingestor(
            db,
            fetcher,
            max_failures=3,
            default_interval_seconds=300,
            clock=lambda: NOW,
            edit_window=timedelta(hours=48),
        )


async def posted(db: Database, source: Source, *, sent_at: datetime) -> int:
    """Store the canal article, post it to a new channel at `sent_at`; return the row id."""
    [hit] = await db.search.articles("")
    article = hit.article
    channel = await db.channels.add(-1000 - int(sent_at.timestamp()) % 1000)
    await db.outbox.add_many([(article.id, channel.id)])
    [item] = [i for i in await db.outbox.for_article(article.id) if i.channel_id == channel.id]
    claimed = await db.outbox.claim_next(channel.id, now=sent_at)
    assert claimed is not None
    await db.outbox.mark_sent(item.id, message_id=5, sent_at=sent_at)
    return item.id


async def test_changed_title_asks_to_edit_recent_posts_only(db, ingestor):
    source = await db.sources.add("https://canal.example/feed.xml")
    await ingestor.store_document(source, document("Canal reopens"))
    recent = await posted(db, source, sent_at=NOW - timedelta(hours=47))
    old = await posted(db, source, sent_at=NOW - timedelta(hours=49))

    outcome = await ingestor.store_document(source, document("Canal reopens a week early"))

    assert outcome.updated == 1
    assert (await outbox_item(db, recent)).edit_requested_at == NOW
    assert (await outbox_item(db, old)).edit_requested_at is None


async def test_unchanged_article_asks_for_no_edit(db, ingestor):
    source = await db.sources.add("https://canal.example/feed.xml")
    await ingestor.store_document(source, document("Canal reopens"))
    item = await posted(db, source, sent_at=NOW - timedelta(hours=1))

    outcome = await ingestor.store_document(source, document("Canal reopens"))

    assert outcome.updated == 0
    assert (await outbox_item(db, item)).edit_requested_at is None


async def test_changed_lede_asks_for_an_edit(db, ingestor):
    source = await db.sources.add("https://canal.example/feed.xml")
    await ingestor.store_document(source, document("Canal reopens"))
    item = await posted(db, source, sent_at=NOW - timedelta(minutes=5))

    await ingestor.store_document(
        source, document("Canal reopens", summary="Barges queued overnight at the top lock.")
    )

    assert (await outbox_item(db, item)).edit_requested_at == NOW
