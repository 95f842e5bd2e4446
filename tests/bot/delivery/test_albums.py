"""Albums end to end on the emulator: an article with several images posts as a media group
with its caption on the first photo and its buttons on a follow-up; images Telegram refuses
fall back to the text post; the album is one unit of the outbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.services.ingest import Ingestor
from emulator import RunningEmulator
from news.entities import Channel, ChannelStyle, OutboxState, PostedAs, RouteOptions, Source
from news.fetch import Fetcher, FetchPolicy
from news.models import DocumentKind, ParsedDocument, ParsedEntry
from news.render import SAVE_LABEL, SHARE_LABEL
from tests.bot.delivery.conftest import NewsWorld, article_id_of, draft
from tests.support.feedserver import FeedServer
from tests.support.imageserver import serve_bad_images, serve_images

LEDE = "The lock keepers reopened the canal after the dredging finished early."


@pytest.fixture
async def images() -> AsyncIterator[FeedServer]:
    """An image server on 127.0.0.1 (the emulator fetches photo URLs from it)."""
    async with FeedServer() as server:
        yield server


@pytest.fixture
async def ingestor(world: NewsWorld) -> AsyncIterator[Ingestor]:
    """A real ingestor over the world's database (documents are handed to it directly)."""
    async with Fetcher(FetchPolicy(timeout_seconds=5)) as fetcher:
        yield Ingestor(world.db, fetcher, max_failures=3, default_interval_seconds=300)


def gallery_feed(title: str, image_urls: list[str]) -> ParsedDocument:
    """A feed with one article of our own writing and its images."""
    entry = ParsedEntry(
        guid="canal-1",
        url="https://canal.example/reopened",
        title=title,
        content=f"<p>{LEDE}</p>",
        published_at=datetime(2026, 11, 30, 8, 0, tzinfo=UTC),
        image_url=image_urls[0] if image_urls else None,
        image_urls=image_urls,
    )
    return ParsedDocument(DocumentKind.RSS, title="Canal News", entries=[entry])


async def routed_source(world: NewsWorld, channel: Channel) -> Source:
    """A source routed to the channel, whose first fetch is posted too."""
    source = await world.db.sources.add("https://canal.example/feed.xml", backfill=5)
    await world.db.channels.route(source.id, channel.id)
    return await world.db.sources.get(source.id)


async def test_article_with_images_posts_an_album_then_its_buttons(
    world: NewsWorld, ingestor: Ingestor, images: FeedServer, make_publisher
):
    urls = serve_images(images, 3)
    channel = await world.add_channel("Canal Pictures", style=ChannelStyle.PHOTO)
    source = await routed_source(world, channel)
    await ingestor.store_document(source, gallery_feed("Canal reopens", urls))

    async with make_publisher() as publisher:
        await world.wait_until_settled()

    *photos, follow_up = await world.posts(channel)
    assert [p.photo_url for p in photos] == urls
    assert len({p.media_group_id for p in photos}) == 1
    assert photos[0].media_group_id is not None
    assert photos[0].caption is not None
    assert photos[0].caption.startswith("Canal reopens\n\n" + LEDE)
    assert [p.caption for p in photos[1:]] == [None, None]
    assert all(p.reply_markup is None for p in photos)  # an album carries no buttons
    assert follow_up.text == source.name  # the source's name, linked to the article
    assert follow_up.entities[0]["url"] == "https://canal.example/reopened"
    assert follow_up.button_texts == [SAVE_LABEL, SHARE_LABEL]
    assert follow_up.reply_to_message_id == photos[0].message_id
    [row] = await world.rows()
    assert row.state is OutboxState.SENT
    assert row.posted_as is PostedAs.CAPTION
    assert row.message_id == photos[0].message_id
    assert row.album == tuple(urls)
    assert row.album_message_ids == tuple(p.message_id for p in photos)
    assert row.buttons_message_id == follow_up.message_id
    assert publisher.stats.sent == 1
    found = await world.db.outbox.find_posted(channel.id, follow_up.message_id)
    assert found is not None
    assert found.id == row.id


async def test_a_single_image_is_a_photo_post_with_its_buttons(
    world: NewsWorld, ingestor: Ingestor, images: FeedServer, make_publisher
):
    urls = serve_images(images, 1)
    channel = await world.add_channel("Canal Pictures", style=ChannelStyle.PHOTO)
    source = await routed_source(world, channel)
    await ingestor.store_document(source, gallery_feed("Canal reopens", urls))

    async with make_publisher():
        await world.wait_until_settled()

    [post] = await world.posts(channel)
    assert post.photo_url == urls[0]
    assert post.media_group_id is None
    assert post.button_texts == [SAVE_LABEL, SHARE_LABEL]
    [row] = await world.rows()
    assert (row.album, row.album_message_ids, row.buttons_message_id) == ((), (), None)


@pytest.mark.parametrize("kind", ["page", "huge", "broken", "missing", "unreachable"])
async def test_an_image_telegram_refuses_falls_back_to_the_text_post(
    world: NewsWorld,
    ingestor: Ingestor,
    images: FeedServer,
    emulator: RunningEmulator,
    make_publisher,
    kind: str,
):
    good = serve_images(images, 2)
    bad = serve_bad_images(images)[kind]
    album_channel = await world.add_channel("Albums", style=ChannelStyle.PHOTO)
    photo_channel = await world.add_channel("Photos", style=ChannelStyle.PHOTO)
    album_ids = await world.add_articles([draft(1, image_url=good[0])])
    await world.db.articles.upsert_many(
        world.source.id if world.source else 0,
        [_with_images(1, [good[0], bad, good[1]])],
        fetched_at=datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
    )
    photo_ids = await world.add_articles([draft(2, image_url=bad)])
    await world.queue(album_ids, [album_channel])
    await world.queue(photo_ids, [photo_channel])

    async with make_publisher() as publisher:
        await world.wait_until_settled()

    for channel, article_id in ((album_channel, album_ids[0]), (photo_channel, photo_ids[0])):
        [post] = await world.posts(channel)
        assert post.text is not None, f"{channel.title}: not a text post"
        assert article_id_of(post) == article_id
    rows = await world.rows()
    assert [(r.state, r.posted_as) for r in rows] == [(OutboxState.SENT, PostedAs.TEXT)] * 2
    assert publisher.stats.failed == 0
    assert (await emulator.client.stats()).calls.get("sendMediaGroup") == 1


def _with_images(number: int, urls: list[str]):
    """The draft `number` of the delivery tests, changed to carry these images."""
    changed = draft(number, title=f"Ferry number {number} photographed", image_url=urls[0])
    changed.image_urls = urls
    return changed


async def test_a_follow_up_that_fails_is_sent_again_without_the_album(
    world: NewsWorld,
    ingestor: Ingestor,
    images: FeedServer,
    emulator: RunningEmulator,
    make_publisher,
):
    urls = serve_images(images, 4)
    channel = await world.add_channel("Canal Pictures", style=ChannelStyle.PHOTO)
    source = await routed_source(world, channel)
    await ingestor.store_document(source, gallery_feed("Canal reopens", urls))
    await emulator.client.add_fault("sendMessage", times=2)  # 500 twice: retried

    async with make_publisher():
        await world.wait_until_settled()

    *photos, follow_up = await world.posts(channel)
    assert len(photos) == 4  # one album, never sent again
    assert follow_up.button_texts == [SAVE_LABEL, SHARE_LABEL]
    stats = await emulator.client.stats()
    assert stats.calls.get("sendMediaGroup") == 1
    assert stats.calls.get("sendMessage") == 3
    [row] = await world.rows()
    assert (row.state, row.attempts, row.buttons_message_id) == (
        OutboxState.SENT,
        3,
        follow_up.message_id,
    )


async def test_a_refused_follow_up_leaves_the_album_posted_without_buttons(
    world: NewsWorld,
    ingestor: Ingestor,
    images: FeedServer,
    emulator: RunningEmulator,
    make_publisher,
):
    urls = serve_images(images, 2)
    channel = await world.add_channel("Canal Pictures", style=ChannelStyle.PHOTO)
    source = await routed_source(world, channel)
    await ingestor.store_document(source, gallery_feed("Canal reopens", urls))
    await emulator.client.add_fault(
        "sendMessage", error_code=400, description="Bad Request: can't parse entities"
    )

    async with make_publisher():
        await world.wait_until_settled()

    photos = await world.posts(channel)
    assert len(photos) == 2
    [row] = await world.rows()
    assert (row.state, row.message_id, row.buttons_message_id) == (
        OutboxState.SENT,
        photos[0].message_id,
        None,
    )


async def test_a_changed_article_edits_the_album_caption_in_place(
    world: NewsWorld, ingestor: Ingestor, images: FeedServer, make_publisher
):
    urls = serve_images(images, 3)
    channel = await world.add_channel("Canal Pictures", style=ChannelStyle.PHOTO)
    source = await routed_source(world, channel)
    await ingestor.store_document(source, gallery_feed("Canal reopens", urls))

    async with make_publisher() as publisher:
        await world.wait_until_settled()
        await ingestor.store_document(source, gallery_feed("Canal reopens a week early", urls))
        publisher.wake()
        await world.wait_until_edited()

    first, *_, follow_up = await world.posts(channel)
    assert first.caption is not None
    assert first.caption.startswith("Canal reopens a week early\n\n")
    assert [edit["caption"].split("\n")[0] for edit in first.edits] == ["Canal reopens"]
    assert first.reply_markup is None
    assert follow_up.edits == []  # the follow-up names the source: nothing to change
    assert publisher.stats.edited == 1


async def test_albums_are_paced_as_their_photos_without_a_429(
    world: NewsWorld, images: FeedServer, emulator: RunningEmulator, make_publisher
):
    urls = serve_images(images, 10)
    channel = await world.add_channel("Canal Pictures", style=ChannelStyle.PHOTO)
    drafts = [_with_images(n, urls[: 2 + n]) for n in range(1, 7)]  # 3 to 8 photos
    ids = await world.add_articles(drafts)
    await world.queue(ids, [channel])

    async with make_publisher():
        await world.wait_until_settled(within=60)

    posts = await world.posts(channel)
    assert len(posts) == sum(3 + n for n in range(1, 7))  # 33 photos + 6 follow-ups
    assert [article_id_of(p) for p in posts if p.text is not None] == ids
    assert (await emulator.client.stats()).too_many_requests == 0


async def test_an_album_and_its_follow_up_go_to_the_route_topic_silently(
    world: NewsWorld, images: FeedServer, make_publisher
):
    urls = serve_images(images, 2)
    chat = await world.emulator.client.create_group(
        "Harbour Forum", bot_status="administrator", bot_rights={}, forum=True
    )
    channel = await world.db.channels.add(chat.id, title="Forum", style=ChannelStyle.PHOTO)
    topic = await world.emulator.client.open_topic(chat.id, "Ferries")
    [article_id] = await world.add_articles([_with_images(1, urls)])
    assert world.source is not None
    route = await world.db.channels.route(world.source.id, channel.id)
    await world.db.channels.set_route_options(
        route.id, RouteOptions(topic_id=topic, topic_name="Ferries", silent=True)
    )
    await world.queue([article_id], [channel])

    async with make_publisher():
        await world.wait_until_settled()

    posts = [p for p in await world.posts(channel) if p.photo_url or p.button_texts]
    assert [p.photo_url for p in posts[:2]] == urls
    assert posts[2].button_texts == [SAVE_LABEL, SHARE_LABEL]
    assert [p.message_thread_id for p in posts] == [topic] * 3
    assert all(p.disable_notification for p in posts)
