"""Channels and routes."""

from __future__ import annotations

import pytest

from news.entities import ChannelStyle, LinkPreview, QuietHours, RouteOptions
from storage import Database
from storage.errors import AlreadyExistsError, NotFoundError
from tests.storage.conftest import NOW

CHAT = -100_123_456_789


async def test_add_get_and_list(db: Database) -> None:
    channel = await db.channels.add(
        CHAT, title=" Harbour News ", username="@harbour_news", now=NOW
    )
    assert channel.chat_id == CHAT
    assert channel.title == "Harbour News"
    assert channel.username == "harbour_news"
    assert channel.style is ChannelStyle.TEXT
    assert not channel.paused
    assert channel.discussion_chat_id is None
    assert channel.created_at == NOW
    assert await db.channels.get(channel.id) == channel
    assert await db.channels.get_by_chat_id(CHAT) == channel
    assert await db.channels.get_by_chat_id(-1) is None
    assert await db.channels.list() == [channel]


async def test_duplicate_chat_is_refused(db: Database) -> None:
    await db.channels.add(CHAT)
    with pytest.raises(AlreadyExistsError, match=str(CHAT)):
        await db.channels.add(CHAT, title="Again")


async def test_updates(db: Database) -> None:
    channel = await db.channels.add(CHAT)
    assert (await db.channels.set_paused(channel.id, True)).paused
    assert (
        await db.channels.set_style(channel.id, ChannelStyle.PHOTO)
    ).style is ChannelStyle.PHOTO
    info = await db.channels.update_info(channel.id, title="Renamed", username=" ")
    assert (info.title, info.username) == ("Renamed", None)
    linked = await db.channels.set_discussion_chat(channel.id, -100_999)
    assert linked.discussion_chat_id == -100_999
    assert (await db.channels.set_discussion_chat(channel.id, None)).discussion_chat_id is None
    with pytest.raises(NotFoundError):
        await db.channels.set_paused(channel.id + 1, True)
    with pytest.raises(ValueError, match="loud"):
        await db.channels.set_style(channel.id, "loud")  # type: ignore[arg-type]  # bad input under test


async def test_routes(db: Database) -> None:
    source = await db.sources.add("https://feeds.example/world.xml")
    other = await db.sources.add("https://feeds.example/sport.xml")
    channel = await db.channels.add(CHAT)
    route = await db.channels.route(
        source.id,
        channel.id,
        include=["ferry", "Ferry", " "],
        exclude=["advert"],
        tags=["#São Paulo"],
        now=NOW,
    )
    assert route.include == ("ferry",)
    assert route.exclude == ("advert",)
    assert route.tags == ("sao_paulo",)
    assert route.created_at == NOW

    replaced = await db.channels.route(source.id, channel.id, include=["harbour"])
    assert replaced.include == ("harbour",)
    assert replaced.exclude == ()
    assert replaced.created_at == NOW  # the route is the same, its filters changed
    await db.channels.route(other.id, channel.id)

    assert [r.source_id for r in await db.channels.routes_for_channel(channel.id)] == [
        source.id,
        other.id,
    ]
    assert await db.channels.routes_for_source(source.id) == [replaced]
    assert await db.channels.unroute(source.id, channel.id)
    assert not await db.channels.unroute(source.id, channel.id)
    assert await db.channels.routes_for_source(source.id) == []


async def test_route_to_missing_channel_is_not_found(db: Database) -> None:
    source = await db.sources.add("https://feeds.example/world.xml")
    with pytest.raises(NotFoundError):
        await db.channels.route(source.id, 404)


async def test_removing_channel_removes_routes(db: Database) -> None:
    source = await db.sources.add("https://feeds.example/world.xml")
    channel = await db.channels.add(CHAT)
    await db.channels.route(source.id, channel.id)
    await db.channels.remove(channel.id)
    assert await db.channels.routes_for_source(source.id) == []
    with pytest.raises(NotFoundError):
        await db.channels.remove(channel.id)


async def test_routes_have_stable_ids_and_default_options(db: Database) -> None:
    source = await db.sources.add("https://feeds.example/world.xml")
    other = await db.sources.add("https://feeds.example/sport.xml")
    channel = await db.channels.add(CHAT)
    first = await db.channels.route(source.id, channel.id)
    second = await db.channels.route(other.id, channel.id)
    assert first.id < second.id
    assert first.options == RouteOptions()
    assert first.topic_error is None
    # replacing the filters keeps the id
    assert (await db.channels.route(source.id, channel.id, include=["ferry"])).id == first.id
    assert await db.channels.get_route(first.id) == await db.channels.find_route(
        source.id, channel.id
    )
    assert [r.id for r in await db.channels.list_routes()] == [first.id, second.id]
    assert await db.channels.find_route(source.id, channel.id + 1) is None
    with pytest.raises(NotFoundError, match="route"):
        await db.channels.get_route(second.id + 10)
    # an id is never reused after a route is removed
    await db.channels.unroute(other.id, channel.id)
    again = await db.channels.route(other.id, channel.id)
    assert again.id > second.id


async def test_route_options_are_kept_and_filters_leave_them_alone(db: Database) -> None:
    source = await db.sources.add("https://feeds.example/world.xml")
    channel = await db.channels.add(CHAT)
    route = await db.channels.route(source.id, channel.id)
    options = RouteOptions(
        template="<b>{title}</b>\n{link}",
        link_preview=LinkPreview.LARGE,
        silent=True,
        topic_id=42,
        topic_name="Ferries",
    )
    stored = await db.channels.set_route_options(route.id, options)
    assert stored.options == options
    assert (await db.channels.route(source.id, channel.id, exclude=["advert"])).options == options
    assert (await db.channels.get_route(route.id)).options == options
    with pytest.raises(NotFoundError):
        await db.channels.set_route_options(route.id + 10, options)


async def test_a_lost_topic_is_recorded_once_until_the_options_are_set(db: Database) -> None:
    source = await db.sources.add("https://feeds.example/world.xml")
    channel = await db.channels.add(CHAT)
    route = await db.channels.route(source.id, channel.id)
    await db.channels.set_route_options(route.id, RouteOptions(topic_id=7))
    assert await db.channels.mark_topic_lost(route.id, "Bad Request: TOPIC_CLOSED")
    assert not await db.channels.mark_topic_lost(route.id, "Bad Request: TOPIC_CLOSED")
    assert (await db.channels.get_route(route.id)).topic_error == "Bad Request: TOPIC_CLOSED"
    reset = await db.channels.set_route_options(route.id, RouteOptions(topic_id=8))
    assert reset.topic_error is None
    assert await db.channels.mark_topic_lost(route.id, "Bad Request: message thread not found")
    assert not await db.channels.mark_topic_lost(route.id + 10, "gone")


async def test_channel_schedule(db: Database) -> None:
    channel = await db.channels.add(CHAT)
    assert (channel.timezone, channel.quiet_hours) == (None, None)
    quiet = await db.channels.set_schedule(
        channel.id, timezone="Europe/Berlin", quiet_hours=QuietHours(23, 7)
    )
    assert quiet.timezone == "Europe/Berlin"
    assert quiet.quiet_hours == QuietHours(23, 7)
    assert await db.channels.get(channel.id) == quiet
    cleared = await db.channels.set_schedule(channel.id, timezone=None, quiet_hours=None)
    assert (cleared.timezone, cleared.quiet_hours) == (None, None)
    with pytest.raises(NotFoundError):
        await db.channels.set_schedule(channel.id + 1, timezone=None, quiet_hours=None)
