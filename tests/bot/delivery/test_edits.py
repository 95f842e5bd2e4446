"""An article that changes after it was posted has its channel message edited in place."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.services.ingest import Ingestor
from emulator import RunningEmulator
from news.entities import Channel, ChannelStyle, OutboxState, PostedAs, Source
from news.fetch import Fetcher, FetchPolicy
from news.models import DocumentKind, ParsedDocument, ParsedEntry
from tests.bot.delivery.conftest import NewsWorld

LEDE = "The lock keepers reopened the canal after the dredging finished early."
TAIL = "Boat owners were asked to keep to the posted speed limit near the weir."


def canal_feed(title: str, *, lede: str = LEDE, tail: str = TAIL) -> ParsedDocument:
    """A feed with one article of our own writing (its lede is its first paragraph)."""
    entry = ParsedEntry(
        guid="canal-1",
        url="https://canal.example/reopened",
        title=title,
        content=f"<p>{lede}</p><p>{tail}</p>",
        published_at=datetime(2026, 11, 30, 8, 0, tzinfo=UTC),
        image_url="https://canal.example/lock.jpg",
    )
    return ParsedDocument(DocumentKind.RSS, title="Canal News", entries=[entry])


@pytest.fixture
async def ingestor(world: NewsWorld) -> AsyncIterator[Ingestor]:
    """A real ingestor over the world's database (documents are handed to it directly)."""
    async with Fetcher(FetchPolicy(timeout_seconds=5)) as fetcher:
        yield Ingestor(world.db, fetcher, max_failures=3, default_interval_seconds=300)


async def routed_source(world: NewsWorld, *channels: Channel) -> Source:
    """A source routed to the channels, whose first fetch is posted too."""
    source = await world.db.sources.add("https://canal.example/feed.xml", backfill=5)
    for channel in channels:
        await world.db.channels.route(source.id, channel.id)
    return await world.db.sources.get(source.id)


async def test_changed_title_edits_the_text_post_instead_of_posting_again(
    world: NewsWorld, ingestor: Ingestor, make_publisher
):
    channel = await world.add_channel("Canal")
    source = await routed_source(world, channel)
    await ingestor.store_document(source, canal_feed("Canal reopens"))

    async with make_publisher() as publisher:
        await world.wait_until_settled()
        [before] = await world.posts(channel)
        await ingestor.store_document(source, canal_feed("Canal reopens a week early"))
        publisher.wake()
        await world.wait_until_edited()

    [post] = await world.posts(channel)
    assert post.message_id == before.message_id
    assert post.text is not None
    assert post.text.startswith("Canal reopens a week early\n\n" + LEDE)
    assert [edit["text"].split("\n")[0] for edit in post.edits] == ["Canal reopens"]
    assert publisher.stats.edited == 1
    [row] = await world.rows()
    assert (row.state, row.message_id, row.last_error) == (OutboxState.SENT, post.message_id, None)


async def test_changed_lede_edits_the_caption_of_a_photo_post(
    world: NewsWorld, ingestor: Ingestor, make_publisher
):
    channel = await world.add_channel("Canal Pictures", style=ChannelStyle.PHOTO)
    source = await routed_source(world, channel)
    await ingestor.store_document(source, canal_feed("Canal reopens"))

    async with make_publisher():
        await world.wait_until_settled()
        new_lede = "Barges queued overnight at the top lock before the gates opened."
        await ingestor.store_document(source, canal_feed("Canal reopens", lede=new_lede))
        await world.wait_until_edited()

    [post] = await world.posts(channel)
    assert post.raw.get("photo")
    assert post.caption is not None
    assert post.caption.startswith(f"Canal reopens\n\n{new_lede}")
    assert len(post.edits) == 1
    [row] = await world.rows()
    assert row.posted_as is PostedAs.CAPTION


async def test_change_that_does_not_show_in_the_post_makes_no_call(
    world: NewsWorld, ingestor: Ingestor, emulator: RunningEmulator, make_publisher
):
    channel = await world.add_channel("Canal")
    source = await routed_source(world, channel)
    await ingestor.store_document(source, canal_feed("Canal reopens"))

    async with make_publisher() as publisher:
        await world.wait_until_settled()
        # Only the second paragraph changed: the article is updated, its post is not.
        await ingestor.store_document(source, canal_feed("Canal reopens", tail="Fees rise."))
        assert any(row.edit_requested_at for row in await world.rows())
        await world.wait_until_edited()

    [post] = await world.posts(channel)
    assert post.edits == []
    assert (await emulator.client.stats()).calls.get("editMessageText", 0) == 0
    assert publisher.stats.edited == 0


async def test_deleted_post_gives_up_its_edit_and_is_not_posted_again(
    world: NewsWorld, ingestor: Ingestor, emulator: RunningEmulator, make_publisher
):
    channel = await world.add_channel("Canal")
    source = await routed_source(world, channel)
    await ingestor.store_document(source, canal_feed("Canal reopens"))

    async with make_publisher():
        await world.wait_until_settled()
        [post] = await world.posts(channel)
        await emulator.client.delete_message(channel.chat_id, post.message_id)
        await ingestor.store_document(source, canal_feed("Canal reopens at last"))
        await world.wait_until_edited()

    assert [p.deleted for p in await emulator.client.messages(channel.chat_id)] == [True]
    [row] = await world.rows()
    assert row.state is OutboxState.SENT
    assert row.last_error == "BadRequest: Message to edit not found"


async def test_article_changed_before_its_post_went_out_is_posted_as_it_is_now(
    world: NewsWorld, ingestor: Ingestor, make_publisher
):
    channel = await world.add_channel("Canal")
    source = await routed_source(world, channel)
    await ingestor.store_document(source, canal_feed("Canal reopens"))
    await ingestor.store_document(source, canal_feed("Canal reopens on Monday"))

    async with make_publisher() as publisher:
        await world.wait_until_settled()

    [post] = await world.posts(channel)
    assert post.text is not None
    assert post.text.startswith("Canal reopens on Monday\n")
    assert post.edits == []
    assert publisher.stats.edited == 0
