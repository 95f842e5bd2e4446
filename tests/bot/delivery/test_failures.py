"""The publisher under Telegram's errors: 429, 5xx, lost connections, 400, 403."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

import bot.delivery.publisher as publisher_module
from emulator import RunningEmulator
from news.entities import ChannelStyle, OutboxState, PostedAs
from news.render.routed import render_routed
from tests.bot.delivery.conftest import FAST, NewsWorld, article_id_of, draft, wait_for_calls


async def delivered(world: NewsWorld, channel) -> Counter[int]:
    """Count the posts of each article in a channel."""
    return Counter(article_id_of(post) for post in await world.posts(channel))


async def test_429_is_waited_out_and_everything_is_delivered_once(
    world: NewsWorld, emulator: RunningEmulator, make_publisher
):
    channel = await world.add_channel("Flooded")
    ids = await world.add_articles([draft(n) for n in range(1, 6)])
    await world.queue(ids, [channel])
    await emulator.client.add_fault(
        "sendMessage",
        error_code=429,
        description="Too Many Requests: retry after 1",
        retry_after=1,
        times=2,
    )

    async with make_publisher() as publisher:
        await world.wait_until_settled(within=10)

    assert await delivered(world, channel) == Counter(ids)
    assert [article_id_of(post) for post in await world.posts(channel)] == ids
    assert publisher.stats.flood_waits == 2
    rows = await world.rows()
    assert all(row.state is OutboxState.SENT for row in rows)
    assert rows[0].attempts == 1  # a flood wait does not count as an attempt


async def test_server_errors_are_retried_without_duplicates(
    world: NewsWorld, emulator: RunningEmulator, make_publisher
):
    channel = await world.add_channel("Shaky")
    ids = await world.add_articles([draft(n) for n in range(1, 7)])
    await world.queue(ids, [channel])
    client = emulator.client
    await client.add_fault("sendMessage", error_code=502, description="Bad Gateway", times=2)
    await client.add_fault("sendMessage", error_code=500, description="Internal Server Error")

    async with make_publisher() as publisher:
        await world.wait_until_settled(within=10)

    assert await delivered(world, channel) == Counter(ids)
    assert (publisher.stats.retried, publisher.stats.uncertain) == (3, 0)
    rows = await world.rows()
    assert all(row.state is OutboxState.SENT for row in rows)
    assert rows[0].attempts == 4


async def test_connection_lost_before_the_call_ran_is_retried_and_posted_once(
    world: NewsWorld, emulator: RunningEmulator, make_publisher
):
    channel = await world.add_channel("Dropped")
    ids = await world.add_articles([draft(1), draft(2)])
    await world.queue(ids, [channel])
    await emulator.client.add_fault("sendMessage", "drop")

    async with make_publisher() as publisher:
        await world.wait_until_settled(within=10)

    # The bot cannot tell this from an answer lost after posting: the outcome was unknown.
    assert publisher.stats.uncertain == 1
    assert await delivered(world, channel) == Counter(ids)


async def test_lost_answer_is_retried_at_the_risk_of_one_duplicate(
    world: NewsWorld, emulator: RunningEmulator, make_publisher
):
    channel = await world.add_channel("Lossy")
    ids = await world.add_articles([draft(1), draft(2)])
    await world.queue(ids, [channel])
    await emulator.client.add_fault("sendMessage", "drop_after")  # posted, answer lost

    async with make_publisher() as publisher:
        await world.wait_until_settled(within=10)

    assert await delivered(world, channel) == Counter({ids[0]: 2, ids[1]: 1})
    assert publisher.stats.uncertain == 1
    assert [row.state for row in await world.rows()] == [OutboxState.SENT] * 2


async def test_transient_failures_give_up_after_max_attempts(
    world: NewsWorld, emulator: RunningEmulator, make_publisher
):
    channel = await world.add_channel("Broken")
    ids = await world.add_articles([draft(1), draft(2)])
    await world.queue(ids, [channel])
    await emulator.client.add_fault("sendMessage", error_code=503, times=3)

    async with make_publisher(config=replace(FAST, max_attempts=3)) as publisher:
        await world.wait_until_settled(within=10)

    first, second = await world.rows()
    assert (first.state, first.attempts) == (OutboxState.FAILED, 3)
    assert first.last_error is not None
    assert first.last_error.startswith("TRANSIENT")
    assert second.state is OutboxState.SENT
    assert publisher.stats.failed == 1
    assert await delivered(world, channel) == Counter([ids[1]])


async def test_bad_request_is_recorded_on_the_row_and_the_loop_goes_on(
    world: NewsWorld, emulator: RunningEmulator, make_publisher
):
    channel = await world.add_channel("Picky")
    ids = await world.add_articles([draft(n) for n in range(1, 4)])
    await world.queue(ids, [channel])
    await emulator.client.add_fault(
        "sendMessage", error_code=400, description="Bad Request: can't parse entities"
    )

    async with make_publisher() as publisher:
        await world.wait_until_settled()

    first, *rest = await world.rows()
    assert (first.state, first.attempts) == (OutboxState.FAILED, 1)
    assert first.last_error == "BadRequest: Can't parse entities"
    assert [row.state for row in rest] == [OutboxState.SENT, OutboxState.SENT]
    assert await delivered(world, channel) == Counter(ids[1:])
    assert publisher.stats.failed == 1


async def test_refused_photo_goes_out_as_a_text_post(
    world: NewsWorld, emulator: RunningEmulator, make_publisher
):
    channel = await world.add_channel("Gallery", style=ChannelStyle.PHOTO)
    ids = await world.add_articles([draft(1, image_url="https://harbour.example/broken.jpg")])
    await world.queue(ids, [channel])
    await emulator.client.add_fault(
        "sendPhoto",
        error_code=400,
        description="Bad Request: wrong file identifier/HTTP URL specified",
    )

    async with make_publisher():
        await world.wait_until_settled()

    [post] = await world.posts(channel)
    assert post.text is not None
    assert post.text.startswith("Ferry number 1 sails")
    [row] = await world.rows()
    assert (row.state, row.posted_as) == (OutboxState.SENT, PostedAs.TEXT)


async def test_bot_removed_mid_stream_pauses_the_channel_and_tells_admins_once(
    world: NewsWorld, emulator: RunningEmulator, make_publisher
):
    client = emulator.client
    lost = await world.add_channel("Lost Channel", username="lost_channel")
    kept = await world.add_channel("Kept Channel")
    admin = await client.create_user("Ada")
    await client.send_message(admin.id, "/start")  # an admin who talks to the bot
    stranger = await client.create_user("Sam")  # an admin who never did: cannot be told
    ids = await world.add_articles([draft(n) for n in range(1, 31)])
    await world.queue(ids, [lost, kept])

    async with make_publisher(admin_ids=[admin.id, stranger.id]) as publisher:
        await wait_for_calls(emulator, "sendMessage", 6)
        await client.set_bot_status(lost.chat_id, "kicked")
        await world.wait_until_settled(kept, within=15)

    assert (await world.db.channels.get(lost.id)).paused
    assert not (await world.db.channels.get(kept.id)).paused
    assert await delivered(world, kept) == Counter(ids)
    posted_before = await delivered(world, lost)
    assert 0 < len(posted_before) < len(ids)
    lost_counts = await world.db.outbox.state_counts(lost.id)
    assert lost_counts[OutboxState.PENDING] == len(ids) - len(posted_before)  # kept, not failed
    assert lost_counts[OutboxState.FAILED] == 0
    [notice] = await client.messages(admin.id, from_bot=True)
    assert notice.text is not None
    assert "Lost Channel @lost_channel" in notice.text
    assert "Forbidden: bot was kicked from the channel chat" in notice.text
    assert publisher.stats.channels_paused == 1


async def test_bot_without_posting_rights_pauses_the_channel(
    world: NewsWorld, emulator: RunningEmulator, make_publisher
):
    client = emulator.client
    channel = await world.add_channel("Demoted")
    await client.set_bot_status(channel.chat_id, "member")
    admin = await client.create_user("Ada")
    await client.send_message(admin.id, "/start")
    ids = await world.add_articles([draft(1)])
    await world.queue(ids, [channel])

    async with make_publisher(admin_ids=[admin.id]):
        await client.wait_for_messages(admin.id, 1)

    assert (await world.db.channels.get(channel.id)).paused
    [row] = await world.rows()
    assert (row.state, row.attempts) == (OutboxState.PENDING, 0)
    assert row.last_error is not None
    assert row.last_error == "BadRequest: Need administrator rights in the channel chat"


async def test_article_that_cannot_be_rendered_fails_its_row_only(
    world: NewsWorld, make_publisher, monkeypatch: pytest.MonkeyPatch
):
    channel = await world.add_channel("Careful")
    ids = await world.add_articles([draft(1), draft(2)])
    await world.queue(ids, [channel])

    def render(content, *, style, options):
        if content.article_id == ids[0]:
            raise ValueError("cannot lay this out")
        return render_routed(content, style=style, options=options)

    monkeypatch.setattr(publisher_module, "render_routed", render)
    async with make_publisher() as publisher:
        await world.wait_until_settled()

    broken, fine = await world.rows()
    assert broken.state is OutboxState.FAILED
    assert broken.last_error == "internal error: ValueError('cannot lay this out')"
    assert fine.state is OutboxState.SENT
    assert publisher.stats.failed == 1


async def test_removed_channel_and_article_stop_quietly(world: NewsWorld, make_publisher):
    gone = await world.add_channel("Gone")
    stays = await world.add_channel("Stays")
    ids = await world.add_articles([draft(n) for n in range(1, 4)])
    await world.queue(ids, [gone, stays])
    await world.db.channels.remove(gone.id)

    async with make_publisher() as publisher:
        await world.wait_until_settled()

    assert await world.posts(gone) == []
    assert len(await world.posts(stays)) == 3
    assert publisher.stats.sent == 3
