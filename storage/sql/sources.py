"""`SourceRepository` in shared SQL."""

from __future__ import annotations

import builtins
import json
from collections.abc import Collection, Iterable
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import urlsplit

from news.entities import Source
from news.tags import normalize_tag
from storage.errors import AlreadyExistsError, NotFoundError
from storage.sql.codec import (
    from_micros,
    from_micros_or_none,
    strings_from_json,
    strings_to_json,
    to_micros,
)
from storage.sql.session import Row, Session

_COLUMNS: Final = (
    "id, url, name, tags, interval_seconds, active, paused, etag, last_modified, "
    "last_fetched_at, last_success_at, next_fetch_at, failure_count, last_error, created_at, "
    "backfill, skipped_entries"
)


def source_from_row(row: Row) -> Source:
    """Build a `Source` from a row with the repository's columns."""
    return Source(
        id=row["id"],
        url=row["url"],
        name=row["name"],
        tags=strings_from_json(row["tags"]),
        interval_seconds=row["interval_seconds"],
        active=bool(row["active"]),
        paused=bool(row["paused"]),
        etag=row["etag"],
        last_modified=row["last_modified"],
        last_fetched_at=from_micros_or_none(row["last_fetched_at"]),
        last_success_at=from_micros_or_none(row["last_success_at"]),
        next_fetch_at=from_micros_or_none(row["next_fetch_at"]),
        failure_count=row["failure_count"],
        last_error=row["last_error"],
        created_at=from_micros(row["created_at"]),
        backfill=row["backfill"],
        skipped_entries=row["skipped_entries"],
    )


def default_name(url: str) -> str:
    """Return a source name for a URL: its host without `www.`, or the URL itself."""
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or url


async def source_ids_named(session: Session, names: Collection[str]) -> set[int]:
    """Return ids of sources named (as a tag would be compared) or numbered as asked."""
    wanted_keys = {normalize_tag(name) for name in names} - {""}
    wanted_ids = {int(name) for name in names if name.isascii() and name.isdigit()}
    rows = await session.fetchall("SELECT id, name FROM sources")
    return {
        row["id"]
        for row in rows
        if row["id"] in wanted_ids or normalize_tag(row["name"]) in wanted_keys
    }


class SQLSourceRepository:
    """Sources in the `sources` table."""

    def __init__(self, session: Session) -> None:
        """Use the shared session."""
        self._session = session

    async def add(
        self,
        url: str,
        name: str | None = None,
        tags: Iterable[str] = (),
        interval_seconds: int | None = None,
        *,
        backfill: int = 0,
        now: datetime | None = None,
    ) -> Source:
        url = url.strip()
        if not url:
            raise ValueError("a source needs a URL")
        if interval_seconds is not None and interval_seconds <= 0:
            raise ValueError(f"interval must be positive, got {interval_seconds}")
        if backfill < 0:
            raise ValueError(f"backfill must not be negative, got {backfill}")
        clean_name = (name or "").strip() or default_name(url)
        clean_tags = _unique(tag.strip() for tag in tags if tag.strip())
        try:
            row = await self._session.fetchone(
                "INSERT INTO sources (url, name, tags, interval_seconds, backfill, created_at) "
                "VALUES (:url, :name, :tags, :interval_seconds, :backfill, :created_at) "
                f"RETURNING {_COLUMNS}",
                {
                    "url": url,
                    "name": clean_name,
                    "tags": strings_to_json(clean_tags),
                    "interval_seconds": interval_seconds,
                    "backfill": backfill,
                    "created_at": to_micros(now or datetime.now(UTC)),
                },
            )
        except AlreadyExistsError:
            raise AlreadyExistsError(f"a source with URL {url} already exists") from None
        assert row is not None  # RETURNING always yields the inserted row
        return source_from_row(row)

    async def get(self, source_id: int) -> Source:
        row = await self._session.fetchone(
            f"SELECT {_COLUMNS} FROM sources WHERE id = :id", {"id": source_id}
        )
        if row is None:
            raise NotFoundError(f"no source with id {source_id}")
        return source_from_row(row)

    async def names(self, source_ids: Iterable[int]) -> dict[int, str]:
        wanted = sorted(set(source_ids))
        if not wanted:
            return {}
        rows = await self._session.fetchall(
            f"SELECT id, name FROM sources WHERE id IN ({self._session.dialect.values('ids')})",
            {"ids": json.dumps(wanted)},
        )
        return {row["id"]: row["name"] for row in rows}

    async def ids_named(self, names: Collection[str]) -> set[int]:
        return await source_ids_named(self._session, names)

    async def get_by_url(self, url: str) -> Source | None:
        row = await self._session.fetchone(
            f"SELECT {_COLUMNS} FROM sources WHERE url = :url", {"url": url.strip()}
        )
        return None if row is None else source_from_row(row)

    async def list(self) -> builtins.list[Source]:
        rows = await self._session.fetchall(f"SELECT {_COLUMNS} FROM sources ORDER BY id")
        return [source_from_row(row) for row in rows]

    async def remove(self, source_id: int) -> None:
        rows = await self._session.fetchall(
            "DELETE FROM sources WHERE id = :id RETURNING id", {"id": source_id}
        )
        if not rows:
            raise NotFoundError(f"no source with id {source_id}")

    async def update(
        self,
        source_id: int,
        *,
        name: str | None = None,
        tags: Iterable[str] | None = None,
        interval_seconds: int | None = None,
    ) -> Source:
        assignments = ["id = id"]  # a no-op keeps the statement valid when nothing changes
        values: dict[str, Any] = {}
        if name is not None:
            if not name.strip():
                raise ValueError("a source needs a name")
            assignments.append("name = :name")
            values["name"] = name.strip()
        if tags is not None:
            assignments.append("tags = :tags")
            values["tags"] = strings_to_json(_unique(t.strip() for t in tags if t.strip()))
        if interval_seconds is not None:
            if interval_seconds <= 0:
                raise ValueError(f"interval must be positive, got {interval_seconds}")
            assignments.append("interval_seconds = :interval_seconds")
            values["interval_seconds"] = interval_seconds
        return await self._update(source_id, ", ".join(assignments), values)

    async def set_paused(self, source_id: int, paused: bool) -> Source:
        return await self._update(source_id, "paused = :paused", {"paused": int(paused)})

    async def reactivate(self, source_id: int) -> Source:
        return await self._update(
            source_id, "active = 1, failure_count = 0, next_fetch_at = NULL", {}
        )

    async def due(self, now: datetime) -> builtins.list[Source]:
        rows = await self._session.fetchall(
            f"SELECT {_COLUMNS} FROM sources "
            "WHERE active = 1 AND paused = 0 "
            "AND (next_fetch_at IS NULL OR next_fetch_at <= :now) "
            "ORDER BY next_fetch_at IS NOT NULL, next_fetch_at, id",
            {"now": to_micros(now)},
        )
        return [source_from_row(row) for row in rows]

    async def claim_due(
        self, now: datetime, *, until: datetime, limit: int = 1000
    ) -> builtins.list[Source]:
        due = "(next_fetch_at IS NULL OR next_fetch_at <= :now)"
        async with self._session.transaction():
            rows = await self._session.fetchall(
                f"SELECT {_COLUMNS} FROM sources WHERE active = 1 AND paused = 0 AND {due} "
                "ORDER BY next_fetch_at IS NOT NULL, next_fetch_at, id LIMIT :limit "
                f"{self._session.dialect.skip_locked()}",
                {"now": to_micros(now), "limit": max(0, limit)},
            )
            if rows:
                await self._session.execute(
                    "UPDATE sources SET next_fetch_at = :until "
                    f"WHERE id IN ({self._session.dialect.values('ids')})",
                    {"until": to_micros(until), "ids": json.dumps([row["id"] for row in rows])},
                )
        return [source_from_row(row) for row in rows]

    async def record_success(
        self,
        source_id: int,
        *,
        fetched_at: datetime,
        etag: str | None,
        last_modified: str | None,
        next_fetch_at: datetime,
        skipped_entries: int = 0,
    ) -> Source:
        return await self._update(
            source_id,
            "etag = :etag, last_modified = :last_modified, last_fetched_at = :fetched_at, "
            "last_success_at = :fetched_at, next_fetch_at = :next_fetch_at, "
            "failure_count = 0, skipped_entries = :skipped_entries",
            {
                "etag": etag,
                "last_modified": last_modified,
                "fetched_at": to_micros(fetched_at),
                "next_fetch_at": to_micros(next_fetch_at),
                "skipped_entries": skipped_entries,
            },
        )

    async def record_not_modified(
        self, source_id: int, *, fetched_at: datetime, next_fetch_at: datetime
    ) -> Source:
        return await self._update(
            source_id,
            "last_fetched_at = :fetched_at, last_success_at = :fetched_at, "
            "next_fetch_at = :next_fetch_at, failure_count = 0",
            {"fetched_at": to_micros(fetched_at), "next_fetch_at": to_micros(next_fetch_at)},
        )

    async def record_failure(
        self,
        source_id: int,
        *,
        error: str,
        failed_at: datetime,
        next_fetch_at: datetime,
        max_failures: int,
    ) -> Source:
        if max_failures < 1:
            raise ValueError(f"max_failures must be at least 1, got {max_failures}")
        return await self._update(
            source_id,
            "failure_count = failure_count + 1, last_error = :error, "
            "last_fetched_at = :failed_at, next_fetch_at = :next_fetch_at, "
            "active = CASE WHEN failure_count + 1 >= :max_failures THEN 0 ELSE active END",
            {
                "error": error,
                "failed_at": to_micros(failed_at),
                "next_fetch_at": to_micros(next_fetch_at),
                "max_failures": max_failures,
            },
        )

    async def _update(self, source_id: int, assignments: str, values: dict[str, Any]) -> Source:
        """Apply `SET assignments` to one source and return it; `NotFoundError` if missing."""
        row = await self._session.fetchone(
            f"UPDATE sources SET {assignments} WHERE id = :id RETURNING {_COLUMNS}",
            {**values, "id": source_id},
        )
        if row is None:
            raise NotFoundError(f"no source with id {source_id}")
        return source_from_row(row)


def _unique(values: Iterable[str]) -> list[str]:
    """Return values without repeats, first occurrence kept."""
    return list(dict.fromkeys(values))
