"""Read-only figures about the store for operators: health, metrics gauges and `newsbot check`."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Final

from news.entities import OutboxState
from storage.errors import DatabaseError
from storage.protocols import EngineInfo, StoreCounts, StoreStatus
from storage.sql.codec import from_micros_or_none, to_micros
from storage.sqlite.migrations import schema_version
from storage.sqlite.session import Session


async def _read_status(session: Session, now: datetime) -> StoreStatus:
    """Return the store's status as of `now` (four small queries)."""
    pending = {"pending": OutboxState.PENDING.value}
    sources = await session.fetchone(
        "SELECT count(*) FILTER (WHERE active = 1 AND paused = 0) AS active, "
        "max(last_success_at) AS last_ok FROM sources"
    )
    posts = await session.fetchone(
        "SELECT count(*) AS n FROM outbox WHERE state = :pending", pending
    )
    due = await session.fetchone(
        "SELECT min(coalesce(o.available_at, o.created_at)) AS since FROM outbox AS o "
        "JOIN channels AS c ON c.id = o.channel_id "
        "WHERE o.state = :pending AND c.paused = 0 AND coalesce(o.available_at, 0) <= :now",
        {**pending, "now": to_micros(now)},
    )
    sent = await session.fetchone(
        "SELECT max(sent_at) AS last_ok FROM outbox WHERE state = :sent",
        {"sent": OutboxState.SENT.value},
    )
    return StoreStatus(
        active_sources=int(sources["active"]) if sources else 0,
        pending_posts=int(posts["n"]) if posts else 0,
        oldest_due_post_at=from_micros_or_none(due["since"]) if due else None,
        last_fetch_ok_at=from_micros_or_none(sources["last_ok"]) if sources else None,
        last_publish_ok_at=from_micros_or_none(sent["last_ok"]) if sent else None,
    )


_FULL_TEXT_INDEXES: Final = ("articles_fts", "headlines_fts")


async def _quick_check(session: Session) -> list[str]:
    """Run `PRAGMA quick_check`, then FTS5's check of each full-text index against the
    articles; return the problems found (empty: intact)."""
    rows = await session.fetchall("PRAGMA quick_check")
    problems = [str(row[0]) for row in rows]
    if problems != ["ok"]:
        return problems
    found = []
    for index in _FULL_TEXT_INDEXES:
        try:  # rank 1: compare the index with the content table, not only with itself
            await session.execute(
                f"INSERT INTO {index} ({index}, rank) VALUES ('integrity-check', 1)"
            )
        except DatabaseError as exc:
            found.append(f"{index}: {exc}")
    return found


async def _count_rows(session: Session) -> StoreCounts:
    """Return how many sources, articles, channels and pending posts the store holds."""
    row = await session.fetchone(
        "SELECT (SELECT count(*) FROM sources) AS sources, "
        "(SELECT count(*) FROM sources WHERE active = 1 AND paused = 0) AS active_sources, "
        "(SELECT count(*) FROM articles) AS articles, "
        "(SELECT count(*) FROM channels) AS channels, "
        "(SELECT count(*) FROM outbox WHERE state = :pending) AS pending_posts",
        {"pending": OutboxState.PENDING.value},
    )
    assert row is not None  # a SELECT without FROM always yields one row
    return StoreCounts(
        schema_version=await schema_version(session),
        sources=int(row["sources"]),
        active_sources=int(row["active_sources"]),
        articles=int(row["articles"]),
        channels=int(row["channels"]),
        pending_posts=int(row["pending_posts"]),
    )


class SQLiteStatusRepository:
    """`StatusRepository` on one SQLite session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    async def read(self, *, now: datetime) -> StoreStatus:
        return await _read_status(self._session, now)

    async def integrity_problems(self) -> list[str]:
        return await _quick_check(self._session)

    async def counts(self) -> StoreCounts:
        return await _count_rows(self._session)

    async def engine(self) -> EngineInfo:
        return EngineInfo(f"SQLite {sqlite3.sqlite_version}", await schema_version(self._session))
