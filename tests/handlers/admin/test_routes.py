"""`/routes` and `/setroute` end to end: the real PTB application polling the emulator."""

from __future__ import annotations

import pytest

from handlers.admin.access import NOT_AN_ADMIN
from handlers.admin.routes import UsageError, parse_set_route
from news.entities import LinkPreview
from tests.handlers.admin.test_channels import admin_bot, ask, db

__all__ = ["db"]  # the fixture: an in-memory store


async def routed(db, emulator, *, forum: bool = False) -> int:
    """A source routed to a channel (a forum supergroup when `forum`); the route id."""
    if forum:
        chat = await emulator.client.create_group(
            "Harbour Forum",
            bot_status="administrator",
            bot_rights={"can_manage_topics": True},
            forum=True,
        )
    else:
        chat = await emulator.client.create_channel("Harbour News", username="harbour_news")
    channel = await db.channels.add(chat.id, title=chat.title or "", username=chat.username)
    source = await db.sources.add("https://harbour.example/rss", name="Harbour Courier")
    return (await db.channels.route(source.id, channel.id)).id


def test_parse_set_route() -> None:
    route_id, changes = parse_set_route(
        '3 preview=large silent=on topic="Night boats" template=<b>{title}</b> {link}'
    )
    assert route_id == 3
    assert (changes.link_preview, changes.silent, changes.topic) == (
        "large",
        "on",
        "Night boats",
    )
    assert changes.template == "<b>{title}</b> {link}"
    assert parse_set_route("3 template=")[1].template == ""
    assert parse_set_route("3 full_text=on")[1].full_text == "on"
    for bad in ("", "x silent=on", "3", "3 loud=on", "3 silent", "3 full_text"):
        with pytest.raises(UsageError):
            parse_set_route(bad)


async def test_admin_sets_route_options_and_creates_a_topic(bot_app, emulator, db):
    route_id = await routed(db, emulator, forum=True)
    ann = await emulator.client.create_user("Ann")
    async with admin_bot(bot_app, db, {ann.id}) as harness:
        user = harness.user(ann)
        listed = await ask(harness, user, "/routes", nth=1)
        changed = await ask(
            harness,
            user,
            f"/setroute {route_id} preview=off silent=on topic=Ferries "
            "template=<b>{title}</b>\\n{lede}",
            nth=2,
        )
        refused = await ask(harness, user, f"/setroute {route_id} template={{body}}", nth=3)
        missing = await ask(harness, user, "/setroute 99 silent=on", nth=4)
        usage = await ask(harness, user, "/setroute", nth=5)

    assert listed == f"{route_id}: Harbour Courier → Harbour Forum (default)"
    [topic] = await emulator.client.topics((await db.channels.list())[0].chat_id)
    thread = topic["message_thread_id"]
    assert changed == (f"Route {route_id}: template, preview off, silent, topic {thread} Ferries.")
    route = await db.channels.get_route(route_id)
    assert route.options.template == "<b>{title}</b>\\n{lede}"
    assert route.options.link_preview is LinkPreview.OFF
    assert refused.startswith("Not changed: template refused: unknown field {body}")
    assert missing == "There is no route 99: see /routes."
    assert usage.startswith("Usage: /setroute ROUTE_ID")


async def test_setroute_speaks_russian(bot_app, emulator, db):
    route_id = await routed(db, emulator)
    ivan = await emulator.client.create_user("Иван", language_code="ru")
    async with admin_bot(bot_app, db, {ivan.id}) as harness:
        user = harness.user(ivan)
        changed = await ask(harness, user, f"/setroute {route_id} silent=on", nth=1)
        refused = await ask(harness, user, f"/setroute {route_id} preview=huge", nth=2)
    assert changed == f"Маршрут {route_id}: silent."
    assert refused.startswith("Не изменено: link preview must be off, on, large or default")


async def test_admin_switches_full_text_on_and_off(bot_app, emulator, db):
    route_id = await routed(db, emulator)
    ann = await emulator.client.create_user("Ann")
    async with admin_bot(bot_app, db, {ann.id}) as harness:
        user = harness.user(ann)
        on = await ask(harness, user, f"/setroute {route_id} full_text=on", nth=1)
        stored = (await db.channels.get_route(route_id)).options
        refused = await ask(harness, user, f"/setroute {route_id} full_text=maybe", nth=2)
        after_refusal = (await db.channels.get_route(route_id)).options
        off = await ask(harness, user, f"/setroute {route_id} full_text=off silent=on", nth=3)
        after = (await db.channels.get_route(route_id)).options
    assert on == f"Route {route_id}: full text."
    assert stored.full_text is True
    assert refused == "Not changed: full text must be on or off, not 'maybe'."
    assert after_refusal == stored
    assert off == f"Route {route_id}: silent."
    assert (after.full_text, after.silent) == (False, True)


async def test_setroute_full_text_speaks_russian(bot_app, emulator, db):
    route_id = await routed(db, emulator)
    ivan = await emulator.client.create_user("Иван", language_code="ru")
    async with admin_bot(bot_app, db, {ivan.id}) as harness:
        usage = await ask(harness, harness.user(ivan), f"/setroute {route_id} full_text", nth=1)
    assert usage.startswith("Использование: /setroute ID_МАРШРУТА")
    assert "full_text=on добавляет к каждому посту ссылку" in usage


async def test_others_cannot_set_full_text(bot_app, emulator, db):
    route_id = await routed(db, emulator)
    ann = await emulator.client.create_user("Ann")
    bob = await emulator.client.create_user("Bob")
    async with admin_bot(bot_app, db, {ann.id}) as harness:
        reply = await ask(harness, harness.user(bob), f"/setroute {route_id} full_text=on", nth=1)
        after = await db.channels.get_route(route_id)
    assert reply == NOT_AN_ADMIN
    assert after.options.full_text is False
