"""`SearchRepository` on PostgreSQL: the weighted `tsvector` of each article, one ranking rule.

The query language and the ranking are the SQLite engine's (see `SearchRepository`): the
candidates are the 200 newest matches anywhere, in titles and in tags; the score is
`(1 + 10·[every term in the title] + 5·[every term in the tags]) * recency`. The whole
article's vector (`search`: title A, tags B, summary C, body D) answers the first pool; the
title's and the tags' own vectors (expression GIN indexes, migration 15) answer the title
and tag pools with the same unweighted query. Each pool is read through a window of the
newest ids (`storage.postgresql.pools`), and the union is scored here.

User text never reaches `to_tsquery` as syntax: `news.query` has already cut it into
letter-and-digit tokens, each token is quoted here (tokens hold no quote), words and phrases
become `'a' <-> 'b'` runs joined by `&`, and an unfinished last word gets `:*`. The whole
expression goes through `newsbot_unaccent`, as the indexed text does.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Collection, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from functools import partial
from typing import Any, Final

from news.entities import SearchHit
from news.query import SearchQuery
from storage.postgresql.estimates import statistics
from storage.postgresql.pools import MATCH, Pool, newest_matches
from storage.postgresql.session import Session as PostgreSQLSession
from storage.sql.articles import ARTICLE_COLUMNS, article_from_row
from storage.sql.ranking import (
    MAX_COMPLETIONS,
    PREFIX_INDEX_CHARS,
    RANKING_POOL,
    TAGS_WEIGHT,
    TITLE_WEIGHT,
    lede,
)
from storage.sql.search import EngineText, Settled, SQLSearchRepository
from storage.sql.session import Row, Session
from storage.sql.sources import source_ids_named

_ARTICLE_FIELDS: Final = ", ".join(f"a.{name.strip()}" for name in ARTICLE_COLUMNS.split(","))
_RECENCY: Final = "(1.0 / (1.0 + GREATEST(0, :now - a.story_at) / CAST(:half_life AS float8)))"
_QUERY: Final = "to_tsquery('simple', newsbot_unaccent(CAST(:{name} AS text)))"
_POOLS: Final = (
    "a.search",
    "to_tsvector('simple', newsbot_unaccent(a.title))",
    "to_tsvector('simple', newsbot_unaccent(a.tags))",
)
"""The ranking's pools (anywhere, in the title, in the tags): the vector each matches, with
a GIN index each (the last two: migration 15's expression indexes) and a bucketed one
(migration 17, `storage.postgresql.pools`)."""
_STATISTICS: Final = {
    _POOLS[0]: ("articles", "search"),
    _POOLS[1]: ("articles_title_vector", "to_tsvector"),
    _POOLS[2]: ("articles_tags_vector", "to_tsvector"),
}
"""Where `pg_stats` keeps each pool vector's statistics (the last two: their indexes')."""
_IDS: Final = "SELECT CAST(value AS BIGINT) FROM jsonb_array_elements_text(CAST(:{name} AS jsonb))"


def tsquery_text(
    query: SearchQuery, weight: str = "", completions: Sequence[str] = ()
) -> str | None:
    """Return the `to_tsquery` text for a query's words, phrases and prefix (None: none).

    `weight` ("A" title, "B" tags) restricts every lexeme to that part of the article.
    Given `completions` (the headline words the prefix stands for), the prefix becomes
    `('w1' | 'w2' ...)`, as on SQLite.
    """
    runs = [_run(text.split(), weight) for text in (*query.words, *query.phrases)]
    if query.prefix and completions:
        runs.append(" | ".join(_run([word], weight) for word in completions))
    elif query.prefix:
        runs.append(_run(query.prefix.split(), weight, prefix=True))
    runs = [run for run in runs if run]
    return " & ".join(f"({run})" for run in runs) or None


def _run(tokens: list[str], weight: str, *, prefix: bool = False) -> str:
    """Return tokens as a `<->` phrase of quoted lexemes (the last one a prefix if asked)."""
    lexemes = []
    for index, token in enumerate(tokens):
        if not token or "'" in token or "\\" in token:
            continue  # news.query tokens are letters and digits; anything else is not ours
        star = "*" if prefix and index == len(tokens) - 1 else ""
        marks = f":{star}{weight}" if star or weight else ""
        lexemes.append(f"'{token}'{marks}")
    return " <-> ".join(lexemes)


async def _filters(
    session: Session, query: SearchQuery, user_id: int | None, parameters: dict[str, Any]
) -> list[str] | None:
    """Return SQL conditions on the article id `{id}` (None: nothing can match)."""
    conditions = []
    for index, tag in enumerate(query.tags):
        parameters[f"tag{index}"] = tag
        conditions.append(
            f"EXISTS (SELECT 1 FROM article_tags WHERE article_id = {{id}} AND key = :tag{index})"
        )
    if query.sources:
        source_ids = await source_ids_named(session, query.sources)
        if not source_ids:
            return None
        parameters["source_ids"] = json.dumps(sorted(source_ids))
        conditions.append(
            "(SELECT source_id FROM articles WHERE id = {id}) IN ("
            + _IDS.format(name="source_ids")
            + ")"
        )
    if query.saved:
        parameters["user_id"] = user_id
        conditions.append(
            "EXISTS (SELECT 1 FROM bookmarks WHERE user_id = :user_id AND article_id = {id})"
        )
    return conditions


def _match(
    query: SearchQuery, completions: Sequence[str], _parameters: dict[str, Any]
) -> str | None:
    """Return the tsquery text every pool matches (each on its own vector)."""
    return tsquery_text(query, completions=completions)


TEXT_SETTINGS: Final = {
    "enable_seqscan": "off",
    "enable_indexscan": "off",
    "max_parallel_workers_per_gather": "0",
    "jit": "off",
    "plan_cache_mode": "force_generic_plan",
}
"""Server settings of the text session's connections (a pool of their own, `open_postgresql`).

Full-text matches are read from their GIN indexes (bitmaps), never by reading rows in
another order and testing each: the planner counts testing a row's vector as cheap, but it
unpacks a large (TOASTed) vector per row, so "the first match" by a sequential scan, or the
newest ids by the primary key tested one by one, took 10-100 ms at 20,000-100,000 articles
where the index answers at once (issue 12's benchmark). Nor with parallel workers: a pool
read over the whole table got a Gather of workers, whose start cost 45-70 ms on a busy
machine for 0-27 rows (1M articles). Nor compiled (JIT): a pool over a whole table of 1M
rows is estimated dear enough to be compiled, which took 200-630 ms for a statement that
ran in 8 ms. Planned once per statement text (generic plans; the main pool plans each run
for its own values, `SERVER_SETTINGS`): with the scans above off, a pool's only plan is
its bitmaps, sorted by id, whatever the words, and planning it anew took 0.5-0.8 ms a round
of three pools at 1M. `EXPLAIN` (`pools._densities`) still plans for its values.
These were transaction-local settings of a transaction around each search's text steps
until issue 12's third pass: its BEGIN and COMMIT were two of a word search's five
statements. Each statement now runs on its own (each had its own snapshot in that
transaction too, PostgreSQL's READ COMMITTED)."""


@asynccontextmanager
async def _text_scope(
    session: PostgreSQLSession,
    query: SearchQuery,
    parameters: dict[str, Any],
    *,
    text_session: PostgreSQLSession | None = None,
) -> AsyncIterator[PostgreSQLSession]:
    """Give the session a search's text steps run on: `text_session` (its connections have
    `TEXT_SETTINGS`), or, inside the caller's transaction (whose rows it must see), that
    transaction with the same settings made local in a savepoint. First read the newest
    article id (0: none) as `top`, in one statement on `session`, whose planner reads it
    from the primary key's end. A last word that may need completions has them read in
    that statement too (`completions`, for `_settle`: a look-up of a few index pages, where
    a statement of its own later cost a round trip), and whether it is itself a headline
    word (`headline`, `_rank_first`)."""
    prefix = _completable(query)
    terms = f", ARRAY({_TERMS}) AS terms, {_HEADLINE} AS headline" if prefix is not None else ""
    arguments: dict[str, Any] = {"low": prefix, "most": MAX_COMPLETIONS + 1} if terms else {}
    if text_session is None or session.in_transaction:
        async with session.transaction():
            settings = "".join(
                f", set_config('{name}', '{value}', true)" for name, value in TEXT_SETTINGS.items()
            )
            row = await session.fetchone(
                f"SELECT max(id) AS top{terms}{settings} FROM articles", arguments
            )
            _read_first(row, parameters, bool(terms))
            yield session
        return
    _read_first(
        await session.fetchone(f"SELECT max(id) AS top{terms} FROM articles", arguments),
        parameters,
        bool(terms),
    )
    yield text_session


def _read_first(row: Row | None, parameters: dict[str, Any], terms: bool) -> None:
    """Set the parameters the scope's first statement read."""
    parameters["top"] = int(row["top"] or 0) if row is not None else 0
    if terms and row is not None:
        parameters["completions"] = _chosen(row["terms"])
        parameters["headline"] = bool(row["headline"])


_TERMS: Final = (
    "SELECT term FROM headline_terms WHERE term >= newsbot_unaccent(CAST(:low AS text)) "
    "AND term < newsbot_unaccent(CAST(:low AS text)) || chr(1114111) "
    "ORDER BY term LIMIT :most"
)
"""The headline words starting with `:low`, at most `:most` of them."""
_HEADLINE: Final = (
    "EXISTS (SELECT 1 FROM headline_terms WHERE term = newsbot_unaccent(CAST(:low AS text)))"
)
"""Whether `:low` is itself a headline word."""
_KNOWN: Final = (
    f"EXISTS (SELECT 1 FROM articles AS a WHERE a.search @@ {_QUERY.format(name='term')})"
)
"""Whether any article holds the word `:term` (a `_run`): the settle check."""


def _completable(query: SearchQuery) -> str | None:
    """Return the query's last word when it is settled and completed from headline words
    (more than `PREFIX_INDEX_CHARS` letters, one word), else None."""
    prefix = query.prefix
    if prefix is None or len(prefix) <= PREFIX_INDEX_CHARS or " " in prefix:
        return None
    return prefix


def _chosen(terms: Sequence[str] | None) -> tuple[str, ...]:
    """Return the completions a prefix is matched by: () to match it as a prefix over
    everything (too many or none)."""
    usable = tuple(str(term) for term in terms or () if "'" not in str(term))
    return usable if len(usable) <= MAX_COMPLETIONS else ()


def _rank_first(_word: str, parameters: dict[str, Any]) -> bool:
    """Tell whether to rank an unfinished last word as a word first: a headline word (or
    one not looked up), which most likely is one. Any other is ranked by its completions
    straight away, asking in that ranking whether it is an indexed word after all (a word
    of article bodies only, or none): a non-word cost a hopeful read of its own before,
    0.6-0.7 ms at 1M."""
    return bool(parameters.get("headline", True))


async def _settle(session: Session, query: SearchQuery, parameters: dict[str, Any]) -> Settled:
    """Match a finished last word (one that is itself an indexed word) as a word, else
    return the headline words it completes to (run on the text session). The check and the
    look-up are one statement, or none: the hopeful ranking answered the check (`known`),
    or, for a word not ranked first (`_rank_first`), the ranking will (`unsettled`: the
    word to check, `settled`: the match to rank instead if it holds); and the scope's
    first statement read the completions."""
    prefix = _completable(query)
    if prefix is None:
        return query, ()
    known: bool | None = parameters.pop("known", None)
    completions: tuple[str, ...] | None = parameters.get("completions")
    settled = replace(query, words=(*query.words, prefix), prefix=None)
    if (
        known is None
        and completions is not None
        and not _rank_first(prefix, parameters)
        and parameters["offset"] < RANKING_POOL
    ):
        parameters["unsettled"] = _run([prefix], "")
        parameters["settled"] = tsquery_text(settled)
        return query, completions
    if known is None or completions is None:
        row = await session.fetchone(
            f"SELECT {_KNOWN} AS known, ARRAY({_TERMS}) AS terms",
            {"term": _run([prefix], ""), "low": prefix, "most": MAX_COMPLETIONS + 1},
        )
        known = bool(row is not None and row["known"])
        completions = _chosen(row["terms"] if row is not None else ())
    if known:
        return settled, ()
    return query, completions


async def _ranked(
    session: Session, filters: list[str], parameters: dict[str, Any]
) -> list[tuple[int, float]]:
    """Return the best text matches passing the filters, by score (see the module doc);
    run on the text session. A hopeful ranking (of the word `hopeful`) that gives up has
    asked in its statement whether any article holds that word (`known`, for `_settle`)."""
    conditions = " ".join(f"AND {f.format(id='a.id')}" for f in filters)
    # Each pool is read from its GIN indexes through a window of the newest ids.
    statement = (
        f"SELECT a.id, a.story_at FROM articles AS a WHERE {MATCH} {conditions} "
        "ORDER BY a.id DESC LIMIT :pool"
    )
    query = _QUERY.format(name="match")
    top, size = int(parameters["top"]), int(parameters["pool"])
    word = parameters.get("hopeful")
    unsettled = parameters.pop("unsettled", None)
    if word or unsettled:
        parameters["term"] = _run([str(word)], "") if word else unsettled
    pool_list = [Pool(statement, vector) for vector in _POOLS]

    async def read_pools(*, hopeful: bool, check: str | None) -> list[list[Row]]:
        """The pools of the tsquery now in `parameters["match"]`."""
        match = str(parameters["match"])
        return await newest_matches(
            session,
            pool_list,
            query,
            parameters,
            top,
            size,
            hopeful=hopeful,
            check=check,
            lexemes=anded_lexemes(match),
            densities=await _densities(session, filters, match, top),
        )

    pools = await read_pools(hopeful=bool(word), check=_KNOWN if word or unsettled else None)
    if unsettled and parameters.pop("known", False):  # a word after all: rank it as one
        parameters["match"] = parameters.pop("settled")
        pools = await read_pools(hopeful=False, check=None)
    anywhere, in_title, in_tags = pools
    return _scored(anywhere, in_title, in_tags, parameters)


async def _densities(
    session: Session, filters: list[str], match: str, top: int
) -> list[float] | None:
    """Return each pool's expected matches per id for the tsquery text `match`, as the
    planner would estimate them (`storage.postgresql.estimates`: no statement but, every
    few minutes, one reading the statistics); None to ask the planner (a query with
    filters, whose estimate is theirs too)."""
    if filters or not top:
        return None
    read = await statistics(session, "articles", _STATISTICS)
    densities = []
    for vector in _POOLS:
        rows = read.matches(vector, match, top)
        if rows is None:
            return None
        densities.append(min(1.0, rows / top))
    return densities


def anded_lexemes(match: str) -> int:
    """Return how many lexemes a `tsquery_text` needs together (an OR of completions
    counts once): what splits a wide window into arms (`pools.arms_of`). Two words over 16
    buckets ran faster in arms (10.6 -> 9.7 ms median, 1M prewarmed), a prefix's
    completions slower (`taso`, 4 completions grown to 62 buckets: 18.2 -> 19.7 ms)."""
    return max(1, match.count("'") // 2 - match.count("|"))


def _scored(
    anywhere: list[Row], in_title: list[Row], in_tags: list[Row], parameters: dict[str, Any]
) -> list[tuple[int, float]]:
    """Score the union of the three pools and return the page, best first: the module
    doc's rule, in the same floating-point steps as `_RECENCY` (no statement needed)."""
    title_ids = {row["id"] for row in in_title}
    tags_ids = {row["id"] for row in in_tags}
    candidates = {row["id"]: row["story_at"] for row in (*anywhere, *in_title, *in_tags)}
    now, half_life = int(parameters["now"]), float(parameters["half_life"])
    scored = [
        (
            key,
            (1.0 + TITLE_WEIGHT * (key in title_ids) + TAGS_WEIGHT * (key in tags_ids))
            * (1.0 / (1.0 + max(0, now - at) / half_life)),
        )
        for key, at in candidates.items()
    ]
    scored.sort(key=lambda pair: (pair[1], pair[0]), reverse=True)
    offset = int(parameters["offset"])
    return scored[offset : offset + int(parameters["limit"])]


async def _load(
    session: Session, ranked: list[tuple[int, float]], snippet_match: str | None
) -> list[SearchHit]:
    """Load the ranked articles in order; snippets cut around `snippet_match` if given."""
    ids = json.dumps([article_id for article_id, _ in ranked])
    snippet = (
        ", ts_headline('simple', a.summary || ' ' || a.body, "
        f"{_QUERY.format(name='match')}, "
        '\'StartSel="", StopSel="", MaxWords=24, MinWords=12, ShortWord=2\') AS snippet'
        if snippet_match is not None
        else ""
    )
    parameters: dict[str, Any] = {"ids": ids}
    if snippet_match is not None:
        parameters["match"] = snippet_match
    rows = await session.fetchall(
        f"SELECT {_ARTICLE_FIELDS}{snippet} FROM articles AS a "
        f"WHERE a.id IN ({_IDS.format(name='ids')})",
        parameters,
    )
    by_id = {row["id"]: row for row in rows}
    return [
        SearchHit(
            article=article_from_row(row),
            score=score,
            snippet=_snippet(row) if snippet_match is not None else lede(row),
        )
        for article_id, score in ranked
        if (row := by_id.get(article_id)) is not None
    ]


def _snippet(row: Row) -> str:
    """Return the highlighted fragment, or the lede when the match is only in the title."""
    text = " ".join(str(row["snippet"] or "").split())
    return text or lede(row)


async def _matching_ids(
    session: Session, query: SearchQuery, article_ids: Collection[int], user_id: int | None
) -> set[int]:
    """Return which of `article_ids` match the query's text and every filter."""
    wanted = sorted(set(article_ids))
    if not wanted or (query.saved and user_id is None):
        return set()
    parameters: dict[str, Any] = {"ids": json.dumps(wanted)}
    filters = await _filters(session, query, user_id, parameters)
    if filters is None:
        return set()
    match = tsquery_text(query)
    conditions = [f.format(id="a.id") for f in filters]
    if match is not None:
        parameters["match"] = match
        conditions.append(f"a.search @@ {_QUERY.format(name='match')}")
    where = "".join(f" AND {condition}" for condition in conditions)
    rows = await session.fetchall(
        f"SELECT a.id AS id FROM articles AS a WHERE a.id IN ({_IDS.format(name='ids')}){where}",
        parameters,
    )
    return {row["id"] for row in rows}


_ENGINE: Final = EngineText(
    recency=_RECENCY,
    filters=_filters,
    settle=_settle,
    match=_match,
    ranked=_ranked,
    text_scope=_text_scope,
    settle_by_ranking=_rank_first,
)


def postgresql_search(
    session: PostgreSQLSession, text_session: PostgreSQLSession | None = None
) -> SQLSearchRepository:
    """Return the `SearchRepository` of this engine over `session`, its text steps run on
    `text_session` (a pool whose connections have `TEXT_SETTINGS`; without one, in a
    transaction of `session` with them)."""
    engine = replace(_ENGINE, text_scope=partial(_text_scope, text_session=text_session))
    return SQLSearchRepository(session, engine, _load, _matching_ids)
