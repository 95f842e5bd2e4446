"""`AlertRepository` in shared SQL: the match queue and per-user alerts."""

from __future__ import annotations

import builtins
import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from news.entities import Alert, AlertMatch, AlertState
from storage.sql.codec import from_micros, to_micros
from storage.sql.session import Row, Session

_ALERT_COLUMNS: Final = (
    "al.user_id, al.article_id, al.follow_id, f.query AS follow_query, al.state, "
    "al.attempts, al.created_at"
)
_MICROSECOND: Final = timedelta(microseconds=1)
_MATCH_COLUMNS: Final = ("user_id", "article_id", "follow_id", "story_id")


def alert_from_row(row: Row) -> Alert:
    """Build an `Alert` from a row with the alert columns."""
    return Alert(
        user_id=row["user_id"],
        article_id=row["article_id"],
        follow_id=row["follow_id"],
        follow_query=row["follow_query"],
        state=AlertState(row["state"]),
        attempts=row["attempts"],
        created_at=from_micros(row["created_at"]),
    )


def _ids(article_ids: Iterable[int]) -> str:
    """Return ids as a JSON array for `json_each`."""
    return json.dumps(list(dict.fromkeys(article_ids)))


class SQLAlertRepository:
    """New articles waiting to be matched (`alert_queue`) and alerts per user (`alerts`)."""

    def __init__(self, session: Session) -> None:
        """Use the shared session."""
        self._session = session

    async def queue(self, article_ids: Iterable[int], *, max_age: timedelta) -> int:
        ids = _ids(article_ids)
        if ids == "[]":
            return 0
        return await self._session.execute(
            "INSERT INTO alert_queue (article_id) SELECT a.id FROM articles AS a "
            f"WHERE a.id IN ({self._session.dialect.values('ids')}) "
            "AND a.story_at >= a.fetched_at - :max_age "
            "AND EXISTS (SELECT 1 FROM follows WHERE paused = 0 AND muted = 0) "
            "ON CONFLICT (article_id) DO NOTHING",
            {"ids": ids, "max_age": max_age // _MICROSECOND},
        )

    async def queued(self, limit: int = 500) -> builtins.list[int]:
        rows = await self._session.fetchall(
            "SELECT article_id FROM alert_queue ORDER BY article_id LIMIT :limit",
            {"limit": max(0, limit)},
        )
        return [row["article_id"] for row in rows]

    async def record_matches(
        self,
        matches: Iterable[AlertMatch],
        *,
        matched: Iterable[int],
        now: datetime | None = None,
    ) -> int:
        created = to_micros(now or datetime.now(UTC))
        async with self._session.transaction():
            rows = await self._earliest_per_story(list(matches))
            added = 0
            if rows:
                # A story's first article (story_id = its id) has no earlier article to
                # have been alerted; only articles that joined an older story are checked.
                added = await self._session.execute(
                    "INSERT INTO alerts (user_id, article_id, follow_id, created_at) "
                    "SELECT m.user_id, m.article_id, m.follow_id, :now "
                    f"FROM {self._session.dialect.tuples('rows', _MATCH_COLUMNS)} AS m "
                    "WHERE EXISTS (SELECT 1 FROM follows WHERE id = m.follow_id) "
                    "AND (m.story_id = m.article_id OR NOT EXISTS ("
                    "SELECT 1 FROM articles AS s JOIN alerts AS al ON al.article_id = s.id "
                    "AND al.user_id = m.user_id WHERE s.story_id = m.story_id)) "
                    "ON CONFLICT (user_id, article_id) DO NOTHING",
                    {"rows": json.dumps(rows), "now": created},
                )
            await self._session.execute(
                "DELETE FROM alert_queue WHERE article_id IN "
                f"({self._session.dialect.values('ids')})",
                {"ids": _ids(matched)},
            )
        return added

    async def _earliest_per_story(self, matches: list[AlertMatch]) -> list[list[int]]:
        """Return `[user, article, follow, story]` rows: per user and story, the match of
        the earliest existing article."""
        ids = self._session.dialect.values("ids")
        rows = await self._session.fetchall(
            f"SELECT id, story_id FROM articles WHERE id IN ({ids})",
            {"ids": _ids(m.article_id for m in matches)},
        )
        story_of = {row["id"]: row["story_id"] for row in rows}
        best: dict[tuple[int, int], AlertMatch] = {}
        for match in sorted(matches, key=lambda m: m.article_id):
            story = story_of.get(match.article_id)
            if story is not None:
                best.setdefault((match.user_id, story), match)
        return [[m.user_id, m.article_id, m.follow_id, story] for (_, story), m in best.items()]

    async def users_waiting(self, *, now: datetime | None = None) -> builtins.list[int]:
        rows = await self._session.fetchall(
            "SELECT DISTINCT user_id FROM alerts WHERE state = 'pending' "
            "AND (available_at IS NULL OR available_at <= :now) ORDER BY user_id",
            {"now": to_micros(now or datetime.now(UTC))},
        )
        return [row["user_id"] for row in rows]

    async def claim(self, user_id: int, *, now: datetime | None = None) -> builtins.list[Alert]:
        parameters = {"user_id": user_id, "now": to_micros(now or datetime.now(UTC))}
        async with self._session.transaction():
            claimed = await self._session.fetchall(
                "UPDATE alerts SET state = 'sending', available_at = :now "
                "WHERE user_id = :user_id "
                "AND state = 'pending' AND (available_at IS NULL OR available_at <= :now) "
                "RETURNING article_id",
                parameters,
            )
            if not claimed:
                return []
            rows = await self._session.fetchall(
                f"SELECT {_ALERT_COLUMNS} FROM alerts AS al JOIN follows AS f "
                "ON f.id = al.follow_id WHERE al.user_id = :user_id "
                f"AND al.article_id IN ({self._session.dialect.values('ids')}) "
                "ORDER BY al.article_id",
                {**parameters, "ids": _ids(row["article_id"] for row in claimed)},
            )
        return [alert_from_row(row) for row in rows]

    async def mark_sent(
        self, user_id: int, article_ids: Iterable[int], *, now: datetime | None = None
    ) -> int:
        return await self._finish(user_id, article_ids, "state = 'sent', sent_at = :now", now=now)

    async def drop(self, user_id: int, article_ids: Iterable[int]) -> int:
        return await self._finish(user_id, article_ids, "state = 'dropped'")

    async def retry_later(
        self,
        user_id: int,
        article_ids: Iterable[int],
        *,
        retry_at: datetime,
        count_attempt: bool,
    ) -> int:
        return await self._finish(
            user_id,
            article_ids,
            "state = 'pending', available_at = :retry_at, attempts = attempts + :counted",
            retry_at=to_micros(retry_at),
            counted=int(count_attempt),
        )

    async def _finish(
        self,
        user_id: int,
        article_ids: Iterable[int],
        assignments: str,
        *,
        now: datetime | None = None,
        **extra: Any,
    ) -> int:
        """Update the user's alerts in sending for these articles; return how many."""
        return await self._session.execute(
            f"UPDATE alerts SET {assignments} WHERE user_id = :user_id AND state = 'sending' "
            f"AND article_id IN ({self._session.dialect.values('ids')})",
            {
                "user_id": user_id,
                "ids": _ids(article_ids),
                "now": to_micros(now or datetime.now(UTC)),
                **extra,
            },
        )

    async def drop_all_for_user(self, user_id: int) -> int:
        return await self._session.execute(
            "UPDATE alerts SET state = 'dropped' WHERE user_id = :user_id "
            "AND state IN ('pending', 'sending')",
            {"user_id": user_id},
        )

    async def drop_sending_on_start(self, *, claimed_before: datetime | None = None) -> int:
        # A claim stamps `available_at` with its time (a sending alert is not waiting).
        return await self._session.execute(
            "UPDATE alerts SET state = 'dropped' WHERE state = 'sending' "
            "AND (CAST(:before AS BIGINT) IS NULL OR coalesce(available_at, 0) < :before)",
            {"before": None if claimed_before is None else to_micros(claimed_before)},
        )

    async def state_counts(self, user_id: int | None = None) -> dict[AlertState, int]:
        rows = await self._session.fetchall(
            "SELECT state, count(*) AS n FROM alerts "
            "WHERE CAST(:user_id AS BIGINT) IS NULL OR user_id = :user_id GROUP BY state",
            {"user_id": user_id},
        )
        counts = dict.fromkeys(AlertState, 0)
        counts.update({AlertState(row["state"]): row["n"] for row in rows})
        return counts
