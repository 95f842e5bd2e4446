"""`RelatedRepository` on SQLite: articles of a time window sharing any of some words."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Final

from news.entities import Article
from storage.sql.articles import ARTICLE_COLUMNS, article_from_row
from storage.sql.codec import to_micros
from storage.sqlite.session import Session

MAX_TERMS: Final = 24
MAX_CANDIDATES: Final = 100

_ARTICLE_FIELDS: Final = ", ".join(f"a.{name.strip()}" for name in ARTICLE_COLUMNS.split(","))


def any_word_match(terms: Iterable[str]) -> str | None:
    """Return an FTS5 expression matching any of the words in title, summary or tags.

    Every word is a double-quoted FTS5 string (inner quotes doubled), so the words can
    never be read as operators or column filters.
    """
    quoted = ['"' + term.replace('"', '""') + '"' for term in dict.fromkeys(terms) if term]
    if not quoted:
        return None
    return "{title summary tags} : (" + " OR ".join(quoted[:MAX_TERMS]) + ")"


class SQLiteRelatedRepository:
    """`RelatedRepository` on one SQLite session (FTS5 with bm25)."""

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
        match = any_word_match(terms)
        if match is None or limit <= 0:
            return []
        rows = await self._session.fetchall(
            f"SELECT {_ARTICLE_FIELDS} FROM articles_fts JOIN articles AS a "
            "ON a.id = articles_fts.rowid "
            "WHERE articles_fts MATCH :match AND a.story_at BETWEEN :since AND :until "
            # Every article of the window has a story time since `since`, so its id is at
            # least the smallest such id: the full-text index skips every row before it (most
            # of the index, as ids grow with storing time and story_at <= fetched_at).
            "AND articles_fts.rowid >= "
            "(SELECT coalesce(min(id), 0) FROM articles WHERE story_at >= :since) "
            "AND a.story_id NOT IN (SELECT value FROM json_each(:excluded)) "
            "ORDER BY bm25(articles_fts, 10.0, 2.0, 0.0, 5.0), a.id LIMIT :limit",
            {
                "match": match,
                "since": to_micros(since),
                "until": to_micros(until),
                "excluded": json.dumps(sorted(set(exclude_stories))),
                "limit": min(limit, MAX_CANDIDATES),
            },
        )
        return [article_from_row(row) for row in rows]
