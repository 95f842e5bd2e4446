"""Forum topic methods: createForumTopic (closing and deleting are the control API's)."""

from __future__ import annotations

from emulator.access import check_can_send
from emulator.core import Emulator
from emulator.forums import create_topic, topic_json
from emulator.methods.base import Handler, target_chat
from emulator.params import Params


async def create_forum_topic(emu: Emulator, params: Params) -> object:
    """createForumTopic: a new topic in a forum supergroup where the bot manages topics."""
    chat = target_chat(emu, params)
    check_can_send(emu.world, chat)
    topic = create_topic(emu.world, chat, params.text("name") or "", params.integer("icon_color"))
    emu.notify()
    return topic_json(topic)


METHODS: dict[str, Handler] = {"createForumTopic": create_forum_topic}
