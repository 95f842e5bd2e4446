"""Route options end to end on the emulator: template, link preview, silent, forum topics
(a closed topic told to admins once, never retried) and quiet hours on an injected clock."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.delivery.publisher import Publisher
from emulator import RunningEmulator
from news.entities import Channel, LinkPreview, OutboxState, QuietHours, RouteOptions
from storage import Database
from tests.bot.delivery.conftest import FAST, NewsWorld, draft, wait_for_calls
from tests.support.waiting import eventually

BOT_POSTS_IN_CLOSED_TOPICS = {"can_manage_topics": True}


async def route_all(world: NewsWorld, channel: Channel, options: RouteOptions) -> int:
    """Route the world's source to a channel with options; return the route id."""
    assert world.source is not None
    route = await world.db.channels.route(world.source.id, channel.id)
    await world.db.channels.set_route_options(route.id, options)
    return route.id


async def forum(world: NewsWorld, *, rights: dict | None = None) -> tuple[Channel, int]:
    """A forum supergroup registered as a channel, with an open topic; (channel, topic)."""
    chat = await world.emulator.client.create_group(
        "Harbour Forum", bot_status="administrator", bot_rights=rights or {}, forum=True
    )
    channel = await world.db.channels.add(chat.id, title="Harbour Forum")
    topic = await world.emulator.client.open_topic(chat.id, "Ferries")
    return channel, topic


async def test_template_large_preview_and_silence_reach_the_message(
    world: NewsWorld, make_publisher
):
    channel = await world.add_channel("Harbour News")
    [article_id] = await world.add_articles(
        [draft(1, title="Night ferry <returns>", summary="The ramp was repaired.")]
    )
    await route_all(
        world,
        channel,
        RouteOptions(
            template='<b>{title}</b>\\n{lede}\\n<a href="{link}">{source}</a> {tags}',
            link_preview=LinkPreview.LARGE,
            silent=True,
        ),
    )
    await world.queue([article_id], [channel])

    async with make_publisher():
        await world.wait_until_settled()

    [post] = await world.posts(channel)
    assert post.text == "Night ferry <returns>\nThe ramp was repaired.\nharbour.example #Harbour"
    assert "bold" in post.entity_types
    assert post.disable_notification
    assert post.link_preview_options == {
        "url": "https://harbour.example/ferry/1",
        "prefer_large_media": True,
        "show_above_text": True,
    }
    assert post.button_texts  # the Save and Share buttons stay under a templated post


async def test_link_preview_off_and_default_notifications(world: NewsWorld, make_publisher):
    channel = await world.add_channel("Harbour News")
    [article_id] = await world.add_articles([draft(1)])
    await route_all(world, channel, RouteOptions(link_preview=LinkPreview.OFF))
    await world.queue([article_id], [channel])

    async with make_publisher():
        await world.wait_until_settled()

    [post] = await world.posts(channel)
    assert post.link_preview_options == {"is_disabled": True}
    assert not post.disable_notification
    assert post.text.startswith("Ferry number 1 sails on the winter route")


async def test_posts_go_to_the_route_topic(world: NewsWorld, make_publisher):
    channel, topic = await forum(world)
    ids = await world.add_articles([draft(1), draft(2)])
    await route_all(world, channel, RouteOptions(topic_id=topic, topic_name="Ferries"))
    await world.queue(ids, [channel])

    async with make_publisher():
        await world.wait_until_settled()

    posts = [p for p in await world.posts(channel) if p.text]
    assert [p.message_thread_id for p in posts] == [topic, topic]
    assert all(p.raw.get("is_topic_message") for p in posts)


async def test_a_closed_topic_is_told_to_admins_once_and_not_retried(
    world: NewsWorld, make_publisher, emulator: RunningEmulator
):
    client = emulator.client
    admin = await client.create_user("Ada")
    await client.send_message(admin.id, "/start")
    channel, topic = await forum(world)  # the bot may not manage topics: closed is closed
    ids = await world.add_articles([draft(1), draft(2), draft(3)])
    route_id = await route_all(world, channel, RouteOptions(topic_id=topic, topic_name="Ferries"))
    await world.queue(ids[:1], [channel])

    async with make_publisher(admin_ids=[admin.id]) as publisher:
        await world.wait_until_settled()
        await client.set_topic_state(channel.chat_id, topic, "closed")
        await world.queue(ids[1:], [channel])
        publisher.wake()
        await world.wait_until_settled()
        await client.wait_for_messages(admin.id, 1)

    rows = await world.rows()
    assert [r.state for r in rows] == [OutboxState.SENT, OutboxState.FAILED, OutboxState.FAILED]
    assert rows[1].last_error == "BadRequest: Topic_closed"
    assert rows[2].last_error == rows[1].last_error
    assert rows[2].attempts == 1  # failed without a send
    assert (await client.stats()).calls["sendMessage"] == 3  # /start answer aside: 1 + 1
    [notice] = [m for m in await client.messages(admin.id, from_bot=True) if "topic" in m.text]
    assert "“Ferries”" in notice.text
    assert f"/setroute {route_id} topic={topic}" in notice.text
    route = await world.db.channels.get_route(route_id)
    assert route.topic_error == "BadRequest: Topic_closed"

    # the admin reopens the topic and sets it again: posts flow again
    await client.set_topic_state(channel.chat_id, topic, "open")
    await world.db.channels.set_route_options(route_id, route.options)
    [article_id] = await world.add_articles([draft(4)])
    await world.queue([article_id], [channel])
    async with make_publisher(admin_ids=[admin.id]):
        await world.wait_until_settled()
    assert (await world.rows())[-1].state is OutboxState.SENT


async def test_a_deleted_topic_is_not_found(world: NewsWorld, make_publisher, emulator):
    channel, topic = await forum(world, rights=BOT_POSTS_IN_CLOSED_TOPICS)
    [article_id] = await world.add_articles([draft(1)])
    await route_all(world, channel, RouteOptions(topic_id=topic))
    await emulator.client.set_topic_state(channel.chat_id, topic, "deleted")
    await world.queue([article_id], [channel])

    async with make_publisher():
        await world.wait_until_settled()

    [row] = await world.rows()
    assert row.state is OutboxState.FAILED
    assert row.last_error == "BadRequest: Message thread not found"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def test_quiet_hours_hold_posts_then_they_go_paced(
    world: NewsWorld, db: Database, tg_bot, pacer, emulator: RunningEmulator
):
    channel = await world.add_channel("Harbour News")
    await db.channels.set_schedule(
        channel.id, timezone="Europe/Berlin", quiet_hours=QuietHours(23, 7)
    )
    ids = await world.add_articles([draft(n) for n in range(1, 5)])
    await world.queue(ids, [channel])
    clock = Clock(datetime(2026, 12, 7, 22, 30, tzinfo=UTC))  # 23:30 in Berlin

    publisher = Publisher(tg_bot, db, pacer, FAST, clock=clock)
    # Once (in one CI run of thousands) this test never ended; a bound turns such a hang
    # into a failure with its traceback instead of a run that waits forever.
    async with asyncio.timeout(90), publisher:
        await eventually(lambda: _looked(publisher, 3), what="three looks for work")
        assert await world.posts(channel) == []
        clock.now = datetime(2026, 12, 8, 5, 59, tzinfo=UTC)  # 06:59: still quiet
        publisher.wake()
        await eventually(lambda: _looked(publisher, 6), what="three more looks")
        assert await world.posts(channel) == []
        clock.now += timedelta(minutes=1)  # 07:00 in Berlin
        publisher.wake()
        await wait_for_calls(emulator, "sendMessage", len(ids), within=20)
        await world.wait_until_settled()

    posts = await world.posts(channel)
    assert [p.text.split("\n")[0] for p in posts] == [
        f"Ferry number {n} sails on the winter route" for n in range(1, 5)
    ]
    assert (await emulator.client.stats()).too_many_requests == 0


async def _looked(publisher: Publisher, times: int) -> bool:
    """Tell whether the publisher has looked for work `times` times."""
    return publisher.looks >= times
