"""`ShareRepository` in shared SQL."""

from __future__ import annotations

from datetime import UTC, datetime

from storage.errors import ConstraintError, NotFoundError
from storage.sql.codec import to_micros
from storage.sql.session import Session


class SQLShareRepository:
    """Inline shares in `shares`, one row per chosen result."""

    def __init__(self, session: Session) -> None:
        """Use the shared session."""
        self._session = session

    async def record(
        self, user_id: int, article_id: int, *, result_id: str, now: datetime | None = None
    ) -> None:
        try:
            await self._session.execute(
                "INSERT INTO shares (user_id, article_id, result_id, chosen_at) "
                "VALUES (:user_id, :article_id, :result_id, :now)",
                {
                    "user_id": user_id,
                    "article_id": article_id,
                    "result_id": result_id,
                    "now": to_micros(now or datetime.now(UTC)),
                },
            )
        except ConstraintError:
            raise NotFoundError(f"cannot record a share: no article {article_id}") from None

    async def count_for_article(self, article_id: int) -> int:
        row = await self._session.fetchone(
            "SELECT count(*) FROM shares WHERE article_id = :article_id",
            {"article_id": article_id},
        )
        return int(row[0]) if row is not None else 0

    async def count_all(self) -> int:
        row = await self._session.fetchone("SELECT count(*) FROM shares")
        return int(row[0]) if row is not None else 0
