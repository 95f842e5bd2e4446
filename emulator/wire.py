"""Bot API JSON for the world's objects, with every field PTB needs to build them."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from emulator.entities import FormattedText, MessageEntity
from emulator.state import Chat, DocumentInfo, Membership, Message, PhotoSize, User, World

JSON = dict[str, Any]

_DEFAULT_PERMISSIONS = {
    "can_send_messages": True,
    "can_send_audios": True,
    "can_send_documents": True,
    "can_send_photos": True,
    "can_send_videos": True,
    "can_send_video_notes": True,
    "can_send_voice_notes": True,
    "can_send_polls": True,
    "can_send_other_messages": True,
    "can_add_web_page_previews": True,
    "can_change_info": False,
    "can_invite_users": True,
    "can_pin_messages": False,
    "can_manage_topics": False,
}


def _drop_none(data: JSON) -> JSON:
    """Remove optional fields that are absent, as Telegram omits them."""
    return {key: value for key, value in data.items() if value is not None}


def user_json(user: User) -> JSON:
    """Return a User object."""
    return _drop_none(
        {
            "id": user.id,
            "is_bot": user.is_bot,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "username": user.username,
            "language_code": user.language_code,
        }
    )


def bot_user_json(world: World) -> JSON:
    """Return the User object getMe answers, with the bot-only fields."""
    return {
        **user_json(world.bot),
        "can_join_groups": True,
        "can_read_all_group_messages": not world.privacy_mode,
        "supports_inline_queries": world.inline_mode,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def known_user_json(world: World, user_id: int) -> JSON:
    """Return a User object by id; an unknown user gets an empty name, as Telegram does."""
    user = world.users.get(user_id)
    if user is None:
        return {"id": user_id, "is_bot": False, "first_name": ""}
    return user_json(user)


def chat_json(world: World, chat: Chat) -> JSON:
    """Return a Chat object (the short form inside messages)."""
    data: JSON = {"id": chat.id, "type": chat.type}
    if chat.type == "private":
        user = world.users.get(chat.id)
        if user is not None:
            data.update(
                _drop_none(
                    {
                        "first_name": user.first_name,
                        "last_name": user.last_name,
                        "username": user.username,
                    }
                )
            )
    else:
        data.update(_drop_none({"title": chat.title, "username": chat.username}))
        if chat.is_forum:
            data["is_forum"] = True
    return data


def chat_full_info_json(world: World, chat: Chat) -> JSON:
    """Return the ChatFullInfo object getChat answers."""
    data: JSON = {
        **chat_json(world, chat),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }
    if chat.type != "private":
        data.update(
            _drop_none({"description": chat.description, "linked_chat_id": chat.linked_chat_id})
        )
    if chat.type in ("group", "supergroup"):
        data["permissions"] = dict(_DEFAULT_PERMISSIONS)
    return data


def entity_json(world: World, entity: MessageEntity) -> JSON:
    """Return a MessageEntity object."""
    data: JSON = {"type": entity.type, "offset": entity.offset, "length": entity.length}
    if entity.url is not None:
        data["url"] = entity.url
    if entity.user_id is not None:
        data["user"] = known_user_json(world, entity.user_id)
    if entity.language is not None:
        data["language"] = entity.language
    if entity.custom_emoji_id is not None:
        data["custom_emoji_id"] = entity.custom_emoji_id
    return data


def entities_json(world: World, formatted: FormattedText) -> list[JSON]:
    """Return the entities of a text as a list of MessageEntity objects."""
    return [entity_json(world, entity) for entity in formatted.entities]


def photo_json(photo: tuple[PhotoSize, ...]) -> list[JSON]:
    """Return a PhotoSize list."""
    return [_drop_none(asdict(size)) for size in photo]


def document_json(document: DocumentInfo) -> JSON:
    """Return a Document object."""
    return _drop_none(asdict(document))


def message_json(world: World, message: Message, *, with_reply: bool = True) -> JSON:
    """Return a Message object, with its replied-to message one level deep."""
    chat = world.chats.get(message.chat_id)
    data: JSON = {"message_id": message.message_id, "date": message.date}
    if chat is not None:
        data["chat"] = chat_json(world, chat)
    if message.from_user_id is not None:
        data["from"] = known_user_json(world, message.from_user_id)
    if message.sender_chat_id is not None and message.sender_chat_id in world.chats:
        data["sender_chat"] = chat_json(world, world.chats[message.sender_chat_id])
    if message.message_thread_id is not None:
        data["message_thread_id"] = message.message_thread_id
    if message.forward_origin is not None:
        data["forward_origin"] = message.forward_origin
    if message.is_automatic_forward:
        data["is_automatic_forward"] = True
    if message.via_bot_id is not None:
        data["via_bot"] = known_user_json(world, message.via_bot_id)
    if message.edit_date is not None:
        data["edit_date"] = message.edit_date
    if message.has_protected_content:
        data["has_protected_content"] = True
    if message.forum_topic_created is not None:
        data["forum_topic_created"] = message.forum_topic_created
        data["is_topic_message"] = True
    elif message.message_thread_id is not None and _in_topic(world, message):
        data["is_topic_message"] = True
    if message.media_group_id is not None:
        data["media_group_id"] = message.media_group_id
    _add_reply(world, message, data, with_reply=with_reply)
    _add_content(world, message, data)
    markup = message.reply_markup.to_api() if message.reply_markup else None
    if markup is not None:
        data["reply_markup"] = markup
    return data


def _in_topic(world: World, message: Message) -> bool:
    """Tell whether a message was sent in a forum topic."""
    chat = world.chats.get(message.chat_id)
    return chat is not None and chat.is_forum and message.message_thread_id in chat.topics


def _add_reply(world: World, message: Message, data: JSON, *, with_reply: bool) -> None:
    """Add reply_to_message when the replied-to message still exists."""
    if not with_reply or message.reply_to_message_id is None:
        return
    replied = world.live_message(message.chat_id, message.reply_to_message_id)
    if replied is not None:
        data["reply_to_message"] = message_json(world, replied, with_reply=False)


def _add_content(world: World, message: Message, data: JSON) -> None:
    """Add the text, or the media and caption."""
    if message.text is not None:
        data["text"] = message.text.text
        if message.text.entities:
            data["entities"] = entities_json(world, message.text)
    if message.photo:
        data["photo"] = photo_json(message.photo)
    if message.document is not None:
        data["document"] = document_json(message.document)
    if message.caption is not None:
        data["caption"] = message.caption.text
        if message.caption.entities:
            data["caption_entities"] = entities_json(world, message.caption)


def forward_origin_json(world: World, message: Message) -> JSON:
    """Return the MessageOrigin a forward of `message` carries."""
    if message.forward_origin is not None:
        return message.forward_origin
    chat = world.chats.get(message.chat_id)
    if chat is not None and chat.type == "channel":
        return {
            "type": "channel",
            "chat": chat_json(world, chat),
            "message_id": message.message_id,
            "date": message.date,
        }
    if message.from_user_id is not None:
        return {
            "type": "user",
            "sender_user": known_user_json(world, message.from_user_id),
            "date": message.date,
        }
    sender = world.chats.get(message.sender_chat_id or 0) or chat
    return {
        "type": "chat",
        "sender_chat": chat_json(world, sender) if sender else {},
        "date": message.date,
    }


def chat_member_json(
    world: World, chat: Chat, user_id: int, *, as_of: Membership | None = None
) -> JSON:
    """Return the ChatMember object of `user_id` in `chat` (or as `as_of` describes it)."""
    member = as_of or chat.membership(user_id)
    user = known_user_json(world, user_id)
    if member.status == "creator":
        return {"status": "creator", "user": user, "is_anonymous": False}
    if member.status == "administrator":
        rights = asdict(member.rights) if member.rights else {}
        if chat.type == "channel":
            rights.pop("can_pin_messages", None)
            rights.pop("can_manage_topics", None)
        else:
            rights.pop("can_post_messages", None)
            rights.pop("can_edit_messages", None)
        return {
            "status": "administrator",
            "user": user,
            "can_be_edited": False,
            "is_anonymous": False,
            **rights,
        }
    if member.status == "kicked":
        return {"status": "kicked", "user": user, "until_date": 0}
    return {"status": member.status, "user": user}
