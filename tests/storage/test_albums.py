"""Albums in storage: an article's images in order, and an outbox row posted as a media group
(its photo URLs and message ids recorded before its follow-up, kept across a restart)."""

from __future__ import annotations

from dataclasses import replace

from news.entities import OutboxState, PostedAs
from storage import Database
from tests.storage.conftest import NOW, DraftFactory

IMAGES = tuple(f"https://img.example/quay-{n}.jpg" for n in range(1, 4))


async def test_article_images_round_trip_in_order_and_follow_an_update(
    db: Database, make_draft: DraftFactory
) -> None:
    source = await db.sources.add("https://feeds.example/world.xml")
    first = make_draft(1, image_urls=list(IMAGES))
    plain = make_draft(2)
    result = await db.articles.upsert_many(source.id, [first, plain], fetched_at=NOW)
    stored = await db.articles.get_many(result.inserted)
    assert [a.image_urls for a in stored] == [IMAGES, ()]

    changed = replace(first, title=first.title + " (updated)", image_urls=[IMAGES[2], IMAGES[0]])
    changed = replace(changed, content_hash=changed.content_hash + "x")
    update = await db.articles.upsert_many(source.id, [changed], fetched_at=NOW)
    assert update.updated == (stored[0].id,)
    assert (await db.articles.get(stored[0].id)).image_urls == (IMAGES[2], IMAGES[0])


async def test_album_posted_then_follow_up_sent(db: Database, make_draft: DraftFactory) -> None:
    source = await db.sources.add("https://feeds.example/world.xml")
    [article_id] = (
        await db.articles.upsert_many(source.id, [make_draft(1)], fetched_at=NOW)
    ).inserted
    channel = await db.channels.add(-1001)
    await db.outbox.add_many([(article_id, channel.id)], now=NOW)
    claimed = await db.outbox.claim_next(channel.id, now=NOW)
    assert claimed is not None
    assert not claimed.album_posted

    posted = await db.outbox.mark_album_posted(claimed.id, album=IMAGES, message_ids=[7, 8, 9])
    assert posted.state is OutboxState.SENDING  # the follow-up is still due
    assert posted.album == IMAGES
    assert posted.album_message_ids == (7, 8, 9)
    assert posted.message_id == 7
    assert posted.album_posted
    assert (await db.outbox.find_posted(channel.id, 7)) is not None

    sent = await db.outbox.mark_sent(
        claimed.id, message_id=7, posted_as=PostedAs.CAPTION, buttons_message_id=10, sent_at=NOW
    )
    assert sent.state is OutboxState.SENT
    assert (sent.message_id, sent.buttons_message_id) == (7, 10)
    assert sent.album_message_ids == (7, 8, 9)
    found = await db.outbox.find_posted(channel.id, 10)  # a forward of the follow-up
    assert found is not None
    assert found.id == claimed.id


async def test_a_restart_after_the_album_keeps_it_for_the_follow_up(
    db: Database, make_draft: DraftFactory
) -> None:
    source = await db.sources.add("https://feeds.example/world.xml")
    [article_id] = (
        await db.articles.upsert_many(source.id, [make_draft(1)], fetched_at=NOW)
    ).inserted
    channel = await db.channels.add(-1001)
    await db.outbox.add_many([(article_id, channel.id)], now=NOW)
    claimed = await db.outbox.claim_next(channel.id, now=NOW)
    assert claimed is not None
    await db.outbox.mark_album_posted(claimed.id, album=IMAGES[:2], message_ids=[3, 4])

    assert await db.outbox.reset_sending_on_start() == 1
    again = await db.outbox.claim_next(channel.id, now=NOW)
    assert again is not None
    assert again.id == claimed.id
    assert again.album_posted
    assert again.album == IMAGES[:2]
    assert again.album_message_ids == (3, 4)
    assert again.buttons_message_id is None
