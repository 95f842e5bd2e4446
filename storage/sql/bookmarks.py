"""`BookmarkRepository` in shared SQL."""

from __future__ import annotations

import builtins
from datetime import UTC, datetime
from typing import Final

from news.entities import Bookmark
from storage.errors import ConstraintError, NotFoundError
from storage.sql.codec import from_micros, from_micros_or_none, to_micros, to_micros_or_none
from storage.sql.session import Row, Session

_COLUMNS: Final = "user_id, article_id, created_at, read_at"


def bookmark_from_row(row: Row) -> Bookmark:
    """Build a `Bookmark` from a row with the bookmark columns."""
    return Bookmark(
        user_id=row["user_id"],
        article_id=row["article_id"],
        created_at=from_micros(row["created_at"]),
        read_at=from_micros_or_none(row["read_at"]),
    )


class SQLBookmarkRepository:
    """Bookmarks in `bookmarks`, one per (user, article)."""

    def __init__(self, session: Session) -> None:
        """Use the shared session."""
        self._session = session

    async def toggle(self, user_id: int, article_id: int, *, now: datetime | None = None) -> bool:
        async with self._session.transaction():
            if await self.remove(user_id, article_id):
                return False
            await self.add(user_id, article_id, now=now)
            return True

    async def add(self, user_id: int, article_id: int, *, now: datetime | None = None) -> bool:
        try:
            rows = await self._session.fetchall(
                "INSERT INTO bookmarks (user_id, article_id, created_at) "
                "VALUES (:user_id, :article_id, :now) "
                "ON CONFLICT (user_id, article_id) DO NOTHING RETURNING article_id",
                {
                    "user_id": user_id,
                    "article_id": article_id,
                    "now": to_micros(now or datetime.now(UTC)),
                },
            )
        except ConstraintError:
            raise NotFoundError(
                f"cannot bookmark: no user {user_id} or no article {article_id}"
            ) from None
        return bool(rows)

    async def remove(self, user_id: int, article_id: int) -> bool:
        rows = await self._session.fetchall(
            "DELETE FROM bookmarks WHERE user_id = :user_id AND article_id = :article_id "
            "RETURNING article_id",
            {"user_id": user_id, "article_id": article_id},
        )
        return bool(rows)

    async def list(
        self, user_id: int, limit: int = 20, offset: int = 0
    ) -> builtins.list[Bookmark]:
        rows = await self._session.fetchall(
            f"SELECT {_COLUMNS} FROM bookmarks WHERE user_id = :user_id "
            "ORDER BY created_at DESC, article_id DESC LIMIT :limit OFFSET :offset",
            {"user_id": user_id, "limit": max(0, limit), "offset": max(0, offset)},
        )
        return [bookmark_from_row(row) for row in rows]

    async def get(self, user_id: int, article_id: int) -> Bookmark | None:
        row = await self._session.fetchone(
            f"SELECT {_COLUMNS} FROM bookmarks "
            "WHERE user_id = :user_id AND article_id = :article_id",
            {"user_id": user_id, "article_id": article_id},
        )
        return None if row is None else bookmark_from_row(row)

    async def set_read(
        self, user_id: int, article_id: int, read: bool, *, now: datetime | None = None
    ) -> Bookmark | None:
        read_at = to_micros(now or datetime.now(UTC)) if read else None
        row = await self._session.fetchone(
            "UPDATE bookmarks SET read_at = CAST(:read_at AS BIGINT) "
            f"WHERE user_id = :user_id AND article_id = :article_id RETURNING {_COLUMNS}",
            {"user_id": user_id, "article_id": article_id, "read_at": read_at},
        )
        return None if row is None else bookmark_from_row(row)

    async def restore(self, bookmark: Bookmark) -> bool:
        try:
            rows = await self._session.fetchall(
                "INSERT INTO bookmarks (user_id, article_id, created_at, read_at) "
                "VALUES (:user_id, :article_id, :created_at, CAST(:read_at AS BIGINT)) "
                "ON CONFLICT (user_id, article_id) DO NOTHING RETURNING article_id",
                {
                    "user_id": bookmark.user_id,
                    "article_id": bookmark.article_id,
                    "created_at": to_micros(bookmark.created_at),
                    "read_at": to_micros_or_none(bookmark.read_at),
                },
            )
        except ConstraintError:
            raise NotFoundError(
                f"cannot restore: no user {bookmark.user_id} or no article {bookmark.article_id}"
            ) from None
        return bool(rows)

    async def count_all(self) -> int:
        row = await self._session.fetchone("SELECT count(*) FROM bookmarks")
        return int(row[0]) if row is not None else 0

    async def count_for_source(self, source_id: int) -> int:
        row = await self._session.fetchone(
            "SELECT count(*) FROM bookmarks AS b JOIN articles AS a ON a.id = b.article_id "
            "WHERE a.source_id = :source_id",
            {"source_id": source_id},
        )
        return int(row[0]) if row is not None else 0
