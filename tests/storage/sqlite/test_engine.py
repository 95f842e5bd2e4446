"""The SQLite engine's own behaviour: upgrades of old files, FTS5 query text, file backups.

The storage contract itself is tested engine-independently in `tests/storage/`.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import storage.sql.articles as articles_module
import storage.sqlite.search as sqlite_search_module
from news.entities import OutboxState
from news.query import parse_query
from storage import open_database
from storage.errors import DatabaseError
from storage.sqlite.database import READERS, SQLiteDatabase, open_sqlite
from storage.sqlite.migrations import MIGRATIONS, SCHEMA_VERSION, schema_version, split_statements
from storage.sqlite.search import fts_match
from storage.sqlite.session import reads_only
from tests.factories import add_source, draft, store
from tests.storage.conftest import NOW, DraftFactory
from tests.storage.test_search import HOSTILE_QUERIES, QUOTED_TERMS


@pytest.fixture
async def db() -> AsyncIterator[SQLiteDatabase]:
    """Yield a fresh in-memory SQLite database."""
    database = await open_sqlite(":memory:")
    try:
        yield database
    finally:
        await database.close()


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_only_quoted_terms_reach_fts5(query: str) -> None:
    match = fts_match(parse_query(query))
    if match is not None:  # only quoted strings (one optional trailing *) reach FTS5
        assert QUOTED_TERMS.fullmatch(match), match


async def test_integrity_check_covers_the_full_text_indexes(
    db: SQLiteDatabase, make_draft: DraftFactory
) -> None:
    source = await db.sources.add("https://a.example/feed")
    await db.articles.upsert_many(source.id, [make_draft(1)], fetched_at=NOW)
    assert await db.status.integrity_problems() == []
    # the index loses every row while the articles stay
    await db.session.execute("INSERT INTO articles_fts (articles_fts) VALUES ('delete-all')")
    assert await db.status.integrity_problems() != []


async def test_version_2_database_gains_edit_columns(tmp_path: Path) -> None:
    path = tmp_path / "v2.sqlite3"
    connection = sqlite3.connect(path)
    try:
        for migration in MIGRATIONS[:2]:
            for statement in split_statements(migration):
                connection.execute(statement)
        connection.execute("PRAGMA user_version = 2")
        connection.execute(
            "INSERT INTO outbox (id, article_id, channel_id, state, message_id, created_at, "
            "sent_at) VALUES (1, 5, 6, 'sent', 44, 0, 0)"
        )
        connection.commit()
    finally:
        connection.close()
    async with await open_database(path) as db:
        [item] = await db.outbox.for_article(5)
    assert (item.state, item.message_id) == (OutboxState.SENT, 44)
    assert (item.edit_requested_at, item.posted_as, item.posted_digest) == (None, None, None)


async def test_version_1_database_gains_backfill(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite3"
    connection = sqlite3.connect(path)
    for statement in split_statements(MIGRATIONS[0]):
        connection.execute(statement)
    connection.execute(
        "INSERT INTO sources (url, name, created_at) VALUES ('https://old.example/rss', 'Old', 0)"
    )
    connection.execute("PRAGMA user_version = 1")
    connection.commit()
    connection.close()
    async with await open_database(path) as db:
        [old] = await db.sources.list()
        assert old.name == "Old"
        assert old.backfill == 0
        added = await db.sources.add("https://new.example/rss", backfill=2)
        assert added.backfill == 2


def test_completions_replace_the_prefix_with_an_or_of_words() -> None:
    query = parse_query('ferry "night crossing" lightho')
    assert fts_match(query, ("lighthouse", "lighthouses")) == (
        '"ferry" AND "night crossing" AND ("lighthouse" OR "lighthouses")'
    )
    assert fts_match(query) == '"ferry" "night crossing" "lightho"*'


async def test_schema_is_current(db: SQLiteDatabase) -> None:
    assert await schema_version(db.session) == SCHEMA_VERSION
    assert (await db.status.counts()).schema_version == SCHEMA_VERSION


async def test_backup_is_a_readable_consistent_copy(
    tmp_path: Path, make_draft: DraftFactory
) -> None:
    async with await open_database(tmp_path / "live.sqlite3") as db:
        source = await db.sources.add("https://a.example/feed")
        await db.articles.upsert_many(source.id, [make_draft(1), make_draft(2)], fetched_at=NOW)
        target = await db.backup(tmp_path / "backups" / "copy.sqlite3")
        await db.articles.upsert_many(source.id, [make_draft(3)], fetched_at=NOW)

    connection = sqlite3.connect(target)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("SELECT count(*) FROM articles").fetchone() == (2,)
    finally:
        connection.close()
    async with await open_database(target) as copy:
        assert await copy.articles.count() == 2
    assert not list((tmp_path / "backups").glob(".*partial"))


async def test_backup_of_memory_database(tmp_path: Path) -> None:
    async with await open_database(":memory:") as db:
        await db.sources.add("https://a.example/feed")
        target = await db.backup(tmp_path / "copy.sqlite3")
    async with await open_database(target) as copy:
        assert len(await copy.sources.list()) == 1


async def test_reads_do_not_wait_for_an_open_transaction(
    tmp_path: Path, make_draft: DraftFactory
) -> None:
    # issue 15.3: one shared connection made every read wait for the ingest's transaction
    async with await open_sqlite(tmp_path / "live.sqlite3") as db:
        source = await db.sources.add("https://a.example/feed")
        await db.articles.upsert_many(source.id, [make_draft(1)], fetched_at=NOW)
        inside, release = asyncio.Event(), asyncio.Event()

        async def ingest() -> list[int]:
            async with db.transaction():
                await db.articles.upsert_many(source.id, [make_draft(2)], fetched_at=NOW)
                own = await db.search.article_ids("harbour")  # its uncommitted row too
                inside.set()
                await release.wait()
            return own

        task = asyncio.create_task(ingest())
        try:
            await inside.wait()
            async with asyncio.timeout(5):  # before the fix: waits for `release`, forever
                during = await db.search.article_ids("harbour")
                counted = await db.articles.count()
        finally:
            release.set()
        assert len(await task) == 2
        assert (len(during), counted) == (1, 1)  # the committed state, not half the ingest
        assert len(await db.search.article_ids("harbour")) == 2
        assert db.session.reader_count == READERS


async def test_memory_database_keeps_one_connection() -> None:
    async with await open_sqlite(":memory:") as db:  # its pages cannot be shared
        assert db.session.reader_count == 0
        await db.sources.add("https://a.example/feed")
        assert len(await db.sources.list()) == 1


async def test_a_reader_connection_refuses_writes(tmp_path: Path) -> None:
    async with await open_sqlite(tmp_path / "live.sqlite3") as db:
        # a write that slipped past the routing fails loudly instead of writing
        with pytest.raises(DatabaseError, match="readonly"):
            await db.session._read("DELETE FROM sources", ())
        # a WITH that writes goes to the writer
        await db.session.fetchall(
            "WITH n AS (SELECT 'https://w.example/feed' AS url) "
            "INSERT INTO sources (url, name, created_at) SELECT url, 'w', 0 FROM n"
        )
        assert [s.url for s in await db.sources.list()] == ["https://w.example/feed"]


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT 1", True),
        ("  -- a comment\n /* and another */ select id FROM articles", True),
        ("WITH t AS (SELECT 1) SELECT * FROM t", True),
        ("SELECT updated_at FROM articles", True),
        ("WITH t AS (SELECT 1) INSERT INTO x SELECT * FROM t", False),
        ("WITH t AS (SELECT 1) DELETE FROM x WHERE id IN t", False),
        ("INSERT INTO x VALUES (1) RETURNING id", False),
        ("UPDATE x SET a = 1 RETURNING a", False),
        ("PRAGMA quick_check", False),
        ("", False),
        ("-- only a comment", False),
    ],
)
def test_only_statements_that_read_go_to_readers(sql: str, expected: bool) -> None:
    assert reads_only(sql) is expected


async def test_a_recent_source_is_filtered_row_by_row_with_the_same_results(
    db: SQLiteDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    wire = await add_source(db, "Wire")
    other = await add_source(db, "Other")
    for n in range(12):
        source = wire if n % 3 else other
        await store(db, source, draft(n, f"Harbour ferry news {n}", tags=["Port"], hours=n))
    queries = ("source:wire", "source:wire ferry", "source:wire #port", "source:other harbour")
    page = {"limit": 5, "offset": 1}
    recent = {"source_ids": f"[{wire.id}]", **page}
    assert await sqlite_search_module._sources_are_recent(db.session, recent)
    row_by_row = [await db.search.article_ids(q, **page, now=NOW) for q in queries]
    monkeypatch.setattr(sqlite_search_module, "SOURCE_WALK", 0)
    assert not await sqlite_search_module._sources_are_recent(db.session, recent)
    as_sets = [await db.search.article_ids(q, **page, now=NOW) for q in queries]
    assert row_by_row == as_sets
    assert all(as_sets)
    plans = await db.session.fetchall(
        "EXPLAIN QUERY PLAN SELECT 1 FROM articles AS a WHERE (SELECT source_id "
        "FROM articles WHERE id = a.id) IN (SELECT value FROM json_each('[1]')) "
        "ORDER BY a.story_at DESC, a.id DESC LIMIT 5"
    )
    assert any("articles_recent" in str(tuple(row)) for row in plans)


async def test_near_duplicate_candidates_are_read_from_the_band_indexes_alone(
    db: SQLiteDatabase,
) -> None:
    # The lookup runs for every stored feed; reading each candidate's row (the body, its
    # overflow pages) was most of the store's work at 100k articles (issue 18).
    plans = await db.session.fetchall(
        "EXPLAIN QUERY PLAN " + articles_module._find_near(db.session.dialect),
        {"drafts": "[[1, 2, 3, 4, 5, 6, 7]]", "window": 1, "source_id": 1},
    )
    searches = [str(row["detail"]) for row in plans if "articles" in str(row["detail"])]
    assert len(searches) == 4
    assert all("USING COVERING INDEX articles_band" in detail for detail in searches)
