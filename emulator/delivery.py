"""Which new or edited messages reach the bot as updates, and discussion-group copies."""

from __future__ import annotations

from emulator.core import Emulator
from emulator.state import SERVICE_USER_ID, Chat, Message
from emulator.utf16 import utf16_slice
from emulator.wire import chat_json, message_json


def bot_receives(emu: Emulator, chat: Chat, message: Message) -> bool:
    """Apply membership and privacy mode: does the bot get this message as an update?"""
    world = emu.world
    if message.sent_by_bot:
        return False
    if chat.type == "private":
        return True
    status = world.bot_status(chat)
    if not status.is_present:
        return False
    if chat.type == "channel" or status.status in ("creator", "administrator"):
        return True
    if not world.privacy_mode or message.is_automatic_forward:
        return True
    if message.via_bot_id == world.bot.id:
        return True
    if message.reply_to_message_id is not None:
        replied = chat.messages.get(message.reply_to_message_id)
        if replied is not None and replied.sent_by_bot:
            return True
    return _is_command_for_bot(emu, message)


def _is_command_for_bot(emu: Emulator, message: Message) -> bool:
    """A command at the start of the text, without @bot or naming this bot."""
    formatted = message.text or message.caption
    if formatted is None:
        return False
    for entity in formatted.entities:
        if entity.type == "bot_command" and entity.offset == 0:
            command = utf16_slice(formatted.text, entity.offset, entity.length)
            _, _, addressee = command.partition("@")
            username = emu.world.bot.username or ""
            return not addressee or addressee.lower() == username.lower()
    return False


def deliver_new(emu: Emulator, message: Message) -> None:
    """Send the bot a message/channel_post update when it would receive one."""
    chat = emu.world.chats[message.chat_id]
    if bot_receives(emu, chat, message):
        kind = "channel_post" if chat.type == "channel" else "message"
        emu.emit(kind, message_json(emu.world, message))
    else:
        emu.notify()


def deliver_edit(emu: Emulator, message: Message) -> None:
    """Send the bot an edited_message/edited_channel_post update when it would see it."""
    chat = emu.world.chats[message.chat_id]
    if bot_receives(emu, chat, message):
        kind = "edited_channel_post" if chat.type == "channel" else "edited_message"
        emu.emit(kind, message_json(emu.world, message))
    else:
        emu.notify()


def publish_channel_post(emu: Emulator, post: Message) -> Message | None:
    """Deliver a channel post, and copy it into the linked discussion group if any."""
    world = emu.world
    channel = world.chats[post.chat_id]
    deliver_new(emu, post)
    group = world.chats.get(channel.linked_chat_id or 0)
    if group is None:
        return None
    copy = world.add_message(
        group,
        from_user_id=SERVICE_USER_ID,
        sender_chat_id=channel.id,
        text=post.text,
        caption=post.caption,
        photo=post.photo,
        document=post.document,
        is_automatic_forward=True,
        forward_origin={
            "type": "channel",
            "chat": chat_json(world, channel),
            "message_id": post.message_id,
            "date": post.date,
        },
    )
    deliver_new(emu, copy)
    return copy
