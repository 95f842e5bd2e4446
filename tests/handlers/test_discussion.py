"""Linked discussion groups end to end: related-coverage replies and comment counts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram import Chat, Message, MessageOriginChannel, Update, User
from telegram.ext import ContextTypes, TypeHandler

from bot.context import BotData
from bot.delivery.setup import build_publisher, pacing_limits
from bot.ops.settings import Settings
from bot.transport.pacing import Pacer
from handlers import all_handlers
from handlers.discussion import is_human_comment, thread_of
from news.entities import Channel
from news.models import ArticleDraft
from tests.factories import STORY_TIME
from tests.factories import story_draft as draft
from tests.support.reads import commenters

T = STORY_TIME
STORM = "Storm damages harbour pier as ferry service halts"


async def store(db, source_name: str, *drafts: ArticleDraft) -> list[int]:
    url = f"https://{source_name.lower().replace(' ', '-')}.example/rss"
    source = await db.sources.get_by_url(url) or await db.sources.add(url, source_name)
    result = await db.articles.upsert_many(
        source.id, list(drafts), fetched_at=T + timedelta(days=1)
    )
    return list(result.inserted)


@dataclass
class Discussion:
    """A channel on the emulator with its linked group, mirrored in the database."""

    harness: Any
    db: Any
    channel: Channel
    group_id: int
    members: list[Any]
    seen: list[Update]

    async def publish(self, article_id: int) -> dict[str, Any]:
        """Post an article as the publisher does (claim, send, record); return the copy
        Telegram forwards into the group."""
        await self.db.outbox.add_many([(article_id, self.channel.id)])
        item = await self.db.outbox.claim_next(self.channel.id)
        assert item is not None
        article = await self.db.articles.get(article_id)
        sent = await self.harness.bot.send_message(self.channel.chat_id, article.title)
        # the copy reaches the bot (fetched, its handler waiting) before the id is recorded
        assert await self.harness.client.wait_updates_consumed() == 0
        await self.db.outbox.mark_sent(item.id, message_id=sent.message_id)
        for message in await self.harness.client.messages(self.group_id):
            origin = message.raw.get("forward_origin") or {}
            if origin.get("message_id") == sent.message_id:
                return message.raw
        raise AssertionError("no automatic forward in the group")

    async def thread_recorded(self, thread_id: int) -> int:
        """Wait until the bot has handled every update; return the thread's article."""
        await self.flush()
        article_id = await self.db.discussion.thread_article(self.group_id, thread_id)
        if article_id is None:
            raise AssertionError(f"thread {thread_id} was never recorded")
        return article_id

    async def flush(self) -> None:
        """Wait until every update delivered so far is handled."""
        await self.harness.wait_handled()

    async def bot_messages(self) -> list[Any]:
        return await self.harness.client.messages(self.group_id, from_bot=True)


@asynccontextmanager
async def discussion(bot_app, emulator, db, *, replies: bool = True) -> AsyncIterator[Discussion]:
    """Run the bot (every handler) with a channel whose linked group has two members."""
    seen: list[Update] = []

    async def remember(update: Update, _context: Any) -> None:
        seen.append(update)

    handlers = [(h, g) for g, hs in all_handlers().items() for h in hs]
    handlers.append((TypeHandler(Update, remember), -100))
    async with bot_app(
        handlers=handlers,
        configure=lambda builder: builder.context_types(ContextTypes(bot_data=BotData)),
    ) as harness:
        harness.application.bot_data.attach(settings=Settings(_env_file=None), db=db)
        ann = await harness.new_user("Ann")
        bob = await harness.new_user("Bob")
        group = await emulator.client.create_group(
            "Harbour talk", member_ids=[ann.id, bob.id], bot_status="administrator"
        )
        chat = await emulator.client.create_channel("Harbour news", linked_group_id=group.id)
        channel = await db.channels.add(chat.id, title="Harbour news")
        if not replies:
            channel = await db.channels.set_discussion_replies(channel.id, False)
        yield Discussion(harness, db, channel, group.id, [ann, bob], seen)


async def test_the_linked_group_gets_related_coverage_in_the_thread(bot_app, emulator, db):
    [main] = await store(db, "Harbour Log", draft("main", STORM, tags=("Harbour", "Storm")))
    [copy] = await store(
        db,
        "Coast Courier",
        draft("copy", "Storm damages harbour pier, ferries halt", story="main"),
    )
    [earlier] = await store(
        db, "Island Times", draft("earlier", "Harbour pier inspection before storm", hours=-30)
    )
    async with discussion(bot_app, emulator, db) as talk:
        forwarded = await talk.publish(main)
        [reply] = await talk.harness.wait_for_messages(talk.group_id, 1)
        assert await talk.thread_recorded(forwarded["message_id"]) == main

    assert reply.reply_to_message_id == forwarded["message_id"]
    assert reply.raw.get("message_thread_id") == forwarded["message_id"]
    assert reply.text == (
        "Also reported by\n• Storm damages harbour pier, ferries halt — Coast Courier\n\n"
        "Earlier coverage\n• Harbour pier inspection before storm — Island Times, 29 Nov 2026"
    )
    links = [e["url"] for e in reply.entities if e["type"] == "text_link"]
    assert links == ["https://copy.example/news", "https://earlier.example/news"]
    assert (await db.channels.get(talk.channel.id)).discussion_chat_id == talk.group_id
    assert await db.users.get(777000) is None  # the forward's sender is not a reader
    assert {copy, earlier}.isdisjoint({main})


async def test_silent_when_nothing_is_related(bot_app, emulator, db):
    [lonely] = await store(db, "Harbour Log", draft("lonely", "Sheep fair opens in the hills"))
    await store(db, "Coast Courier", draft("other", STORM, hours=-2))
    async with discussion(bot_app, emulator, db) as talk:
        forwarded = await talk.publish(lonely)
        assert await talk.thread_recorded(forwarded["message_id"]) == lonely
        await talk.flush()
        assert await talk.bot_messages() == []


async def test_silent_when_the_channel_setting_is_off_but_comments_still_count(
    bot_app, emulator, db
):
    [main] = await store(db, "Harbour Log", draft("main", STORM, tags=("Harbour", "Storm")))
    await store(
        db,
        "Coast Courier",
        draft("copy", "Storm damages harbour pier, ferries halt", story="main"),
    )
    async with discussion(bot_app, emulator, db, replies=False) as talk:
        forwarded = await talk.publish(main)
        await talk.thread_recorded(forwarded["message_id"])
        ann = talk.members[0]
        await ann.send(
            "Saw it from the ferry", chat_id=talk.group_id, reply_to=forwarded["message_id"]
        )
        await talk.flush()
        assert await talk.bot_messages() == []
    assert await db.discussion.comment_count(main) == 1


async def test_posts_the_bot_did_not_publish_are_ignored(bot_app, emulator, db):
    [main] = await store(db, "Harbour Log", draft("main", STORM, tags=("Harbour", "Storm")))
    await store(
        db,
        "Coast Courier",
        draft("copy", "Storm damages harbour pier, ferries halt", story="main"),
    )
    async with discussion(bot_app, emulator, db) as talk:
        by_person = await emulator.client.post_to_channel(talk.channel.chat_id, STORM)
        copies = await talk.harness.client.messages(talk.group_id)
        assert [m.raw.get("is_automatic_forward") for m in copies] == [True]
        await talk.members[0].send(
            "Is this official?", chat_id=talk.group_id, reply_to=copies[0].message_id
        )
        await talk.flush()
        assert await talk.bot_messages() == []
        assert await db.discussion.thread_article(talk.group_id, copies[0].message_id) is None
    assert by_person.message_id > 0
    assert await db.discussion.comment_count(main) == 0


async def test_comments_are_counted_once_and_never_the_bots_own_or_the_forward(
    bot_app, emulator, db
):
    [main] = await store(db, "Harbour Log", draft("main", STORM, tags=("Harbour", "Storm")))
    await store(
        db,
        "Coast Courier",
        draft("copy", "Storm damages harbour pier, ferries halt", story="main"),
    )
    [other] = await store(db, "Harbour Log", draft("other", "Sheep fair opens in the hills"))
    async with discussion(bot_app, emulator, db) as talk:
        forwarded = await talk.publish(main)
        [bot_reply] = await talk.harness.wait_for_messages(talk.group_id, 1)
        ann, bob = talk.members
        thread = forwarded["message_id"]
        first = await ann.send("Saw it from the ferry", chat_id=talk.group_id, reply_to=thread)
        await bob.send("Same here", chat_id=talk.group_id, reply_to=first.message_id)
        await bob.send(
            "Thanks for the links", chat_id=talk.group_id, reply_to=bot_reply.message_id
        )
        await ann.send("Unrelated chatter", chat_id=talk.group_id)  # not in a thread
        await ann.send("/trending", chat_id=talk.group_id, reply_to=thread)  # a command
        await talk.flush()
        assert await db.discussion.comment_count(main) == 3

        # Telegram delivers some updates twice: nothing is counted or answered again
        redelivered = [
            u
            for u in talk.seen
            if u.message is not None
            and u.message.chat.id == talk.group_id
            and not (u.message.text or "").startswith("/")
        ]
        assert len(redelivered) == 5  # the forward, 3 comments and the chatter
        assert any(u.message.is_automatic_forward for u in redelivered)
        for update in redelivered:
            await talk.harness.application.update_queue.put(update)
        await talk.flush()
        assert await db.discussion.comment_count(main) == 3
        group_bot_messages = await talk.bot_messages()

    assert await db.discussion.comment_count(other) == 0
    # one related-coverage reply and the /trending answer, nothing from the redelivery
    assert len(group_bot_messages) == 2
    assert group_bot_messages[0].message_id == bot_reply.message_id
    assert await commenters(db) == [ann.id, bob.id, bob.id]


async def test_posts_sent_by_the_publisher_get_their_reply(bot_app, emulator, db):
    [main] = await store(db, "Harbour Log", draft("main", STORM, tags=("Harbour", "Storm")))
    [lonely] = await store(db, "Harbour Log", draft("lonely", "Sheep fair opens in the hills"))
    await store(
        db,
        "Coast Courier",
        draft("copy", "Storm damages harbour pier, ferries halt", story="main"),
    )
    async with discussion(bot_app, emulator, db) as talk:
        settings = Settings(_env_file=None)
        publisher = build_publisher(settings, talk.harness.bot, db, Pacer(pacing_limits(settings)))
        await db.outbox.add_many([(main, talk.channel.id), (lonely, talk.channel.id)])
        publisher.start()
        try:
            [reply] = await talk.harness.wait_for_messages(talk.group_id, 1)
            copies = await talk.harness.client.messages(talk.group_id)
            forwards = [m for m in copies if m.raw.get("is_automatic_forward")]
            for forward in forwards:
                await talk.thread_recorded(forward.message_id)
            await talk.flush()
            replies = await talk.bot_messages()
        finally:
            await publisher.stop()

    assert len(forwards) == 2
    assert [r.message_id for r in replies] == [reply.message_id]
    assert reply.reply_to_message_id == forwards[0].message_id
    assert (
        reply.text
        == "Also reported by\n• Storm damages harbour pier, ferries halt — Coast Courier"
    )


GROUP_CHAT = Chat(-100777, Chat.SUPERGROUP, title="Harbour talk")
CHANNEL_CHAT = Chat(-100888, Chat.CHANNEL, title="Harbour news")
BOT_ID = 4242


def group_message(message_id: int, **fields: Any) -> Message:
    return Message(message_id, T, GROUP_CHAT, **fields)


def test_who_counts_as_a_commenter():
    person = User(1, "Ann", is_bot=False)
    other_bot = User(2, "Helper", is_bot=True)
    ourselves = User(BOT_ID, "Newsbot", is_bot=True)
    anonymous_admin = User(1087968824, "Group", is_bot=True)
    forward = group_message(
        5,
        from_user=User(777000, "Telegram", is_bot=False),
        sender_chat=CHANNEL_CHAT,
        is_automatic_forward=True,
        forward_origin=MessageOriginChannel(T, CHANNEL_CHAT, 9),
    )
    assert is_human_comment(group_message(6, from_user=person), BOT_ID)
    assert is_human_comment(
        group_message(7, from_user=anonymous_admin, sender_chat=GROUP_CHAT), BOT_ID
    )
    assert not is_human_comment(group_message(8, from_user=other_bot), BOT_ID)
    assert not is_human_comment(group_message(9, from_user=ourselves), BOT_ID)
    assert not is_human_comment(forward, BOT_ID)
    assert not is_human_comment(group_message(10), BOT_ID)  # nobody


def test_the_thread_of_a_message():
    forward = group_message(5, is_automatic_forward=True)
    person = User(1, "Ann", is_bot=False)
    assert thread_of(group_message(6, from_user=person, message_thread_id=5)) == 5
    assert thread_of(group_message(6, from_user=person, reply_to_message=forward)) == 5
    plain_reply = group_message(7, from_user=person, reply_to_message=group_message(6))
    assert thread_of(plain_reply) is None
    assert thread_of(group_message(8, from_user=person)) is None
