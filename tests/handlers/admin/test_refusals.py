"""Every admin command: a polite refusal for anyone else (nothing changes), silence in groups."""

from __future__ import annotations

import pytest

from emulator import EmulatorConfig
from handlers.admin.access import NOT_AN_ADMIN
from tests.factories import draft
from tests.handlers.admin.harness import SCALED_FLOOD, admin_bot, ask, snapshot

ADMIN_COMMANDS = (
    "/sources",
    "/addsource https://mill.example/feed.xml",
    "/addsource https://mill.example/feed.xml @harbour_news",
    "/removesource 1",
    "/pause 1",
    "/resume 1",
    "/channels",
    "/stats",
    "/addchannel @harbour_news",
    "/quiet @harbour_news 23-07",
)


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    """Telegram's flood limits, scaled: the replies are paced as in production."""
    return SCALED_FLOOD


@pytest.fixture
async def world(db, desk):
    """A paused source with an article, and a channel."""
    quay = await desk.source("Quay")
    await desk.store(quay, draft("q1", "Night ferry adds a Sunday sailing"))
    await db.sources.set_paused(quay.id, True)
    await db.channels.add(-100111, title="Harbour News", username="harbour_news")


@pytest.mark.parametrize("command", ADMIN_COMMANDS)
async def test_others_get_a_polite_refusal_and_nothing_changes(
    bot_app, emulator, db, world, command
):
    await emulator.client.create_channel("Harbour News", username="harbour_news")
    ann = await emulator.client.create_user("Ann")
    bob = await emulator.client.create_user("Bob")
    before = await snapshot(db)
    async with admin_bot(bot_app, db, {ann.id}) as harness:
        [reply] = await ask(harness, harness.user(bob), command)

    assert reply.text == NOT_AN_ADMIN
    assert not reply.callback_data
    assert await snapshot(db) == before


async def test_the_refusal_is_in_the_users_language(bot_app, emulator, db, world):
    ann = await emulator.client.create_user("Ann")
    olga = await emulator.client.create_user("Olga", language_code="ru")
    async with admin_bot(bot_app, db, {ann.id}) as harness:
        [reply] = await ask(harness, harness.user(olga), "/stats")

    assert reply.text == "Извините, это могут делать только администраторы бота."


async def test_admin_commands_are_silent_in_groups(bot_app, emulator, db, world):
    ann = await emulator.client.create_user("Ann")
    group = await emulator.client.create_group("Harbour talk", member_ids=[ann.id])
    before = await snapshot(db)
    async with admin_bot(bot_app, db, {ann.id}) as harness:
        user = harness.user(ann)
        for command in ADMIN_COMMANDS:
            await user.send(command, chat_id=group.id)
            name, _, rest = command.partition(" ")
            await user.send(f"{name}@{harness.bot.username} {rest}".strip(), chat_id=group.id)
        [reply] = await ask(harness, user, "/pause")
        await harness.wait_handled()
        group_replies = await harness.client.messages(group.id, from_bot=True)

    assert reply.text == "Usage: /pause ID (the ids are in /sources)"
    assert group_replies == []
    assert await snapshot(db) == before
