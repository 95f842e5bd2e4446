"""Which chat a chat_id names, and whether the bot may read or write there."""

from __future__ import annotations

from emulator.errors import ApiError, bad_request, forbidden
from emulator.state import Chat, World

_CHAT_KIND = {"group": "group chat", "supergroup": "supergroup chat", "channel": "channel chat"}


def resolve_chat(world: World, raw: object) -> Chat:
    """Find the chat a chat_id (number or @username) names, as the bot can see it."""
    if raw is None or raw == "":
        raise bad_request("chat_id is empty")
    reference = str(raw).strip()
    chat: Chat | None
    if reference.startswith("@"):
        chat = world.chat_by_username(reference)
    else:
        try:
            chat_id = int(reference)
        except ValueError:
            raise bad_request("chat not found") from None
        chat = world.chats.get(chat_id)
        user = world.users.get(chat_id)
        if chat is None and user is not None and user.id != world.bot.id:
            chat = world.private_chat(user)
    if chat is None or not _visible_to_bot(world, chat):
        raise bad_request("chat not found")
    if chat.migrated_to_chat_id is not None:
        raise ApiError(
            400,
            "Bad Request: group chat was upgraded to a supergroup chat",
            migrate_to_chat_id=chat.migrated_to_chat_id,
        )
    return chat


def _visible_to_bot(world: World, chat: Chat) -> bool:
    """A bot knows private chats, public chats, and chats it is or was a member of."""
    return chat.type == "private" or chat.username is not None or world.bot.id in chat.members


def check_can_send(world: World, chat: Chat) -> None:
    """Raise Telegram's error when the bot may not post a message in `chat`."""
    if chat.type == "private":
        user = world.users[chat.id]
        if user.is_bot:
            raise forbidden("bot can't send messages to bots")
        if user.blocked_bot:
            raise forbidden("bot was blocked by the user")
        if not user.started_bot:
            raise forbidden("bot can't initiate conversation with a user")
        return
    kind = _CHAT_KIND[chat.type]
    status = world.bot_status(chat)
    if status.status == "kicked":
        raise forbidden(f"bot was kicked from the {kind}")
    if not status.is_present:
        raise forbidden(f"bot is not a member of the {kind}")
    if chat.type == "channel" and not (
        status.status == "creator"
        or (status.rights is not None and status.rights.can_post_messages)
    ):
        raise bad_request("need administrator rights in the channel chat")


def bot_can_read(world: World, chat: Chat) -> bool:
    """Tell whether the bot can see the messages of `chat`."""
    return chat.type == "private" or world.bot_status(chat).is_present


def bot_is_admin(world: World, chat: Chat) -> bool:
    """Tell whether the bot administers `chat`."""
    return world.bot_status(chat).status in ("creator", "administrator")
