"""Methods that change or remove messages: editMessageText/Caption/ReplyMarkup, delete."""

from __future__ import annotations

from emulator.access import bot_can_read, bot_is_admin
from emulator.core import Emulator
from emulator.errors import bad_request
from emulator.markup import ReplyMarkup, check_markup_for_chat, parse_reply_markup
from emulator.methods.base import NOT_MODIFIED, Handler, target_chat
from emulator.params import Params
from emulator.state import Chat, Message, unix_now
from emulator.text_rules import EDIT_TOO_LONG, caption_text, message_text
from emulator.wire import message_json


def _edit_target(emu: Emulator, params: Params) -> tuple[Message, bool]:
    """Find the message to edit: (message, whether it was named by inline_message_id)."""
    world = emu.world
    inline_id = params.text("inline_message_id")
    if inline_id:
        message = world.inline_message(inline_id)
        if message is None:
            raise bad_request("MESSAGE_ID_INVALID")
        return message, True
    chat = target_chat(emu, params)
    message_id = params.integer("message_id")
    if not message_id:
        raise bad_request("message identifier is not specified")
    message = world.live_message(chat.id, message_id)
    if message is None or not bot_can_read(world, chat):
        raise bad_request("message to edit not found")
    if not message.sent_by_bot and not _may_edit_others(emu, chat):
        raise bad_request("message can't be edited")
    return message, False


def _check_markup_where(
    emu: Emulator, markup: ReplyMarkup | None, message: Message, inline: bool
) -> None:
    """Mini App buttons only in the private chat with the bot (never inline messages)."""
    chat = None if inline else emu.world.chats.get(message.chat_id)
    check_markup_for_chat(markup, chat.type if chat is not None else None)


def _may_edit_others(emu: Emulator, chat: Chat) -> bool:
    """Channel administrators with can_edit_messages may edit other posts."""
    status = emu.world.bot_status(chat)
    return chat.type == "channel" and (
        status.status == "creator"
        or (status.rights is not None and status.rights.can_edit_messages)
    )


def _apply_edit(emu: Emulator, message: Message, inline: bool) -> object:
    """Stamp the edit, tell watchers, and answer as Telegram does (True for inline)."""
    message.edit_date = unix_now()
    emu.notify()
    return True if inline else message_json(emu.world, message)


async def edit_message_text(emu: Emulator, params: Params) -> object:
    """editMessageText: new text; the keyboard is replaced by reply_markup (or removed)."""
    text = message_text(
        params.text("text"),
        params.text("parse_mode"),
        params.raw("entities"),
        too_long=EDIT_TOO_LONG,
    )
    markup = parse_reply_markup(params.raw("reply_markup"), inline_only=True)
    message, inline = _edit_target(emu, params)
    _check_markup_where(emu, markup, message, inline)
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    if message.text == text and message.reply_markup == markup:
        raise bad_request(NOT_MODIFIED)
    message.remember_version()
    message.text, message.reply_markup = text, markup
    return _apply_edit(emu, message, inline)


async def edit_message_caption(emu: Emulator, params: Params) -> object:
    """editMessageCaption: new caption (empty removes it) on a media message."""
    caption = caption_text(
        params.text("caption"), params.text("parse_mode"), params.raw("caption_entities")
    )
    markup = parse_reply_markup(params.raw("reply_markup"), inline_only=True)
    message, inline = _edit_target(emu, params)
    _check_markup_where(emu, markup, message, inline)
    if message.text is not None:
        raise bad_request("there is no caption in the message to edit")
    if message.caption == caption and message.reply_markup == markup:
        raise bad_request(NOT_MODIFIED)
    message.remember_version()
    message.caption, message.reply_markup = caption, markup
    return _apply_edit(emu, message, inline)


async def edit_message_reply_markup(emu: Emulator, params: Params) -> object:
    """editMessageReplyMarkup: replace or remove the inline keyboard."""
    markup: ReplyMarkup | None = parse_reply_markup(params.raw("reply_markup"), inline_only=True)
    message, inline = _edit_target(emu, params)
    _check_markup_where(emu, markup, message, inline)
    if message.reply_markup == markup:
        raise bad_request(NOT_MODIFIED)
    message.remember_version()
    message.reply_markup = markup
    return _apply_edit(emu, message, inline)


async def delete_message(emu: Emulator, params: Params) -> object:
    """deleteMessage: own messages anywhere; others' in private chats or as an admin."""
    world = emu.world
    chat = target_chat(emu, params)
    message = world.live_message(chat.id, params.integer("message_id") or 0)
    if message is None or not bot_can_read(world, chat):
        raise bad_request("message to delete not found")
    status = world.bot_status(chat)
    allowed = (
        chat.type == "private"
        or (message.sent_by_bot and chat.type != "channel")
        or status.status == "creator"
        or (
            bot_is_admin(world, chat)
            and status.rights is not None
            and (
                status.rights.can_delete_messages
                or (message.sent_by_bot and status.rights.can_post_messages)
            )
        )
    )
    if not allowed:
        raise bad_request("message can't be deleted")
    message.deleted = True
    emu.notify()
    return True


METHODS: dict[str, Handler] = {
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
}
