"""The PostgreSQL `Database`: a pool, migrations, the shared repositories, backup."""

from __future__ import annotations

import contextlib
from pathlib import Path
from types import TracebackType
from typing import Self

from storage import redacted_url
from storage.postgresql.migrations import migrate
from storage.postgresql.related import PostgreSQLRelatedRepository
from storage.postgresql.search import PostgreSQLSearchRepository
from storage.postgresql.session import Session, open_session
from storage.postgresql.status import PostgreSQLStatusRepository
from storage.protocols import (
    AlertRepository,
    ArticleRepository,
    BookmarkRepository,
    ChannelRepository,
    DiscussionRepository,
    FollowRepository,
    OutboxRepository,
    RelatedRepository,
    SearchRepository,
    ShareRepository,
    SourceRepository,
    StatusRepository,
    TrendingRepository,
    UserRepository,
)
from storage.sql.alerts import SQLAlertRepository
from storage.sql.articles import SQLArticleRepository
from storage.sql.bookmarks import SQLBookmarkRepository
from storage.sql.channels import SQLChannelRepository
from storage.sql.discussion import SQLDiscussionRepository
from storage.sql.follows import SQLFollowRepository
from storage.sql.outbox import SQLOutboxRepository
from storage.sql.shares import SQLShareRepository
from storage.sql.sources import SQLSourceRepository
from storage.sql.trending import SQLTrendingRepository
from storage.sql.users import SQLUserRepository


class PostgreSQLDatabase:
    """`storage.protocols.Database` on an asyncpg pool (`Session`)."""

    def __init__(self, session: Session, url: str) -> None:
        """Wrap an open, migrated session; use `open_postgresql` instead of calling this."""
        self._session = session
        self._location = redacted_url(url)
        self.sources: SourceRepository = SQLSourceRepository(session)
        self.articles: ArticleRepository = SQLArticleRepository(session)
        self.channels: ChannelRepository = SQLChannelRepository(session)
        self.outbox: OutboxRepository = SQLOutboxRepository(session)
        self.users: UserRepository = SQLUserRepository(session)
        self.bookmarks: BookmarkRepository = SQLBookmarkRepository(session)
        self.shares: ShareRepository = SQLShareRepository(session)
        self.discussion: DiscussionRepository = SQLDiscussionRepository(session)
        self.follows: FollowRepository = SQLFollowRepository(session)
        self.alerts: AlertRepository = SQLAlertRepository(session)
        self.search: SearchRepository = PostgreSQLSearchRepository(session)
        self.trending: TrendingRepository = SQLTrendingRepository(session)
        self.related: RelatedRepository = PostgreSQLRelatedRepository(session)
        self.status: StatusRepository = PostgreSQLStatusRepository(session)

    @property
    def session(self) -> Session:
        """Return the session the repositories share (for the engine's own tests)."""
        return self._session

    @property
    def location(self) -> str:
        return self._location

    def transaction(self) -> contextlib.AbstractAsyncContextManager[None]:
        return self._session.transaction()

    async def backup(self, path: Path | str, *, overwrite: bool = False) -> Path:
        # A consistent snapshot of every table, written as an SQLite file (a restore is
        # `newsbot db copy` back, or running newsbot on the file itself).
        from storage.copy import copy_to_sqlite_file  # only backups need it

        return await copy_to_sqlite_file(self, Path(path), overwrite=overwrite)

    async def close(self) -> None:
        await self._session.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()


async def open_postgresql(url: str) -> PostgreSQLDatabase:
    """Connect to the PostgreSQL database at `url`, migrate it and return it."""
    session = await open_session(url)
    try:
        await migrate(session)
    except BaseException:
        await session.close()
        raise
    return PostgreSQLDatabase(session, url)
