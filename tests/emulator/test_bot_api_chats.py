"""Chats: who the bot may write to, channel rights, members, discussion groups, privacy."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import ChatMemberAdministrator, ChatMemberOwner
from telegram.error import ChatMigrated, Forbidden

from emulator import RunningEmulator
from tests.support.botapi import BotApiCaller


async def updates(api: BotApiCaller) -> list[dict[str, Any]]:
    """Fetch (without waiting) and confirm every pending update."""
    found: list[dict[str, Any]] = await api.ok("getUpdates", timeout=0)
    if found:
        await api.ok("getUpdates", offset=found[-1]["update_id"] + 1, timeout=0)
    return found


async def test_unknown_chat_is_not_found(api: BotApiCaller):
    for chat_id in (424242, -1009999, "@nobody_here"):
        reply = await api.refused("sendMessage", chat_id=chat_id, text="hi")
        assert (reply.status, reply.description) == (400, "Bad Request: chat not found")
    empty = await api.refused("sendMessage", text="hi")
    assert empty.description == "Bad Request: chat_id is empty"


async def test_users_must_start_the_bot_and_may_block_it(api, emulator: RunningEmulator):
    user = await emulator.client.create_user("Ann")
    silent = await api.refused("sendMessage", chat_id=user.id, text="hi")
    assert (silent.status, silent.description) == (
        403,
        "Forbidden: bot can't initiate conversation with a user",
    )
    await emulator.client.send_message(user.id, "/start")
    await api.ok("sendMessage", chat_id=user.id, text="hi")
    await emulator.client.set_blocked(user.id)
    blocked = await api.refused("sendMessage", chat_id=user.id, text="hi")
    assert (blocked.status, blocked.description) == (403, "Forbidden: bot was blocked by the user")
    kinds = [next(k for k in u if k != "update_id") for u in await updates(api)]
    assert kinds == ["message", "my_chat_member"]


async def test_ptb_raises_forbidden_for_a_blocked_user(ptb_bot, emulator: RunningEmulator):
    user = await emulator.client.create_user("Ann")
    await emulator.client.send_message(user.id, "/start")
    await emulator.client.set_blocked(user.id)
    with pytest.raises(Forbidden, match=r"^Forbidden: bot was blocked by the user$"):
        await ptb_bot.send_message(user.id, "hi")


async def test_posting_to_a_channel_needs_admin_rights(api, emulator: RunningEmulator):
    client = emulator.client
    posting = await client.create_channel("News", username="news_feed")
    outsider = await client.create_channel("Other", username="other_feed", bot_status="none")
    was_member = await client.create_channel("Former", bot_status="left")
    reader = await client.create_channel("Reader", bot_rights={"can_post_messages": False})
    demoted = await client.create_channel("Demoted", bot_status="member")
    await api.ok("sendMessage", chat_id=posting.id, text="by id")
    post = await api.ok("sendMessage", chat_id="@news_feed", text="by username")
    assert post["chat"]["id"] == posting.id
    assert "from" not in post
    assert post["sender_chat"]["id"] == posting.id
    for chat_id in (outsider.id, was_member.id):
        reply = await api.refused("sendMessage", chat_id=chat_id, text="x")
        assert reply.description == "Forbidden: bot is not a member of the channel chat"
    for chat_id in (reader.id, demoted.id):
        reply = await api.refused("sendMessage", chat_id=chat_id, text="x")
        assert reply.description == "Bad Request: need administrator rights in the channel chat"
    private_unknown = await client.create_channel("Hidden", bot_status="none")
    hidden = await api.refused("sendMessage", chat_id=private_unknown.id, text="x")
    assert hidden.description == "Bad Request: chat not found"


async def test_group_membership_errors(api, emulator: RunningEmulator):
    client = emulator.client
    kicked = await client.create_group("Kicked", bot_status="kicked")
    left = await client.create_group("Left", supergroup=False, bot_status="left")
    reply = await api.refused("sendMessage", chat_id=kicked.id, text="x")
    assert reply.description == "Forbidden: bot was kicked from the supergroup chat"
    reply = await api.refused("sendMessage", chat_id=left.id, text="x")
    assert reply.description == "Forbidden: bot is not a member of the group chat"


async def test_chat_member_shows_the_bots_channel_rights(ptb_bot, emulator: RunningEmulator):
    owner = await emulator.client.create_user("Olga")
    channel = await emulator.client.create_channel("News", owner_id=owner.id)
    me = await ptb_bot.get_chat_member(channel.id, ptb_bot.id)
    assert isinstance(me, ChatMemberAdministrator)
    assert me.can_post_messages is True
    assert me.can_edit_messages is True
    admins = await ptb_bot.get_chat_administrators(channel.id)
    assert {type(a) for a in admins} == {ChatMemberAdministrator, ChatMemberOwner}
    assert {a.user.id for a in admins} == {owner.id, ptb_bot.id}
    chat = await ptb_bot.get_chat(channel.id)
    assert (chat.type, chat.title) == ("channel", "News")


async def test_member_lists_need_rights(api, emulator: RunningEmulator):
    client = emulator.client
    reader = await client.create_user("Rita")
    channel = await client.create_channel("News", bot_rights={"can_post_messages": False})
    other = await client.create_channel("Other", username="other", bot_status="none")
    me = await api.ok("getChatMember", chat_id=other.id, user_id=123456789)
    assert me["status"] == "left"
    refused = await api.refused("getChatAdministrators", chat_id=other.id)
    assert refused.description == "Bad Request: member list is inaccessible"
    assert (await api.ok("getChatMember", chat_id=channel.id, user_id=reader.id))["status"] == (
        "left"
    )
    unknown = await api.refused("getChatMember", chat_id=channel.id, user_id=999)
    assert unknown.description == "Bad Request: user not found"


async def test_channel_posts_and_discussion_copies_reach_the_bot(api, emulator: RunningEmulator):
    client = emulator.client
    group = await client.create_group("News chat")
    channel = await client.create_channel("News", linked_group_id=group.id)
    await updates(api)  # drop the my_chat_member updates of the setup
    post = await client.post_to_channel(channel.id, "<b>Breaking</b>", html=True)
    channel_post, discussion = await updates(api)
    assert channel_post["channel_post"]["message_id"] == post.message_id
    assert channel_post["channel_post"]["entities"] == [{"type": "bold", "offset": 0, "length": 8}]
    copy = discussion["message"]
    assert copy["chat"]["id"] == group.id
    assert copy["is_automatic_forward"] is True
    assert copy["sender_chat"]["id"] == channel.id
    assert copy["from"]["id"] == 777000
    assert copy["forward_origin"]["type"] == "channel"
    assert copy["forward_origin"]["message_id"] == post.message_id
    assert (await api.ok("getChat", chat_id=channel.id))["linked_chat_id"] == group.id


async def test_the_bots_own_posts_are_copied_and_replies_join_the_thread(api, emulator):
    client = emulator.client
    group = await client.create_group("News chat")
    channel = await client.create_channel("News", linked_group_id=group.id)
    await updates(api)
    post = await api.ok("sendMessage", chat_id=channel.id, text="Our story")
    [discussion] = await updates(api)  # the bot never hears of its own post, only the copy
    copy = discussion["message"]
    assert copy["text"] == "Our story"
    assert copy["forward_origin"]["message_id"] == post["message_id"]
    reply = await api.ok(
        "sendMessage",
        chat_id=group.id,
        text="Also on this story",
        reply_parameters={"message_id": copy["message_id"]},
    )
    assert reply["message_thread_id"] == copy["message_id"]
    assert reply["reply_to_message"]["message_id"] == copy["message_id"]
    missing = await api.refused(
        "sendMessage", chat_id=group.id, text="x", reply_parameters={"message_id": 999}
    )
    assert missing.description == "Bad Request: message to be replied not found"


async def test_privacy_mode_filters_group_messages(api, emulator: RunningEmulator):
    client = emulator.client
    ann = await client.create_user("Ann")
    group = await client.create_group("Chat", member_ids=[ann.id])
    admin_group = await client.create_group(
        "Admins", member_ids=[ann.id], bot_status="administrator"
    )
    await updates(api)
    await client.send_message(ann.id, "just chatting", chat_id=group.id)
    await client.send_message(ann.id, "/help@other_bot", chat_id=group.id)
    await client.send_message(ann.id, "/help", chat_id=group.id)
    await client.send_message(ann.id, "/help@newsbot_test_bot", chat_id=group.id)
    bot_message = await api.ok("sendMessage", chat_id=group.id, text="I am here")
    await client.send_message(
        ann.id, "replying", chat_id=group.id, reply_to_message_id=bot_message["message_id"]
    )
    await client.send_message(ann.id, "admins see all", chat_id=admin_group.id)
    texts = [u["message"]["text"] for u in await updates(api)]
    assert texts == ["/help", "/help@newsbot_test_bot", "replying", "admins see all"]


async def test_upgraded_group_answers_migrate_to_chat_id(api, ptb_bot, emulator):
    group = await emulator.client.create_group("Old", supergroup=False)
    upgraded = await emulator.client.migrate_group(group.id)
    reply = await api.refused("sendMessage", chat_id=group.id, text="x")
    assert reply.body["parameters"] == {"migrate_to_chat_id": upgraded.id}
    assert reply.description == "Bad Request: group chat was upgraded to a supergroup chat"
    with pytest.raises(ChatMigrated) as caught:
        await ptb_bot.send_message(group.id, "x")
    assert caught.value.new_chat_id == upgraded.id


async def test_forwarded_channel_post_names_its_origin(api, emulator: RunningEmulator):
    client = emulator.client
    ann = await client.create_user("Ann")
    channel = await client.create_channel("News", username="news_feed")
    post = await client.post_to_channel(channel.id, "A story")
    await updates(api)
    forwarded = await client.forward_to_bot(ann.id, channel.id, post.message_id)
    [update] = await updates(api)
    origin = update["message"]["forward_origin"]
    assert origin["type"] == "channel"
    assert origin["chat"]["username"] == "news_feed"
    assert origin["message_id"] == post.message_id
    assert update["message"]["message_id"] == forwarded.message_id


async def test_the_bot_hears_of_its_own_membership_changes(api: BotApiCaller, emulator):
    channel = await emulator.client.create_channel("News")
    await emulator.client.set_bot_status(channel.id, "kicked")
    joined, kicked = (u["my_chat_member"] for u in await updates(api))
    assert (joined["old_chat_member"]["status"], joined["new_chat_member"]["status"]) == (
        "left",
        "administrator",
    )
    assert joined["new_chat_member"]["can_post_messages"] is True
    assert joined["chat"]["id"] == channel.id
    assert kicked["new_chat_member"] == {
        "status": "kicked",
        "user": kicked["new_chat_member"]["user"],
        "until_date": 0,
    }


async def test_users_edit_their_messages_and_the_bot_hears_it(api: BotApiCaller, emulator):
    client = emulator.client
    ann = await client.create_user("Ann")
    sent = await client.send_message(ann.id, "typo")
    await updates(api)
    await client.edit_message(ann.id, sent.message_id, "fixed")
    [update] = await updates(api)
    assert update["edited_message"]["text"] == "fixed"
    assert update["edited_message"]["edit_date"] >= update["edited_message"]["date"]
    await client.delete_message(ann.id, sent.message_id)
    assert (await client.messages(ann.id))[0].deleted
    assert await updates(api) == []  # bots are not told about deletions


async def test_leaving_and_counting_members(api: BotApiCaller, emulator):
    ann = await emulator.client.create_user("Ann")
    group = await emulator.client.create_group("Chat", member_ids=[ann.id])
    assert await api.ok("getChatMemberCount", chat_id=group.id) == 3  # owner, Ann, the bot
    assert await api.ok("leaveChat", chat_id=group.id) is True
    assert (await emulator.client.get_chat(group.id)).bot_status == "left"
    gone = await api.refused("sendMessage", chat_id=group.id, text="x")
    assert gone.description == "Forbidden: bot is not a member of the supergroup chat"
