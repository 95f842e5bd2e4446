"""SQLite implementation of `BookmarkRepository`."""

from __future__ import annotations

import builtins
import json
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Final

from news.entities import Bookmark
from storage.errors import ConstraintError, NotFoundError
from storage.sqlite.codec import from_micros, to_micros
from storage.sqlite.session import Session

_COLUMNS: Final = "user_id, article_id, created_at"


def bookmark_from_row(row: sqlite3.Row) -> Bookmark:
    """Build a `Bookmark` from a row with the bookmark columns."""
    return Bookmark(
        user_id=row["user_id"],
        article_id=row["article_id"],
        created_at=from_micros(row["created_at"]),
    )


class SQLiteBookmarkRepository:
    """Bookmarks in `bookmarks`, one per (user, article)."""

    def __init__(self, session: Session) -> None:
        """Use the shared session."""
        self._session = session

    async def toggle(self, user_id: int, article_id: int, *, now: datetime | None = None) -> bool:
        """Save the article for the user, or unsave it if saved; return whether it is saved."""
        async with self._session.transaction():
            if await self.remove(user_id, article_id):
                return False
            await self.add(user_id, article_id, now=now)
            return True

    async def add(self, user_id: int, article_id: int, *, now: datetime | None = None) -> bool:
        """Save the article; return False if it was already saved."""
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
        """Unsave the article; return whether it was saved."""
        rows = await self._session.fetchall(
            "DELETE FROM bookmarks WHERE user_id = :user_id AND article_id = :article_id "
            "RETURNING article_id",
            {"user_id": user_id, "article_id": article_id},
        )
        return bool(rows)

    async def is_saved(self, user_id: int, article_id: int) -> bool:
        """Return whether the user saved the article."""
        row = await self._session.fetchone(
            "SELECT 1 FROM bookmarks WHERE user_id = :user_id AND article_id = :article_id",
            {"user_id": user_id, "article_id": article_id},
        )
        return row is not None

    async def saved_among(self, user_id: int, article_ids: Iterable[int]) -> set[int]:
        """Return which of these articles the user saved."""
        wanted = list(dict.fromkeys(article_ids))
        if not wanted:
            return set()
        rows = await self._session.fetchall(
            "SELECT article_id FROM bookmarks WHERE user_id = :user_id "
            "AND article_id IN (SELECT value FROM json_each(:ids))",
            {"user_id": user_id, "ids": json.dumps(wanted)},
        )
        return {row["article_id"] for row in rows}

    async def list(
        self, user_id: int, limit: int = 20, offset: int = 0
    ) -> builtins.list[Bookmark]:
        """Return the user's bookmarks, most recently saved first."""
        rows = await self._session.fetchall(
            f"SELECT {_COLUMNS} FROM bookmarks WHERE user_id = :user_id "
            "ORDER BY created_at DESC, article_id DESC LIMIT :limit OFFSET :offset",
            {"user_id": user_id, "limit": max(0, limit), "offset": max(0, offset)},
        )
        return [bookmark_from_row(row) for row in rows]

    async def count(self, user_id: int) -> int:
        """Return how many articles the user saved."""
        row = await self._session.fetchone(
            "SELECT count(*) FROM bookmarks WHERE user_id = :user_id", {"user_id": user_id}
        )
        return int(row[0]) if row is not None else 0

    async def count_all(self) -> int:
        """Return how many bookmarks all users hold together."""
        row = await self._session.fetchone("SELECT count(*) FROM bookmarks")
        return int(row[0]) if row is not None else 0

    async def count_for_source(self, source_id: int) -> int:
        """Return how many bookmarks (of any user) point at the source's articles."""
        row = await self._session.fetchone(
            "SELECT count(*) FROM bookmarks AS b JOIN articles AS a ON a.id = b.article_id "
            "WHERE a.source_id = :source_id",
            {"source_id": source_id},
        )
        return int(row[0]) if row is not None else 0
