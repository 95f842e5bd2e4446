"""In groups the bot answers only commands addressed to it and is otherwise quiet."""

from __future__ import annotations

from tests.factories import draft
from tests.handlers.conftest import reader_bot

CHATTER = (
    "Good morning, harbour!",
    "look: https://harbour.example/news/pier",
    "/help",
    "/start",
    "/search pier",
    "/bookmarks",
    "/export",
    "/follow pier",
    "/following",
    "/addchannel @harbour",
    "/trending@some_other_bot",
    "/help@some_other_bot",
)


async def test_a_group_hears_only_trending_addressed_to_the_bot(bot_app, emulator, db, desk):
    source = await desk.source("Harbour Herald")
    [pier] = await desk.store(source, draft("pier", "Pier repairs begin"))
    async with reader_bot(bot_app, db, admin_ids=[]) as harness:
        ann = await harness.new_user("Ann")
        bob = await harness.new_user("Bob")
        await db.users.upsert(bob.id, username=None, first_name="Bob", language_code="en")
        await db.bookmarks.add(bob.id, pier.id)
        # an administrator bot reads every message of the group, not only commands
        group = await emulator.client.create_group(
            "Harbour talk", member_ids=[ann.id, bob.id], bot_status="administrator"
        )
        chat = await emulator.client.create_channel("Harbour news")
        await emulator.client.post_to_channel(chat.id, "/trending")
        for text in CHATTER:
            await ann.send(text, chat_id=group.id)
        addressed = await bob.send(f"/trending@{harness.bot.username}", chat_id=group.id)
        unaddressed = await ann.send("/trending", chat_id=group.id)
        await harness.wait_handled()
        answers = await harness.client.messages(group.id, from_bot=True)
        in_channel = await emulator.client.messages(chat.id, from_bot=True)

    assert [a.reply_to_message_id for a in answers] == [
        addressed.message_id,
        unaddressed.message_id,
    ]
    reply, second = answers
    assert reply.text.startswith("Trending in the last 24 hours:")
    assert second.text == reply.text  # unaddressed: Telegram only sends it when meant for us
    assert in_channel == []
