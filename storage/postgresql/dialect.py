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


class PostgreSQLDialect:
    """JSON arrays through `jsonb_array_elements`, ids from the identity sequence, and a
    generated `tsvector` that indexes new rows by itself."""

    name = "postgresql"

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

    async def after_copy(self, session: Session) -> None:
        for table in _IDENTITY_TABLES:
            await session.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
            )

    async def index_new_articles(
        self, session: Session, rows: Sequence[Mapping[str, Any]]
    ) -> None:
        del session, rows  # `articles.search` is a generated column: indexed on insert
