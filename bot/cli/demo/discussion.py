"""The demo's discussion scene: the bot's related-coverage reply in a post's comments.

The demo channel has a linked discussion group, so Telegram (the emulator) copies each
post into it; the copy opens the post's comment thread. The bot replies in the thread of
a post when other coverage is related (here: the scraped honey story follows up the
feed's heather story), and the transcript shows that reply.
"""

from __future__ import annotations

from typing import Final

from bot.cli.demo.world import DISCUSSION_TITLE, DemoError, DemoWorld
from emulator.client import MessageView

REPLY_TIMEOUT_SECONDS: Final = 10.0
"""How long the demo waits for the bot's reply in the discussion group."""


async def scene_discussion_reply(world: DemoWorld) -> None:
    """Wait for the bot's reply in a post's comment thread and show it."""
    group = world.require_discussion()
    client = world.emulator.client
    try:
        [reply, *_] = await client.wait_for_messages(group.id, 1, within=REPLY_TIMEOUT_SECONDS)
    except TimeoutError:
        raise DemoError(
            f"the bot did not reply in {DISCUSSION_TITLE} within {REPLY_TIMEOUT_SECONDS:.0f} s"
        ) from None
    post_id = channel_post_of(await client.messages(group.id), reply)
    world.transcript.step(
        f"in the comments under post {post_id} ({DISCUSSION_TITLE}, the channel's discussion "
        "group) the bot replies with related coverage"
    )
    world.show_message(
        f"{DISCUSSION_TITLE} · comments on post {post_id} · {world.bot_label}", reply
    )


def channel_post_of(group_messages: list[MessageView], reply: MessageView) -> int:
    """Return the id of the channel post whose comment thread `reply` is in."""
    for message in group_messages:
        if message.message_id == reply.reply_to_message_id:
            origin = message.raw.get("forward_origin") or {}
            if "message_id" in origin:
                return int(origin["message_id"])
    raise DemoError("the bot's reply is not in the thread of a channel post")
