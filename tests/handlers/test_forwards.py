"""Saving by forwarding a channel post to the bot, end to end."""

from __future__ import annotations

from bot.transport.send import inline_markup
from handlers.common import PLAIN_TEXT_HINT
from handlers.forwards import NOT_A_KNOWN_POST
from news.render import post_keyboard
from tests.factories import draft
from tests.handlers.conftest import reader_bot
from tests.support.reads import bookmark_ids


async def test_forwarding_a_channel_post_saves_its_article(bot_app, emulator, db, desk):
    source = await desk.source("Harbour Herald")
    ferry, keeper = await desk.store(
        source,
        draft("ferry", "Night ferry returns to the island route"),
        draft("keeper", "Lighthouse keeper retires"),
    )
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        bob = await harness.new_user("Bob")
        group = await emulator.client.create_group("Harbour talk", member_ids=[ann.id, bob.id])
        chat = await emulator.client.create_channel("Harbour", subscriber_ids=[ann.id])
        channel = await db.channels.add(chat.id, title="Harbour")
        posts = {}
        for article in (keeper, ferry):  # keeper first: message ids differ from article ids
            sent = await harness.bot.send_message(
                chat.id, article.title, reply_markup=inline_markup(post_keyboard(article.id))
            )
            await db.outbox.add_many([(article.id, channel.id)])
            item = await db.outbox.claim_next(channel.id)
            await db.outbox.mark_sent(item.id, message_id=sent.message_id)
            posts[article.id] = sent.message_id
        by_person = await emulator.client.post_to_channel(chat.id, "A note from the editors")
        chatter = await emulator.client.send_message(bob.id, "at the quay", chat_id=group.id)
        channel_posts = await emulator.client.messages(chat.id)
        ferry_post = next(m for m in channel_posts if m.message_id == posts[ferry.id])

        await ann.forward(ferry_post)
        await ann.forward(ferry_post)
        await ann.forward(by_person)
        await ann.forward(chatter)
        replies = await harness.wait_for_messages(ann.id, 4)

    assert [reply.text for reply in replies] == [
        "🔖 Saved: Night ferry returns to the island route",
        "Already in your bookmarks: Night ferry returns to the island route",
        NOT_A_KNOWN_POST,
        NOT_A_KNOWN_POST,
    ]
    assert [b.article_id for b in await db.bookmarks.list(ann.id)] == [ferry.id]
    assert await bookmark_ids(db, bob.id) == set()


async def test_pasting_a_link_saves_the_known_story(bot_app, db, desk):
    source = await desk.source("Harbour Herald")
    [ferry] = await desk.store(source, draft("ferry", "Night ferry returns"))
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        await ann.send("look: HTTPS://Harbour.Example/news/ferry?utm_source=tg#top")
        await ann.send("https://harbour.example/news/ferry")
        await ann.send("just words, no link")
        await ann.send("/help")
        replies = await harness.wait_for_messages(ann.id, 4)

    assert [reply.text for reply in replies[:3]] == [
        "🔖 Saved: Night ferry returns",
        "Already in your bookmarks: Night ferry returns",
        PLAIN_TEXT_HINT,  # words without a link save nothing and say how to
    ]
    assert replies[3].text.startswith("Search from any chat")
    assert [b.article_id for b in await db.bookmarks.list(ann.id)] == [ferry.id]
