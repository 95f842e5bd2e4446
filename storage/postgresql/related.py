"""`RelatedRepository` on PostgreSQL: any of the words through tsquery, ranked by ts_rank."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from storage.sql.related import ARTICLE_FIELDS, MAX_TERMS, SQLRelatedRepository
from storage.sql.session import Session

RANK_WEIGHTS: Final = "{0.0, 0.2, 0.5, 1.0}"
"""`ts_rank` weights for body, summary, tags and title (SQLite's bm25 10 / 2 / 0 / 5)."""


def any_word_query(terms: Iterable[str]) -> str | None:
    """Return `to_tsquery` text matching any of the words in title, tags or summary.

    Words holding anything but letters and digits are left out, so no word is read as
    query syntax.
    """
    words = [t for t in dict.fromkeys(terms) if t and all(c.isalnum() for c in t)]
    if not words:
        return None
    return " | ".join(f"'{word.lower()}':ABC" for word in words[:MAX_TERMS])


CANDIDATES: Final = (
    "WITH q AS (SELECT to_tsquery('simple', newsbot_unaccent(CAST(:match AS text))) AS query) "
    f"SELECT {ARTICLE_FIELDS} FROM articles AS a, q "
    "WHERE a.search @@ q.query AND a.story_at BETWEEN :since AND :until "
    "AND a.story_id NOT IN (SELECT CAST(value AS BIGINT) "
    "FROM jsonb_array_elements_text(CAST(:excluded AS jsonb))) "
    f"ORDER BY ts_rank('{RANK_WEIGHTS}', a.search, q.query) DESC, a.id LIMIT :limit"
)


class PostgreSQLRelatedRepository(SQLRelatedRepository):
    """`RelatedRepository` on one PostgreSQL session (`ts_rank` over the weighted vector)."""

    def __init__(self, session: Session) -> None:
        super().__init__(session, any_word_query, CANDIDATES)
