"""`InlineResultRepository` in shared SQL: rendered inline results beside the articles.

A row keeps one article's InlineQueryResultArticle as Bot API JSON text, per language, with
the article version it shows (`updated_at`, `content_hash`) and when it was rendered. An
inline page reads its articles' versions and kept results in one query; a render is stored
only while its version is still the article's, so an edit between rendering and storing
never leaves a stale result behind.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Final

from news.entities import ArticleVersion, InlineRender, StoredRender
from storage.sql.codec import from_micros, to_micros
from storage.sql.session import Session

_STORE: Final = (
    "INSERT INTO inline_results "
    "(article_id, language, updated_at, content_hash, rendered_at, result) "
    "SELECT id, CAST(:language AS TEXT), updated_at, content_hash, "
    "CAST(:rendered_at AS BIGINT), CAST(:result AS TEXT) FROM articles "
    "WHERE id = :article_id AND updated_at = :updated_at AND content_hash = :content_hash "
    "ON CONFLICT (article_id, language) DO UPDATE SET updated_at = excluded.updated_at, "
    "content_hash = excluded.content_hash, rendered_at = excluded.rendered_at, "
    "result = excluded.result"
)


class SQLInlineResultRepository:
    """Rendered inline results in `inline_results`, one row per article and language."""

    def __init__(self, session: Session) -> None:
        """Use the shared session."""
        self._session = session

    async def page(
        self, article_ids: Sequence[int], language: str, *, rendered_since: datetime
    ) -> dict[int, StoredRender]:
        wanted = list(dict.fromkeys(article_ids))
        if not wanted:
            return {}
        rows = await self._session.fetchall(
            "SELECT a.id, a.updated_at, a.content_hash, r.result FROM articles AS a "
            "LEFT JOIN inline_results AS r ON r.article_id = a.id AND r.language = :language "
            "AND r.updated_at = a.updated_at AND r.content_hash = a.content_hash "
            "AND r.rendered_at >= :since "
            f"WHERE a.id IN ({self._session.dialect.values('ids')})",
            {
                "ids": json.dumps(wanted),
                "language": language,
                "since": to_micros(rendered_since),
            },
        )
        return {
            row[0]: StoredRender(ArticleVersion(from_micros(row[1]), row[2]), row[3])
            for row in rows
        }

    async def store(self, renders: Sequence[InlineRender]) -> None:
        if not renders:
            return
        async with self._session.transaction():  # one commit for the batch
            await self._session.executemany(
                _STORE,
                [
                    {
                        "article_id": render.article_id,
                        "language": render.language,
                        "updated_at": to_micros(render.version.updated_at),
                        "content_hash": render.version.content_hash,
                        "rendered_at": to_micros(render.rendered_at),
                        "result": render.result,
                    }
                    for render in renders
                ],
            )
