"""Forum supergroups' topics: Telegram's rules for creating them and posting in them.

A topic's id (`message_thread_id`) is the message id of the service message that opens it.
Posting with a `message_thread_id` in a forum needs a topic that exists and is open:
Telegram answers `Bad Request: message thread not found` for an unknown or deleted topic
and `Bad Request: TOPIC_CLOSED` for a closed one, unless the bot may manage topics
(administrators who may, and the creator, post in closed topics). Creating a topic needs a
forum and the `can_manage_topics` right; its name is 1-128 characters.
"""

from __future__ import annotations

from typing import Final

from emulator.errors import bad_request
from emulator.state import Chat, ForumTopic, World

MAX_TOPIC_NAME: Final = 128
ICON_COLORS: Final = (7322096, 16766590, 13338331, 9367192, 16749490, 16478047)
"""The colours Telegram allows for a topic's icon (RGB); the first is the default."""


def bot_manages_topics(world: World, chat: Chat) -> bool:
    """Tell whether the bot may create, close and reopen topics in `chat`."""
    status = world.bot_status(chat)
    if status.status == "creator":
        return True
    return status.status == "administrator" and bool(
        status.rights is not None and status.rights.can_manage_topics
    )


def create_topic(world: World, chat: Chat, name: str, icon_color: int | None) -> ForumTopic:
    """Open a topic as the bot: its opening service message and the topic record."""
    if chat.type != "supergroup" or not chat.is_forum:
        raise bad_request("the chat is not a forum")
    if not bot_manages_topics(world, chat):
        raise bad_request("not enough rights to create a topic")
    if not name.strip() or len(name) > MAX_TOPIC_NAME:
        raise bad_request("TOPIC_NAME_INVALID")
    color = ICON_COLORS[0] if icon_color is None else icon_color
    if color not in ICON_COLORS:
        raise bad_request("TOPIC_ICON_COLOR_INVALID")  # hidden in the docs; as observed
    opening = world.add_message(
        chat,
        from_user_id=world.bot.id,
        sent_by_bot=True,
        forum_topic_created={"name": name, "icon_color": color},
    )
    opening.message_thread_id = opening.message_id
    topic = ForumTopic(opening.message_id, name, color)
    chat.topics[topic.message_thread_id] = topic
    return topic


def check_thread(world: World, chat: Chat, thread_id: int | None) -> None:
    """Refuse a post to a forum topic that does not exist, was deleted or is closed."""
    if thread_id is None or not chat.is_forum:
        return
    topic = chat.topics.get(thread_id)
    if topic is None or topic.deleted:
        raise bad_request("message thread not found")
    if topic.closed and not bot_manages_topics(world, chat):
        raise bad_request("TOPIC_CLOSED")


def set_topic_state(chat: Chat, thread_id: int, *, closed: bool, deleted: bool) -> ForumTopic:
    """Close, reopen or delete a topic (as a chat administrator would); KeyError if none."""
    topic = chat.topics[thread_id]
    topic.closed = closed
    topic.deleted = topic.deleted or deleted
    if deleted:
        for message in chat.messages.values():
            if message.message_thread_id == thread_id:
                message.deleted = True
    return topic


def topic_json(topic: ForumTopic) -> dict[str, object]:
    """Return a ForumTopic object as createForumTopic answers it."""
    return {
        "message_thread_id": topic.message_thread_id,
        "name": topic.name,
        "icon_color": topic.icon_color,
    }
