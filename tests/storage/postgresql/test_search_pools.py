"""PostgreSQL ranking pools: windows give the whole table's newest rows; hopeful reads."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from news.query import parse_query
from storage import Database
from storage.postgresql import pools
from storage.postgresql.search import _settle, anded_lexemes, tsquery_text
from tests.factories import draft
from tests.storage.conftest import NOW
from tests.storage.postgresql.pool_reads import (
    QUERY,
    newest_ids,
    pool_over,
    scope,
    searches_statements,
)
from tests.support.engines import fresh_store

SIZE = 5


@pytest.fixture
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """400 articles: `harbour` in three in five of them, `ferry` only in the 40 oldest."""
    async with fresh_store("postgresql", request, tmp_path) as database:
        source = await database.sources.add("https://coast.example/feed", name="Coast")
        drafts = [
            draft(n, f"{'Harbour' if n % 5 < 3 else 'Market'} news {n}", body="Calm seas.")
            if n >= 40
            else draft(n, f"Ferry news {n}", body="Calm seas.")
            for n in range(400)
        ]
        await database.articles.upsert_many(source.id, drafts, fetched_at=NOW)
        await database.session.execute("ANALYZE articles")  # type: ignore[attr-defined]
        yield database


@pytest.mark.parametrize("match", ["harbour", "ferry", "news", "nowhere"])
async def test_windows_and_the_whole_table_give_the_same_newest_rows(
    db: Database, match: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pools, "_first_window", lambda _density, _size: 10**9)
    whole, statements = await newest_ids(db, match, SIZE)
    assert not any("newsbot_bucketed" in sql for sql in statements)
    monkeypatch.setattr(pools, "_first_window", lambda _density, _size: 20)
    windowed, statements = await newest_ids(db, match, SIZE)
    assert any("newsbot_bucketed" in sql for sql in statements)
    assert windowed == whole
    assert len(windowed) == (0 if match == "nowhere" else SIZE)


async def test_a_hopeful_read_gives_up_when_its_first_window_holds_nothing(
    db: Database,
) -> None:
    assert len((await newest_ids(db, "harbour", SIZE, hopeful=True))[0]) == SIZE
    assert (await newest_ids(db, "ferry", SIZE, hopeful=True))[0] == []  # only in the oldest ids
    assert len((await newest_ids(db, "ferry", SIZE))[0]) == SIZE
    assert (await newest_ids(db, "nowhere", SIZE, hopeful=True))[0] == []


async def test_a_search_reads_without_parallel_workers_or_jit(db: Database) -> None:
    session: Any = db.text_session  # type: ignore[attr-defined]
    parameters: dict[str, Any] = {}
    async with scope(db, parameters):
        row = await session.fetchone("SHOW max_parallel_workers_per_gather")
        jit = await session.fetchone("SHOW jit")
    assert row[0] == "0"
    assert jit[0] == "off"
    assert parameters["top"] > 0


async def test_the_estimates_are_for_the_query_s_own_words_with_generic_plans(
    db: Database,
) -> None:
    session: Any = db.text_session  # type: ignore[attr-defined]
    parameters: dict[str, Any] = {"pool": SIZE}
    async with scope(db, parameters):
        mode = await session.fetchone("SHOW plan_cache_mode")
        densities = {}
        for word in ("harbour", "ferry"):
            parameters["match"] = word
            (densities[word],) = await pools._densities(
                session, [pool_over()], QUERY, parameters, int(parameters["top"])
            )
    assert mode[0] == "force_generic_plan"
    assert densities["harbour"] > 3 * densities["ferry"] > 0  # 216 and 40 of 400 articles


def test_a_window_is_cut_to_its_ids_only_when_its_buckets_hold_many_more_rows() -> None:
    assert pools._cut_to_ids(0.4, 750, 16_384)  # a dense prefix: 6,250 rows in the bucket
    assert not pools._cut_to_ids(0.0136, 21_638, 33_000)  # 155 rows more, 21,638 ids
    assert not pools._cut_to_ids(0.0, 8_192, 16_384)  # no estimate


@pytest.mark.parametrize(
    ("text", "completions", "lexemes"),
    [
        ("moscow", (), 1),
        ("kishida canberra", (), 2),
        ('"kishida canberra" lon', (), 3),  # a phrase's lexemes are asked as AND
        ("tas", ("tasa", "tasb", "tasc"), 1),  # an OR of completions counts once
        ("kishida tas", ("tasa", "tasb"), 2),
    ],
)
def test_the_lexemes_asked_together_count_an_or_of_completions_once(
    text: str, completions: tuple[str, ...], lexemes: int
) -> None:
    match = tsquery_text(parse_query(text), completions=completions)
    assert match is not None
    assert anded_lexemes(match) == lexemes


@pytest.mark.parametrize(("word", "known"), [("ferry", True), ("nowhere", False)])
async def test_a_hopeful_read_that_gives_up_has_asked_its_check_in_the_same_statement(
    db: Database, word: str, known: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pools, "_first_window", lambda _density, _size: 20)
    session: Any = db.text_session  # type: ignore[attr-defined]
    parameters: dict[str, Any] = {"match": word, "pool": SIZE, "term": word}
    check = (
        f"EXISTS (SELECT 1 FROM articles AS a WHERE a.search @@ {QUERY.replace('match', 'term')})"
    )
    statements = _spy(session)
    try:
        async with scope(db, parameters):
            top = int(parameters["top"])
            found = await pools.newest_matches(
                session, [pool_over(), pool_over()], QUERY, parameters, top, SIZE,
                hopeful=True, check=check,
            )  # fmt: skip
    finally:
        del session.fetchall
    assert found == [[], []]
    assert parameters["known"] is known
    assert len(statements) == 1  # the first window and the check, one statement


async def test_a_hopeful_read_that_finds_its_word_asks_no_check(db: Database) -> None:
    session: Any = db.text_session  # type: ignore[attr-defined]
    parameters: dict[str, Any] = {"match": "harbour", "pool": SIZE}
    async with scope(db, parameters):
        top = int(parameters["top"])
        (found,) = await pools.newest_matches(
            session, [pool_over()], QUERY, parameters, top, SIZE, hopeful=True, check="false"
        )
    assert len(found) == SIZE
    assert "known" not in parameters


async def test_an_unfinished_word_is_settled_and_completed_without_statements_of_its_own(
    db: Database,
) -> None:
    await db.search.articles("market", limit=SIZE)  # the statistics, read once in a while
    with searches_statements(db) as statements:
        hits = await db.search.articles("harb", limit=SIZE)
    assert [hit.article.title.split()[0] for hit in hits] == ["Harbour"] * SIZE
    asked = [" ".join(sql.split())[:20] for sql in statements]
    own = ("EXPLAIN", "SELECT EXISTS", "SELECT term")
    assert not [sql for sql in asked if sql.startswith(own)]
    assert asked[0].startswith("SELECT max(id)")  # with the completions
    assert len(asked) == 3  # then their ranking with the check, and the page


async def test_a_headline_word_is_ranked_as_a_word_first(db: Database) -> None:
    await db.search.articles("market", limit=SIZE)  # the statistics, read once in a while
    with searches_statements(db) as statements:
        hits = await db.search.articles("harbour", limit=SIZE)
    assert len(hits) == SIZE
    assert statements[0].startswith("SELECT max(id)")  # with the completions
    assert statements[1].startswith("WITH hope")  # the hopeful read, its check inside
    assert len(statements) == 3  # and the page


async def test_a_word_of_bodies_only_is_checked_while_its_prefix_is_ranked(db: Database) -> None:
    await db.search.articles("market", limit=SIZE)  # the statistics, read once in a while
    finished = await db.search.article_ids("calm ", limit=SIZE, now=NOW)  # typed in full
    with searches_statements(db) as statements:
        typing = await db.search.article_ids("calm", limit=SIZE, now=NOW)
    assert typing == finished
    assert len(finished) == SIZE
    assert "WHERE EXISTS" in statements[1]  # the prefix's ranking asked whether it is a word
    assert len(statements) == 3  # it is: the word's ranking after the newest id and that


@pytest.mark.parametrize(
    ("text", "words", "completions"),
    [("harb", (), ("harbour",)), ("ferry", ("ferry",), ()), ("zzzz", (), ())],
)
async def test_settling_asks_the_check_and_the_completions_in_one_statement(
    db: Database, text: str, words: tuple[str, ...], completions: tuple[str, ...]
) -> None:
    session: Any = db.session  # type: ignore[attr-defined]
    statements = _spy(session, "fetchone")
    try:
        settled, found = await _settle(session, parse_query(text), {})
    finally:
        del session.fetchone
    assert (settled.words, found) == (words, completions)
    assert len(statements) == 1


async def test_settling_asks_nothing_when_the_search_has_the_answers(db: Database) -> None:
    session: Any = db.session  # type: ignore[attr-defined]
    statements = _spy(session, "fetchone")
    try:
        parameters: dict[str, Any] = {"known": False, "completions": ("harbour",)}
        assert await _settle(session, parse_query("harb"), parameters) == (
            parse_query("harb"),
            ("harbour",),
        )
    finally:
        del session.fetchone
    assert statements == []


def _spy(session: Any, name: str = "fetchall") -> list[str]:
    """Record the statements the session's `name` runs from now on (until deleted)."""
    statements: list[str] = []
    real = getattr(session, name)

    async def spy(sql: str, arguments: Any = ()) -> Any:
        statements.append(sql)
        return await real(sql, arguments)

    setattr(session, name, spy)
    return statements


@pytest.mark.parametrize(
    ("match", "vector", "rounds"),
    [
        ("harbour", "to_tsvector('simple', newsbot_unaccent(a.tags))", 1),  # no tag at all
        ("ferry", "to_tsvector('simple', newsbot_unaccent(a.title))", 2),  # the oldest only
    ],
)
async def test_a_later_pool_that_finds_nothing_is_probed_and_ends_if_it_matches_nowhere(
    db: Database, match: str, vector: str, rounds: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pools, "_first_window", lambda _density, _size: 20)
    session: Any = db.text_session  # type: ignore[attr-defined]
    parameters: dict[str, Any] = {"match": match, "pool": SIZE}
    statements = _spy(session)
    try:
        async with scope(db, parameters):
            top = int(parameters["top"])
            found = await pools.newest_matches(
                session, [pool_over("a.search"), pool_over(vector)], QUERY, parameters, top, SIZE
            )
    finally:
        del session.fetchall
    expected = [
        (await newest_ids(db, match, SIZE, vector=over))[0] for over in ("a.search", vector)
    ]
    assert [[row["id"] for row in rows] for rows in found] == expected
    assert len(statements) == rounds
    assert "NOT EXISTS (SELECT 1 FROM p1)" in statements[0]


async def test_a_search_reads_on_its_text_pool_without_a_transaction_unless_inside_one(
    db: Database,
) -> None:
    main: Any = db.session  # type: ignore[attr-defined]
    text: Any = db.text_session  # type: ignore[attr-defined]
    await db.search.articles("market", limit=SIZE)  # the statistics, read once in a while
    opened: list[int] = []
    real = main.transaction

    def counted() -> Any:
        opened.append(1)
        return real()

    main.transaction = counted
    reads = _spy(text)
    try:
        alone = await db.search.article_ids("harbour", limit=SIZE, now=NOW)
        assert opened == []  # no BEGIN, no COMMIT
        assert len(reads) == 1  # the hopeful read, on the text pool
        async with db.transaction():
            inside = await db.search.article_ids("harbour", limit=SIZE, now=NOW)
        assert len(reads) == 1  # inside the caller's transaction, on it (it sees its rows)
    finally:
        del main.transaction, text.fetchall
    assert inside == alone
    assert len(alone) == SIZE
