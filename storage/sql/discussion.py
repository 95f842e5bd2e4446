"""`DiscussionRepository` in shared SQL: comment threads and their comments."""

from __future__ import annotations

from datetime import UTC, datetime

from storage.errors import ConstraintError, NotFoundError
from storage.sql.codec import to_micros
from storage.sql.session import Session


class SQLDiscussionRepository:
    """Threads in `discussion_threads`, comments in `comments` (one row per message)."""

    def __init__(self, session: Session) -> None:
        """Use the shared session."""
        self._session = session

    async def open_thread(
        self,
        chat_id: int,
        thread_id: int,
        article_id: int,
        *,
        channel_id: int | None = None,
        now: datetime | None = None,
    ) -> bool:
        try:
            rows = await self._session.fetchall(
                "INSERT INTO discussion_threads "
                "(chat_id, thread_id, article_id, channel_id, created_at) "
                "VALUES (:chat_id, :thread_id, :article_id, :channel_id, :now) "
                "ON CONFLICT (chat_id, thread_id) DO NOTHING RETURNING thread_id",
                {
                    "chat_id": chat_id,
                    "thread_id": thread_id,
                    "article_id": article_id,
                    "channel_id": channel_id,
                    "now": to_micros(now or datetime.now(UTC)),
                },
            )
        except ConstraintError:
            raise NotFoundError(
                f"cannot open a thread: no article {article_id} or no channel {channel_id}"
            ) from None
        return bool(rows)

    async def thread_article(self, chat_id: int, thread_id: int) -> int | None:
        row = await self._session.fetchone(
            "SELECT article_id FROM discussion_threads "
            "WHERE chat_id = :chat_id AND thread_id = :thread_id",
            {"chat_id": chat_id, "thread_id": thread_id},
        )
        return None if row is None else int(row["article_id"])

    async def add_comment(
        self,
        chat_id: int,
        message_id: int,
        article_id: int,
        *,
        user_id: int | None = None,
        now: datetime | None = None,
    ) -> bool:
        try:
            rows = await self._session.fetchall(
                "INSERT INTO comments (chat_id, message_id, article_id, user_id, created_at) "
                "VALUES (:chat_id, :message_id, :article_id, :user_id, :now) "
                "ON CONFLICT (chat_id, message_id) DO NOTHING RETURNING message_id",
                {
                    "chat_id": chat_id,
                    "message_id": message_id,
                    "article_id": article_id,
                    "user_id": user_id,
                    "now": to_micros(now or datetime.now(UTC)),
                },
            )
        except ConstraintError:
            raise NotFoundError(f"cannot count a comment: no article {article_id}") from None
        return bool(rows)

    async def comment_count(self, article_id: int) -> int:
        row = await self._session.fetchone(
            "SELECT count(*) FROM comments WHERE article_id = :article_id",
            {"article_id": article_id},
        )
        return int(row[0]) if row is not None else 0
