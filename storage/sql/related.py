"""`RelatedRepository` on either engine: articles of a time window sharing any of some words.

The engines differ only in how "any of these words" is written for their full-text index
and in the statement that ranks the matches; the window, the excluded stories, the limits
and the reading of rows are the same for both.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Final

from news.entities import Article
from storage.sql.articles import ARTICLE_COLUMNS, article_from_row
from storage.sql.codec import to_micros
from storage.sql.session import Session

MAX_TERMS: Final = 24
"""At most this many words go into one candidates query."""
MAX_CANDIDATES: Final = 100

ARTICLE_FIELDS: Final = ", ".join(f"a.{name.strip()}" for name in ARTICLE_COLUMNS.split(","))
"""The article columns, qualified by the alias `a` the engines' statements use."""

AnyWordMatch = Callable[[Iterable[str]], str | None]
"""Turns words into the engine's match text for `:match`, or None when none is usable."""


class SQLRelatedRepository:
    """`RelatedRepository` from an engine's match function and its ranking statement.

    The statement takes `:match`, `:since`, `:until` (microseconds), `:excluded` (a JSON
    array of story ids) and `:limit`, and selects `ARTICLE_FIELDS`.
    """

    def __init__(self, session: Session, match: AnyWordMatch, statement: str) -> None:
        self._session = session
        self._match = match
        self._statement = statement

    async def candidates(
        self,
        terms: Iterable[str],
        *,
        since: datetime,
        until: datetime,
        exclude_stories: Iterable[int] = (),
        limit: int = 30,
    ) -> list[Article]:
        """Return up to `limit` articles of the window matching any word, best first."""
        match = self._match(terms)
        if match is None or limit <= 0:
            return []
        rows = await self._session.fetchall(
            self._statement,
            {
                "match": match,
                "since": to_micros(since),
                "until": to_micros(until),
                "excluded": json.dumps(sorted(set(exclude_stories))),
                "limit": min(limit, MAX_CANDIDATES),
            },
        )
        return [article_from_row(row) for row in rows]
