"""The SQLite side of the shared repositories' SQL (`storage.sql.session.Dialect`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from storage.sql.ranking import FTS_BODY_CHARS
from storage.sql.session import Session, ValueKind

# New rows enter the full-text indexes here, in the caller's transaction (migration 4 says
# why this is not a trigger); updates and deletes are kept in sync by triggers. The body is
# cut as the index's content view `articles_fts_text` cuts it (migration 18).
_INDEX_NEW: Final = (
    "INSERT INTO articles_fts (rowid, title, summary, body, tags) "
    f"VALUES (?, ?, ?, substr(?, 1, {FTS_BODY_CHARS}), ?)"
)
_INDEX_NEW_HEADLINES: Final = "INSERT INTO headlines_fts (rowid, title, tags) VALUES (?, ?, ?)"
# Ids are never reused, even after the newest article was deleted (AUTOINCREMENT's table).
_NEXT_ID: Final = (
    "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = :table), 0), "
    "coalesce((SELECT max(id) FROM {table}), 0)) + 1"
)


class SQLiteDialect:
    """JSON arrays through `json_each`, ids after the AUTOINCREMENT sequence, FTS5 writes."""

    name = "sqlite"
    lateral = False

    def values(self, parameter: str, kind: ValueKind = "int") -> str:
        del kind  # SQLite compares by value; the JSON gives each its type
        return f"SELECT value FROM json_each(:{parameter})"

    def tuples(self, parameter: str, columns: Sequence[str]) -> str:
        fields = ", ".join(
            f"json_extract(value, '$[{index}]') AS {name}" for index, name in enumerate(columns)
        )
        return f"(SELECT {fields} FROM json_each(:{parameter}))"

    def greatest(self, first: str, second: str) -> str:
        return f"max({first}, {second})"

    def clock(self) -> str:
        return "CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER)"

    def skip_locked(self) -> str:
        return ""  # a write transaction holds the whole database: nobody claims beside it

    async def reserve_ids(self, session: Session, table: str, count: int) -> list[int]:
        if count == 0:
            return []
        row = await session.fetchone(_NEXT_ID.format(table=table), {"table": table})
        assert row is not None  # an aggregate query always returns one row
        first = int(row[0])
        return list(range(first, first + count))

    async def snapshot(self, session: Session) -> None:
        del session  # BEGIN IMMEDIATE already holds every writer off until the end

    async def before_copy(self, session: Session, tables: Sequence[str]) -> None:
        del session, tables  # one writer, no per-row index work worth setting aside

    async def insert_rows(
        self,
        session: Session,
        table: str,
        columns: Sequence[str],
        rows: Sequence[Sequence[Any]],
    ) -> None:
        statement = (
            f"INSERT INTO {table} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)})"
        )
        await session.executemany(statement, rows)

    async def after_copy(self, session: Session) -> None:
        # AUTOINCREMENT keeps its sequence by itself; the external-content indexes do not.
        for index in ("articles_fts", "headlines_fts"):
            await session.execute(f"INSERT INTO {index} ({index}) VALUES ('rebuild')")

    async def index_new_articles(
        self, session: Session, rows: Sequence[Mapping[str, Any]]
    ) -> None:
        # Positional tuples: a dict per row and index cost more than the statement's
        # binding (issue 18: the event loop's share of an ingest).
        await session.executemany(
            _INDEX_NEW,
            [(row["id"], row["title"], row["summary"], row["body"], row["tags"]) for row in rows],
        )
        await session.executemany(
            _INDEX_NEW_HEADLINES, [(row["id"], row["title"], row["tags"]) for row in rows]
        )
