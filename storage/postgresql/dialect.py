"""The PostgreSQL side of the shared repositories' SQL (`storage.sql.session.Dialect`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from storage.sql.session import Session, ValueKind

_TYPES: Final[dict[str, str]] = {"int": "BIGINT", "text": "TEXT"}
_IDENTITY_TABLES: Final = (
    "sources",
    "articles",
    "channels",
    "routes",
    "outbox",
    "shares",
    "follows",
)

# A bulk load into empty tables: the secondary indexes (those no constraint needs) are set
# aside in a temporary table, dropped, and built once after the load; the trigger that keeps
# `headline_terms` is off for the load and the terms are filled in one statement after it.
_SET_ASIDE: Final = """
CREATE TEMPORARY TABLE newsbot_copy_indexes ON COMMIT DROP AS
SELECT i.indexname AS name, i.indexdef AS definition
FROM pg_indexes AS i
WHERE i.schemaname = current_schema() AND i.tablename = ANY(CAST(:tables AS text[]))
  AND NOT EXISTS (
      SELECT 1 FROM pg_constraint AS c
      WHERE c.conname = i.indexname AND c.connamespace = CAST(current_schema() AS regnamespace)
  )
"""
_HEADLINE_TRIGGER: Final = "articles_headline_terms"
_FILL_HEADLINE_TERMS: Final = """
INSERT INTO headline_terms (term)
SELECT DISTINCT unnest(tsvector_to_array(
    to_tsvector('simple', newsbot_unaccent(title || ' ' || tags)))) FROM articles
ON CONFLICT DO NOTHING
"""


class PostgreSQLDialect:
    """JSON arrays through `jsonb_array_elements`, ids from the identity sequence, and a
    generated `tsvector` that indexes new rows by itself."""

    name = "postgresql"
    lateral = True

    def values(self, parameter: str, kind: ValueKind = "int") -> str:
        return (
            f"SELECT CAST(value AS {_TYPES[kind]}) AS value "
            f"FROM jsonb_array_elements_text(CAST(:{parameter} AS jsonb))"
        )

    def tuples(self, parameter: str, columns: Sequence[str]) -> str:
        fields = ", ".join(
            f"CAST(value ->> {index} AS BIGINT) AS {name}" for index, name in enumerate(columns)
        )
        return (
            f"(SELECT {fields} FROM jsonb_array_elements(CAST(:{parameter} AS jsonb)) "
            "WITH ORDINALITY AS t (value, place) ORDER BY place)"
        )

    def greatest(self, first: str, second: str) -> str:
        return f"GREATEST({first}, {second})"

    def clock(self) -> str:
        return "CAST(extract(epoch FROM clock_timestamp()) * 1000000 AS BIGINT)"

    def skip_locked(self) -> str:
        return "FOR UPDATE SKIP LOCKED"

    async def reserve_ids(self, session: Session, table: str, count: int) -> list[int]:
        if count == 0:
            return []
        rows = await session.fetchall(
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) AS id "
            "FROM generate_series(1, :count)",
            {"count": count},
        )
        return sorted(int(row["id"]) for row in rows)

    async def snapshot(self, session: Session) -> None:
        await session.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")

    async def before_copy(self, session: Session, tables: Sequence[str]) -> None:
        await session.execute("SET LOCAL maintenance_work_mem = '256MB'")
        await session.execute(_SET_ASIDE, {"tables": list(tables)})
        for row in await session.fetchall("SELECT name FROM newsbot_copy_indexes"):
            await session.execute(f'DROP INDEX "{row["name"]}"')
        if "articles" in tables:
            await session.execute(f"ALTER TABLE articles DISABLE TRIGGER {_HEADLINE_TRIGGER}")

    async def insert_rows(
        self,
        session: Session,
        table: str,
        columns: Sequence[str],
        rows: Sequence[Sequence[Any]],
    ) -> None:
        from storage.postgresql.session import Session as PoolSession  # imports this module

        if not isinstance(session, PoolSession):
            raise TypeError("a PostgreSQL dialect needs a PostgreSQL session")

        async def copy(connection: Any) -> None:
            await connection.copy_records_to_table(table, records=rows, columns=list(columns))

        await session.call(copy, guarded=True)

    async def after_copy(self, session: Session) -> None:
        found = await session.fetchone(
            "SELECT to_regclass('pg_temp.newsbot_copy_indexes') IS NOT NULL AS found"
        )
        if found is not None and found["found"]:
            for row in await session.fetchall("SELECT definition FROM newsbot_copy_indexes"):
                await session.execute(row["definition"])
            await session.execute("DROP TABLE newsbot_copy_indexes")
            await session.execute(f"ALTER TABLE articles ENABLE TRIGGER {_HEADLINE_TRIGGER}")
            await session.execute(_FILL_HEADLINE_TERMS)
        for table in _IDENTITY_TABLES:
            await session.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
            )

    async def index_new_articles(
        self, session: Session, rows: Sequence[Mapping[str, Any]]
    ) -> None:
        del session, rows  # `articles.search` is a generated column: indexed on insert
