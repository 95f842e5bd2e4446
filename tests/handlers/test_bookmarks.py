"""The Save button end to end: channel posts, inline-sent messages, toggling, isolation."""

from __future__ import annotations

import pytest

from bot.transport.send import inline_markup
from handlers.bookmarks import GONE_ARTICLE, REMOVED, SAVED
from handlers.common import STALE_BUTTON
from news.render import PostButton, encode_save, post_keyboard
from tests.factories import draft
from tests.handlers.conftest import reader_bot
from tests.support.reads import bookmark_ids


@pytest.fixture
async def stories(desk):
    """Two stored articles."""
    source = await desk.source("Harbour Herald")
    return await desk.store(
        source,
        draft("ferry", "Night ferry returns to the island route"),
        draft("keeper", "Lighthouse keeper retires after forty winters"),
    )


async def post_to_channel(harness, channel_id: int, article_id: int, text: str):
    """Post a message with the Save and Share buttons to a chat, as the publisher does."""
    await harness.bot.send_message(
        channel_id, text, reply_markup=inline_markup(post_keyboard(article_id))
    )
    messages = await harness.client.messages(channel_id, from_bot=True)
    return messages[-1]


async def saved_ids(db, user_id: int) -> list[int]:
    return [bookmark.article_id for bookmark in await db.bookmarks.list(user_id)]


async def test_save_from_a_channel_post_toggles_the_pressers_bookmark(
    bot_app, emulator, db, stories
):
    ferry, _ = stories
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann", username="ann")
        channel = await emulator.client.create_channel("Harbour", subscriber_ids=[ann.id])
        post = await post_to_channel(harness, channel.id, ferry.id, "Night ferry returns")
        first = await ann.press(post, data=encode_save(ferry.id))
        after_first = await saved_ids(db, ann.id)
        second = await ann.press(post, text="🔖 Save")
        after_second = await saved_ids(db, ann.id)

    assert first.answered
    assert first.text == SAVED
    assert after_first == [ferry.id]
    assert second.text == REMOVED
    assert after_second == []
    user = await db.users.get(ann.id)
    assert user is not None
    assert user.username == "ann"


async def test_each_presser_changes_only_their_own_bookmarks(bot_app, emulator, db, stories):
    ferry, keeper = stories
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        bob = await harness.new_user("Bob")
        channel = await emulator.client.create_channel("Harbour", subscriber_ids=[ann.id, bob.id])
        ferry_post = await post_to_channel(harness, channel.id, ferry.id, "Night ferry")
        keeper_post = await post_to_channel(harness, channel.id, keeper.id, "Keeper")
        await ann.press(ferry_post, data=encode_save(ferry.id))
        await ann.press(keeper_post, data=encode_save(keeper.id))
        bob_saves = await bob.press(ferry_post, data=encode_save(ferry.id))
        bob_removes = await bob.press(ferry_post, data=encode_save(ferry.id))

    assert bob_saves.text == SAVED  # Ann's bookmark does not make Bob's press a removal
    assert bob_removes.text == REMOVED
    assert sorted(await saved_ids(db, ann.id)) == sorted([ferry.id, keeper.id])
    assert await saved_ids(db, bob.id) == []


async def test_save_from_a_message_sent_from_an_inline_result(bot_app, emulator, db, stories):
    ferry, _ = stories
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        bob = await harness.new_user("Bob")
        group = await emulator.client.create_group("Harbour talk", member_ids=[ann.id, bob.id])
        answer = await ann.inline("ferry")
        chosen = await ann.choose(answer, str(ferry.id), chat_id=group.id)
        assert chosen.inline_message_id is not None
        sent = await harness.client.inline_message(chosen.inline_message_id)
        pressed = await bob.press(sent, data=encode_save(ferry.id))

    assert chosen.message.text.startswith("Night ferry returns to the island route")
    assert pressed.text == SAVED
    assert await saved_ids(db, bob.id) == [ferry.id]
    assert await saved_ids(db, ann.id) == []


async def test_save_from_a_message_in_the_private_chat(bot_app, db, stories):
    _, keeper = stories
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        await ann.send("hello")  # the user opens the private chat
        message = await post_to_channel(harness, ann.id, keeper.id, "Keeper retires")
        pressed = await ann.press(message, data=encode_save(keeper.id))

    assert pressed.text == SAVED
    assert await saved_ids(db, ann.id) == [keeper.id]


@pytest.mark.parametrize(
    ("data", "reply"),
    [
        ("s1:999", GONE_ARTICLE),  # a well-formed id of no article
        ("s1:0001", STALE_BUTTON),  # forged: leading zeros
        ("s1:-1", STALE_BUTTON),
        ("s1:99999999999999999999", STALE_BUTTON),  # past SQLite's rowids
        ("s2:1", STALE_BUTTON),  # a format we do not know
        ("zz:1", STALE_BUTTON),  # not ours at all
        ("s1:1 ", STALE_BUTTON),
    ],
)
async def test_forged_or_stale_data_gets_a_polite_answer_and_changes_nothing(
    bot_app, db, stories, data, reply
):
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        await ann.send("hello")  # the user opens the private chat
        await harness.bot.send_message(
            ann.id, "Old keyboard", reply_markup=inline_markup(((PostButton("x", data),),))
        )
        [message] = await harness.wait_for_messages(ann.id, 1)
        pressed = await ann.press(message, data=data)

    assert pressed.answered
    assert pressed.text == reply
    assert await bookmark_ids(db, ann.id) == set()


async def test_button_answers_come_in_the_pressers_language(bot_app, emulator, db, stories):
    ferry, _ = stories
    async with reader_bot(bot_app, db) as harness:
        olga = await harness.new_user("Olga", language_code="ru")
        ann = await harness.new_user("Ann", language_code="en-GB")
        channel = await emulator.client.create_channel("Harbour", subscriber_ids=[olga.id, ann.id])
        post = await post_to_channel(harness, channel.id, ferry.id, "Night ferry returns")
        saved = await olga.press(post, data=encode_save(ferry.id))
        removed = await olga.press(post, data=encode_save(ferry.id))
        english = await ann.press(post, data=encode_save(ferry.id))
        await olga.send("hello")  # opens the private chat
        await harness.bot.send_message(
            olga.id, "Old keyboard", reply_markup=inline_markup(((PostButton("x", "zz:1"),),))
        )
        [old] = await harness.wait_for_messages(olga.id, 1)
        stale = await olga.press(old, data="zz:1")

    assert post.raw["reply_markup"]["inline_keyboard"][0][0]["text"] == "🔖 Save"  # stays English
    assert (saved.text, removed.text) == ("🔖 Сохранено в закладки", "Удалено из закладок")
    assert stale.text == "Извините, эта кнопка больше не работает."
    assert english.text == SAVED
