"""`OutboxRepository` in shared SQL: the transactional outbox."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any, Final

from news.entities import OutboxItem, OutboxState, PostedAs
from storage.errors import ConstraintError, NotFoundError
from storage.sql.codec import (
    MICROS_PER_DAY,
    day_from_number,
    from_micros,
    from_micros_or_none,
    ints_from_json,
    ints_to_json,
    strings_from_json,
    strings_to_json,
    to_micros,
    to_micros_or_none,
)
from storage.sql.session import Row, Session

_COLUMNS: Final = (
    "id, article_id, channel_id, state, attempts, last_error, message_id, created_at, "
    "available_at, sent_at, edit_requested_at, posted_as, posted_digest, album, "
    "album_message_ids, buttons_message_id"
)


def outbox_item_from_row(row: Row) -> OutboxItem:
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
        edit_requested_at=from_micros_or_none(row["edit_requested_at"]),
        posted_as=None if row["posted_as"] is None else PostedAs(row["posted_as"]),
        posted_digest=row["posted_digest"],
        album=strings_from_json(row["album"]),
        album_message_ids=ints_from_json(row["album_message_ids"]),
        buttons_message_id=row["buttons_message_id"],
    )


class SQLOutboxRepository:
    """Outbox rows in `outbox`, claimed per channel in id order."""

    def __init__(self, session: Session) -> None:
        """Use the shared session."""
        self._session = session

    async def add_many(
        self, pairs: Iterable[tuple[int, int]], *, now: datetime | None = None
    ) -> int:
        created_at = to_micros(now or datetime.now(UTC))
        unique = [list(pair) for pair in dict.fromkeys(pairs)]
        if not unique:
            return 0
        queued = self._session.dialect.tuples("pairs", ("article_id", "channel_id"))
        try:
            # In id order of the pairs given: the publisher posts a channel's rows by id.
            return await self._session.execute(
                "INSERT INTO outbox (article_id, channel_id, created_at) "
                f"SELECT p.article_id, p.channel_id, :now FROM {queued} AS p "
                "WHERE true ON CONFLICT (article_id, channel_id) DO NOTHING",
                {"pairs": json.dumps(unique), "now": created_at},
            )
        except ConstraintError:
            raise NotFoundError("cannot queue: an article or channel is missing") from None

    async def claim_next(
        self, channel_id: int, *, now: datetime | None = None
    ) -> OutboxItem | None:
        row = await self._session.fetchone(
            "UPDATE outbox SET state = :sending, attempts = attempts + 1 "
            "WHERE id = (SELECT id FROM outbox WHERE channel_id = :channel_id "
            "AND state = :pending ORDER BY id LIMIT 1) "
            f"AND (available_at IS NULL OR available_at <= :now) RETURNING {_COLUMNS}",
            {
                "sending": OutboxState.SENDING.value,
                "pending": OutboxState.PENDING.value,
                "channel_id": channel_id,
                "now": to_micros(now or datetime.now(UTC)),
            },
        )
        return None if row is None else outbox_item_from_row(row)

    async def mark_sent(
        self,
        item_id: int,
        *,
        message_id: int,
        sent_at: datetime | None = None,
        posted_as: PostedAs | None = None,
        posted_digest: str | None = None,
        buttons_message_id: int | None = None,
    ) -> OutboxItem:
        return await self._update(
            item_id,
            "state = :sent, message_id = :message_id, sent_at = :sent_at, last_error = NULL, "
            "available_at = NULL, posted_as = :posted_as, posted_digest = :posted_digest, "
            "buttons_message_id = :buttons_message_id",
            {
                "sent": OutboxState.SENT.value,
                "message_id": message_id,
                "sent_at": to_micros(sent_at or datetime.now(UTC)),
                "posted_as": None if posted_as is None else PostedAs(posted_as).value,
                "posted_digest": posted_digest,
                "buttons_message_id": buttons_message_id,
            },
        )

    async def mark_album_posted(
        self, item_id: int, *, album: Sequence[str], message_ids: Sequence[int]
    ) -> OutboxItem:
        if not message_ids:
            raise ValueError("an album has at least one message")
        return await self._update(
            item_id,
            "message_id = :message_id, album = :album, album_message_ids = :message_ids",
            {
                "message_id": message_ids[0],
                "album": strings_to_json(album),
                "message_ids": ints_to_json(message_ids),
            },
        )

    async def release(
        self, item_id: int, *, retry_at: datetime | None = None, error: str | None = None
    ) -> OutboxItem:
        return await self._update(
            item_id,
            f"state = :pending, attempts = {self._session.dialect.greatest('attempts - 1', '0')}, "
            "available_at = :retry_at, "
            "last_error = coalesce(:error, last_error)",
            {
                "pending": OutboxState.PENDING.value,
                "retry_at": to_micros_or_none(retry_at),
                "error": error,
            },
        )

    async def mark_failed(
        self, item_id: int, *, error: str, retry_at: datetime | None = None
    ) -> OutboxItem:
        state = OutboxState.FAILED if retry_at is None else OutboxState.PENDING
        return await self._update(
            item_id,
            "state = :state, last_error = :error, available_at = :retry_at",
            {"state": state.value, "error": error, "retry_at": to_micros_or_none(retry_at)},
        )

    async def reset_sending_on_start(self) -> int:
        return await self._session.execute(
            "UPDATE outbox SET state = :pending WHERE state = :sending",
            {"pending": OutboxState.PENDING.value, "sending": OutboxState.SENDING.value},
        )

    async def reset_sending(self, channel_id: int) -> int:
        return await self._session.execute(
            "UPDATE outbox SET state = :pending WHERE channel_id = :channel_id "
            "AND state = :sending",
            {
                "pending": OutboxState.PENDING.value,
                "sending": OutboxState.SENDING.value,
                "channel_id": channel_id,
            },
        )

    async def recent_sends(self, channel_id: int, *, since: datetime) -> list[datetime]:
        rows = await self._session.fetchall(
            "SELECT sent_at, album_message_ids, buttons_message_id FROM outbox "
            "WHERE channel_id = :channel_id AND state = :sent AND sent_at >= :since "
            # the channel's daily digest is a message of its window too
            "UNION ALL SELECT sent_at, '[]', NULL FROM digests "
            "WHERE channel_id = :channel_id AND state = :sent AND sent_at >= :since "
            "ORDER BY sent_at",
            {
                "channel_id": channel_id,
                "sent": OutboxState.SENT.value,
                "since": to_micros(since),
            },
        )
        sends: list[datetime] = []
        for row in rows:
            # Telegram counts an album's every photo, and its follow-up with the buttons.
            messages = len(ints_from_json(row["album_message_ids"])) or 1
            messages += row["buttons_message_id"] is not None
            sends.extend([from_micros(row["sent_at"])] * messages)
        return sends

    async def pending_count(self, channel_id: int | None = None) -> int:
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

    async def state_counts(self, channel_id: int | None = None) -> dict[OutboxState, int]:
        where = "" if channel_id is None else "WHERE channel_id = :channel_id"
        rows = await self._session.fetchall(
            f"SELECT state, count(*) AS n FROM outbox {where} GROUP BY state",
            {"channel_id": channel_id},
        )
        counts = dict.fromkeys(OutboxState, 0)
        counts.update({OutboxState(row["state"]): int(row["n"]) for row in rows})
        return counts

    async def channels_with_work(self, *, now: datetime | None = None) -> list[int]:
        rows = await self._session.fetchall(
            "SELECT c.id FROM channels AS c WHERE c.paused = 0 AND ("
            "coalesce((SELECT CASE WHEN coalesce(o.available_at, 0) <= :now THEN 1 ELSE 0 END "
            "FROM outbox AS o WHERE o.channel_id = c.id AND o.state = :pending "
            "ORDER BY o.id LIMIT 1), 0) = 1 "
            "OR EXISTS (SELECT 1 FROM outbox AS o WHERE o.channel_id = c.id "
            "AND o.edit_requested_at IS NOT NULL AND o.state = :sent "
            "AND coalesce(o.available_at, 0) <= :now)) ORDER BY c.id",
            {
                "now": to_micros(now or datetime.now(UTC)),
                "pending": OutboxState.PENDING.value,
                "sent": OutboxState.SENT.value,
            },
        )
        return [int(row["id"]) for row in rows]

    async def request_edits(
        self, article_ids: Iterable[int], *, sent_since: datetime, now: datetime | None = None
    ) -> int:
        ids = list(dict.fromkeys(article_ids))
        if not ids:
            return 0
        return await self._session.execute(
            "UPDATE outbox SET edit_requested_at = :now "
            f"WHERE article_id IN ({self._session.dialect.values('ids')}) "
            "AND ((state = :sent AND sent_at >= :since) OR state = :sending)",
            {
                "now": to_micros(now or datetime.now(UTC)),
                "ids": json.dumps(ids),
                "since": to_micros(sent_since),
                "sent": OutboxState.SENT.value,
                "sending": OutboxState.SENDING.value,
            },
        )

    async def next_edit(
        self, channel_id: int, *, now: datetime | None = None
    ) -> OutboxItem | None:
        row = await self._session.fetchone(
            f"SELECT {_COLUMNS} FROM outbox WHERE channel_id = :channel_id "
            "AND edit_requested_at IS NOT NULL AND state = :sent "
            "AND (available_at IS NULL OR available_at <= :now) ORDER BY id LIMIT 1",
            {
                "channel_id": channel_id,
                "sent": OutboxState.SENT.value,
                "now": to_micros(now or datetime.now(UTC)),
            },
        )
        return None if row is None else outbox_item_from_row(row)

    async def finish_edit(
        self,
        item_id: int,
        *,
        requested_at: datetime,
        posted_digest: str | None = None,
        error: str | None = None,
    ) -> bool:
        rows = await self._session.fetchall(
            "UPDATE outbox SET edit_requested_at = NULL, available_at = NULL, "
            "posted_digest = coalesce(:digest, posted_digest), last_error = :error "
            "WHERE id = :id AND edit_requested_at = :requested_at RETURNING id",
            {
                "id": item_id,
                "requested_at": to_micros(requested_at),
                "digest": posted_digest,
                "error": error,
            },
        )
        return bool(rows)

    async def defer_edit(self, item_id: int, *, retry_at: datetime, error: str) -> OutboxItem:
        return await self._update(
            item_id,
            "available_at = :retry_at, last_error = :error",
            {"retry_at": to_micros(retry_at), "error": error},
        )

    async def for_article(self, article_id: int) -> list[OutboxItem]:
        rows = await self._session.fetchall(
            f"SELECT {_COLUMNS} FROM outbox WHERE article_id = :article_id ORDER BY channel_id",
            {"article_id": article_id},
        )
        return [outbox_item_from_row(row) for row in rows]

    async def find_posted(self, channel_id: int, message_id: int) -> OutboxItem | None:
        row = await self._session.fetchone(
            f"SELECT {_COLUMNS} FROM outbox WHERE channel_id = :channel_id "
            "AND (message_id = :message_id OR buttons_message_id = :message_id) "
            "ORDER BY id DESC LIMIT 1",
            {"channel_id": channel_id, "message_id": message_id},
        )
        return None if row is None else outbox_item_from_row(row)

    async def queued_stories(
        self, story_ids: Iterable[int], channel_ids: Iterable[int]
    ) -> set[tuple[int, int]]:
        stories = list(dict.fromkeys(story_ids))
        channels = list(dict.fromkeys(channel_ids))
        if not stories or not channels:
            return set()
        rows = await self._session.fetchall(
            "SELECT DISTINCT a.story_id, o.channel_id FROM articles AS a "
            "JOIN outbox AS o ON o.article_id = a.id "
            f"WHERE a.story_id IN ({self._session.dialect.values('stories')}) "
            f"AND o.channel_id IN ({self._session.dialect.values('channels')}) "
            "AND o.state != :failed",
            {
                "stories": json.dumps(stories),
                "channels": json.dumps(channels),
                "failed": OutboxState.FAILED.value,
            },
        )
        return {(row["story_id"], row["channel_id"]) for row in rows}

    async def sent_count(self, *, since: datetime | None = None) -> int:
        row = await self._session.fetchone(
            "SELECT count(*) FROM outbox WHERE state = :sent "
            "AND (CAST(:since AS BIGINT) IS NULL OR sent_at >= :since)",
            {"sent": OutboxState.SENT.value, "since": to_micros_or_none(since)},
        )
        return int(row[0]) if row is not None else 0

    async def daily_sent(self, *, since: datetime) -> dict[date, int]:
        rows = await self._session.fetchall(
            f"SELECT sent_at / {MICROS_PER_DAY} AS day, count(*) AS n FROM outbox "
            f"WHERE sent_at IS NOT NULL AND sent_at >= :since GROUP BY sent_at / {MICROS_PER_DAY}",
            {"since": to_micros(since)},
        )
        return {day_from_number(row["day"]): int(row["n"]) for row in rows}

    async def sent_by_channel(self, *, since: datetime) -> dict[int, int]:
        rows = await self._session.fetchall(
            "SELECT channel_id, count(*) AS n FROM outbox "
            "WHERE sent_at IS NOT NULL AND sent_at >= :since GROUP BY channel_id",
            {"since": to_micros(since)},
        )
        return {int(row["channel_id"]): int(row["n"]) for row in rows}

    async def recent_failures(self, limit: int = 5) -> list[OutboxItem]:
        rows = await self._session.fetchall(
            f"SELECT {_COLUMNS} FROM outbox WHERE state = :failed ORDER BY id DESC LIMIT :limit",
            {"failed": OutboxState.FAILED.value, "limit": max(0, limit)},
        )
        return [outbox_item_from_row(row) for row in rows]

    async def latest_error(self, channel_id: int) -> str | None:
        row = await self._session.fetchone(
            "SELECT last_error FROM outbox WHERE channel_id = :channel_id "
            "AND last_error IS NOT NULL ORDER BY id DESC LIMIT 1",
            {"channel_id": channel_id},
        )
        return None if row is None else str(row["last_error"])

    async def _update(self, item_id: int, assignments: str, values: dict[str, Any]) -> OutboxItem:
        """Apply `SET assignments` to one row and return it; `NotFoundError` if missing."""
        row = await self._session.fetchone(
            f"UPDATE outbox SET {assignments} WHERE id = :id RETURNING {_COLUMNS}",
            {**values, "id": item_id},
        )
        if row is None:
            raise NotFoundError(f"no outbox item with id {item_id}")
        return outbox_item_from_row(row)
