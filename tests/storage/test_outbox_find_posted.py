"""Tracing a channel post (channel, Telegram message id) back to its outbox row."""

from __future__ import annotations

from storage import Database
from tests.storage.conftest import NOW, DraftFactory


async def test_find_posted_matches_channel_and_message_id(
    db: Database, make_draft: DraftFactory
) -> None:
    source = await db.sources.add("https://feeds.example/world.xml")
    result = await db.articles.upsert_many(
        source.id, [make_draft(n) for n in (1, 2)], fetched_at=NOW
    )
    first, second = result.inserted
    channel_a = (await db.channels.add(-101)).id
    channel_b = (await db.channels.add(-102)).id
    await db.outbox.add_many([(first, channel_a), (second, channel_a), (first, channel_b)])
    for channel, message_id in ((channel_a, 7), (channel_a, 8), (channel_b, 7)):
        item = await db.outbox.claim_next(channel)
        assert item is not None
        await db.outbox.mark_sent(item.id, message_id=message_id)

    found = await db.outbox.find_posted(channel_a, 8)
    assert found is not None
    assert (found.article_id, found.channel_id) == (second, channel_a)
    other = await db.outbox.find_posted(channel_b, 7)
    assert other is not None
    assert (other.article_id, other.channel_id) == (first, channel_b)
    assert await db.outbox.find_posted(channel_b, 8) is None
    assert await db.outbox.find_posted(999, 7) is None
