"""`/follow`, `/following`, `/unfollow` and the ✖ buttons in the private chat, end to end."""

from __future__ import annotations

import pytest

from bot.services.alerts.follows import decode_unfollow, encode_unfollow
from emulator.client import EmulatorError
from tests.support.paced_bot import paced_reader_bot, scaled_emulator_config, scaled_pacer


@pytest.fixture
def emulator_config():
    return scaled_emulator_config()


def reader_bot(bot_app, db, **settings):
    """The reader bot, paced like production."""
    return paced_reader_bot(bot_app, db, scaled_pacer(), **settings)


async def ask(harness, user, text: str):
    """Send a command and return the bot's reply to it."""
    try:
        before = len(await harness.client.messages(user.id, from_bot=True))
    except EmulatorError:  # the private chat starts with the user's first message
        before = 0
    await user.send(text)
    return (await harness.wait_for_messages(user.id, before + 1))[-1]


async def test_follow_confirms_refuses_and_counts_duplicates(bot_app, db, desk):
    await desk.source("Harbour Herald")
    async with reader_bot(bot_app, db, follows_per_user=3) as harness:
        ann = await harness.new_user("Ann")
        usage = await ask(harness, ann, "/follow")
        nothing = await ask(harness, ann, "/follow !!! ???")
        saved = await ask(harness, ann, "/follow saved ferry")
        unknown = await ask(harness, ann, "/follow ferry source:Nowhere")
        added = await ask(harness, ann, "/follow Ferry   strike")
        duplicate = await ask(harness, ann, "/follow strike ferry")
        tagged = await ask(harness, ann, '/follow #harbour source:"Harbour Herald"')
        third = await ask(harness, ann, '/follow "winter market"')
        refused = await ask(harness, ann, "/follow lighthouse")

    assert usage.text.startswith("Follow a search and I will message you")
    assert nothing.text.startswith("There is nothing to search for in that.")
    assert "leave out “saved”" in saved.text
    assert unknown.text.startswith("I know no source called Nowhere.")
    assert added.text.startswith("🔔 Following: Ferry strike\n")
    assert "/unfollow 1" in added.text
    assert duplicate.text == "You already follow this (number 1 in /following): Ferry strike"
    assert "/unfollow 2" in tagged.text
    assert "/unfollow 3" in third.text
    assert refused.text.startswith("You already keep 3 follows, the most allowed.")
    assert [f.query for f in await db.follows.list(ann.id)] == [
        "Ferry strike",
        '#harbour source:"Harbour Herald"',
        '"winter market"',
    ]


async def test_following_lists_and_the_x_button_removes_only_the_owners(bot_app, db):
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        bob = await harness.new_user("Bob")
        empty = await ask(harness, ann, "/following")
        await ask(harness, ann, "/follow ferry")
        await ask(harness, ann, "/follow #harbour")
        await ask(harness, bob, "/follow ferry")
        older = await ask(harness, ann, "/following")
        listing = await ask(harness, ann, "/following")
        refused = await bob.press(listing, text="✖ 1")
        pressed = await ann.press(listing, text="✖ 1")
        [*_, edited] = await harness.client.messages(ann.id, from_bot=True)
        stale = await ann.press(older, text="✖ 1")  # the same follow, already stopped

    assert empty.text.startswith("You follow nothing yet.")
    assert listing.text == (
        "Your follows (2 of 20):\n1. ferry\n2. #harbour\n\n"
        "Press ✖ to stop one, or send /unfollow N."
    )
    assert listing.button_texts == ["✖ 1", "✖ 2"]
    assert refused.text == "Nothing to stop: this follow is not in your list."
    assert pressed.text == "Follow stopped."
    assert edited.message_id == listing.message_id
    assert edited.text.startswith("Your follows (1 of 20):\n1. #harbour")
    assert stale.text == "Nothing to stop: this follow is not in your list."
    assert [f.query for f in await db.follows.list(ann.id)] == ["#harbour"]
    assert [f.query for f in await db.follows.list(bob.id)] == ["ferry"]


async def test_unfollow_by_number_and_by_words(bot_app, db):
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        bob = await harness.new_user("Bob")
        for text in ("/follow ferry", "/follow #harbour", '/follow "winter market"'):
            await ask(harness, ann, text)
        await ask(harness, bob, "/follow #harbour")
        usage = await ask(harness, ann, "/unfollow")
        missing = await ask(harness, ann, "/unfollow 7")
        by_number = await ask(harness, ann, "/unfollow 3")
        by_words = await ask(harness, ann, "/unfollow #Harbour")
        not_followed = await ask(harness, ann, "/unfollow lighthouse")

    assert usage.text.startswith("Usage: /unfollow N or /unfollow WORDS")
    assert missing.text == "You have no follow number 7. See the list with /following."
    assert by_number.text == 'Stopped following: "winter market"'
    assert by_words.text == "Stopped following: #harbour"
    assert not_followed.text == "You do not follow “lighthouse”. See the list with /following."
    assert [f.query for f in await db.follows.list(ann.id)] == ["ferry"]
    assert [f.query for f in await db.follows.list(bob.id)] == ["#harbour"]


async def test_replies_in_russian(bot_app, db):
    async with reader_bot(bot_app, db) as harness:
        ivan = await harness.new_user("Иван", language_code="ru")
        added = await ask(harness, ivan, "/follow паром")
        listing = await ask(harness, ivan, "/following")

    assert added.text.startswith("🔔 Подписка: паром\n")
    assert listing.text.startswith("Ваши подписки (1 из 20):\n1. паром")


async def test_commands_in_a_group_are_ignored(bot_app, db):
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        group = await harness.client.create_group("Harbour chat", member_ids=[ann.id])
        await ann.send("/follow ferry", chat_id=group.id)
        await harness.wait_handled()

    assert await db.follows.list(ann.id) == []
    assert await harness.client.messages(group.id, from_bot=True) == []


@pytest.mark.parametrize(
    "data", ["fx:0", "fx:01", "fx:-1", "fx:", "fx:99999999999999999999", None]
)
def test_forged_unfollow_data_decodes_to_none(data):
    assert decode_unfollow(data) is None


def test_unfollow_data_round_trips():
    assert decode_unfollow(encode_unfollow(42)) == 42
