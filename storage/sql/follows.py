"""`FollowRepository` in shared SQL."""

from __future__ import annotations

import builtins
from datetime import UTC, datetime
from typing import Final

from news.entities import Follow, FollowAdded, FollowAddOutcome
from storage.errors import ConstraintError, NotFoundError
from storage.sql.codec import from_micros, to_micros
from storage.sql.session import Row, Session

_COLUMNS: Final = "id, user_id, query, query_key, paused, created_at, muted"


def follow_from_row(row: Row) -> Follow:
    """Build a `Follow` from a row with the follow columns."""
    return Follow(
        id=row["id"],
        user_id=row["user_id"],
        query=row["query"],
        query_key=row["query_key"],
        paused=bool(row["paused"]),
        created_at=from_micros(row["created_at"]),
        muted=bool(row["muted"]),
    )


class SQLFollowRepository:
    """Follows in `follows`, one per (user, query key)."""

    def __init__(self, session: Session) -> None:
        """Use the shared session."""
        self._session = session

    async def add(
        self,
        user_id: int,
        query: str,
        query_key: str,
        *,
        max_follows: int,
        now: datetime | None = None,
    ) -> FollowAdded:
        async with self._session.transaction():
            existing = await self._get_by_key(user_id, query_key)
            if existing is not None:
                return FollowAdded(FollowAddOutcome.DUPLICATE, existing)
            if await self._count(user_id) >= max_follows:
                return FollowAdded(FollowAddOutcome.LIMIT_REACHED, None)
            try:
                row = await self._session.fetchone(
                    "INSERT INTO follows (user_id, query, query_key, created_at) "
                    f"VALUES (:user_id, :query, :key, :now) RETURNING {_COLUMNS}",
                    {
                        "user_id": user_id,
                        "query": query,
                        "key": query_key,
                        "now": to_micros(now or datetime.now(UTC)),
                    },
                )
            except ConstraintError:
                raise NotFoundError(f"cannot follow: no user {user_id}") from None
        assert row is not None  # RETURNING always yields the written row
        return FollowAdded(FollowAddOutcome.ADDED, follow_from_row(row))

    async def _get_by_key(self, user_id: int, query_key: str) -> Follow | None:
        """Return the user's follow with this key, or None."""
        row = await self._session.fetchone(
            f"SELECT {_COLUMNS} FROM follows WHERE user_id = :user_id AND query_key = :key",
            {"user_id": user_id, "key": query_key},
        )
        return None if row is None else follow_from_row(row)

    async def list(self, user_id: int) -> builtins.list[Follow]:
        rows = await self._session.fetchall(
            f"SELECT {_COLUMNS} FROM follows WHERE user_id = :user_id ORDER BY id",
            {"user_id": user_id},
        )
        return [follow_from_row(row) for row in rows]

    async def _count(self, user_id: int) -> int:
        """Return how many follows the user keeps."""
        row = await self._session.fetchone(
            "SELECT count(*) FROM follows WHERE user_id = :user_id", {"user_id": user_id}
        )
        return int(row[0]) if row is not None else 0

    async def remove(self, user_id: int, follow_id: int) -> bool:
        rows = await self._session.fetchall(
            "DELETE FROM follows WHERE id = :id AND user_id = :user_id RETURNING id",
            {"id": follow_id, "user_id": user_id},
        )
        return bool(rows)

    async def set_muted(self, user_id: int, follow_id: int, muted: bool) -> Follow | None:
        row = await self._session.fetchone(
            "UPDATE follows SET muted = :muted WHERE id = :id AND user_id = :user_id "
            f"RETURNING {_COLUMNS}",
            {"id": follow_id, "user_id": user_id, "muted": int(muted)},
        )
        return None if row is None else follow_from_row(row)

    async def set_paused_for_user(self, user_id: int, paused: bool) -> int:
        return await self._session.execute(
            "UPDATE follows SET paused = :paused WHERE user_id = :user_id AND paused != :paused",
            {"user_id": user_id, "paused": int(paused)},
        )

    async def active(self) -> builtins.list[Follow]:
        rows = await self._session.fetchall(
            f"SELECT {_COLUMNS} FROM follows WHERE paused = 0 AND muted = 0 ORDER BY id"
        )
        return [follow_from_row(row) for row in rows]
