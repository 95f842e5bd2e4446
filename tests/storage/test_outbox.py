"""The transactional outbox."""

from __future__ import annotations

from datetime import timedelta

import pytest

from news.entities import OutboxState
from storage import Database
from storage.errors import NotFoundError
from tests.storage.conftest import NOW, DraftFactory
from tests.support.reads import outbox_item


@pytest.fixture
async def setup(db: Database, make_draft: DraftFactory) -> tuple[list[int], list[int]]:
    """Three articles and two channels; returns (article ids, channel ids)."""
    source = await db.sources.add("https://feeds.example/world.xml")
    result = await db.articles.upsert_many(
        source.id, [make_draft(n) for n in (1, 2, 3)], fetched_at=NOW
    )
    channels = [(await db.channels.add(-100 - n)).id for n in (1, 2)]
    return list(result.inserted), channels


async def test_add_many_skips_pairs_already_queued(
    db: Database, setup: tuple[list[int], list[int]]
) -> None:
    articles, channels = setup
    assert await db.outbox.add_many([(articles[0], c) for c in channels], now=NOW) == 2
    items = await db.outbox.for_article(articles[0])
    assert [(i.article_id, i.channel_id) for i in items] == [
        (articles[0], channels[0]),
        (articles[0], channels[1]),
    ]
    assert all(i.state is OutboxState.PENDING and i.attempts == 0 for i in items)
    assert items[0].created_at == NOW
    assert await db.outbox.add_many([(articles[0], c) for c in channels]) == 0
    assert await db.outbox.add_many([]) == 0
    assert len(await db.outbox.for_article(articles[0])) == 2


async def test_add_for_missing_article_is_not_found(
    db: Database, setup: tuple[list[int], list[int]]
) -> None:
    _, channels = setup
    with pytest.raises(NotFoundError):
        await db.outbox.add_many([(999, c) for c in channels])
    assert await db.outbox.pending_count() == 0


async def test_claim_in_order_per_channel_and_mark_sent(
    db: Database, setup: tuple[list[int], list[int]]
) -> None:
    articles, channels = setup
    assert (
        await db.outbox.add_many(
            [(a, channels[0]) for a in articles] + [(articles[0], channels[1])]
        )
        == 4
    )
    assert await db.outbox.add_many([(articles[0], channels[0])]) == 0
    assert await db.outbox.pending_count() == 4
    assert await db.outbox.pending_count(channels[0]) == 3

    first = await db.outbox.claim_next(channels[0], now=NOW)
    assert first is not None
    assert (first.article_id, first.state, first.attempts) == (
        articles[0],
        OutboxState.SENDING,
        1,
    )
    second = await db.outbox.claim_next(channels[0], now=NOW)
    assert second is not None
    assert second.article_id == articles[1]

    sent = await db.outbox.mark_sent(first.id, message_id=501, sent_at=NOW)
    assert (sent.state, sent.message_id, sent.sent_at) == (OutboxState.SENT, 501, NOW)
    assert await outbox_item(db, first.id) == sent
    assert await db.outbox.pending_count(channels[0]) == 1


async def test_retry_later_and_permanent_failure(
    db: Database, setup: tuple[list[int], list[int]]
) -> None:
    articles, channels = setup
    await db.outbox.add_many([(articles[0], channels[0])])
    item = await db.outbox.claim_next(channels[0], now=NOW)
    assert item is not None
    retry_at = NOW + timedelta(seconds=30)
    waiting = await db.outbox.mark_failed(
        item.id, error="429 Too Many Requests", retry_at=retry_at
    )
    assert (waiting.state, waiting.available_at) == (OutboxState.PENDING, retry_at)
    assert await db.outbox.claim_next(channels[0], now=NOW) is None
    again = await db.outbox.claim_next(channels[0], now=retry_at)
    assert again is not None
    assert again.attempts == 2

    failed = await db.outbox.mark_failed(again.id, error="400 chat not found")
    assert failed.state is OutboxState.FAILED
    assert failed.last_error == "400 chat not found"
    assert await db.outbox.claim_next(channels[0], now=retry_at + timedelta(days=1)) is None


async def test_reset_sending_on_start(db: Database, setup: tuple[list[int], list[int]]) -> None:
    articles, channels = setup
    await db.outbox.add_many([(articles[0], channels[0]), (articles[1], channels[0])])
    claimed = await db.outbox.claim_next(channels[0], now=NOW)
    assert claimed is not None
    assert await db.outbox.reset_sending_on_start() == 1
    again = await db.outbox.claim_next(channels[0], now=NOW)
    assert again is not None
    assert again.id == claimed.id


async def test_unknown_item_is_not_found(db: Database) -> None:
    with pytest.raises(NotFoundError):
        await db.outbox.mark_sent(1, message_id=1)


async def test_articles_and_outbox_rows_commit_together(
    db: Database, setup: tuple[list[int], list[int]], make_draft: DraftFactory
) -> None:
    _, channels = setup
    source = await db.sources.add("https://feeds.example/extra.xml")

    class Crash(Exception):
        pass

    async def ingest_then_crash() -> None:
        async with db.transaction():
            result = await db.articles.upsert_many(source.id, [make_draft(9)], fetched_at=NOW)
            await db.outbox.add_many((article_id, channels[0]) for article_id in result.inserted)
            raise Crash

    with pytest.raises(Crash):
        await ingest_then_crash()
    assert await db.articles.count() == 3
    assert await db.outbox.pending_count() == 0

    async with db.transaction():
        result = await db.articles.upsert_many(source.id, [make_draft(9)], fetched_at=NOW)
        await db.outbox.add_many((article_id, channels[0]) for article_id in result.inserted)
    assert await db.articles.count() == 4
    assert await db.outbox.pending_count() == 1
