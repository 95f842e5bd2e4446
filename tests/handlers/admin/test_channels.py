"""`/addchannel` end to end: the real PTB application polling the emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from telegram.ext import ContextTypes

from bot.context import BotData
from bot.ops.settings import Settings
from handlers.admin import admin_handlers
from handlers.admin.access import NOT_AN_ADMIN
from handlers.admin.channels import ADD_CHANNEL_USAGE
from news.entities import ChannelStyle
from storage import Database, open_database


@pytest.fixture
async def db() -> AsyncIterator[Database]:
    database = await open_database(":memory:")
    try:
        yield database
    finally:
        await database.close()


@asynccontextmanager
async def admin_bot(bot_app, db: Database, admin_ids: set[int]):
    """Run the admin handlers with typed BotData holding settings and the database."""
    handlers = [(handler, group) for group, hs in admin_handlers().items() for handler in hs]
    async with bot_app(
        handlers=handlers,
        configure=lambda builder: builder.context_types(ContextTypes(bot_data=BotData)),
    ) as harness:
        settings = Settings(_env_file=None, admin_ids=frozenset(admin_ids))
        harness.application.bot_data.attach(settings=settings, db=db)
        yield harness


async def ask(harness, user, text: str, *, nth: int) -> str:
    """Send a command in the private chat and return the bot's nth reply there."""
    await user.send(text)
    replies = await harness.wait_for_messages(user.id, nth)
    return replies[nth - 1].text


async def test_admin_adds_a_channel_where_the_bot_may_post(bot_app, emulator, db):
    chat = await emulator.client.create_channel("Harbour News", username="harbour_news")
    ann = await emulator.client.create_user("Ann")
    async with admin_bot(bot_app, db, {ann.id}) as harness:
        reply = await ask(harness, harness.user(ann), "/addchannel @harbour_news compact", nth=1)

    assert reply.startswith("Added channel 1: @harbour_news")
    [channel] = await db.channels.list()
    assert channel.chat_id == chat.id
    assert channel.username == "harbour_news"
    assert channel.title == "Harbour News"
    assert channel.style is ChannelStyle.COMPACT


async def test_admin_is_told_clearly_what_is_wrong(bot_app, emulator, db):
    await emulator.client.create_channel("Reader", username="reader_news", bot_status="member")
    await emulator.client.create_channel(
        "Quiet", username="quiet_news", bot_rights={"can_post_messages": False}
    )
    ann = await emulator.client.create_user("Ann")
    async with admin_bot(bot_app, db, {ann.id}) as harness:
        user = harness.user(ann)
        not_admin = await ask(harness, user, "/addchannel @reader_news", nth=1)
        no_rights = await ask(harness, user, "/addchannel @quiet_news", nth=2)
        unknown = await ask(harness, user, "/addchannel @nobody_here", nth=3)
        usage = await ask(harness, user, "/addchannel", nth=4)
        bad_style = await ask(harness, user, "/addchannel @quiet_news fancy", nth=5)

    assert not_admin.startswith("Not added: the bot is not an administrator of @reader_news")
    assert no_rights.startswith(
        "Not added: the bot is an administrator of @quiet_news but cannot post messages"
    )
    assert unknown.startswith("Not added: @nobody_here not found")
    assert usage == ADD_CHANNEL_USAGE
    assert bad_style == "Unknown style 'fancy': use text, photo or compact."
    assert await db.channels.list() == []


async def test_others_get_a_polite_refusal(bot_app, emulator, db):
    await emulator.client.create_channel("Harbour News", username="harbour_news")
    ann = await emulator.client.create_user("Ann")
    bob = await emulator.client.create_user("Bob")
    async with admin_bot(bot_app, db, {ann.id}) as harness:
        reply = await ask(harness, harness.user(bob), "/addchannel @harbour_news", nth=1)

    assert reply == NOT_AN_ADMIN
    assert await db.channels.list() == []


async def test_the_bot_stays_quiet_in_groups(bot_app, emulator, db):
    await emulator.client.create_channel("Harbour News", username="harbour_news")
    ann = await emulator.client.create_user("Ann")
    group = await emulator.client.create_group("Harbour talk", member_ids=[ann.id])
    async with admin_bot(bot_app, db, {ann.id}) as harness:
        user = harness.user(ann)
        await user.send("/addchannel @harbour_news", chat_id=group.id)
        await user.send("/addchannel@" + harness.bot.username + " @harbour_news", chat_id=group.id)
        reply = await ask(harness, user, "/addchannel", nth=1)
        await harness.wait_handled()
        group_replies = await harness.client.messages(group.id, from_bot=True)

    assert reply == ADD_CHANNEL_USAGE
    assert group_replies == []
    assert await db.channels.list() == []
