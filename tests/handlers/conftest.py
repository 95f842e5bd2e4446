"""Fixtures for the reader-facing handlers: a database with a small news world and the bot."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from telegram.ext import ContextTypes

from bot.context import BotData
from bot.ops.settings import Settings
from handlers import all_handlers
from news.dedupe import content_hash
from news.entities import Article, Source
from news.models import ArticleDraft
from storage import Database, open_database

PUBLISHED = datetime(2026, 11, 30, 14, 5, tzinfo=UTC)


def spread_simhash(key: str) -> int:
    """Return a 64-bit fingerprint far from other keys' (no accidental near-duplicates)."""
    return int.from_bytes(hashlib.sha256(f"reader-{key}".encode()).digest()[:8], "big")


def make_draft(
    key: str,
    title: str,
    *,
    summary: str = "",
    body: str = "",
    tags: Sequence[str] = (),
    image_url: str | None = None,
    published_at: datetime = PUBLISHED,
) -> ArticleDraft:
    """An article draft of our own writing."""
    summary = summary or f"{title}. Residents gathered by the quay to watch."
    body = body or f"{summary} More details were promised for the evening."
    return ArticleDraft(
        guid=f"guid-{key}",
        url=f"https://harbour.example/news/{key}",
        title=title,
        summary=summary,
        body=body,
        image_url=image_url,
        author=None,
        published_at=published_at,
        language="en",
        tags=list(tags),
        related=[],
        content_hash=content_hash(title, summary, body),
        simhash=spread_simhash(key),
    )


@dataclass
class NewsDesk:
    """Stores articles for tests."""

    db: Database

    async def source(self, name: str, url: str | None = None) -> Source:
        """Add a source."""
        return await self.db.sources.add(url or f"https://{name.lower()}.example/rss", name)

    async def store(self, source: Source, *drafts: ArticleDraft) -> list[Article]:
        """Store drafts for a source and return the stored articles, in draft order."""
        result = await self.db.articles.upsert_many(
            source.id, list(drafts), fetched_at=PUBLISHED + timedelta(days=1)
        )
        return await self.db.articles.get_many(result.inserted)


@pytest.fixture
async def db() -> AsyncIterator[Database]:
    database = await open_database(":memory:")
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
def desk(db: Database) -> NewsDesk:
    return NewsDesk(db)


@asynccontextmanager
async def reader_bot(bot_app: Any, db: Database, **settings: Any) -> AsyncIterator[Any]:
    """Run every feature's handlers with typed BotData holding settings and the database."""
    handlers = [(handler, group) for group, hs in all_handlers().items() for handler in hs]
    async with bot_app(
        handlers=handlers,
        configure=lambda builder: builder.context_types(ContextTypes(bot_data=BotData)),
    ) as harness:
        harness.application.bot_data.attach(settings=Settings(_env_file=None, **settings), db=db)
        yield harness
