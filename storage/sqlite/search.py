"""`SearchRepository` on SQLite: FTS5 over articles and headlines, one ranking rule."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import replace
from typing import Any, Final

from news.entities import SearchHit
from news.query import SearchQuery
from storage.sql.articles import ARTICLE_COLUMNS, article_from_row
from storage.sql.ranking import (
    MAX_COMPLETIONS,
    PREFIX_INDEX_CHARS,
    TAGS_WEIGHT,
    TITLE_WEIGHT,
    lede,
)
from storage.sql.search import EngineText, Settled, SQLSearchRepository
from storage.sql.sources import source_ids_named
from storage.sqlite.session import Session

SNIPPET_TOKENS: Final = 24
SOURCE_WALK: Final = 20_000
"""A `source:` page without text is read row by row when it lies within this many newest
articles; otherwise from the set of the source's article ids."""

_ARTICLE_FIELDS: Final = ", ".join(f"a.{name.strip()}" for name in ARTICLE_COLUMNS.split(","))
_RECENCY: Final = "(1.0 / (1.0 + max(0, :now - a.story_at) / :half_life))"


def fts_match(query: SearchQuery, completions: Sequence[str] = ()) -> str | None:
    """Return the FTS5 MATCH expression for a query's text, or None when it has none.

    Every word and phrase is a double-quoted FTS5 string (inner quotes doubled), so user
    text can only ever be matched as tokens, never read as operators or column filters;
    the prefix word gets `*` after its closing quote. All parts must match (implicit AND).
    Given `completions` (the indexed words the prefix stands for), the prefix becomes
    `("w1" OR "w2" ...)`, which FTS5 reads newest-first instead of merging every posting.
    """
    parts = [_quote(word) for word in query.words]
    parts.extend(_quote(phrase) for phrase in query.phrases)
    if query.prefix and completions:
        parts.append("(" + " OR ".join(_quote(word) for word in completions) + ")")
        return " AND ".join(parts)
    if query.prefix:
        parts.append(_quote(query.prefix) + "*")
    return " ".join(parts) or None


def _quote(text: str) -> str:
    """Return text as an FTS5 string literal."""
    return '"' + text.replace('"', '""') + '"'


def _match(
    query: SearchQuery, completions: Sequence[str], parameters: dict[str, Any]
) -> str | None:
    """Return the FTS5 MATCH expression; set the title and tags pools' expressions."""
    match = fts_match(query, completions)
    if match is not None:
        parameters["title_match"] = f"{{title}} : ({match})"
        parameters["tags_match"] = f"{{tags}} : ({match})"
    return match


async def _load(
    session: Session, ranked: list[tuple[int, float]], snippet_match: str | None
) -> list[SearchHit]:
    """Load the ranked articles in order; snippets cut around `snippet_match` if given."""
    ids = json.dumps([article_id for article_id, _ in ranked])
    if snippet_match is not None:
        rows = await session.fetchall(
            f"SELECT {_ARTICLE_FIELDS}, "
            f"snippet(articles_fts, -1, '', '', '…', {SNIPPET_TOKENS}) AS snippet "
            "FROM articles_fts JOIN articles AS a ON a.id = articles_fts.rowid "
            "WHERE articles_fts MATCH :match "
            "AND articles_fts.rowid IN (SELECT value FROM json_each(:ids))",
            {"match": snippet_match, "ids": ids},
        )
    else:
        rows = await session.fetchall(
            f"SELECT {_ARTICLE_FIELDS} FROM articles AS a "
            "WHERE a.id IN (SELECT value FROM json_each(:ids))",
            {"ids": ids},
        )
    by_id = {row["id"]: row for row in rows}
    return [
        SearchHit(
            article=article_from_row(row),
            score=score,
            snippet=row["snippet"] if snippet_match is not None else lede(row),
        )
        for article_id, score in ranked
        if (row := by_id.get(article_id)) is not None
    ]


async def _settle_prefix(session: Session, query: SearchQuery) -> SearchQuery:
    """Match a finished last word as a word, an unfinished one as a prefix.

    FTS5 reads a prefix query by merging the postings of every term it covers before
    returning the first row (3.5 ms for `erdogan*` at 1M articles), while a word is read
    newest first and stopped early (0.1 ms). A last word of 4+ letters that is itself an
    indexed term is taken as typed in full; 3-letter prefixes have their own index.
    """
    prefix = query.prefix
    if prefix is None or len(prefix) <= PREFIX_INDEX_CHARS or " " in prefix:
        return query
    known = await session.fetchone(
        "SELECT 1 FROM articles_fts WHERE articles_fts MATCH :term LIMIT 1",
        {"term": _quote(prefix)},
    )
    if known is None:
        return query
    return replace(query, words=(*query.words, prefix), prefix=None)


async def _settle(session: Session, query: SearchQuery, _parameters: dict[str, Any]) -> Settled:
    """Return the query with its last word settled, and that word's completions."""
    settled = await _settle_prefix(session, query)
    return settled, await _completions(session, settled)


async def _completions(session: Session, query: SearchQuery) -> tuple[str, ...]:
    """Return the headline words an unfinished last word can complete to, or () to let FTS5
    expand the prefix itself (a 3-letter prefix, which has its own index, or too many or
    no completions).

    The words come from the headline index's vocabulary (`headlines_vocab`), whose lookup
    costs 0.03-2 ms at 1M articles, against up to 20 ms for FTS5's own prefix merge over
    the full index. A word found only in article bodies is not offered as a completion
    while typing; it matches once typed in full.
    """
    prefix = query.prefix
    if prefix is None or len(prefix) <= PREFIX_INDEX_CHARS or " " in prefix:
        return ()
    rows = await session.fetchall(
        "SELECT term FROM headlines_vocab WHERE term >= :low AND term < :high LIMIT :most",
        {"low": prefix, "high": prefix + "\U0010ffff", "most": MAX_COMPLETIONS + 1},
    )
    terms = tuple(row["term"] for row in rows)
    return terms if len(terms) <= MAX_COMPLETIONS else ()


async def _filters(
    session: Session,
    query: SearchQuery,
    user_id: int | None,
    parameters: dict[str, Any],
    *,
    per_row: bool = False,
) -> list[str] | None:
    """Return SQL conditions on the article id `{id}` for the query's filters.

    None means nothing can match (an unknown source). The conditions only need the id, so
    the ranking query applies them to FTS rowids without reading articles. By default each
    filter is a set the id must be in (built once per query: right over the whole index);
    `per_row` checks each id by index lookups instead (right for a few given ids, where
    building the set of every article with a common tag would cost more than the search).
    """
    conditions = []
    for index, tag in enumerate(query.tags):
        parameters[f"tag{index}"] = tag
        conditions.append(
            f"EXISTS (SELECT 1 FROM article_tags WHERE article_id = {{id}} AND key = :tag{index})"
            if per_row
            else f"{{id}} IN (SELECT article_id FROM article_tags WHERE key = :tag{index})"
        )
    if query.sources:
        source_ids = await source_ids_named(session, query.sources)
        if not source_ids:
            return None
        parameters["source_ids"] = json.dumps(sorted(source_ids))
        # Without text the page is the source's newest articles: read newest-first, row by
        # row, for a large source. With text the set stays: row by row, every match of a
        # rarer word would cost an article lookup (x6 slower at 1M, measured).
        large = (
            not per_row and not query.has_text and await _sources_are_recent(session, parameters)
        )
        conditions.append(
            "(SELECT source_id FROM articles WHERE id = {id}) "
            "IN (SELECT value FROM json_each(:source_ids))"
            if per_row or large
            else "{id} IN (SELECT id FROM articles "
            "WHERE source_id IN (SELECT value FROM json_each(:source_ids)))"
        )
    if query.saved:
        parameters["user_id"] = user_id
        conditions.append(
            "EXISTS (SELECT 1 FROM bookmarks WHERE user_id = :user_id AND article_id = {id})"
            if per_row
            else "{id} IN (SELECT article_id FROM bookmarks WHERE user_id = :user_id)"
        )
    return conditions


async def _sources_are_recent(session: Session, parameters: dict[str, Any]) -> bool:
    """Tell whether the page's articles are all among the newest `SOURCE_WALK` (by id).

    The set of a source's article ids grows with the archive (12 ms to read and sort a
    source's 20,000 articles at 1M, linear beyond). When the source has a page's worth of
    articles among the newest `SOURCE_WALK`, reading the newest articles row by row finds
    the page within about that many rows, whatever the archive's size (0.9 ms at 1M for a
    source of 2%; `bench/search_scale.py`). A source with fewer recent articles has a small
    share of the archive, so its set stays small. The count reads the `(source_id, guid)`
    index only, until a page's worth of recent ids (1.1 ms at 1M for a source of 2%).
    """
    row = await session.fetchone(
        "SELECT count(*) FROM (SELECT 1 FROM articles "
        "WHERE source_id IN (SELECT value FROM json_each(:source_ids)) "
        "AND id > (SELECT coalesce(max(id), 0) FROM articles) - :walk LIMIT :needed)",
        {
            "source_ids": parameters["source_ids"],
            "walk": SOURCE_WALK,
            "needed": parameters["limit"] + parameters["offset"],
        },
    )
    return row is not None and int(row[0]) >= parameters["limit"] + parameters["offset"]


async def _ranked(
    session: Session, filters: list[str], parameters: dict[str, Any]
) -> list[tuple[int, float]]:
    """Return the best text matches passing the filters (ids), by score.

    Candidates are the `RANKING_POOL` newest matches anywhere, plus the `RANKING_POOL`
    newest matches in titles and in tags (rarer, so they reach further back). Each pool
    reads the index newest-first and stops, so a query costs the same on a common word
    as on a rare one. Membership is exact for every candidate: a title match newer than
    the oldest general candidate is always in the title pool (there are at most
    `RANKING_POOL` of them). Only ids are read: `_load` reads the page's articles.
    """
    # `+rowid`: filter the matches; a bare rowid would make FTS5 re-run the MATCH once per
    # filtered id (seconds for a common tag).
    # The id is qualified by the pool's index (`{index}`, filled in below): a row-by-row
    # filter's subquery would otherwise read its own table's rowid.
    conditions = " ".join(f"AND {f.format(id='+{index}.rowid')}" for f in filters)
    pool = (
        "SELECT rowid AS id FROM {index} WHERE {index} MATCH :{expression} "
        f"{conditions} ORDER BY rowid DESC LIMIT :pool"
    )
    top = await session.fetchall(
        f"WITH anywhere AS ({pool.format(index='articles_fts', expression='match')}), "
        f"in_title AS ({pool.format(index='headlines_fts', expression='title_match')}), "
        f"in_tags AS ({pool.format(index='headlines_fts', expression='tags_match')}), "
        "candidates AS (SELECT id FROM anywhere UNION SELECT id FROM in_title "
        "UNION SELECT id FROM in_tags) "
        f"SELECT c.id AS id, (1.0 + {TITLE_WEIGHT} * (c.id IN in_title) "
        f"+ {TAGS_WEIGHT} * (c.id IN in_tags)) * {_RECENCY} AS score "
        "FROM candidates AS c JOIN articles AS a INDEXED BY articles_story_time_by_id "
        "ON a.id = c.id ORDER BY score DESC, c.id DESC LIMIT :limit OFFSET :offset",
        parameters,
    )
    return [(row["id"], row["score"]) for row in top]


async def _matching_ids(
    session: Session, query: SearchQuery, article_ids: Collection[int], user_id: int | None
) -> set[int]:
    """Return which of `article_ids` match (full-text restricted to their rowid range)."""
    wanted = sorted(set(article_ids))
    if not wanted or (query.saved and user_id is None):
        return set()
    parameters: dict[str, Any] = {"ids": json.dumps(wanted), "lo": wanted[0], "hi": wanted[-1]}
    filters = await _filters(session, query, user_id, parameters, per_row=True)
    if filters is None:
        return set()
    match = fts_match(query)
    if match is None:
        where = " ".join(f"AND {f.format(id='a.id')}" for f in filters)
        sql = (
            "SELECT a.id AS id FROM articles AS a "
            f"WHERE a.id IN (SELECT value FROM json_each(:ids)) {where}"
        )
    else:
        parameters["match"] = match
        # `rowid BETWEEN` is handed to FTS5 (it seeks to the range); `+rowid IN` then keeps
        # the given ids only, without making FTS5 run the match once per id.
        where = " ".join(f"AND {f.format(id='articles_fts.rowid')}" for f in filters)
        sql = (
            "SELECT rowid AS id FROM articles_fts WHERE articles_fts MATCH :match "
            "AND rowid BETWEEN :lo AND :hi "
            f"AND +rowid IN (SELECT value FROM json_each(:ids)) {where}"
        )
    rows = await session.fetchall(sql, parameters)
    return {row["id"] for row in rows}


_ENGINE: Final = EngineText(
    recency=_RECENCY,
    filters=_filters,
    settle=_settle,
    match=_match,
    ranked=_ranked,
)


def sqlite_search(session: Session) -> SQLSearchRepository:
    """Return the `SearchRepository` of this engine over `session`."""
    return SQLSearchRepository(session, _ENGINE, _load, _matching_ids)
