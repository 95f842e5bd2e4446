"""In a private chat the bot is never silent: plain text and unknown commands get a hint."""

from __future__ import annotations

from handlers.admin.access import NOT_AN_ADMIN
from handlers.common import PLAIN_TEXT_HINT, UNKNOWN_COMMAND
from tests.handlers.conftest import reader_bot


async def test_plain_text_and_unknown_commands_get_a_hint_pointing_to_help(bot_app, db):
    async with reader_bot(bot_app, db, admin_ids=[]) as harness:
        ann = await harness.new_user("Ann")
        await ann.send("what can you do?")
        await ann.send("/frobnicate now")
        await ann.send("/addsource https://harbour.example/rss")  # known, but admins only
        await ann.send("/help")
        replies = await harness.wait_for_messages(ann.id, 4)

    assert [r.text for r in replies[:3]] == [PLAIN_TEXT_HINT, UNKNOWN_COMMAND, NOT_AN_ADMIN]
    assert replies[3].text.startswith("Search from any chat")
    assert all("/help" in r.text for r in replies[:2])


async def test_the_hint_is_in_the_users_language(bot_app, db):
    async with reader_bot(bot_app, db) as harness:
        olga = await harness.new_user("Olga", language_code="ru")
        await olga.send("привет")
        [reply] = await harness.wait_for_messages(olga.id, 1)

    assert reply.text.startswith("Пришлите ссылку")


async def test_a_group_still_hears_no_hint(bot_app, emulator, db):
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        group = await emulator.client.create_group(
            "Harbour talk", member_ids=[ann.id], bot_status="administrator"
        )
        await ann.send("hello everyone", chat_id=group.id)
        await ann.send("/frobnicate", chat_id=group.id)
        await harness.wait_handled()
        answers = await harness.client.messages(group.id, from_bot=True)

    assert answers == []
