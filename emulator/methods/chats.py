"""Chat information: getChat, getChatMember, getChatAdministrators, getChatMemberCount."""

from __future__ import annotations

from emulator.access import bot_is_admin, check_can_send
from emulator.core import Emulator
from emulator.errors import bad_request, forbidden
from emulator.methods.base import Handler, target_chat
from emulator.params import Params
from emulator.state import Chat
from emulator.wire import chat_full_info_json, chat_member_json

_CHAT_KIND = {"group": "group chat", "supergroup": "supergroup chat", "channel": "channel chat"}


def _check_member_list(emu: Emulator, chat: Chat) -> None:
    """Channel member lists need an administrator bot; groups need a member bot."""
    world = emu.world
    if chat.type == "channel" and not bot_is_admin(world, chat):
        raise bad_request("member list is inaccessible")
    if chat.type in ("group", "supergroup") and not world.bot_status(chat).is_present:
        raise forbidden(f"bot is not a member of the {_CHAT_KIND[chat.type]}")


async def get_chat(emu: Emulator, params: Params) -> object:
    """getChat: the ChatFullInfo of a chat the bot can see."""
    return chat_full_info_json(emu.world, target_chat(emu, params))


async def get_chat_member(emu: Emulator, params: Params) -> object:
    """getChatMember: anyone's status where the bot may list members; its own anywhere."""
    world = emu.world
    chat = target_chat(emu, params)
    user_id = params.integer("user_id")
    if user_id is None:
        raise bad_request("user_id is empty" if not params.has("user_id") else "invalid user_id")
    if user_id not in world.users:
        raise bad_request("user not found")
    if user_id != world.bot.id:
        _check_member_list(emu, chat)
    return chat_member_json(world, chat, user_id)


async def get_chat_administrators(emu: Emulator, params: Params) -> object:
    """getChatAdministrators: creator and administrators of a group or channel."""
    world = emu.world
    chat = target_chat(emu, params)
    if chat.type == "private":
        raise bad_request("there are no administrators in the private chat")
    _check_member_list(emu, chat)
    return [
        chat_member_json(world, chat, user_id)
        for user_id, member in chat.members.items()
        if member.status in ("creator", "administrator")
    ]


async def get_chat_member_count(emu: Emulator, params: Params) -> object:
    """getChatMemberCount: how many members are present."""
    chat = target_chat(emu, params)
    return sum(1 for member in chat.members.values() if member.is_present)


async def leave_chat(emu: Emulator, params: Params) -> object:
    """leaveChat: the bot leaves a group or channel."""
    world = emu.world
    chat = target_chat(emu, params)
    if chat.type == "private":
        raise bad_request("chat member status can't be changed in private chats")
    if not world.bot_status(chat).is_present:
        check_can_send(world, chat)
    chat.members[world.bot.id].status = "left"
    emu.notify()
    return True


METHODS: dict[str, Handler] = {
    "getChat": get_chat,
    "getChatMember": get_chat_member,
    "getChatAdministrators": get_chat_administrators,
    "getChatMemberCount": get_chat_member_count,
    "leaveChat": leave_chat,
}
