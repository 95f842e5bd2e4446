"""The SQLite `Database`: connection setup, migrations, repositories, backup."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from pathlib import Path
from typing import Final

import aiosqlite

from storage.errors import AlreadyExistsError, DatabaseError, NotFoundError
from storage.sql.database import SQLDatabase
from storage.sqlite.migrations import migrate
from storage.sqlite.related import SQLiteRelatedRepository
from storage.sqlite.search import sqlite_search
from storage.sqlite.session import Session
from storage.sqlite.status import SQLiteStatusRepository

MEMORY: Final = ":memory:"
BUSY_TIMEOUT_MS: Final = 5_000
CACHE_MIB: Final = 48
"""SQLite's page caches of one process in all, MiB (`SQLITE_CACHE_MIB`): the writer's half
and the readers' half (`cache_sizes`). Each connection keeps its own cache, allocated a page
at a time as pages are read and never given back while open, so the total is what a busy
process ends up holding (issue 18: 64 MiB for the writer beside 2 x 32 for the readers put
128 MiB into a bot's resident memory once the kept inline renders were written through the
writer; the pages missed are read from the OS's file cache, a few µs each)."""

PAGE_SIZE: Final = 16_384
"""Bytes per page of a NEW database file (set before its first table; a file keeps the size
it was created with, since WAL mode cannot change it). Against 4,096: 13% less CPU to store
an ingest's 100k articles (fewer B-tree splits and FTS5 segment pages); the caches are sized
in KiB, so they hold the same bytes."""
_PAGE_SIZE: Final = f"PRAGMA page_size = {PAGE_SIZE}"  # a no-op on an existing database
_WAL: Final = "PRAGMA journal_mode = WAL"  # readers (CLI, backup) never block the writer
_PRAGMAS: Final = (
    "PRAGMA synchronous = NORMAL",  # durable at checkpoints; safe with WAL
    "PRAGMA foreign_keys = ON",
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",  # wait for another process's write lock
    # Not MEMORY on the writer: a statement's journal (the pages it changes, kept to undo it
    # alone inside a transaction) then never spills to a file. An FTS5 merge inside one
    # insert rewrites whole segments: 100 MB of journal at 45k and 90k articles, the peak
    # of an ingestion cycle's memory (issue 18). A small sort or temporary table still stays
    # in its cache; only what outgrows it goes to a file.
    "PRAGMA temp_store = FILE",
    "PRAGMA wal_autocheckpoint = 4000",  # checkpoint every ~16 MB of WAL, not every 4 MB
)
# Reads outside transactions run on these connections, so they never wait for the writer
# (storage.sqlite.session); two let two inline searches run at once beside an ingest.
READERS: Final = 2
_READER_PRAGMAS: Final = (
    "PRAGMA query_only = ON",  # a statement misrouted here fails instead of writing
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
    "PRAGMA temp_store = MEMORY",
)


def cache_sizes(total_mib: int, readers: int = READERS) -> tuple[int, int]:
    """KiB of page cache for the writer and for each reader out of `total_mib` for all: the
    writer half (ingest, kept renders), the readers the other half between them."""
    total_kib = total_mib * 1024
    if readers == 0:
        return total_kib, 0
    return total_kib // 2, total_kib // 2 // readers


def _cache_pragma(kib: int) -> str:
    """`PRAGMA cache_size` for `kib` KiB (negative: KiB rather than pages), 1 page at least."""
    return f"PRAGMA cache_size = -{max(kib, 4)}"


class SQLiteDatabase(SQLDatabase):
    """`storage.protocols.Database` on a writer and reader connections (`Session`)."""

    def __init__(self, session: Session, path: str) -> None:
        """Wrap an already set-up session; use `open_database` instead of calling this."""
        super().__init__(
            session,
            path,
            search=sqlite_search(session),
            related=SQLiteRelatedRepository(session),
            status=SQLiteStatusRepository(session),
        )
        self._session: Session = session
        self._path = path

    @property
    def session(self) -> Session:
        """Return the session the repositories share (for the engine's own tests)."""
        return self._session

    async def backup(self, path: Path | str, *, overwrite: bool = False) -> Path:
        # SQLite's backup API into a temporary file beside `path`, then a rename.
        target, partial = _backup_paths(Path(path), self._path, overwrite=overwrite)
        try:
            await self._copy_to(partial)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        return target

    async def _copy_to(self, partial: Path) -> None:
        """Copy every page into a new database file at `partial`."""
        copy = sqlite3.connect(partial, check_same_thread=False)
        try:
            await self._session.call(self._session.connection.backup, copy)
        finally:
            copy.close()


def _backup_paths(target: Path, database: str, *, overwrite: bool) -> tuple[Path, Path]:
    """Check a backup target and return it with the temporary file to write first."""
    if target.exists() and not overwrite:
        raise AlreadyExistsError(f"backup target {target} already exists")
    if database != MEMORY and target.resolve() == Path(database).resolve():
        raise AlreadyExistsError("backup target is the database itself")
    _make_folder(target.parent, "backup target")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    return target, partial


def _make_folder(folder: Path, what: str) -> None:
    """Create `folder` (and its parents) or raise `DatabaseError` saying why not."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a parent is a file, no permission, read-only disk...
        reason = exc.strerror or type(exc).__name__
        blocked = exc.filename if exc.filename is not None else folder
        raise DatabaseError(
            f"cannot create the folder of the {what} {blocked}: {reason}"
        ) from None


def _prepare_file(path: Path, *, create: bool) -> None:
    """Make the database file's folder, or refuse a missing file when not creating."""
    if not create and not path.is_file():
        raise NotFoundError(f"no database at {path.resolve()}")
    _make_folder(path.parent, "database")


async def open_sqlite(
    path: Path | str, *, create: bool = True, cache_mib: int = CACHE_MIB
) -> SQLiteDatabase:
    """Open (creating it and its folder when missing, unless `create` is false) and migrate
    the database at `path`, its connections' page caches `cache_mib` MiB in all.

    `":memory:"` gives a private in-memory database, for tests. Use as
    `async with await open_database(path) as db:` or close it with `await db.close()`.
    """
    location = str(path)
    if location != MEMORY:
        _prepare_file(Path(location), create=create)
        await asyncio.to_thread(_can_open, location)
    try:
        connection = await aiosqlite.connect(location, isolation_level=None)
    except sqlite3.Error as exc:
        raise DatabaseError(f"cannot open database {location}: {exc}") from exc
    connection.row_factory = sqlite3.Row
    session = Session(connection)
    try:
        await session.fetchall(_PAGE_SIZE)  # before WAL: journal_mode writes the header
        mode = await session.fetchone(_WAL)  # the mode it is in: `memory` for ":memory:"
        readers = READERS if location != MEMORY and mode is not None and mode[0] == "wal" else 0
        writer_kib, reader_kib = cache_sizes(cache_mib, readers)
        for pragma in (*_PRAGMAS, _cache_pragma(writer_kib)):
            await session.fetchall(pragma)
        await migrate(session)
        for _ in range(readers):
            session.add_readers([await _open_reader(location, reader_kib)])
    except BaseException:
        await asyncio.shield(session.close())
        raise
    return SQLiteDatabase(session, location)


def _can_open(location: str) -> None:
    """Open the file once, or raise `DatabaseError` in one line.

    Checked before aiosqlite starts its thread: a connection that fails inside that thread
    leaves it behind, to fail again with "Event loop is closed" at exit.
    """
    try:
        sqlite3.connect(location).close()
    except sqlite3.Error as exc:
        why = "it is a folder" if Path(location).is_dir() else str(exc)
        raise DatabaseError(f"cannot open database {location}: {why}") from None


async def _open_reader(location: str, cache_kib: int) -> aiosqlite.Connection:
    """Open one `query_only` reader connection on the database file at `location`, with a
    page cache of `cache_kib` KiB."""
    try:
        reader = await aiosqlite.connect(location, isolation_level=None)
    except sqlite3.Error as exc:
        raise DatabaseError(f"cannot open database {location}: {exc}") from exc
    try:
        reader.row_factory = sqlite3.Row
        for pragma in (*_READER_PRAGMAS, _cache_pragma(cache_kib)):
            await reader.execute_fetchall(pragma)
    except sqlite3.Error as exc:
        await asyncio.shield(reader.close())
        raise DatabaseError(f"cannot open database {location}: {exc}") from exc
    except BaseException:
        await asyncio.shield(reader.close())
        raise
    return reader
