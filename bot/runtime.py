"""Wiring shared by CLI commands and the bot: settings → database, fetcher, ingestor."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.settings import Settings
from news.fetch import Fetcher, FetchPolicy
from news.ingest import Ingestor
from storage.database import Database, open_database


def fetch_policy(settings: Settings) -> FetchPolicy:
    """The fetch limits the settings ask for."""
    return FetchPolicy(
        timeout_seconds=settings.fetch_timeout_seconds,
        max_bytes=settings.fetch_max_bytes,
        allow_private_addresses=settings.allow_private_addresses,
        concurrency=settings.fetch_concurrency,
        per_host_concurrency=settings.fetch_per_host_concurrency,
    )


@asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[Database]:
    """Open the configured database (migrated) and close it afterwards."""
    db = await open_database(settings.database_path)
    try:
        yield db
    finally:
        await db.close()


@asynccontextmanager
async def ingestion(settings: Settings, db: Database) -> AsyncIterator[Ingestor]:
    """An `Ingestor` over `db` with a fetcher configured from the settings."""
    async with Fetcher(fetch_policy(settings)) as fetcher:
        yield Ingestor(
            db,
            fetcher,
            max_failures=settings.fetch_max_failures,
            default_interval_seconds=settings.poll_interval_seconds,
        )
