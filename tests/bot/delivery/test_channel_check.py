"""`bot.delivery.channel_check`: references people type; the check on groups and channels."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from bot.delivery.channel_check import (
    ChannelCheckError,
    ChannelProblem,
    add_checked_channel,
    check_channel,
    parse_channel_reference,
)
from bot.ops.i18n import texts_for
from emulator import RunningEmulator
from storage import Database, open_database


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@harbour_news", "@harbour_news"),
        ("harbour_news", "@harbour_news"),
        ("  @Harbour_News ", "@Harbour_News"),
        ("https://t.me/harbour_news", "@harbour_news"),
        ("t.me/harbour_news/", "@harbour_news"),
        ("-1001234567890", -1001234567890),
        ("12345", 12345),
    ],
)
def test_references_people_type(text: str, expected: str | int) -> None:
    assert parse_channel_reference(text) == expected


@pytest.mark.parametrize("text", ["", "@", "@abc", "two words", "@news!", "@1news", "-12a"])
def test_bad_references_say_what_to_give(text: str) -> None:
    with pytest.raises(ChannelCheckError, match="@username or its numeric id") as caught:
        parse_channel_reference(text)
    assert caught.value.problem is ChannelProblem.INVALID


@pytest.fixture
async def bot(emulator: RunningEmulator) -> AsyncIterator[Bot]:
    async with Bot(emulator.token, base_url=emulator.api_base_url) as started:
        yield started


@pytest.fixture
async def db() -> AsyncIterator[Database]:
    database = await open_database(":memory:")
    try:
        yield database
    finally:
        await database.close()


async def test_a_group_needs_the_bot_as_a_member(bot, emulator):
    member = await emulator.client.create_group("Harbour talk", username="harbour_talk")
    gone = await emulator.client.create_group("Old talk", username="old_talk", bot_status="left")

    checked = await check_channel(bot, "@harbour_talk")

    assert checked.chat_id == member.id
    assert checked.kind == "supergroup"
    assert checked.discussion_chat_id is None
    with pytest.raises(ChannelCheckError, match="not a member of @old_talk") as caught:
        await check_channel(bot, gone.id)
    assert caught.value.problem is ChannelProblem.NOT_ADMIN


async def test_problems_are_typed(bot, emulator):
    await emulator.client.create_channel("Reader", username="reader_news", bot_status="member")
    await emulator.client.create_channel(
        "Quiet", username="quiet_news", bot_rights={"can_post_messages": False}
    )
    cases = {
        "@reader_news": ChannelProblem.NOT_ADMIN,
        "@quiet_news": ChannelProblem.CANNOT_POST,
        "@nobody_here": ChannelProblem.NOT_FOUND,
    }
    for reference, problem in cases.items():
        with pytest.raises(ChannelCheckError) as caught:
            await check_channel(bot, reference)
        assert caught.value.problem is problem, reference


async def test_readding_follows_a_new_discussion_group(bot, emulator, db):
    channel = await emulator.client.create_channel("Harbour News", username="harbour_news")
    first = await add_checked_channel(bot, db, "@harbour_news")
    assert first.created
    assert first.channel.discussion_chat_id is None
    group = await emulator.client.create_group("Harbour talk")
    await emulator.client.link_discussion(channel.id, group.id)

    again = await add_checked_channel(bot, db, "@harbour_news")

    assert not again.created
    assert not again.resumed
    assert again.channel.id == first.channel.id
    assert again.channel.discussion_chat_id == group.id
    assert "already added" in again.describe()


def test_a_refusal_is_english_and_explained_in_the_users_language() -> None:
    with pytest.raises(ChannelCheckError) as caught:
        parse_channel_reference("two words")
    assert str(caught.value) == (
        "'two words' is not a channel: give its @username or its numeric id (-100…)"
    )
    assert caught.value.explain(texts_for("en")) == str(caught.value)
    assert caught.value.explain(texts_for("ru")) == (
        "'two words' — не канал: укажите его @username или числовой id (-100…)"
    )
