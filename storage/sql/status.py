"""Read-only figures about the store for operators, in SQL both engines speak."""

from __future__ import annotations

from datetime import datetime

from news.entities import OutboxState
from storage.protocols import StoreCounts, StoreStatus
from storage.sql.codec import from_micros_or_none, to_micros
from storage.sql.session import Session


async def read_status(session: Session, now: datetime) -> StoreStatus:
    """Return the store's status as of `now` (four small queries)."""
    pending = {"pending": OutboxState.PENDING.value}
    sources = await session.fetchone(
        "SELECT count(*) FILTER (WHERE active = 1 AND paused = 0) AS active, "
        "max(last_success_at) AS last_ok FROM sources"
    )
    posts = await session.fetchone(
        "SELECT count(*) AS n FROM outbox WHERE state = :pending", pending
    )
    due = await session.fetchone(
        "SELECT min(coalesce(o.available_at, o.created_at)) AS since FROM outbox AS o "
        "JOIN channels AS c ON c.id = o.channel_id "
        "WHERE o.state = :pending AND c.paused = 0 AND coalesce(o.available_at, 0) <= :now",
        {**pending, "now": to_micros(now)},
    )
    sent = await session.fetchone(
        "SELECT max(sent_at) AS last_ok FROM outbox WHERE state = :sent",
        {"sent": OutboxState.SENT.value},
    )
    return StoreStatus(
        active_sources=int(sources["active"]) if sources else 0,
        pending_posts=int(posts["n"]) if posts else 0,
        oldest_due_post_at=from_micros_or_none(due["since"]) if due else None,
        last_fetch_ok_at=from_micros_or_none(sources["last_ok"]) if sources else None,
        last_publish_ok_at=from_micros_or_none(sent["last_ok"]) if sent else None,
    )


async def count_rows(session: Session, schema_version: int) -> StoreCounts:
    """Return how many sources, articles, channels and pending posts the store holds."""
    row = await session.fetchone(
        "SELECT (SELECT count(*) FROM sources) AS sources, "
        "(SELECT count(*) FROM sources WHERE active = 1 AND paused = 0) AS active_sources, "
        "(SELECT count(*) FROM articles) AS articles, "
        "(SELECT count(*) FROM channels) AS channels, "
        "(SELECT count(*) FROM outbox WHERE state = :pending) AS pending_posts",
        {"pending": OutboxState.PENDING.value},
    )
    assert row is not None  # a SELECT without FROM always yields one row
    return StoreCounts(
        schema_version=schema_version,
        sources=int(row["sources"]),
        active_sources=int(row["active_sources"]),
        articles=int(row["articles"]),
        channels=int(row["channels"]),
        pending_posts=int(row["pending_posts"]),
    )
