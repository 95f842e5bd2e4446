"""Fixtures for the reader-facing handlers: a database with a small news world and the bot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from telegram.ext import ContextTypes

from bot.context import BotData
from bot.ops.settings import Settings
from bot.transport.updates import CleanUpdateQueue
from handlers import all_handlers
from news.entities import Article, Source
from news.models import ArticleDraft
from storage import Database
from tests.factories import add_source, store
from tests.support import engines


@dataclass
class NewsDesk:
    """Stores articles for tests."""

    db: Database

    async def source(self, name: str, url: str | None = None) -> Source:
        """Add a source."""
        return await add_source(self.db, name, url or f"https://{name.lower()}.example/rss")

    async def store(self, source: Source, *drafts: ArticleDraft) -> list[Article]:
        """Store drafts for a source and return the stored articles, in draft order."""
        return await store(self.db, source, *drafts)


engine = engines.engine  # the store's engine (fixture)
db = engines.db  # a fresh store on it (fixture)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run the inline, bookmark and publishing suites on SQLite and on PostgreSQL."""
    engines.parametrize_engines(metafunc)


@pytest.fixture
def desk(db: Database) -> NewsDesk:
    return NewsDesk(db)


@asynccontextmanager
async def reader_bot(bot_app: Any, db: Database, **settings: Any) -> AsyncIterator[Any]:
    """Run every feature's handlers with typed BotData holding settings and the database."""
    handlers = [(handler, group) for group, hs in all_handlers().items() for handler in hs]
    async with bot_app(
        handlers=handlers,
        configure=lambda builder: builder.context_types(
            ContextTypes(bot_data=BotData)
        ).update_queue(CleanUpdateQueue()),  # as build_application does
    ) as harness:
        harness.application.bot_data.attach(settings=Settings(_env_file=None, **settings), db=db)
        yield harness
