"""`RelatedRepository` on SQLite: any of the words through FTS5, ranked by bm25."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from storage.sql.related import ARTICLE_FIELDS, MAX_TERMS, SQLRelatedRepository
from storage.sqlite.session import Session


def any_word_match(terms: Iterable[str]) -> str | None:
    """Return an FTS5 expression matching any of the words in title, summary or tags.

    Every word is a double-quoted FTS5 string (inner quotes doubled), so the words can
    never be read as operators or column filters.
    """
    quoted = ['"' + term.replace('"', '""') + '"' for term in dict.fromkeys(terms) if term]
    if not quoted:
        return None
    return "{title summary tags} : (" + " OR ".join(quoted[:MAX_TERMS]) + ")"


CANDIDATES: Final = (
    f"SELECT {ARTICLE_FIELDS} FROM articles_fts JOIN articles AS a "
    "ON a.id = articles_fts.rowid "
    "WHERE articles_fts MATCH :match AND a.story_at BETWEEN :since AND :until "
    # Every article of the window has a story time since `since`, so its id is at least the
    # smallest such id: the full-text index skips every row before it (most of the index,
    # as ids grow with storing time and story_at <= fetched_at).
    "AND articles_fts.rowid >= "
    "(SELECT coalesce(min(id), 0) FROM articles WHERE story_at >= :since) "
    "AND a.story_id NOT IN (SELECT value FROM json_each(:excluded)) "
    "ORDER BY bm25(articles_fts, 10.0, 2.0, 0.0, 5.0), a.id LIMIT :limit"
)


class SQLiteRelatedRepository(SQLRelatedRepository):
    """`RelatedRepository` on one SQLite session (FTS5 with bm25)."""

    def __init__(self, session: Session) -> None:
        super().__init__(session, any_word_match, CANDIDATES)
