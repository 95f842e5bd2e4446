"""The publisher end to end on the emulator: content, styles, order, pacing, wake-up, stop."""

from __future__ import annotations

from dataclasses import replace

from emulator import RunningEmulator
from news.entities import ChannelStyle, OutboxState, PostedAs
from news.models import RelatedLink
from news.render import SAVE_LABEL, SHARE_LABEL
from tests.bot.delivery.conftest import FAST, NewsWorld, article_id_of, draft, wait_for_calls
from tests.support.waiting import eventually

CHANNEL_POST_LIMIT = 20  # Telegram: 20 messages per minute to one channel


async def test_channel_gets_the_post_with_text_entities_and_buttons(
    world: NewsWorld, make_publisher
):
    channel = await world.add_channel("Harbour News", username="harbour_news")
    [article_id] = await world.add_articles(
        [
            draft(
                1,
                title="Night ferry returns to Northport",
                summary="The ramp was repaired and the first boat left at nine.",
                related=[RelatedLink("Ramp closed for repairs", "https://harbour.example/ramp")],
            )
        ]
    )
    await world.queue([article_id], [channel])

    async with make_publisher():
        await world.wait_until_settled()

    [post] = await world.posts(channel)
    assert post.text == (
        "Night ferry returns to Northport\n\n"
        "The ramp was repaired and the first boat left at nine.\n\n"
        "harbour.example · 30 Nov 2026 14:05\n"
        "#Harbour\n\n"
        "Also: Ramp closed for repairs"
    )
    links = [e for e in post.entities if e["type"] == "text_link"]
    assert [e["url"] for e in links] == [
        "https://harbour.example/ferry/1",
        "https://harbour.example/ramp",
    ]
    assert "bold" in post.entity_types
    assert "hashtag" in post.entity_types
    assert post.button_texts == [SAVE_LABEL, SHARE_LABEL]
    assert post.callback_data == [f"s1:{article_id}"]
    share = post.buttons[0][1]
    assert share["switch_inline_query"] == f"id:{article_id}"
    [row] = await world.rows()
    assert (row.state, row.message_id, row.posted_as, row.attempts) == (
        OutboxState.SENT,
        post.message_id,
        PostedAs.TEXT,
        1,
    )
    assert row.posted_digest


async def test_photo_channel_sends_a_captioned_photo_or_text_without_an_image(
    world: NewsWorld, make_publisher
):
    channel = await world.add_channel("Harbour Pictures", style=ChannelStyle.PHOTO)
    with_image, without = await world.add_articles(
        [draft(1, image_url="https://harbour.example/ferry.jpg"), draft(2)]
    )
    await world.queue([with_image, without], [channel])

    async with make_publisher():
        await world.wait_until_settled()

    photo, text = await world.posts(channel)
    assert photo.raw.get("photo")
    assert photo.caption is not None
    assert photo.caption.startswith("Ferry number 1 sails")
    assert article_id_of(photo) == with_image
    assert text.text is not None
    assert text.text.startswith("Ferry number 2 sails")
    assert [row.posted_as for row in await world.rows()] == [PostedAs.CAPTION, PostedAs.TEXT]


async def test_compact_channel_gets_title_and_source_only(world: NewsWorld, make_publisher):
    channel = await world.add_channel("Harbour Briefs", style=ChannelStyle.COMPACT)
    ids = await world.add_articles([draft(1)])
    await world.queue(ids, [channel])

    async with make_publisher():
        await world.wait_until_settled()

    [post] = await world.posts(channel)
    assert post.text == "Ferry number 1 sails on the winter route\nharbour.example"


async def test_hostile_titles_are_all_delivered_as_plain_text(world: NewsWorld, make_publisher):
    titles = [
        "<b>Not bold</b> & <a href='x'>not a link</a>",
        "Quotes \"double\" and 'single' & ampersands &amp; entities &lt;",
        "Emoji 🚢🌊 and flags 🇸🇾 with ZWJ 👩‍👩‍👧",
        "عودة العبّارة الليلية إلى الميناء",  # right-to-left
        "\u202eReversed\u202c control and tabs\tand\nnewlines",
        "</i></b></a><pre><code>unbalanced",
    ]
    channel = await world.add_channel("Hostile")
    ids = await world.add_articles(
        [draft(n, title=title) for n, title in enumerate(titles, start=1)]
        + [draft(99, summary="word " * 2000)]  # a 10,000-character lede
    )
    await world.queue(ids, [channel])

    async with make_publisher() as publisher:
        await world.wait_until_settled()

    assert publisher.stats.failed == 0
    posts = await world.posts(channel)
    assert [article_id_of(post) for post in posts] == ids
    assert posts[0].text is not None
    assert posts[0].text.startswith("<b>Not bold</b> & <a href='x'>not a link</a>\n")
    assert posts[3].text is not None
    assert posts[3].text.startswith("عودة العبّارة الليلية إلى الميناء")
    assert posts[-1].text is not None
    assert len(posts[-1].text) < 1000  # the lede was cut for the post


async def test_each_channel_gets_its_posts_in_order_without_flood_errors(
    world: NewsWorld, emulator: RunningEmulator, make_publisher
):
    first = await world.add_channel("First")
    second = await world.add_channel("Second")
    count = CHANNEL_POST_LIMIT * 2 + 5  # more than two windows' worth per channel
    ids = await world.add_articles([draft(n) for n in range(1, count + 1)])
    await world.queue(ids, [first, second])

    async with make_publisher() as publisher:
        await world.wait_until_settled(within=30)

    for channel in (first, second):
        assert [article_id_of(post) for post in await world.posts(channel)] == ids
    stats = await emulator.client.stats()
    assert stats.too_many_requests == 0
    assert publisher.stats.sent == 2 * count
    assert publisher.stats.flood_waits == 0


async def test_new_rows_go_out_when_the_publisher_is_woken(world: NewsWorld, make_publisher):
    channel = await world.add_channel("Woken")
    publisher = make_publisher(config=replace(FAST, poll_seconds=60.0))  # only a wake helps
    async with publisher:
        await eventually(lambda: _at_least(publisher.looks, 1), what="the first look")
        # the first look found nothing; the next is a minute away
        ids = await world.add_articles([draft(1)])
        await world.queue(ids, [channel])
        publisher.wake()
        await world.wait_until_settled(within=3)
    assert len(await world.posts(channel)) == 1


async def test_paused_channel_gets_nothing_until_resumed(world: NewsWorld, make_publisher):
    channel = await world.add_channel("Paused")
    ids = await world.add_articles([draft(1), draft(2)])
    await world.queue(ids, [channel])
    await world.db.channels.set_paused(channel.id, True)

    async with make_publisher() as publisher:
        await eventually(lambda: _at_least(publisher.looks, 2), what="two looks while paused")
        assert await world.posts(channel) == []
        await world.db.channels.set_paused(channel.id, False)
        publisher.wake()
        await world.wait_until_settled()
    assert len(await world.posts(channel)) == 2


async def test_stop_waits_for_the_send_in_flight_and_leaves_nothing_sending(
    world: NewsWorld, emulator: RunningEmulator, make_publisher
):
    channel = await world.add_channel("Slow")
    ids = await world.add_articles([draft(1), draft(2)])
    await world.queue(ids, [channel])
    await emulator.client.add_fault("sendMessage", "hang", hang_seconds=0.5)

    publisher = make_publisher()
    publisher.start()
    await wait_for_calls(emulator, "sendMessage", 1)
    await publisher.stop()  # the hanging send is in flight

    counts = await world.db.outbox.state_counts()
    assert counts[OutboxState.SENDING] == 0
    assert counts[OutboxState.PENDING] == 2  # the lost answer is retried after a restart
    assert counts[OutboxState.SENT] == 0
    [first, _] = await world.rows()
    assert first.last_error is not None
    assert first.last_error.startswith("UNCERTAIN")


async def _at_least(value: int, wanted: int) -> bool:
    """A check for `eventually`: the counter has reached `wanted`."""
    return value >= wanted
