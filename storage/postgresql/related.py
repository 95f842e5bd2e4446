"""`RelatedRepository` on PostgreSQL: articles of a time window sharing any of some words."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Final

from news.entities import Article
from storage.sql.articles import ARTICLE_COLUMNS, article_from_row
from storage.sql.codec import to_micros
from storage.sql.session import Session

MAX_TERMS: Final = 24
MAX_CANDIDATES: Final = 100
RANK_WEIGHTS: Final = "{0.0, 0.2, 0.5, 1.0}"
"""`ts_rank` weights for body, summary, tags and title (SQLite's bm25 10 / 2 / 0 / 5)."""

_ARTICLE_FIELDS: Final = ", ".join(f"a.{name.strip()}" for name in ARTICLE_COLUMNS.split(","))


def any_word_query(terms: Iterable[str]) -> str | None:
    """Return `to_tsquery` text matching any of the words in title, tags or summary.

    Words holding anything but letters and digits are left out, so no word is read as
    query syntax.
    """
    words = [t for t in dict.fromkeys(terms) if t and all(c.isalnum() for c in t)]
    if not words:
        return None
    return " | ".join(f"'{word.lower()}':ABC" for word in words[:MAX_TERMS])


class PostgreSQLRelatedRepository:
    """`RelatedRepository` on one PostgreSQL session (`ts_rank` over the weighted vector)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    async def candidates(
        self,
        terms: Iterable[str],
        *,
        since: datetime,
        until: datetime,
        exclude_stories: Iterable[int] = (),
        limit: int = 30,
    ) -> list[Article]:
        match = any_word_query(terms)
        if match is None or limit <= 0:
            return []
        rows = await self._session.fetchall(
            f"WITH q AS (SELECT to_tsquery('simple', newsbot_unaccent(CAST(:match AS text))) "
            "AS query) "
            f"SELECT {_ARTICLE_FIELDS} FROM articles AS a, q "
            "WHERE a.search @@ q.query AND a.story_at BETWEEN :since AND :until "
            "AND a.story_id NOT IN (SELECT CAST(value AS BIGINT) "
            "FROM jsonb_array_elements_text(CAST(:excluded AS jsonb))) "
            f"ORDER BY ts_rank('{RANK_WEIGHTS}', a.search, q.query) DESC, a.id LIMIT :limit",
            {
                "match": match,
                "since": to_micros(since),
                "until": to_micros(until),
                "excluded": json.dumps(sorted(set(exclude_stories))),
                "limit": min(limit, MAX_CANDIDATES),
            },
        )
        return [article_from_row(row) for row in rows]
