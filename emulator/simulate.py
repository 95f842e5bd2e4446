"""What simulated people do: make chats, join, write, edit, post, forward, block the bot.

Each action checks everything it was given before it changes anything: a refused action
(a `ControlError`) leaves the world as it was, with no stray owner, chat, id or update.
"""

from __future__ import annotations

from typing import Any

from emulator.core import Emulator
from emulator.delivery import deliver_edit, deliver_new, publish_channel_post
from emulator.errors import ControlError
from emulator.media import URL_PHOTO_SIZE
from emulator.state import (
    AdminRights,
    Chat,
    ChatType,
    Membership,
    MemberStatus,
    Message,
    PhotoSize,
    User,
    unix_now,
)
from emulator.text_rules import user_text
from emulator.wire import chat_json, chat_member_json, forward_origin_json, user_json

BOT_STATUSES: tuple[str, ...] = ("administrator", "member", "left", "kicked", "none")
_PLAIN_STATUSES: dict[str, MemberStatus] = {"member": "member", "left": "left", "kicked": "kicked"}


def _user(emu: Emulator, user_id: int) -> User:
    """Return a simulated user or complain."""
    user = emu.world.users.get(user_id)
    if user is None or user.id == emu.world.bot.id:
        raise ControlError(f"no user {user_id}", status=404)
    return user


def _chat(emu: Emulator, chat_id: int) -> Chat:
    """Return a chat or complain."""
    chat = emu.world.chats.get(chat_id)
    if chat is None:
        raise ControlError(f"no chat {chat_id}", status=404)
    return chat


def create_user(
    emu: Emulator,
    first_name: str,
    *,
    last_name: str | None = None,
    username: str | None = None,
    language_code: str | None = "en",
) -> User:
    """Create a person (not yet talking to the bot)."""
    if not first_name:
        raise ControlError("first_name must not be empty")
    user = User(
        emu.world.next_user_id(),
        first_name,
        last_name=last_name,
        username=username,
        language_code=language_code,
    )
    emu.world.users[user.id] = user
    return user


def _bot_membership(status: str, rights: AdminRights | None) -> Membership | None:
    """Translate a control `bot_status` into a membership (None: never a member)."""
    if status not in BOT_STATUSES:
        raise ControlError(f"bot_status must be one of {', '.join(BOT_STATUSES)}")
    if status == "none":
        return None
    if status == "administrator":
        return Membership("administrator", rights or AdminRights())
    return Membership(_PLAIN_STATUSES[status])


def _emit_my_chat_member(emu: Emulator, chat: Chat, old: Membership, actor_id: int) -> None:
    """Tell the bot its own membership changed (my_chat_member)."""
    world = emu.world
    emu.emit(
        "my_chat_member",
        {
            "chat": chat_json(world, chat),
            "from": user_json(world.users[actor_id]),
            "date": unix_now(),
            "old_chat_member": chat_member_json(world, chat, world.bot.id, as_of=old),
            "new_chat_member": chat_member_json(world, chat, world.bot.id),
        },
    )


def create_group(
    emu: Emulator,
    title: str,
    *,
    supergroup: bool = True,
    username: str | None = None,
    member_ids: list[int] | None = None,
    owner_id: int | None = None,
    bot_status: str = "member",
    bot_rights: AdminRights | None = None,
    forum: bool = False,
) -> Chat:
    """Create a group or supergroup (a forum, with topics, when `forum`) with members; the
    bot joins per `bot_status`."""
    world = emu.world
    bot = _bot_membership(bot_status, bot_rights)
    members = [_user(emu, user_id) for user_id in member_ids or []]
    owner = _user(emu, owner_id) if owner_id else None
    kind: ChatType = "supergroup" if supergroup else "group"
    if owner is None:
        owner = create_user(emu, f"{title} owner")
    chat_id = world.next_channel_id() if supergroup else world.next_group_id()
    chat = Chat(chat_id, kind, title=title, username=username if supergroup else None)
    chat.is_forum = forum and supergroup
    chat.members[owner.id] = Membership("creator")
    for member in members:
        chat.members.setdefault(member.id, Membership("member"))
    world.chats[chat.id] = chat
    _put_bot(emu, chat, bot, actor_id=owner.id)
    return chat


def create_channel(
    emu: Emulator,
    title: str,
    *,
    username: str | None = None,
    owner_id: int | None = None,
    bot_status: str = "administrator",
    bot_rights: AdminRights | None = None,
    subscriber_ids: list[int] | None = None,
    linked_group_id: int | None = None,
) -> Chat:
    """Create a channel, optionally with a linked discussion group (a supergroup); by
    default the bot is an administrator that may post."""
    world = emu.world
    bot = _bot_membership(bot_status, bot_rights)
    subscribers = [_user(emu, user_id) for user_id in subscriber_ids or []]
    owner = _user(emu, owner_id) if owner_id else None
    group = None if linked_group_id is None else _chat(emu, linked_group_id)
    if group is not None and group.type != "supergroup":
        raise ControlError("link a channel to a supergroup")
    if owner is None:
        owner = create_user(emu, f"{title} owner")
    chat = Chat(world.next_channel_id(), "channel", title=title, username=username)
    chat.members[owner.id] = Membership("creator")
    for subscriber in subscribers:
        chat.members.setdefault(subscriber.id, Membership("member"))
    world.chats[chat.id] = chat
    _put_bot(emu, chat, bot, actor_id=owner.id)
    if group is not None:
        link_discussion(emu, chat.id, group.id)
    return chat


def _set_bot(
    emu: Emulator, chat: Chat, status: str, rights: AdminRights | None, *, actor_id: int
) -> None:
    """Put the bot into `chat` with `status`, announcing it as Telegram would."""
    _put_bot(emu, chat, _bot_membership(status, rights), actor_id=actor_id)


def _put_bot(emu: Emulator, chat: Chat, membership: Membership | None, *, actor_id: int) -> None:
    """Give the bot `membership` in `chat` (None: leave it out), announcing a change."""
    if membership is None:
        return
    bot_id = emu.world.bot.id
    old = chat.members.get(bot_id, Membership("left"))
    chat.members[bot_id] = membership
    if old.status != membership.status or old.rights != membership.rights:
        _emit_my_chat_member(emu, chat, old, actor_id)


def set_bot_status(
    emu: Emulator, chat_id: int, status: str, rights: AdminRights | None = None
) -> Chat:
    """Change the bot's status in a group or channel (promote, demote, kick...)."""
    chat = _chat(emu, chat_id)
    if chat.type == "private":
        raise ControlError("the bot's status in a private chat is set by blocking")
    owner = next((uid for uid, m in chat.members.items() if m.status == "creator"), None)
    _set_bot(emu, chat, status, rights, actor_id=owner or emu.world.bot.id)
    return chat


def add_member(emu: Emulator, chat_id: int, user_id: int) -> None:
    """Add a user to a group or channel."""
    chat = _chat(emu, chat_id)
    chat.members[_user(emu, user_id).id] = Membership("member")


def link_discussion(emu: Emulator, channel_id: int, group_id: int) -> None:
    """Make a supergroup the discussion group of a channel."""
    channel, group = _chat(emu, channel_id), _chat(emu, group_id)
    if channel.type != "channel" or group.type != "supergroup":
        raise ControlError("link a channel to a supergroup")
    channel.linked_chat_id, group.linked_chat_id = group.id, channel.id


def migrate_group(emu: Emulator, group_id: int) -> Chat:
    """Upgrade a basic group to a supergroup; the old id then answers migrate_to_chat_id."""
    world = emu.world
    group = _chat(emu, group_id)
    if group.type != "group":
        raise ControlError("only basic groups can be upgraded")
    upgraded = Chat(
        world.next_channel_id(), "supergroup", title=group.title, members=dict(group.members)
    )
    world.chats[upgraded.id] = upgraded
    group.migrated_to_chat_id = upgraded.id
    return upgraded


def set_blocked(emu: Emulator, user_id: int, *, blocked: bool) -> None:
    """A user blocks (or unblocks) the bot; the bot hears it as my_chat_member."""
    user = _user(emu, user_id)
    if user.blocked_bot == blocked:
        return
    user.blocked_bot = blocked
    chat = emu.world.private_chat(user)
    old = chat.membership(emu.world.bot.id)
    chat.members[emu.world.bot.id] = Membership("kicked" if blocked else "member")
    _emit_my_chat_member(emu, chat, old, user.id)


def send_user_message(
    emu: Emulator,
    user_id: int,
    text: str,
    *,
    chat_id: int | None = None,
    html: bool = False,
    reply_to_message_id: int | None = None,
) -> Message:
    """A user writes in a chat (default: the private chat with the bot)."""
    world = emu.world
    user = _user(emu, user_id)
    private = chat_id is None or chat_id == user.id
    if not private:
        group = _chat(emu, chat_id or user.id)
        if group.type == "channel":
            raise ControlError("users write in channels with post_to_channel")
        if not group.membership(user.id).is_present:
            raise ControlError(f"user {user.id} is not a member of chat {group.id}")
    target_id = user.id if private else (chat_id or user.id)
    formatted = user_text(text, html=html)
    if not formatted.text:
        raise ControlError("a message needs some text")
    thread_id = None
    if reply_to_message_id is not None:
        replied = world.live_message(target_id, reply_to_message_id)
        if replied is None:
            raise ControlError(f"no message {reply_to_message_id} in chat {target_id}")
        thread_id = replied.message_thread_id or (
            replied.message_id if replied.is_automatic_forward else None
        )
    if private:  # everything checked: writing starts the bot and lifts a block
        chat = world.private_chat(user)
        user.started_bot = True
        if user.blocked_bot:
            set_blocked(emu, user.id, blocked=False)
    else:
        chat = world.chats[target_id]
    message = world.add_message(
        chat,
        from_user_id=user.id,
        text=formatted,
        reply_to_message_id=reply_to_message_id,
        message_thread_id=thread_id,
    )
    deliver_new(emu, message)
    return message


def edit_user_message(emu: Emulator, chat_id: int, message_id: int, text: str) -> Message:
    """A user edits their message; the bot gets edited_message when it saw the original."""
    message = emu.world.live_message(chat_id, message_id)
    if message is None or message.sent_by_bot or message.text is None:
        raise ControlError(f"no user text message {message_id} in chat {chat_id}", status=404)
    new_text = user_text(text)
    message.remember_version()
    message.text = new_text
    message.edit_date = unix_now()
    deliver_edit(emu, message)
    return message


def delete_user_message(emu: Emulator, chat_id: int, message_id: int) -> None:
    """Someone deletes a message (bots get no update for that)."""
    message = emu.world.live_message(chat_id, message_id)
    if message is None:
        raise ControlError(f"no message {message_id} in chat {chat_id}", status=404)
    message.deleted = True
    emu.notify()


def post_to_channel(
    emu: Emulator,
    channel_id: int,
    *,
    text: str | None = None,
    html: bool = False,
    photo_url: str | None = None,
) -> Message:
    """A channel administrator (a person) publishes a post."""
    world = emu.world
    channel = _chat(emu, channel_id)
    if channel.type != "channel":
        raise ControlError(f"chat {channel_id} is not a channel")
    content: dict[str, Any] = {}
    if photo_url:
        caption = user_text(text, html=html) if text else None
        stored = world.next_token("AgAC")
        width, height = URL_PHOTO_SIZE
        content["photo"] = (PhotoSize(stored, world.next_token("AQAD"), width, height),)
        content["caption"] = caption
    elif text:
        content["text"] = user_text(text, html=html)
    else:
        raise ControlError("a post needs text or a photo_url")
    post = world.add_message(channel, sender_chat_id=channel.id, **content)
    publish_channel_post(emu, post)
    return post


def forward_to_bot(emu: Emulator, user_id: int, from_chat_id: int, message_id: int) -> Message:
    """A user forwards a message (e.g. a channel post) into the private chat with the bot."""
    world = emu.world
    user = _user(emu, user_id)
    source = world.live_message(from_chat_id, message_id)
    if source is None:
        raise ControlError(f"no message {message_id} in chat {from_chat_id}", status=404)
    chat = world.private_chat(user)
    user.started_bot = True
    forwarded = world.add_message(
        chat,
        from_user_id=user.id,
        text=source.text,
        caption=source.caption,
        photo=source.photo,
        document=source.document,
        forward_origin=forward_origin_json(world, source),
    )
    deliver_new(emu, forwarded)
    return forwarded
