"""A fresh, empty store on a named engine, for the suites that run on several engines."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from storage import Database, open_database
from tests.support.postgres_plugin import PostgresServer

MIGRATED_TEMPLATE = "newsbot_migrated"


async def _migrated(url: str) -> None:
    """Build the PostgreSQL schema at `url` (the template every test database copies)."""
    database = await open_database(url)
    await database.close()


@asynccontextmanager
async def fresh_store(
    engine: str, request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[Database]:
    """Yield a fresh store: `sqlite` (in memory), `sqlite-file` or `postgresql` (a copy of
    a migrated template on the session's throwaway cluster); closed afterwards."""
    if engine.startswith("sqlite"):
        location = tmp_path / "store.sqlite3" if engine == "sqlite-file" else ":memory:"
        database = await open_database(location)
        try:
            yield database
        finally:
            await database.close()
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    template = await server.template(MIGRATED_TEMPLATE, _migrated)
    async with server.database(template=template) as url:
        database = await open_database(url)
        try:
            yield database
        finally:
            await database.close()


E2E_ON_BOTH_ENGINES = (
    "test_inline",
    "test_bookmarks",
    "test_lists",
    "test_publisher",
    "test_edits",
    "test_digest_poster",
    "test_full_text",
)
"""End-to-end suites that also run once on PostgreSQL (inline search, bookmarks, publishing,
daily digests, full-text pages)."""


def parametrize_engines(metafunc: pytest.Metafunc) -> None:
    """Run the suites named in `E2E_ON_BOTH_ENGINES` on SQLite and on PostgreSQL."""
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    if "db" in metafunc.fixturenames and module in E2E_ON_BOTH_ENGINES:
        metafunc.parametrize("engine", ["sqlite", "postgresql"])


@pytest.fixture
def engine() -> str:
    """The store's engine: SQLite in memory unless a suite runs on both."""
    return "sqlite"


@pytest.fixture
async def db(
    engine: str, request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[Database]:
    """A fresh store on `engine`, closed afterwards."""
    async with fresh_store(engine, request, tmp_path) as database:
        yield database
