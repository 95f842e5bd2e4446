"""`TelegraphRepository` in shared SQL: the Telegraph account, full-text routes and pages."""

from __future__ import annotations

import builtins
from datetime import UTC, datetime
from typing import Final

from news.entities import FullTextPage, PageState
from storage.errors import ConstraintError, NotFoundError
from storage.sql.codec import from_micros, from_micros_or_none, to_micros, to_micros_or_none
from storage.sql.session import Row, Session

_PAGE_COLUMNS: Final = (
    "article_id, state, path, url, truncated, content_digest, attempts, available_at, "
    "last_error, created_at, done_at"
)


def page_from_row(row: Row) -> FullTextPage:
    """Build a `FullTextPage` from a row with the page columns."""
    return FullTextPage(
        article_id=row["article_id"],
        state=PageState(row["state"]),
        path=row["path"],
        url=row["url"],
        truncated=bool(row["truncated"]),
        content_digest=row["content_digest"],
        attempts=row["attempts"],
        available_at=from_micros_or_none(row["available_at"]),
        last_error=row["last_error"],
        created_at=from_micros(row["created_at"]),
        done_at=from_micros_or_none(row["done_at"]),
    )


def _now(now: datetime | None) -> int:
    """Return `now` (default: the current time) in microseconds."""
    return to_micros(now or datetime.now(UTC))


class SQLTelegraphRepository:
    """The account in `telegraph_account`, the flag in `routes.full_text`, pages in
    `telegraph_pages`."""

    def __init__(self, session: Session) -> None:
        """Use the shared session."""
        self._session = session

    async def account(self) -> tuple[str, str] | None:
        row = await self._session.fetchone(
            "SELECT short_name, access_token FROM telegraph_account WHERE id = 1"
        )
        return None if row is None else (row["short_name"], row["access_token"])

    async def save_account(
        self, short_name: str, access_token: str, *, now: datetime | None = None
    ) -> tuple[str, str]:
        # The first account stored wins: two processes creating one at once agree on it.
        await self._session.execute(
            "INSERT INTO telegraph_account (id, short_name, access_token, created_at) "
            "VALUES (1, :short_name, :token, :now) ON CONFLICT (id) DO NOTHING",
            {"short_name": short_name, "token": access_token, "now": _now(now)},
        )
        stored = await self.account()
        assert stored is not None  # just inserted, or there already
        return stored

    async def forget_account(self, access_token: str) -> bool:
        changed = await self._session.execute(
            "DELETE FROM telegraph_account WHERE id = 1 AND access_token = :token",
            {"token": access_token},
        )
        return changed > 0

    async def set_full_text(self, source_id: int, channel_id: int, enabled: bool) -> None:
        changed = await self._session.execute(
            "UPDATE routes SET full_text = :enabled "
            "WHERE source_id = :source_id AND channel_id = :channel_id",
            {"enabled": int(enabled), "source_id": source_id, "channel_id": channel_id},
        )
        if not changed:
            raise NotFoundError(f"source {source_id} is not routed to channel {channel_id}")

    async def full_text(self, source_id: int, channel_id: int) -> bool:
        row = await self._session.fetchone(
            "SELECT full_text FROM routes WHERE source_id = :source_id "
            "AND channel_id = :channel_id",
            {"source_id": source_id, "channel_id": channel_id},
        )
        return row is not None and bool(row["full_text"])

    async def page(self, article_id: int) -> FullTextPage | None:
        row = await self._session.fetchone(
            f"SELECT {_PAGE_COLUMNS} FROM telegraph_pages WHERE article_id = :id",
            {"id": article_id},
        )
        return None if row is None else page_from_row(row)

    async def want_page(self, article_id: int, *, now: datetime | None = None) -> FullTextPage:
        try:
            await self._session.execute(
                "INSERT INTO telegraph_pages (article_id, created_at) VALUES (:id, :now) "
                "ON CONFLICT (article_id) DO NOTHING",
                {"id": article_id, "now": _now(now)},
            )
        except ConstraintError:
            raise NotFoundError(f"no article with id {article_id}") from None
        page = await self.page(article_id)
        assert page is not None  # just inserted, or there already
        return page

    async def page_created(
        self,
        article_id: int,
        *,
        path: str,
        url: str,
        truncated: bool,
        content_digest: str,
        now: datetime | None = None,
    ) -> FullTextPage:
        return await self._update(
            article_id,
            "state = :created, path = :path, url = :url, truncated = :truncated, "
            "content_digest = :digest, available_at = NULL, last_error = NULL, done_at = :now",
            {
                "created": PageState.CREATED.value,
                "path": path,
                "url": url,
                "truncated": int(truncated),
                "digest": content_digest,
                "now": _now(now),
            },
        )

    async def page_edited(self, article_id: int, *, content_digest: str) -> FullTextPage:
        return await self._update(
            article_id, "content_digest = :digest", {"digest": content_digest}
        )

    async def page_failed(
        self,
        article_id: int,
        *,
        error: str,
        retry_at: datetime | None,
        count_attempt: bool = True,
        now: datetime | None = None,
    ) -> FullTextPage:
        return await self._update(
            article_id,
            "attempts = attempts + :step, last_error = :error, available_at = :retry_at, "
            "state = CASE WHEN CAST(:retry_at AS BIGINT) IS NULL THEN :failed ELSE state END, "
            "done_at = CASE WHEN CAST(:retry_at AS BIGINT) IS NULL THEN :now ELSE done_at END",
            {
                "step": int(count_attempt),
                "error": error,
                "retry_at": to_micros_or_none(retry_at),
                "failed": PageState.FAILED.value,
                "now": _now(now),
            },
            pending_only=True,
        )

    async def due_pages(
        self, *, now: datetime | None = None, limit: int = 20
    ) -> builtins.list[FullTextPage]:
        rows = await self._session.fetchall(
            f"SELECT {_PAGE_COLUMNS} FROM telegraph_pages WHERE state = :pending "
            "AND (available_at IS NULL OR available_at <= :now) "
            "ORDER BY COALESCE(available_at, 0), article_id LIMIT :limit",
            {"pending": PageState.PENDING.value, "now": _now(now), "limit": limit},
        )
        return [page_from_row(row) for row in rows]

    async def next_due_at(self) -> datetime | None:
        row = await self._session.fetchone(
            "SELECT min(available_at) AS due FROM telegraph_pages WHERE state = :pending",
            {"pending": PageState.PENDING.value},
        )
        return None if row is None else from_micros_or_none(row["due"])

    async def state_counts(self) -> dict[PageState, int]:
        rows = await self._session.fetchall(
            "SELECT state, count(*) AS n FROM telegraph_pages GROUP BY state"
        )
        counts = dict.fromkeys(PageState, 0)
        counts.update({PageState(row["state"]): int(row["n"]) for row in rows})
        return counts

    async def _update(
        self,
        article_id: int,
        assignments: str,
        values: dict[str, object],
        *,
        pending_only: bool = False,
    ) -> FullTextPage:
        """Apply `SET assignments` to one page and return it; `NotFoundError` if missing
        (or, with `pending_only`, no longer pending: it is returned unchanged)."""
        only = ""
        if pending_only:
            only = " AND state = :pending_state"
            values = {**values, "pending_state": PageState.PENDING.value}
        row = await self._session.fetchone(
            f"UPDATE telegraph_pages SET {assignments} WHERE article_id = :article_id{only} "
            f"RETURNING {_PAGE_COLUMNS}",
            {**values, "article_id": article_id},
        )
        if row is not None:
            return page_from_row(row)
        page = await self.page(article_id)
        if page is None:
            raise NotFoundError(f"no Telegraph page for article {article_id}")
        return page
