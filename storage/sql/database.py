"""What both engines' `Database` share: the repositories over one session, and its lifecycle.

An engine subclasses `SQLDatabase`, passing its own search, related-coverage and status
repositories, and adds `backup`.
"""

from __future__ import annotations

import contextlib
from types import TracebackType
from typing import Any, Self

from storage.protocols import (
    AlertRepository,
    ArticleRepository,
    BookmarkRepository,
    ChannelRepository,
    DigestRepository,
    DiscussionRepository,
    FollowRepository,
    InlineResultRepository,
    LeaseRepository,
    OutboxRepository,
    ReactionRepository,
    RelatedRepository,
    SearchRepository,
    ShareRepository,
    SourceRepository,
    StatusRepository,
    TelegraphRepository,
    TrendingRepository,
    UserRepository,
)
from storage.sql.alerts import SQLAlertRepository
from storage.sql.articles import SQLArticleRepository
from storage.sql.bookmarks import SQLBookmarkRepository
from storage.sql.channels import SQLChannelRepository
from storage.sql.digests import SQLDigestRepository
from storage.sql.discussion import SQLDiscussionRepository
from storage.sql.follows import SQLFollowRepository
from storage.sql.inline_results import SQLInlineResultRepository
from storage.sql.leases import SQLLeaseRepository
from storage.sql.outbox import SQLOutboxRepository
from storage.sql.reactions import SQLReactionRepository
from storage.sql.shares import SQLShareRepository
from storage.sql.sources import SQLSourceRepository
from storage.sql.telegraph import SQLTelegraphRepository
from storage.sql.trending import SQLTrendingRepository
from storage.sql.users import SQLUserRepository


class SQLDatabase:
    """The shared repositories, transactions and close over one engine session."""

    def __init__(
        self,
        session: Any,
        location: str,
        *,
        search: SearchRepository,
        related: RelatedRepository,
        status: StatusRepository,
    ) -> None:
        """Wrap an open, migrated session; engines' `open_*` functions call this."""
        self._session = session
        self._location = location
        self.sources: SourceRepository = SQLSourceRepository(session)
        self.articles: ArticleRepository = SQLArticleRepository(session)
        self.channels: ChannelRepository = SQLChannelRepository(session)
        self.outbox: OutboxRepository = SQLOutboxRepository(session)
        self.users: UserRepository = SQLUserRepository(session)
        self.bookmarks: BookmarkRepository = SQLBookmarkRepository(session)
        self.shares: ShareRepository = SQLShareRepository(session)
        self.inline_results: InlineResultRepository = SQLInlineResultRepository(session)
        self.reactions: ReactionRepository = SQLReactionRepository(session)
        self.digests: DigestRepository = SQLDigestRepository(session)
        self.discussion: DiscussionRepository = SQLDiscussionRepository(session)
        self.follows: FollowRepository = SQLFollowRepository(session)
        self.leases: LeaseRepository = SQLLeaseRepository(session)
        self.alerts: AlertRepository = SQLAlertRepository(session)
        self.trending: TrendingRepository = SQLTrendingRepository(session)
        self.telegraph: TelegraphRepository = SQLTelegraphRepository(session)
        self.search = search
        self.related = related
        self.status = status

    @property
    def location(self) -> str:
        return self._location

    def transaction(self) -> contextlib.AbstractAsyncContextManager[None]:
        return self._session.transaction()  # type: ignore[no-any-return]

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
