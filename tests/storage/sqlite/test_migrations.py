"""Schema creation, versioning and connection setup."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from storage import Database, open_database
from storage.errors import DatabaseError, SchemaVersionError
from storage.sqlite.database import PAGE_SIZE
from storage.sqlite.migrations import MIGRATIONS, SCHEMA_VERSION, split_statements
from tests import factories

EXPECTED_TABLES = {
    "sources",
    "articles",
    "article_tags",
    "articles_fts",
    "channels",
    "routes",
    "outbox",
    "users",
    "bookmarks",
}


async def _pragma(db: Database, name: str) -> Any:
    row = await db.session.fetchone(f"PRAGMA {name}")
    assert row is not None
    return row[0]


async def test_empty_database_is_migrated_to_latest(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "folder" / "news.sqlite3"
    async with await open_database(path) as db:
        assert await _pragma(db, "user_version") == SCHEMA_VERSION >= 1
        rows = await db.session.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")
        assert {row["name"] for row in rows} >= EXPECTED_TABLES
    assert path.is_file()


async def test_reopen_keeps_data_and_version(tmp_path: Path) -> None:
    path = tmp_path / "news.sqlite3"
    async with await open_database(path) as db:
        await db.sources.add("https://feeds.example/world.xml", name="World")
    async with await open_database(path) as db:
        assert await _pragma(db, "user_version") == SCHEMA_VERSION
        assert [source.name for source in await db.sources.list()] == ["World"]


async def test_connection_pragmas(tmp_path: Path) -> None:
    async with await open_database(tmp_path / "news.sqlite3") as db:
        assert await _pragma(db, "journal_mode") == "wal"
        assert await _pragma(db, "foreign_keys") == 1
        assert await _pragma(db, "busy_timeout") >= 1000
        assert await _pragma(db, "synchronous") == 1  # NORMAL


async def test_new_database_gets_the_page_size(tmp_path: Path) -> None:
    async with await open_database(tmp_path / "news.sqlite3") as db:
        assert await _pragma(db, "page_size") == PAGE_SIZE != 4096


async def test_existing_database_keeps_its_page_size(tmp_path: Path) -> None:
    path = tmp_path / "news.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA page_size = 4096")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("CREATE TABLE kept (x)")
    connection.close()
    async with await open_database(path) as db:
        assert await _pragma(db, "page_size") == 4096
        await db.sources.add("https://feeds.example/world.xml", name="World")
    async with await open_database(path) as db:
        assert await _pragma(db, "page_size") == 4096
        assert [source.name for source in await db.sources.list()] == ["World"]


async def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "news.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    with pytest.raises(SchemaVersionError, match="newer"):
        await open_database(path)


async def test_file_that_is_not_a_database_gives_storage_error(tmp_path: Path) -> None:
    path = tmp_path / "news.sqlite3"
    path.write_bytes(b"this is plainly not an sqlite file" * 100)
    with pytest.raises(DatabaseError):
        await open_database(path)


def test_split_statements_keeps_trigger_bodies_whole() -> None:
    script = """
    -- a comment; with a semicolon
    CREATE TABLE t (a TEXT); -- trailing
    CREATE TRIGGER t_ai AFTER INSERT ON t BEGIN
        SELECT 1;
        SELECT 2;
    END;
    """
    statements = split_statements(script)
    assert len(statements) == 2
    assert statements[1].count("SELECT") == 2
    assert statements[1].rstrip().endswith("END;")


async def test_version_3_database_keeps_old_and_indexes_new_articles_once(tmp_path: Path) -> None:
    path = tmp_path / "v3.sqlite3"
    with sqlite3.connect(path) as conn:
        for script in MIGRATIONS[:3]:
            for statement in split_statements(script):
                conn.execute(statement)
        conn.execute("PRAGMA user_version = 3")
        conn.execute(
            "INSERT INTO sources (url, name, tags, created_at) VALUES ('u', 'n', '[]', 0)"
        )
        conn.execute(  # indexed by the version-3 trigger; migration 6 rebuilds the index
            "INSERT INTO articles (id, source_id, guid, url, title, summary, body, fetched_at, "
            "updated_at, story_at, tags, related, content_hash, simhash, band0, band1, band2, "
            "band3, story_id) VALUES (7, 1, 'g0', 'https://example.test/old', "
            "'Harbour crane restored', '', 'The old crane lifts again.', 0, 0, 0, '[]', '[]', "
            "'h0', 99, 0, 0, 0, 0, 7)"
        )
    conn.close()
    async with await open_database(path) as db:
        triggers = await db.session.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'articles_fts%'"
        )
        assert {row["name"] for row in triggers} == {
            "articles_fts_after_delete",
            "articles_fts_after_update",
        }
        draft = factories.draft(
            guid="g1",
            url="https://example.test/a",
            title="Lantern festival lights the quay",
            summary="",
            body="Lanterns floated down the river.",
            published_at=None,
            language=None,
            tags=["Festival"],
            content_hash="h1",
            simhash=12345,
        )
        result = await db.articles.upsert_many(
            1, [draft], fetched_at=datetime(2026, 11, 30, tzinfo=UTC)
        )
        hits = await db.session.fetchall(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'lantern*'"
        )
        assert [row[0] for row in hits] == list(result.inserted)
        old = await db.session.fetchall(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'cra*'"
        )
        assert [row[0] for row in old] == [7]
        await db.session.execute(
            "INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)"
        )


async def test_version_15_routes_are_numbered_by_age_and_keep_their_filters(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v15.sqlite3"
    with sqlite3.connect(path) as conn:
        for script in MIGRATIONS[:15]:
            for statement in split_statements(script):
                conn.execute(statement)
        conn.execute("PRAGMA user_version = 15")
        for number in (1, 2):
            conn.execute(
                "INSERT INTO sources (url, name, tags, created_at) "
                f"VALUES ('u{number}', 'n', '[]', 0)"
            )
        conn.execute("INSERT INTO channels (chat_id, created_at) VALUES (-1001, 0)")
        conn.execute(  # the younger route was stored first
            "INSERT INTO routes (source_id, channel_id, include_words, created_at) "
            "VALUES (2, 1, '[\"ferry\"]', 20)"
        )
        conn.execute("INSERT INTO routes (source_id, channel_id, created_at) VALUES (1, 1, 10)")
    conn.close()
    async with await open_database(path) as db:
        routes = await db.channels.list_routes()
        assert [(r.id, r.source_id, r.include) for r in routes] == [
            (1, 1, ()),
            (2, 2, ("ferry",)),
        ]
        channel = await db.channels.get(1)
        assert (channel.timezone, channel.quiet_hours) == (None, None)
        new = await db.channels.route(1, 1, include=["quay"])  # the unique pair still holds
        assert (new.id, new.include) == (1, ("quay",))
