"""Schema creation, versioning and connection setup."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from storage.database import Database, open_database
from storage.errors import DatabaseError, SchemaVersionError
from storage.migrations import SCHEMA_VERSION, split_statements

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
