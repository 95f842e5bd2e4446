"""`StatusRepository` on SQLite: the shared figures, `PRAGMA quick_check` and FTS5 checks."""

from __future__ import annotations

import asyncio
import contextlib
import re
import sqlite3
from datetime import datetime
from typing import Final

from storage.errors import DatabaseError
from storage.protocols import EngineInfo, StoreCounts, StoreStatus
from storage.sql.status import count_rows, read_status
from storage.sqlite.memory import return_free_memory
from storage.sqlite.migrations import schema_version
from storage.sqlite.session import Session

_DAMAGE: Final = re.compile(r"malformed|not a database|corrupt", re.IGNORECASE)
"""SQLite's words for a damaged file (SQLITE_CORRUPT, SQLITE_NOTADB)."""
FULL_TEXT_INDEXES: Final = ("articles_fts", "headlines_fts")
"""The FTS5 indexes `integrity_problems` checks against the articles table."""


async def _quick_check(session: Session, *, full_text: bool) -> list[str]:
    """Run `PRAGMA quick_check`, then (`full_text`) FTS5's check of each full-text index
    against the articles; return the problems found (empty: intact).

    The check reads every page through the writer's page cache: it is emptied afterwards
    (`PRAGMA shrink_memory`) and the freed memory returned to the system, or the check at
    start would hold the cache's 64 MB for good (issue 18: newsbot's peak RSS 178 -> 250 MB).
    """
    try:
        return await _check(session, full_text=full_text)
    finally:
        with contextlib.suppress(DatabaseError):  # a closed or damaged file: nothing held
            await session.execute("PRAGMA shrink_memory")
        await asyncio.to_thread(return_free_memory)


async def _check(session: Session, *, full_text: bool) -> list[str]:
    """`_quick_check` without releasing the cache."""
    try:
        rows = await session.fetchall("PRAGMA quick_check")
    except DatabaseError as exc:
        if not _DAMAGE.search(str(exc)):
            raise  # closed, locked, ...: not a verdict on the file
        return [str(exc)]  # damaged beyond what the check itself can read
    problems = [str(row[0]) for row in rows]
    if problems != ["ok"]:
        return problems
    if not full_text:
        return []
    found = []
    for index in FULL_TEXT_INDEXES:
        try:  # rank 1: compare the index with the content table, not only with itself
            await session.execute(
                f"INSERT INTO {index} ({index}, rank) VALUES ('integrity-check', 1)"
            )
        except DatabaseError as exc:
            found.append(f"{index}: {exc}")
    return found


class SQLiteStatusRepository:
    """`StatusRepository` on one SQLite session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    async def read(self, *, now: datetime) -> StoreStatus:
        return await read_status(self._session, now)

    async def integrity_problems(self, *, full_text: bool = True) -> list[str]:
        return await _quick_check(self._session, full_text=full_text)

    async def counts(self) -> StoreCounts:
        return await count_rows(self._session, await schema_version(self._session))

    async def engine(self) -> EngineInfo:
        return EngineInfo(f"SQLite {sqlite3.sqlite_version}", await schema_version(self._session))
