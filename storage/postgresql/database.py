"""The PostgreSQL `Database`: a pool, migrations, the shared repositories, backup."""

from __future__ import annotations

from pathlib import Path

from storage import redacted_url
from storage.postgresql.migrations import migrate
from storage.postgresql.related import PostgreSQLRelatedRepository
from storage.postgresql.search import TEXT_SETTINGS, postgresql_search
from storage.postgresql.session import Session, open_session
from storage.postgresql.status import PostgreSQLStatusRepository
from storage.sql.database import SQLDatabase


class PostgreSQLDatabase(SQLDatabase):
    """`storage.protocols.Database` on an asyncpg pool (`Session`)."""

    def __init__(self, session: Session, url: str, text_session: Session) -> None:
        """Wrap an open, migrated session and the search's text session (`TEXT_SETTINGS`);
        use `open_postgresql` instead of calling this."""
        super().__init__(
            session,
            redacted_url(url),
            search=postgresql_search(session, text_session),
            related=PostgreSQLRelatedRepository(session),
            status=PostgreSQLStatusRepository(session),
        )
        self._session: Session = session
        self._text_session = text_session

    @property
    def session(self) -> Session:
        """Return the session the repositories share (for the engine's own tests)."""
        return self._session

    @property
    def text_session(self) -> Session:
        """Return the session the search's text steps run on (for the engine's own tests)."""
        return self._text_session

    async def close(self) -> None:
        try:
            await self._text_session.close()
        finally:
            await super().close()

    async def backup(self, path: Path | str, *, overwrite: bool = False) -> Path:
        # A consistent snapshot of every table, written as an SQLite file (a restore is
        # `newsbot db copy` back, or running newsbot on the file itself).
        from storage.copy import copy_to_sqlite_file  # only backups need it

        return await copy_to_sqlite_file(self, Path(path), overwrite=overwrite)


TEXT_POOL_SIZE = 4
"""The most connections of the search's text pool (beside the main pool's 10)."""


async def open_postgresql(url: str) -> PostgreSQLDatabase:
    """Connect to the PostgreSQL database at `url`, migrate it and return it: a pool for
    everything, and a small one whose connections are set for the search's full-text reads
    (`TEXT_SETTINGS`)."""
    session = await open_session(url)
    try:
        await migrate(session)
        text_session = await open_session(url, max_size=TEXT_POOL_SIZE, settings=TEXT_SETTINGS)
    except BaseException:
        await session.close()
        raise
    return PostgreSQLDatabase(session, url, text_session)
