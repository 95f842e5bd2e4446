"""`SearchRepository` over an engine's full-text search: the engine ranks, this serves pages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from datetime import datetime
from typing import Any

from news.entities import SearchHit
from news.query import SearchQuery

Ranked = list[tuple[int, float]]
Rank = Callable[
    [Any, SearchQuery | str, int, int, int | None, datetime | None],
    Awaitable[tuple[Ranked, str | None]],
]
"""(session, query, limit, offset, user id, now) → the page's (id, score) pairs and the
engine's match expression (None: the query had no text)."""
Load = Callable[[Any, Ranked, str | None], Awaitable[list[SearchHit]]]
"""(session, ranked, match for snippets or None) → the hits, in rank order."""
Match = Callable[[Any, SearchQuery, Collection[int], int | None], Awaitable[set[int]]]
"""(session, query, article ids, user id) → the ids that match."""


class SQLSearchRepository:
    """`SearchRepository` built from one engine's rank, load and match functions."""

    def __init__(self, session: Any, rank: Rank, load: Load, match: Match) -> None:
        self._session = session
        self._rank = rank
        self._load = load
        self._match = match

    async def articles(
        self,
        query: SearchQuery | str,
        *,
        limit: int = 20,
        offset: int = 0,
        user_id: int | None = None,
        now: datetime | None = None,
        snippets: bool = False,
    ) -> list[SearchHit]:
        ranked, match = await self._rank(self._session, query, limit, offset, user_id, now)
        if not ranked:
            return []
        return await self._load(self._session, ranked, match if snippets else None)

    async def article_ids(
        self,
        query: SearchQuery | str,
        *,
        limit: int = 20,
        offset: int = 0,
        user_id: int | None = None,
        now: datetime | None = None,
    ) -> list[tuple[int, float]]:
        ranked, _ = await self._rank(self._session, query, limit, offset, user_id, now)
        return ranked

    async def matching_ids(
        self, query: SearchQuery, article_ids: Collection[int], *, user_id: int | None = None
    ) -> set[int]:
        return await self._match(self._session, query, article_ids, user_id)
