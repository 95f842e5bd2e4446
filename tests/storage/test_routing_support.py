"""Storage that routing needs: a source's backfill (migration 2) and stories already queued."""

from __future__ import annotations

import pytest

from news.entities import OutboxState
from storage import Database
from tests.storage.conftest import NOW, DraftFactory


async def test_backfill_defaults_to_zero_and_is_kept(db: Database) -> None:
    plain = await db.sources.add("https://feeds.example/plain.xml")
    assert plain.backfill == 0
    eager = await db.sources.add("https://feeds.example/eager.xml", backfill=5)
    assert eager.backfill == 5
    assert (await db.sources.get(eager.id)).backfill == 5
    assert [s.backfill for s in await db.sources.list()] == [0, 5]


async def test_negative_backfill_is_refused(db: Database) -> None:
    with pytest.raises(ValueError, match="backfill"):
        await db.sources.add("https://feeds.example/plain.xml", backfill=-1)
    assert await db.sources.list() == []


async def test_queued_stories_finds_near_duplicates_queued_or_sent(
    db: Database, make_draft: DraftFactory
) -> None:
    wire = await db.sources.add("https://wire.example/rss")
    paper = await db.sources.add("https://paper.example/rss")
    first = await db.articles.upsert_many(
        wire.id, [make_draft(1), make_draft(2), make_draft(3)], fetched_at=NOW
    )
    # the paper's copy of story 1 (same SimHash, another URL) joins that story
    copy = await db.articles.upsert_many(
        paper.id,
        [make_draft(9, guid="p-1", url="https://paper.example/1", simhash=make_draft(1).simhash)],
        fetched_at=NOW,
    )
    story_one = (await db.articles.get(copy.inserted[0])).story_id
    assert story_one == first.inserted[0]
    news, sport = (await db.channels.add(-1001)).id, (await db.channels.add(-1002)).id
    one, two, three = first.inserted
    await db.outbox.add_many([(one, news), (two, news), (three, sport)], now=NOW)
    [three_item] = await db.outbox.for_article(three)
    claimed = await db.outbox.claim_next(sport, now=NOW)
    assert claimed is not None
    await db.outbox.mark_failed(three_item.id, error="Bad Request: chat not found")
    [two_item] = await db.outbox.for_article(two)
    await db.outbox.claim_next(news, now=NOW)
    await db.outbox.claim_next(news, now=NOW)
    sent = await db.outbox.mark_sent(two_item.id, message_id=7, sent_at=NOW)
    assert sent.state is OutboxState.SENT

    found = await db.outbox.queued_stories([story_one, two, three], [news, sport])

    # sending (story one) and sent (two) count; failed for good (three) does not
    assert found == {(story_one, news), (two, news)}
    assert await db.outbox.queued_stories([story_one], [sport]) == set()
    assert await db.outbox.queued_stories([], [news]) == set()
    assert await db.outbox.queued_stories([story_one], []) == set()
