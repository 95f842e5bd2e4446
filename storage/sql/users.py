"""`UserRepository` in shared SQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

from news.entities import User
from storage.errors import NotFoundError
from storage.sql.codec import from_micros, to_micros
from storage.sql.session import Row, Session

_COLUMNS: Final = "id, username, first_name, language_code, blocked, created_at, last_seen_at"


def user_from_row(row: Row) -> User:
    """Build a `User` from a row with the user columns."""
    return User(
        id=row["id"],
        username=row["username"],
        first_name=row["first_name"],
        language_code=row["language_code"],
        blocked=bool(row["blocked"]),
        created_at=from_micros(row["created_at"]),
        last_seen_at=from_micros(row["last_seen_at"]),
    )


class SQLUserRepository:
    """Users in `users`, keyed by their Telegram id."""

    def __init__(self, session: Session) -> None:
        """Use the shared session."""
        self._session = session

    async def upsert(
        self,
        user_id: int,
        *,
        username: str | None,
        first_name: str,
        language_code: str | None,
        seen_at: datetime | None = None,
    ) -> User:
        greatest = self._session.dialect.greatest("users.last_seen_at", "excluded.last_seen_at")
        row = await self._session.fetchone(
            "INSERT INTO users (id, username, first_name, language_code, created_at, "
            "last_seen_at) VALUES (:id, :username, :first_name, :language_code, :seen_at, "
            ":seen_at) ON CONFLICT (id) DO UPDATE SET username = excluded.username, "
            "first_name = excluded.first_name, language_code = excluded.language_code, "
            f"last_seen_at = {greatest}, blocked = 0 "
            f"RETURNING {_COLUMNS}",
            {
                "id": user_id,
                "username": username,
                "first_name": first_name,
                "language_code": language_code,
                "seen_at": to_micros(seen_at or datetime.now(UTC)),
            },
        )
        assert row is not None  # RETURNING always yields the written row
        return user_from_row(row)

    async def get(self, user_id: int) -> User | None:
        row = await self._session.fetchone(
            f"SELECT {_COLUMNS} FROM users WHERE id = :id", {"id": user_id}
        )
        return None if row is None else user_from_row(row)

    async def set_blocked(self, user_id: int, blocked: bool) -> User:
        row = await self._session.fetchone(
            f"UPDATE users SET blocked = :blocked WHERE id = :id RETURNING {_COLUMNS}",
            {"blocked": int(blocked), "id": user_id},
        )
        if row is None:
            raise NotFoundError(f"no user with id {user_id}")
        return user_from_row(row)

    async def count(self) -> int:
        row = await self._session.fetchone("SELECT count(*) FROM users")
        return int(row[0]) if row is not None else 0
