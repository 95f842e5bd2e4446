"""Reads for assertions only: state the storage contract does not offer production code.

Production never needs an alert's history or every outbox row, so `storage.protocols` has no
method for them; tests that check the at-most-once rules do. These helpers read them in
plain SQL that every engine speaks (named `:parameters`, no engine functions), through the
engine's session, and are the only SQL outside `storage/`.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from news.entities import AlertState, OutboxItem
from storage import Database


class AlertView(NamedTuple):
    """One alert as a test sees it."""

    article_id: int
    follow_id: int
    follow_query: str
    state: AlertState
    attempts: int


async def _rows(db: Database, sql: str, parameters: dict[str, Any] | None = None) -> list[Any]:
    """Run a read-only query on the engine's session."""
    session = db.session  # type: ignore[attr-defined]  # every engine has one; not in the contract
    return list(await session.fetchall(sql, parameters or {}))


async def alerts_of(db: Database, user_id: int) -> list[AlertView]:
    """Return every alert of the user, by article id."""
    rows = await _rows(
        db,
        "SELECT al.article_id, al.follow_id, f.query AS follow_query, al.state, al.attempts "
        "FROM alerts AS al JOIN follows AS f ON f.id = al.follow_id "
        "WHERE al.user_id = :user_id ORDER BY al.article_id",
        {"user_id": user_id},
    )
    return [
        AlertView(
            row["article_id"],
            row["follow_id"],
            row["follow_query"],
            AlertState(row["state"]),
            row["attempts"],
        )
        for row in rows
    ]


async def outbox_rows(db: Database) -> list[OutboxItem]:
    """Return every outbox row, by id."""
    rows = await _rows(db, "SELECT DISTINCT article_id FROM outbox")
    items = [item for row in rows for item in await db.outbox.for_article(row["article_id"])]
    return sorted(items, key=lambda item: item.id)


async def outbox_item(db: Database, item_id: int) -> OutboxItem:
    """Return the outbox row with this id (AssertionError when there is none)."""
    [item] = [item for item in await outbox_rows(db) if item.id == item_id]
    return item


async def share_rows(db: Database) -> list[tuple[int, str]]:
    """Return every recorded share as (user id, result id), in the order recorded."""
    rows = await _rows(db, "SELECT user_id, result_id FROM shares ORDER BY id")
    return [(row["user_id"], row["result_id"]) for row in rows]


async def commenters(db: Database) -> list[int]:
    """Return the user of every recorded comment, by message id."""
    rows = await _rows(db, "SELECT user_id FROM comments ORDER BY message_id")
    return [row["user_id"] for row in rows]


async def bookmark_ids(db: Database, user_id: int) -> set[int]:
    """Return the ids of every article the user saved (through the contract)."""
    saved: set[int] = set()
    offset = 0
    while page := await db.bookmarks.list(user_id, limit=100, offset=offset):
        saved.update(bookmark.article_id for bookmark in page)
        offset += len(page)
    return saved
