"""Editing, deleting, copying and forwarding messages, as Telegram allows them."""

from __future__ import annotations

import pytest
from telegram.error import BadRequest

from emulator import RunningEmulator
from tests.support.botapi import BotApiCaller

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
KEYBOARD = {"inline_keyboard": [[{"text": "Save", "callback_data": "save"}]]}


@pytest.fixture
async def ann(emulator: RunningEmulator) -> int:
    """A user who has started the bot."""
    user = await emulator.client.create_user("Ann")
    await emulator.client.send_message(user.id, "/start")
    return user.id


async def test_edit_text_keeps_history_and_refuses_no_change(api: BotApiCaller, emulator, ann):
    sent = await api.ok("sendMessage", chat_id=ann, text="first", reply_markup=KEYBOARD)
    mid = sent["message_id"]
    same = await api.refused(
        "editMessageText", chat_id=ann, message_id=mid, text="first", reply_markup=KEYBOARD
    )
    assert same.description == NOT_MODIFIED
    edited = await api.ok(
        "editMessageText", chat_id=ann, message_id=mid, text="<i>second</i>", parse_mode="HTML"
    )
    assert edited["text"] == "second"
    assert "reply_markup" not in edited
    assert edited["edit_date"] >= sent["date"]
    [view] = await emulator.client.messages(ann, from_bot=True)
    assert [e["text"] for e in view.edits] == ["first"]
    assert view.edits[0]["reply_markup"] == KEYBOARD


async def test_edit_markup_only(api: BotApiCaller, ann):
    mid = (await api.ok("sendMessage", chat_id=ann, text="x"))["message_id"]
    result = await api.ok(
        "editMessageReplyMarkup", chat_id=ann, message_id=mid, reply_markup=KEYBOARD
    )
    assert result["reply_markup"] == KEYBOARD
    again = await api.refused(
        "editMessageReplyMarkup", chat_id=ann, message_id=mid, reply_markup=KEYBOARD
    )
    assert again.description == NOT_MODIFIED


async def test_edit_errors(api: BotApiCaller, emulator: RunningEmulator, ann):
    user_message = (await emulator.client.messages(ann))[0]
    theirs = await api.refused(
        "editMessageText", chat_id=ann, message_id=user_message.message_id, text="mine now"
    )
    assert theirs.description == "Bad Request: message can't be edited"
    missing = await api.refused("editMessageText", chat_id=ann, message_id=999, text="x")
    assert missing.description == "Bad Request: message to edit not found"
    too_long = await api.refused("editMessageText", chat_id=ann, message_id=1, text="x" * 4097)
    assert too_long.description == "Bad Request: MESSAGE_TOO_LONG"
    photo = await api.ok("sendPhoto", chat_id=ann, photo="https://a.org/p.jpg")
    no_text = await api.refused(
        "editMessageText", chat_id=ann, message_id=photo["message_id"], text="x"
    )
    assert no_text.description == "Bad Request: there is no text in the message to edit"
    caption = await api.ok(
        "editMessageCaption", chat_id=ann, message_id=photo["message_id"], caption="Now captioned"
    )
    assert caption["caption"] == "Now captioned"
    unknown_inline = await api.refused("editMessageText", inline_message_id="nope", text="x")
    assert unknown_inline.description == "Bad Request: MESSAGE_ID_INVALID"


async def test_ptb_sees_not_modified_as_bad_request(ptb_bot, ann):
    message = await ptb_bot.send_message(ann, "same")
    with pytest.raises(BadRequest, match="Message is not modified"):
        await message.edit_text("same")


async def test_delete_rules(api: BotApiCaller, emulator: RunningEmulator, ann):
    client = emulator.client
    mid = (await api.ok("sendMessage", chat_id=ann, text="gone soon"))["message_id"]
    assert await api.ok("deleteMessage", chat_id=ann, message_id=mid) is True
    again = await api.refused("deleteMessage", chat_id=ann, message_id=mid)
    assert again.description == "Bad Request: message to delete not found"
    views = await client.messages(ann)
    assert [v.deleted for v in views] == [False, True]

    bob = await client.create_user("Bob")
    group = await client.create_group("Chat", member_ids=[bob.id])
    theirs = await client.send_message(bob.id, "/hello", chat_id=group.id)
    refused = await api.refused("deleteMessage", chat_id=group.id, message_id=theirs.message_id)
    assert refused.description == "Bad Request: message can't be deleted"
    await client.set_bot_status(group.id, "administrator")
    assert await api.ok("deleteMessage", chat_id=group.id, message_id=theirs.message_id)


async def test_copy_and_forward(api: BotApiCaller, emulator: RunningEmulator, ann):
    client = emulator.client
    channel = await client.create_channel("News", username="news_feed")
    post = await client.post_to_channel(channel.id, "<b>Story</b>", html=True)
    copied = await api.ok(
        "copyMessage", chat_id=ann, from_chat_id=channel.id, message_id=post.message_id
    )
    forwarded = await api.ok(
        "forwardMessage", chat_id=ann, from_chat_id="@news_feed", message_id=post.message_id
    )
    views = {v.message_id: v for v in await client.messages(ann, from_bot=True)}
    copy = views[copied["message_id"]]
    assert (copy.text, copy.entity_types) == ("Story", ["bold"])
    assert "forward_origin" not in copy.raw
    assert forwarded["forward_origin"]["type"] == "channel"
    assert forwarded["forward_origin"]["chat"]["id"] == channel.id
    missing = await api.refused(
        "copyMessage", chat_id=ann, from_chat_id=channel.id, message_id=999
    )
    assert missing.description == "Bad Request: message to copy not found"
    missing = await api.refused(
        "forwardMessage", chat_id=ann, from_chat_id=channel.id, message_id=999
    )
    assert missing.description == "Bad Request: message to forward not found"
