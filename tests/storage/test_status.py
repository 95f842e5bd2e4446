"""storage.sqlite.status: the figures /healthz, /metrics and `newsbot check` read."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storage.errors import DatabaseError
from tests.storage.conftest import NOW


async def test_an_empty_store(db):
    status = await db.status.read(now=NOW)
    assert (status.active_sources, status.pending_posts) == (0, 0)
    assert status.oldest_due_post_at is None
    assert status.last_fetch_ok_at is None
    assert status.last_publish_ok_at is None
    assert await db.status.integrity_problems() == []
    counts = await db.status.counts()
    engine = await db.status.engine()
    assert counts.schema_version == engine.schema_version > 0  # each engine checks its number
    assert (counts.sources, counts.articles, counts.channels, counts.pending_posts) == (0, 0, 0, 0)


async def test_figures_follow_sources_and_the_outbox(db, make_draft):
    harbour = await db.sources.add("https://harbour.example/rss", "Harbour")
    paused = await db.sources.add("https://quay.example/rss", "Quay")
    await db.sources.set_paused(paused.id, True)
    await db.sources.record_success(
        harbour.id,
        fetched_at=NOW - timedelta(minutes=5),
        etag=None,
        last_modified=None,
        next_fetch_at=NOW + timedelta(minutes=5),
    )
    open_channel = await db.channels.add(-1001, title="Open", now=NOW)
    closed_channel = await db.channels.add(-1002, title="Closed", now=NOW)
    await db.channels.set_paused(closed_channel.id, True)
    stored = await db.articles.upsert_many(
        harbour.id, [make_draft(1), make_draft(2), make_draft(3)], fetched_at=NOW
    )
    first, second, third = stored.inserted
    await db.outbox.add_many(
        [(first, open_channel.id), (second, open_channel.id), (third, closed_channel.id)],
        now=NOW - timedelta(hours=1),
    )
    claimed = await db.outbox.claim_next(open_channel.id, now=NOW)
    assert claimed is not None
    await db.outbox.mark_sent(claimed.id, message_id=7, sent_at=NOW - timedelta(minutes=2))

    status = await db.status.read(now=NOW)
    assert status.active_sources == 1
    assert status.pending_posts == 2  # one in the open channel, one in the paused one
    assert status.oldest_due_post_at == NOW - timedelta(hours=1)  # the open channel's only
    assert status.last_fetch_ok_at == NOW - timedelta(minutes=5)
    assert status.last_publish_ok_at == NOW - timedelta(minutes=2)
    counts = await db.status.counts()
    assert (counts.sources, counts.active_sources, counts.articles) == (2, 1, 3)
    assert (counts.channels, counts.pending_posts) == (2, 2)


async def test_a_post_waiting_for_a_retry_is_not_due_yet(db, make_draft):
    source = await db.sources.add("https://harbour.example/rss", "Harbour")
    channel = await db.channels.add(-1001, title="Open", now=NOW)
    [article] = (
        await db.articles.upsert_many(source.id, [make_draft(1)], fetched_at=NOW)
    ).inserted
    await db.outbox.add_many([(article, channel.id)], now=NOW - timedelta(hours=1))
    claimed = await db.outbox.claim_next(channel.id, now=NOW)
    assert claimed is not None
    await db.outbox.release(claimed.id, retry_at=NOW + timedelta(minutes=1))
    status = await db.status.read(now=NOW)
    assert status.pending_posts == 1
    assert status.oldest_due_post_at is None
    later = await db.status.read(now=NOW + timedelta(minutes=2))
    assert later.oldest_due_post_at == NOW + timedelta(minutes=1)


async def test_reading_a_closed_database_is_a_storage_error(db):
    await db.close()
    with pytest.raises(DatabaseError, match="closed"):
        await db.status.read(now=NOW)
