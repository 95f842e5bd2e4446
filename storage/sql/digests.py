"""`DigestRepository` in shared SQL: a channel's day ranked, claimed once, sent like the outbox."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any, Final

from news.entities import DigestPost, DigestState, TrendingStory
from storage.errors import ConstraintError, NotFoundError
from storage.sql.articles import SQLArticleRepository
from storage.sql.codec import from_micros, from_micros_or_none, to_micros, to_micros_or_none
from storage.sql.session import Row, Session
from storage.sql.trending import EVENTS, MAX_TRENDING, WEIGHTED, WEIGHTS

_COLUMNS: Final = (
    "channel_id, day, state, html, article_ids, attempts, last_error, message_id, "
    "created_at, available_at, sent_at"
)
_DAY_STORIES: Final = f"""
WITH posted AS (
    SELECT a.story_id, min(o.article_id) AS article_id, min(o.sent_at) AS first_sent
    FROM outbox AS o JOIN articles AS a ON a.id = o.article_id
    WHERE o.channel_id = :channel_id AND o.state = 'sent'
      AND o.sent_at >= :since AND o.sent_at < :now
    GROUP BY a.story_id
),
events AS ({EVENTS}),
engaged AS (
    SELECT a.story_id,
           CAST(sum(e.saves) AS INTEGER) AS saves, CAST(sum(e.shares) AS INTEGER) AS shares,
           CAST(sum(e.comments) AS INTEGER) AS comments,
           CAST(sum(e.reactions) AS INTEGER) AS reactions,
           sum({WEIGHTED}) AS score
    FROM events AS e JOIN articles AS a ON a.id = e.article_id
    WHERE a.story_id IN (SELECT story_id FROM posted)
    GROUP BY a.story_id
)
SELECT p.article_id, coalesce(g.saves, 0) AS saves, coalesce(g.shares, 0) AS shares,
       coalesce(g.comments, 0) AS comments, coalesce(g.reactions, 0) AS reactions,
       coalesce(g.score, 0) AS score
FROM posted AS p LEFT JOIN engaged AS g ON g.story_id = p.story_id
ORDER BY coalesce(g.score, 0) DESC, p.first_sent, p.article_id LIMIT :limit
"""


def digest_from_row(row: Row) -> DigestPost:
    """Build a `DigestPost` from a row with the digest columns."""
    return DigestPost(
        channel_id=row["channel_id"],
        day=date.fromisoformat(row["day"]),
        state=DigestState(row["state"]),
        html=row["html"],
        article_ids=tuple(int(i) for i in json.loads(row["article_ids"])),
        attempts=row["attempts"],
        last_error=row["last_error"],
        message_id=row["message_id"],
        created_at=from_micros(row["created_at"]),
        available_at=from_micros_or_none(row["available_at"]),
        sent_at=from_micros_or_none(row["sent_at"]),
    )


class SQLDigestRepository:
    """Daily digests in `digests`, one row per (channel, local day)."""

    def __init__(self, session: Session) -> None:
        """Use the shared session."""
        self._session = session

    async def stories(
        self, channel_id: int, *, since: datetime, until: datetime, limit: int = 10
    ) -> list[TrendingStory]:
        limit = min(max(0, limit), MAX_TRENDING)
        if limit == 0:
            return []
        rows = await self._session.fetchall(
            _DAY_STORIES,
            {
                "channel_id": channel_id,
                "since": to_micros(since),
                "now": to_micros(until),
                **WEIGHTS,
                "limit": limit,
            },
        )
        articles = {
            a.id: a
            for a in await SQLArticleRepository(self._session).get_many(
                row["article_id"] for row in rows
            )
        }
        return [
            TrendingStory(
                articles[row["article_id"]],
                int(row["saves"]),
                int(row["shares"]),
                int(row["comments"]),
                float(row["score"]),
                int(row["reactions"]),
            )
            for row in rows
            if row["article_id"] in articles
        ]

    async def claim_day(
        self,
        channel_id: int,
        day: date,
        *,
        html: str,
        article_ids: Sequence[int],
        now: datetime | None = None,
    ) -> bool:
        state = DigestState.PENDING if html.strip() else DigestState.EMPTY
        try:
            rows = await self._session.fetchall(
                "INSERT INTO digests (channel_id, day, state, html, article_ids, created_at) "
                "VALUES (:channel_id, :day, :state, :html, :article_ids, :now) "
                "ON CONFLICT (channel_id, day) DO NOTHING RETURNING channel_id",
                {
                    "channel_id": channel_id,
                    "day": day.isoformat(),
                    "state": state.value,
                    "html": html,
                    "article_ids": json.dumps(list(article_ids)),
                    "now": to_micros(now or datetime.now(UTC)),
                },
            )
        except ConstraintError:
            raise NotFoundError(f"cannot claim a digest: no channel {channel_id}") from None
        return bool(rows)

    async def get(self, channel_id: int, day: date) -> DigestPost | None:
        row = await self._session.fetchone(
            f"SELECT {_COLUMNS} FROM digests WHERE channel_id = :channel_id AND day = :day",
            {"channel_id": channel_id, "day": day.isoformat()},
        )
        return None if row is None else digest_from_row(row)

    async def channels_with_work(self, *, now: datetime | None = None) -> list[int]:
        rows = await self._session.fetchall(
            "SELECT DISTINCT d.channel_id FROM digests AS d "
            "JOIN channels AS c ON c.id = d.channel_id "
            "WHERE d.state = :pending AND c.paused = 0 "
            "AND coalesce(d.available_at, 0) <= :now ORDER BY d.channel_id",
            {
                "pending": DigestState.PENDING.value,
                "now": to_micros(now or datetime.now(UTC)),
            },
        )
        return [int(row["channel_id"]) for row in rows]

    async def claim_next(
        self, channel_id: int, *, now: datetime | None = None
    ) -> DigestPost | None:
        async with self._session.transaction():
            row = await self._session.fetchone(
                "SELECT day FROM digests WHERE channel_id = :channel_id AND state = :pending "
                "AND coalesce(available_at, 0) <= :now ORDER BY day LIMIT 1 "
                f"{self._session.dialect.skip_locked()}",
                {
                    "channel_id": channel_id,
                    "pending": DigestState.PENDING.value,
                    "now": to_micros(now or datetime.now(UTC)),
                },
            )
            if row is None:
                return None
            return await self._update(
                channel_id,
                date.fromisoformat(row["day"]),
                "state = :sending, attempts = attempts + 1",
                {"sending": DigestState.SENDING.value},
                only_state=DigestState.PENDING,
            )

    async def mark_sent(
        self, channel_id: int, day: date, *, message_id: int, sent_at: datetime | None = None
    ) -> DigestPost:
        post = await self._update(
            channel_id,
            day,
            "state = :sent, message_id = :message_id, sent_at = :sent_at, last_error = NULL, "
            "available_at = NULL",
            {
                "sent": DigestState.SENT.value,
                "message_id": message_id,
                "sent_at": to_micros(sent_at or datetime.now(UTC)),
            },
        )
        assert post is not None  # _update raises for a missing row
        return post

    async def release(
        self,
        channel_id: int,
        day: date,
        *,
        retry_at: datetime | None = None,
        error: str | None = None,
        count_attempt: bool = False,
    ) -> DigestPost:
        attempts = (
            "attempts" if count_attempt else self._session.dialect.greatest("attempts - 1", "0")
        )
        post = await self._update(
            channel_id,
            day,
            f"state = :pending, attempts = {attempts}, available_at = :retry_at, "
            "last_error = coalesce(:error, last_error)",
            {
                "pending": DigestState.PENDING.value,
                "retry_at": to_micros_or_none(retry_at),
                "error": error,
            },
        )
        assert post is not None
        return post

    async def mark_failed(self, channel_id: int, day: date, *, error: str) -> DigestPost:
        post = await self._update(
            channel_id,
            day,
            "state = :failed, last_error = :error",
            {"failed": DigestState.FAILED.value, "error": error},
        )
        assert post is not None
        return post

    async def reset_sending(self, channel_id: int | None = None) -> int:
        return await self._session.execute(
            "UPDATE digests SET state = :pending WHERE state = :sending "
            "AND (CAST(:channel_id AS BIGINT) IS NULL OR channel_id = :channel_id)",
            {
                "pending": DigestState.PENDING.value,
                "sending": DigestState.SENDING.value,
                "channel_id": channel_id,
            },
        )

    async def _update(
        self,
        channel_id: int,
        day: date,
        assignments: str,
        values: dict[str, Any],
        *,
        only_state: DigestState | None = None,
    ) -> DigestPost | None:
        """Apply `SET assignments` to one digest (in `only_state`, when given) and return it;
        `NotFoundError` if missing (None if it left `only_state` meanwhile)."""
        condition = "" if only_state is None else " AND state = :only_state"
        row = await self._session.fetchone(
            f"UPDATE digests SET {assignments} WHERE channel_id = :channel_id AND day = :day"
            f"{condition} RETURNING {_COLUMNS}",
            {
                **values,
                "channel_id": channel_id,
                "day": day.isoformat(),
                "only_state": None if only_state is None else only_state.value,
            },
        )
        if row is None:
            if only_state is not None:
                return None
            raise NotFoundError(f"no digest of channel {channel_id} for {day.isoformat()}")
        return digest_from_row(row)
