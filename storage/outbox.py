"""SQLite implementation of `OutboxRepository`: the transactional outbox."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Final

from storage.codec import from_micros, from_micros_or_none, to_micros, to_micros_or_none
from storage.errors import ConstraintError, NotFoundError
from storage.models import OutboxItem, OutboxState
from storage.session import Session

_COLUMNS: Final = (
    "id, article_id, channel_id, state, attempts, last_error, message_id, created_at, "
    "available_at, sent_at"
)


def outbox_item_from_row(row: sqlite3.Row) -> OutboxItem:
    """Build an `OutboxItem` from a row with the outbox columns."""
    return OutboxItem(
        id=row["id"],
        article_id=row["article_id"],
        channel_id=row["channel_id"],
        state=OutboxState(row["state"]),
        attempts=row["attempts"],
        last_error=row["last_error"],
        message_id=row["message_id"],
        created_at=from_micros(row["created_at"]),
        available_at=from_micros_or_none(row["available_at"]),
        sent_at=from_micros_or_none(row["sent_at"]),
    )


class SQLiteOutboxRepository:
    """Outbox rows in `outbox`, claimed per channel in id order."""

    def __init__(self, session: Session) -> None:
        """Use the shared session."""
        self._session = session

    async def add_for_article(
        self, article_id: int, channel_ids: Iterable[int], *, now: datetime | None = None
    ) -> list[OutboxItem]:
        """Queue an article for channels atomically; pairs already queued are skipped."""
        channels = list(dict.fromkeys(channel_ids))
        if not channels:
            return []
        try:
            rows = await self._session.fetchall(
                "INSERT INTO outbox (article_id, channel_id, created_at) "
                "SELECT :article_id, value, :now FROM json_each(:channels) WHERE true "
                "ON CONFLICT (article_id, channel_id) DO NOTHING "
                f"RETURNING {_COLUMNS}",
                {
                    "article_id": article_id,
                    "channels": json.dumps(channels),
                    "now": to_micros(now or datetime.now(UTC)),
                },
            )
        except ConstraintError:
            raise NotFoundError(
                f"cannot queue article {article_id}: it or a channel of {channels} is missing"
            ) from None
        return sorted((outbox_item_from_row(row) for row in rows), key=lambda item: item.id)

    async def add_many(
        self, pairs: Iterable[tuple[int, int]], *, now: datetime | None = None
    ) -> int:
        """Queue (article_id, channel_id) pairs in one round trip; return how many were new."""
        created_at = to_micros(now or datetime.now(UTC))
        rows = [
            {"article_id": article_id, "channel_id": channel_id, "now": created_at}
            for article_id, channel_id in dict.fromkeys(pairs)
        ]
        if not rows:
            return 0
        try:
            return await self._session.executemany(
                "INSERT INTO outbox (article_id, channel_id, created_at) "
                "VALUES (:article_id, :channel_id, :now) "
                "ON CONFLICT (article_id, channel_id) DO NOTHING",
                rows,
            )
        except ConstraintError:
            raise NotFoundError("cannot queue: an article or channel is missing") from None

    async def get(self, item_id: int) -> OutboxItem:
        """Return the outbox row with this id."""
        row = await self._session.fetchone(
            f"SELECT {_COLUMNS} FROM outbox WHERE id = :id", {"id": item_id}
        )
        if row is None:
            raise NotFoundError(f"no outbox item with id {item_id}")
        return outbox_item_from_row(row)

    async def claim_next(
        self, channel_id: int, *, now: datetime | None = None
    ) -> OutboxItem | None:
        """Move the channel's oldest claimable pending row to sending and return it."""
        row = await self._session.fetchone(
            "UPDATE outbox SET state = :sending, attempts = attempts + 1 "
            "WHERE id = (SELECT id FROM outbox WHERE channel_id = :channel_id "
            "AND state = :pending AND (available_at IS NULL OR available_at <= :now) "
            f"ORDER BY id LIMIT 1) RETURNING {_COLUMNS}",
            {
                "sending": OutboxState.SENDING.value,
                "pending": OutboxState.PENDING.value,
                "channel_id": channel_id,
                "now": to_micros(now or datetime.now(UTC)),
            },
        )
        return None if row is None else outbox_item_from_row(row)

    async def mark_sent(
        self, item_id: int, *, message_id: int, sent_at: datetime | None = None
    ) -> OutboxItem:
        """Record that the row was posted as `message_id`."""
        return await self._update(
            item_id,
            "state = :sent, message_id = :message_id, sent_at = :sent_at, last_error = NULL",
            {
                "sent": OutboxState.SENT.value,
                "message_id": message_id,
                "sent_at": to_micros(sent_at or datetime.now(UTC)),
            },
        )

    async def mark_failed(
        self, item_id: int, *, error: str, retry_at: datetime | None = None
    ) -> OutboxItem:
        """Record a failed send: pending again from `retry_at` when given, else failed."""
        state = OutboxState.FAILED if retry_at is None else OutboxState.PENDING
        return await self._update(
            item_id,
            "state = :state, last_error = :error, available_at = :retry_at",
            {"state": state.value, "error": error, "retry_at": to_micros_or_none(retry_at)},
        )

    async def reset_sending_on_start(self) -> int:
        """Return rows left in sending by a crash to pending; return how many."""
        return await self._session.execute(
            "UPDATE outbox SET state = :pending WHERE state = :sending",
            {"pending": OutboxState.PENDING.value, "sending": OutboxState.SENDING.value},
        )

    async def pending_count(self, channel_id: int | None = None) -> int:
        """Return how many rows are pending (for one channel, or all)."""
        if channel_id is None:
            row = await self._session.fetchone(
                "SELECT count(*) FROM outbox WHERE state = :pending",
                {"pending": OutboxState.PENDING.value},
            )
        else:
            row = await self._session.fetchone(
                "SELECT count(*) FROM outbox WHERE channel_id = :channel_id AND state = :pending",
                {"pending": OutboxState.PENDING.value, "channel_id": channel_id},
            )
        return int(row[0]) if row is not None else 0

    async def for_article(self, article_id: int) -> list[OutboxItem]:
        """Return an article's outbox rows, by channel."""
        rows = await self._session.fetchall(
            f"SELECT {_COLUMNS} FROM outbox WHERE article_id = :article_id ORDER BY channel_id",
            {"article_id": article_id},
        )
        return [outbox_item_from_row(row) for row in rows]

    async def queued_stories(
        self, story_ids: Iterable[int], channel_ids: Iterable[int]
    ) -> set[tuple[int, int]]:
        """Return (story_id, channel_id) pairs with a pending, sending or sent row."""
        stories = list(dict.fromkeys(story_ids))
        channels = list(dict.fromkeys(channel_ids))
        if not stories or not channels:
            return set()
        rows = await self._session.fetchall(
            "SELECT DISTINCT a.story_id, o.channel_id FROM articles AS a "
            "JOIN outbox AS o ON o.article_id = a.id "
            "WHERE a.story_id IN (SELECT value FROM json_each(:stories)) "
            "AND o.channel_id IN (SELECT value FROM json_each(:channels)) "
            "AND o.state != :failed",
            {
                "stories": json.dumps(stories),
                "channels": json.dumps(channels),
                "failed": OutboxState.FAILED.value,
            },
        )
        return {(row["story_id"], row["channel_id"]) for row in rows}

    async def _update(self, item_id: int, assignments: str, values: dict[str, Any]) -> OutboxItem:
        """Apply `SET assignments` to one row and return it; `NotFoundError` if missing."""
        row = await self._session.fetchone(
            f"UPDATE outbox SET {assignments} WHERE id = :id RETURNING {_COLUMNS}",
            {**values, "id": item_id},
        )
        if row is None:
            raise NotFoundError(f"no outbox item with id {item_id}")
        return outbox_item_from_row(row)
