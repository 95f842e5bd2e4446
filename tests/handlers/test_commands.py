"""`/start` with deep-link payloads, `/help`, and the command menu, end to end."""

from __future__ import annotations

from handlers.commands import COMMANDS, NOTHING_FOUND_TIPS, WELCOME, set_bot_commands
from tests.handlers.conftest import reader_bot


async def test_start_greets_and_deep_links_add_tips(bot_app, db):
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        await ann.send("/start")
        await ann.send("/start nothing_found")
        await ann.send("/start something_else")
        await ann.send("/help")
        replies = await harness.wait_for_messages(ann.id, 4)
        username = harness.bot.username

    assert replies[0].text.startswith(WELCOME.strip())
    assert replies[1].text.startswith(NOTHING_FOUND_TIPS.strip())
    assert replies[2].text.startswith(WELCOME.strip())
    assert replies[3].text.startswith(f"Search from any chat: type @{username}")
    assert "/bookmarks" in replies[3].text
    assert await db.users.get(ann.id) is not None  # recorded by the group -1 tracker


async def test_the_command_menu_is_set_for_private_chats(bot_app, emulator, db):
    async with reader_bot(bot_app, db) as harness:
        assert await set_bot_commands(harness.bot)
        info = await emulator.client.bot_info()

    languages = [key.rsplit("|", 1)[1] for key in info["commands"]]  # "scope JSON|language"
    assert sorted(languages) == ["", "ru"]
    for key, commands in info["commands"].items():
        assert '"all_private_chats"' in key
        assert [c["command"] for c in commands] == [name for name, _ in COMMANDS]
    english = info["commands"][next(k for k in info["commands"] if k.endswith("|"))]
    assert [c["description"] for c in english] == [text for _, text in COMMANDS]


async def test_a_refused_command_menu_does_not_stop_the_bot(bot_app, emulator, db):
    async with reader_bot(bot_app, db) as harness:
        await emulator.client.add_fault("setMyCommands", error_code=400, description="Bad")
        assert not await set_bot_commands(harness.bot)


async def test_id_tells_a_user_their_id_and_a_group_or_channel_its_own(bot_app, emulator, db):
    async with reader_bot(bot_app, db) as harness:
        ann = await harness.new_user("Ann")
        group = await emulator.client.create_group("Harbour talk", member_ids=[ann.id])
        channel = await emulator.client.create_channel("Harbour news", username="harbour_news")
        await ann.send("/id")
        await ann.send(f"/id@{harness.bot.username}", chat_id=group.id)
        await emulator.client.post_to_channel(channel.id, "/id")
        await harness.wait_handled()
        [private] = await harness.client.messages(ann.id, from_bot=True)
        [in_group] = await harness.client.messages(group.id, from_bot=True)
        [in_channel] = await harness.client.messages(channel.id, from_bot=True)

    assert private.text == (
        f"Your Telegram user id: {ann.id}\n"
        "To make this account an admin of the bot, add it to ADMIN_IDS in the bot's settings."
    )
    assert in_group.text == (
        f"This chat's id: {group.id} ({group.type})\nYour Telegram user id: {ann.id}"
    )
    assert in_channel.text == f"This chat's id: {channel.id} (channel)"
