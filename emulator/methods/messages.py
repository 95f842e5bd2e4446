"""Methods that post new messages: sendMessage, sendPhoto, sendDocument, copy, forward."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from emulator.access import bot_can_read, check_can_send, resolve_chat
from emulator.core import Emulator
from emulator.delivery import publish_channel_post
from emulator.errors import bad_request
from emulator.forums import check_thread
from emulator.markup import check_markup_for_chat, parse_reply_markup
from emulator.media import document_from_param, photo_from_param
from emulator.methods.base import Handler, ReplyTarget, file_param, reply_target, target_chat
from emulator.params import Params
from emulator.photo_urls import fetch_photo, is_fetchable
from emulator.state import Chat, Message
from emulator.text_rules import caption_text, message_text
from emulator.wire import forward_origin_json, message_json

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


def post_bot_message(
    emu: Emulator,
    chat: Chat,
    params: Params,
    reply: ReplyTarget,
    *,
    admitted: bool = False,
    **content: Any,
) -> Message:
    """Count the message against flood limits (unless `admitted` already, as an album's
    items are together), store it, and run channel side effects."""
    world = emu.world
    check_thread(world, chat, reply.thread_id)
    if not admitted:
        emu.flood.admit(chat.id, private=chat.type == "private")
    sender: dict[str, Any] = (
        {"sender_chat_id": chat.id} if chat.type == "channel" else {"from_user_id": world.bot.id}
    )
    message = world.add_message(
        chat,
        sent_by_bot=True,
        reply_to_message_id=reply.message_id,
        message_thread_id=reply.thread_id,
        has_protected_content=params.flag("protect_content"),
        disable_notification=params.flag("disable_notification"),
        **sender,
        **content,
    )
    if chat.type == "channel":
        publish_channel_post(emu, message)
    else:
        emu.notify()
    return message


async def send_message(emu: Emulator, params: Params) -> object:
    """sendMessage: text (HTML parse mode or entities) with an optional keyboard."""
    text = message_text(params.text("text"), params.text("parse_mode"), params.raw("entities"))
    markup = parse_reply_markup(params.raw("reply_markup"))
    chat = target_chat(emu, params)
    check_can_send(emu.world, chat)
    check_markup_for_chat(markup, chat.type)
    reply = reply_target(emu, chat, params)
    preview = params.json_value(
        "link_preview_options", error="can't parse link preview options JSON object"
    )
    message = post_bot_message(
        emu,
        chat,
        params,
        reply,
        text=text,
        reply_markup=markup,
        link_preview_options=preview if isinstance(preview, dict) else None,
    )
    return message_json(emu.world, message)


async def send_photo(emu: Emulator, params: Params) -> object:
    """sendPhoto: an uploaded photo, a URL (fetched when on this machine, and refused as
    Telegram refuses it) or a file_id, with a caption up to 1024."""

    async def photo() -> object:
        """Read the photo, downloading a local URL first."""
        reference, upload = file_param(params, "photo")
        fetched = None
        if upload is None and reference is not None and is_fetchable(reference):
            fetched = await fetch_photo(reference)
        return photo_from_param(emu.world, reference, upload, fetched=fetched)

    return await _send_with_caption(emu, params, photo=photo)


async def send_document(emu: Emulator, params: Params) -> object:
    """sendDocument: an uploaded file (kept byte for byte), a URL or a file_id."""

    async def document() -> object:
        """Read the document."""
        return document_from_param(emu.world, *file_param(params, "document"))

    return await _send_with_caption(emu, params, document=document)


async def _send_with_caption(
    emu: Emulator, params: Params, **media: Callable[[], Awaitable[object]]
) -> object:
    """Validate caption, keyboard, chat and reply, then read the media and post it."""
    caption = caption_text(
        params.text("caption"), params.text("parse_mode"), params.raw("caption_entities")
    )
    markup = parse_reply_markup(params.raw("reply_markup"))
    chat = target_chat(emu, params)
    check_can_send(emu.world, chat)
    check_markup_for_chat(markup, chat.type)
    reply = reply_target(emu, chat, params)
    read: dict[str, Any] = {name: await load() for name, load in media.items()}
    message = post_bot_message(
        emu, chat, params, reply, caption=caption, reply_markup=markup, **read
    )
    return message_json(emu.world, message)


def _source_message(emu: Emulator, params: Params, missing: str) -> Message:
    """Find the message copyMessage/forwardMessage starts from."""
    world = emu.world
    source_chat = resolve_chat(world, params.raw("from_chat_id"))
    message_id = params.integer("message_id")
    source = world.live_message(source_chat.id, message_id or 0)
    if source is None or not bot_can_read(world, source_chat):
        raise bad_request(missing)
    return source


async def copy_message(emu: Emulator, params: Params) -> object:
    """copyMessage: the content without a link to the original; answers a MessageId."""
    source = _source_message(emu, params, "message to copy not found")
    markup = parse_reply_markup(params.raw("reply_markup"))
    content: dict[str, Any] = {
        "text": source.text,
        "photo": source.photo,
        "document": source.document,
        "caption": source.caption,
    }
    if params.raw("caption") is not None and source.text is None:
        content["caption"] = caption_text(
            params.text("caption"), params.text("parse_mode"), params.raw("caption_entities")
        )
    chat = target_chat(emu, params)
    check_can_send(emu.world, chat)
    check_markup_for_chat(markup, chat.type)
    reply = reply_target(emu, chat, params)
    message = post_bot_message(emu, chat, params, reply, reply_markup=markup, **content)
    return {"message_id": message.message_id}


async def forward_message(emu: Emulator, params: Params) -> object:
    """forwardMessage: the message with a forward_origin naming where it came from."""
    source = _source_message(emu, params, "message to forward not found")
    if source.has_protected_content:
        raise bad_request("message can't be forwarded")
    chat = target_chat(emu, params)
    check_can_send(emu.world, chat)
    origin = forward_origin_json(emu.world, source)
    message = post_bot_message(
        emu,
        chat,
        params,
        ReplyTarget(),
        text=source.text,
        photo=source.photo,
        document=source.document,
        caption=source.caption,
        forward_origin=origin,
    )
    return message_json(emu.world, message)


async def send_chat_action(emu: Emulator, params: Params) -> object:
    """sendChatAction: accepted for a chat the bot may write to."""
    chat = target_chat(emu, params)
    action = (params.text("action") or "").lower()
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    check_can_send(emu.world, chat)
    return True


METHODS: dict[str, Handler] = {
    "sendMessage": send_message,
    "sendPhoto": send_photo,
    "sendDocument": send_document,
    "copyMessage": copy_message,
    "forwardMessage": forward_message,
    "sendChatAction": send_chat_action,
}
