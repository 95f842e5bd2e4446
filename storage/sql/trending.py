"""`TrendingRepository` in shared SQL: the last day's saves, shares, comments and reactions,
weighted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Final

from news.entities import TrendingStory
from storage.sql.articles import SQLArticleRepository
from storage.sql.codec import to_micros
from storage.sql.session import Session

SAVE_WEIGHT: Final = 3.0
SHARE_WEIGHT: Final = 2.0
COMMENT_WEIGHT: Final = 1.0
REACTION_WEIGHT: Final = 0.5
"""A reaction is one tap: it counts half a comment."""
TRENDING_WINDOW: Final = timedelta(hours=24)
"""Only saves, shares and comments made this recently count, and reaction totals that
changed this recently (counted as of their last change)."""
DECAY_HALF_LIFE: Final = timedelta(hours=12)
"""An event this old counts half as much as one made now (one 24 h old, a third)."""
MAX_TRENDING: Final = 50

EVENTS: Final = """
SELECT article_id, 1 AS saves, 0 AS shares, 0 AS comments, 0 AS reactions, created_at AS at
    FROM bookmarks WHERE created_at BETWEEN :since AND :now
UNION ALL
SELECT article_id, 0, 1, 0, 0, chosen_at FROM shares WHERE chosen_at BETWEEN :since AND :now
UNION ALL
SELECT article_id, 0, 0, 1, 0, created_at FROM comments WHERE created_at BETWEEN :since AND :now
UNION ALL
SELECT article_id, 0, 0, 0, count, changed_at FROM reactions
    WHERE changed_at BETWEEN :since AND :now
"""
WEIGHTED: Final = (
    "e.saves * CAST(:save_weight AS DOUBLE PRECISION)"
    " + e.shares * CAST(:share_weight AS DOUBLE PRECISION)"
    " + e.comments * CAST(:comment_weight AS DOUBLE PRECISION)"
    " + e.reactions * CAST(:reaction_weight AS DOUBLE PRECISION)"
)
"""An event's weight (the weights as floats on every engine: PostgreSQL would otherwise
take a parameter multiplied by an integer for an integer)."""
WEIGHTS: Final = {
    "save_weight": SAVE_WEIGHT,
    "share_weight": SHARE_WEIGHT,
    "comment_weight": COMMENT_WEIGHT,
    "reaction_weight": REACTION_WEIGHT,
}
_TOP_STORIES: Final = f"""
WITH events AS ({EVENTS}),
per_article AS (
    SELECT e.article_id, a.story_id, a.story_at,
           CAST(sum(e.saves) AS INTEGER) AS saves, CAST(sum(e.shares) AS INTEGER) AS shares,
           CAST(sum(e.comments) AS INTEGER) AS comments,
           CAST(sum(e.reactions) AS INTEGER) AS reactions,
           sum(({WEIGHTED})
               / (1.0 + (:now - e.at) * 1.0 / :half_life)) AS score
    FROM events AS e JOIN articles AS a ON a.id = e.article_id
    GROUP BY e.article_id, a.story_id, a.story_at
),
ranked AS (
    SELECT *, row_number() OVER (
        PARTITION BY story_id ORDER BY score DESC, article_id
    ) AS place
    FROM per_article
)
SELECT max(CASE WHEN place = 1 THEN article_id END) AS article_id,
       CAST(sum(saves) AS INTEGER) AS saves, CAST(sum(shares) AS INTEGER) AS shares,
       CAST(sum(comments) AS INTEGER) AS comments,
       CAST(sum(reactions) AS INTEGER) AS reactions, sum(score) AS score, max(story_at) AS story_at
FROM ranked GROUP BY story_id
ORDER BY score DESC, story_at DESC, article_id LIMIT :limit
"""


class SQLTrendingRepository:
    """`TrendingRepository` over one session (one windowed query)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    async def stories(
        self, *, limit: int = 10, now: datetime | None = None
    ) -> list[TrendingStory]:
        limit = min(max(0, limit), MAX_TRENDING)
        if limit == 0:
            return []
        moment = now or datetime.now(UTC)
        rows = await self._session.fetchall(
            _TOP_STORIES,
            {
                "since": to_micros(moment - TRENDING_WINDOW),
                "now": to_micros(moment),
                **WEIGHTS,
                "half_life": DECAY_HALF_LIFE // timedelta(microseconds=1),
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
                row["saves"],
                row["shares"],
                row["comments"],
                float(row["score"]),
                row["reactions"],
            )
            for row in rows
            if row["article_id"] in articles
        ]
