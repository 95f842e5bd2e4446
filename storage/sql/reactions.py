"""`ReactionRepository` in shared SQL: the latest reaction totals on the bot's channel posts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from storage.sql.codec import to_micros
from storage.sql.session import Session


class SQLReactionRepository:
    """Reaction totals in `reactions`, one row per (post, reaction)."""

    def __init__(self, session: Session) -> None:
        """Use the shared session."""
        self._session = session

    async def record(
        self, chat_id: int, message_id: int, counts: Mapping[str, int], *, at: datetime
    ) -> int | None:
        totals = {reaction: count for reaction, count in counts.items() if count > 0}
        changed_at = to_micros(at)
        async with self._session.transaction():
            post = await self._session.fetchone(
                "SELECT o.channel_id, o.article_id FROM outbox AS o "
                "JOIN channels AS c ON c.id = o.channel_id "
                "WHERE c.chat_id = :chat_id AND o.message_id = :message_id "
                "ORDER BY o.id DESC LIMIT 1",
                {"chat_id": chat_id, "message_id": message_id},
            )
            if post is None:
                return None
            key = {"channel_id": post["channel_id"], "message_id": message_id}
            newer = await self._session.fetchone(
                "SELECT count(*) AS n FROM reactions WHERE channel_id = :channel_id "
                "AND message_id = :message_id AND changed_at > :at",
                {**key, "at": changed_at},
            )
            if newer is not None and newer["n"]:
                return None  # a later update is stored already (updates may come late)
            await self._session.execute(
                "DELETE FROM reactions WHERE channel_id = :channel_id "
                "AND message_id = :message_id",
                key,
            )
            await self._session.executemany(
                "INSERT INTO reactions "
                "(channel_id, message_id, article_id, reaction, count, changed_at) "
                "VALUES (:channel_id, :message_id, :article_id, :reaction, :count, :at) "
                "ON CONFLICT (channel_id, message_id, reaction) DO UPDATE SET "
                "count = excluded.count, changed_at = excluded.changed_at",
                [
                    {
                        **key,
                        "article_id": post["article_id"],
                        "reaction": reaction,
                        "count": count,
                        "at": changed_at,
                    }
                    for reaction, count in totals.items()
                ],
            )
        return int(post["article_id"])

    async def for_article(self, article_id: int) -> dict[str, int]:
        rows = await self._session.fetchall(
            "SELECT reaction, CAST(sum(count) AS BIGINT) AS n FROM reactions "
            "WHERE article_id = :article_id GROUP BY reaction ORDER BY n DESC, reaction",
            {"article_id": article_id},
        )
        return {str(row["reaction"]): int(row["n"]) for row in rows}
