"""The store: the contract every engine implements, and the one way to open it.

`open_database(location)` returns a `Database` (`storage.protocols`): repositories as
attributes (`db.sources`, `db.search`, ...), transactions, backup and close. Code outside
`storage/` imports only this package, `storage.protocols` and `storage.errors`; the
engines (`storage.sqlite`) stay behind it.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

from storage.protocols import Database

__all__ = ["Database", "is_postgresql_url", "open_database", "opened_database", "redacted_url"]


async def open_database(
    location: Path | str, *, create: bool = True, sqlite_cache_mib: int | None = None
) -> Database:
    """Open (creating it and its folder when missing) and migrate the store at `location`.

    With `create=False` a missing store is not created: `NotFoundError` names where it was
    looked for (read-only commands use this; a PostgreSQL database always exists once the
    URL reaches it). A `postgresql://` URL opens PostgreSQL; a file path (or `":memory:"`,
    a private in-memory database for tests) opens SQLite. Use as
    `async with await open_database(path) as db:` or close it with `db.close()`.
    `sqlite_cache_mib` bounds an SQLite store's page caches in all (default
    `storage.sqlite.database.CACHE_MIB`); PostgreSQL has its own server-side cache.
    """
    # Engines load on demand: a SQLite bot never imports asyncpg, nor the reverse.
    if is_postgresql_url(location):
        from storage.postgresql.database import open_postgresql

        return await open_postgresql(str(location))
    from storage.sqlite.database import CACHE_MIB, open_sqlite

    cache_mib = CACHE_MIB if sqlite_cache_mib is None else sqlite_cache_mib
    return await open_sqlite(location, create=create, cache_mib=cache_mib)


def redacted_url(url: str) -> str:
    """Return a PostgreSQL URL as people may see it: without its password."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    user = f"{parts.username}@" if parts.username else ""
    return f"{parts.scheme}://{user}{host}{port}{parts.path}"


def is_postgresql_url(location: Path | str) -> bool:
    """Return whether `location` names a PostgreSQL database (`postgresql://`, `postgres://`)."""
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))


@contextlib.asynccontextmanager
async def opened_database(location: Path | str) -> AsyncIterator[Database]:
    """Open the store for the duration of an `async with` block."""
    database = await open_database(location)
    try:
        yield database
    finally:
        await database.close()
