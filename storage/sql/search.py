"""`SearchRepository` over an engine's full-text search: one page rule, the engine's matching.

A page is ranked the same way on every engine: the query's filters become conditions on the
article id, an unfinished last word is settled or completed from headline words, and then
either the engine's text ranking (`EngineText.ranked`) or, with no text, the newest
articles passing the filters (`latest`) fill the page.

A query's text steps (settling, completing, ranking) run together in the engine's
`text_scope`, on the session it gives (PostgreSQL: a pool of its own, its connections set
for full-text reads, unless the search runs inside the caller's transaction). An engine with
`settle_by_ranking` ranks a last word the settle check would look up as a finished word
straight away: every article that ranking finds holds the word, so finding one proves the
word known, and the page is the settled query's page. Only when it finds nothing is the
word settled and completed as usual. A common word then costs one read of its postings,
not two (the check reads them all on PostgreSQL). That ranking is `hopeful` (a parameter
naming the word): the engine may give up early, returning nothing, when its first read
finds no match (an unfinished word, mostly), leaving the cheap check to tell; it may answer
that check on the way (PostgreSQL: in the same statement) for the engine's `settle`. The
engine tells which words are worth ranking first (PostgreSQL: headline words); for the
others its `settle` may leave the check to its ranking, which then ranks the settled
query's match instead if the word is known (the match it ranked is in `match`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Collection, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from news.entities import SearchHit
from news.query import SearchQuery, parse_query
from storage.sql.codec import to_micros
from storage.sql.ranking import HALF_LIFE_MICROS, MAX_LIMIT, PREFIX_INDEX_CHARS, RANKING_POOL

Ranked = list[tuple[int, float]]
Scope = AbstractAsyncContextManager[Any]
Settled = tuple[SearchQuery, tuple[str, ...]]
"""A query with its last word settled, and that word's completions (() for none)."""


def unscoped(_session: Any, _query: SearchQuery, _parameters: dict[str, Any]) -> Scope:
    """Run the text steps as they come (no shared context)."""
    return contextlib.nullcontext()


@dataclass(frozen=True, slots=True)
class EngineText:
    """What an engine brings to ranking: its filters, prefix handling, match and ranking."""

    recency: str
    """SQL for an article `a`'s recency factor from `:now` and `:half_life`."""
    filters: Callable[[Any, SearchQuery, int | None, dict[str, Any]], Awaitable[list[str] | None]]
    """(session, query, user id, parameters) → conditions on `{id}` (None: nothing matches)."""
    settle: Callable[[Any, SearchQuery, dict[str, Any]], Awaitable[Settled]]
    """(session, query, parameters) → the query with a finished-looking last word settled,
    and the headline words completing its last word if that stays unfinished."""
    match: Callable[[SearchQuery, Sequence[str], dict[str, Any]], str | None]
    """(query, completions, parameters) → the engine's match expression (None: no text);
    sets the parameters the engine's `ranked` reads."""
    ranked: Callable[[Any, list[str], dict[str, Any]], Awaitable[Ranked]]
    """(session, filters, parameters) → the best text matches of the page, by score."""
    text_scope: Callable[[Any, SearchQuery, dict[str, Any]], Scope] = unscoped
    """(session, query, parameters) → the context the text steps run in together (it may
    set parameters the engine's steps read), giving the session they run on (None: the
    same)."""
    settle_by_ranking: Callable[[str, dict[str, Any]], bool] | None = None
    """(word, parameters) → whether to rank this unfinished last word as a word first (see
    the module doc; None: never)."""


async def rank_page(
    engine: EngineText,
    session: Any,
    text: SearchQuery | str,
    limit: int,
    offset: int,
    user_id: int | None,
    now: datetime | None,
) -> tuple[Ranked, str | None]:
    """Return the page's (id, score) pairs and the match expression used (None: no text)."""
    query = parse_query(text) if isinstance(text, str) else text
    limit = min(limit, MAX_LIMIT)
    if limit <= 0 or (query.saved and user_id is None):
        return [], None
    parameters: dict[str, Any] = {
        "limit": limit,
        "offset": max(0, offset),
        "now": to_micros(now or datetime.now(UTC)),
        "half_life": HALF_LIFE_MICROS,
    }
    filters = await engine.filters(session, query, user_id, parameters)
    if filters is None:
        return [], None
    found = None
    if query.has_text:
        async with engine.text_scope(session, query, parameters) as text:
            found = await _ranked_text(engine, text or session, query, filters, parameters)
    if found is None:
        return await latest(session, query, filters, parameters, engine.recency), None
    return found


async def _ranked_text(
    engine: EngineText,
    session: Any,
    query: SearchQuery,
    filters: list[str],
    parameters: dict[str, Any],
) -> tuple[Ranked, str] | None:
    """Return the page's text ranking and its match expression (None: no text to match)."""
    rank_first = engine.settle_by_ranking
    word = _settleable(query, parameters) if rank_first is not None else None
    if word is not None and rank_first is not None and rank_first(word, parameters):
        finished = replace(query, words=(*query.words, word), prefix=None)
        match = engine.match(finished, (), parameters)
        if match is not None:
            parameters.update(match=match, pool=RANKING_POOL, hopeful=word)
            ranked = await engine.ranked(session, filters, parameters)
            del parameters["hopeful"]
            if ranked:
                return ranked, match
    settled, completions = await engine.settle(session, query, parameters)
    match = engine.match(settled, completions, parameters)
    if match is None:
        return None
    if parameters["offset"] >= RANKING_POOL:
        return [], match
    parameters.update(match=match, pool=RANKING_POOL)
    ranked = await engine.ranked(session, filters, parameters)
    return ranked, str(parameters["match"])  # the engine may have settled the last word


def _settleable(query: SearchQuery, parameters: dict[str, Any]) -> str | None:
    """Return the query's unfinished last word when the settle check would look it up, for
    a page inside the ranking pool; else None."""
    prefix = query.prefix
    if prefix is None or parameters["offset"] >= RANKING_POOL:
        return None
    return prefix if len(prefix) > PREFIX_INDEX_CHARS and " " not in prefix else None


async def latest(
    session: Any,
    query: SearchQuery,
    filters: list[str],
    parameters: dict[str, Any],
    recency: str,
) -> Ranked:
    """Return the newest articles passing the filters (ids), scored by recency.

    With tags, the tag index is read newest id first and stops after `RANKING_POOL`
    articles carrying every tag, which are then ordered by story time: a common tag costs
    no more than a rare one (otherwise every article with the tag is sorted).
    """
    if query.tags:
        if parameters["offset"] >= RANKING_POOL:
            return []
        parameters["pool"] = RANKING_POOL
        others = " ".join(f"AND {f.format(id='t.article_id')}" for f in filters[1:])
        where = (
            "WHERE a.id IN (SELECT t.article_id FROM article_tags AS t "
            f"WHERE t.key = :tag0 {others} ORDER BY t.article_id DESC LIMIT :pool)"
        )
    else:
        where = "WHERE " + " AND ".join(f.format(id="a.id") for f in filters) if filters else ""
    rows = await session.fetchall(
        f"SELECT a.id AS id, {recency} AS score FROM articles AS a {where} "
        "ORDER BY a.story_at DESC, a.id DESC LIMIT :limit OFFSET :offset",
        parameters,
    )
    return [(row["id"], float(row["score"])) for row in rows]


Load = Callable[[Any, Ranked, str | None], Awaitable[list[SearchHit]]]
"""(session, ranked, match for snippets or None) → the hits, in rank order."""
Match = Callable[[Any, SearchQuery, Collection[int], int | None], Awaitable[set[int]]]
"""(session, query, article ids, user id) → the ids that match."""


class SQLSearchRepository:
    """`SearchRepository` built from one engine's text ranking, load and match functions."""

    def __init__(self, session: Any, engine: EngineText, load: Load, match: Match) -> None:
        self._session = session
        self._engine = engine
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
        ranked, match = await rank_page(
            self._engine, self._session, query, limit, offset, user_id, now
        )
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
        ranked, _ = await rank_page(
            self._engine, self._session, query, limit, offset, user_id, now
        )
        return ranked

    async def matching_ids(
        self, query: SearchQuery, article_ids: Collection[int], *, user_id: int | None = None
    ) -> set[int]:
        return await self._match(self._session, query, article_ids, user_id)
