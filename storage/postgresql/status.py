"""`StatusRepository` on PostgreSQL: the shared figures and the server's own index checks."""

from __future__ import annotations

from datetime import datetime

from storage.postgresql.migrations import schema_version
from storage.protocols import EngineInfo, StoreCounts, StoreStatus
from storage.sql.session import Session
from storage.sql.status import count_rows, read_status


class PostgreSQLStatusRepository:
    """`StatusRepository` on one PostgreSQL session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    async def read(self, *, now: datetime) -> StoreStatus:
        return await read_status(self._session, now)

    async def integrity_problems(self, *, full_text: bool = True) -> list[str]:  # noqa: ARG002  # the same cheap check either way
        # The server checks pages itself; what it can leave behind is an index a failed
        # build marked invalid (full-text indexes included), whichever `full_text` asks.
        rows = await self._session.fetchall(
            "SELECT CAST(i.indexrelid AS regclass)::text AS name FROM pg_index AS i "
            "JOIN pg_class AS c ON c.oid = i.indrelid "
            "JOIN pg_namespace AS n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND NOT (i.indisvalid AND i.indisready)"
        )
        return [f"index {row['name']} is not valid: rebuild it (REINDEX)" for row in rows]

    async def counts(self) -> StoreCounts:
        return await count_rows(self._session, await schema_version(self._session))

    async def engine(self) -> EngineInfo:
        row = await self._session.fetchone("SELECT current_setting('server_version') AS v")
        version = str(row["v"]).split()[0] if row is not None else "?"
        return EngineInfo(f"PostgreSQL {version}", await schema_version(self._session))
