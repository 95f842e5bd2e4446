"""Reactions on channel posts: subscribers react anonymously, the bot gets the totals.

As on Telegram: reactions in a channel are anonymous, so a bot sees no `message_reaction`
there, only `message_reaction_count` (MessageReactionCountUpdated: `chat`, `message_id`,
`date`, `reactions` = [ReactionCount {type, total_count}], the post's whole current list,
most frequent first), and only when it administers the channel and listed the type in
`allowed_updates` (it is not in the default list: see `emulator.updates`). Telegram groups
these updates and may send them minutes late; the emulator sends one per change at once.

A reaction is written like the bot's storage does: the emoji itself (one of Telegram's
standard reaction emoji), `custom:<custom_emoji_id>` or `paid` (star reactions).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from emulator.core import Emulator
from emulator.errors import ControlError
from emulator.state import unix_now
from emulator.wire import chat_json

ZWJ: Final = "\u200d"
_PLAIN_EMOJI: Final = (
    "👍 👎 ❤ 🔥 🥰 👏 😁 🤔 🤯 😱 🤬 😢 🎉 🤩 🤮 💩 🙏 👌 🕊 🤡 🥱 🥴 "
    "😍 🐳 🌚 🌭 💯 🤣 ⚡ 🍌 🏆 💔 🤨 😐 🍓 🍾 💋 🖕 😈 😴 😭 🤓 👻 👀 "
    "🎃 🙈 😇 😨 🤝 ✍ 🤗 🫡 🎅 🎄 ☃ 💅 🤪 🗿 🆒 💘 🙉 🦄 😘 💊 🙊 😎 "
    "👾 🤷 😡"
)
STANDARD_EMOJI: Final = frozenset(
    (*_PLAIN_EMOJI.split(" "), f"❤{ZWJ}🔥", f"👨{ZWJ}💻", f"🤷{ZWJ}♂", f"🤷{ZWJ}♀")
)
"""The emoji Telegram accepts as reactions (ReactionTypeEmoji)."""
MAX_DISTINCT: Final = 11
"""Different reactions one message may carry (a channel's default `max_reaction_count`)."""
CUSTOM_PREFIX: Final = "custom:"
PAID: Final = "paid"


def reaction_type_json(reaction: str) -> dict[str, Any]:
    """Return the ReactionType object of a reaction written as `emoji`, `custom:ID` or
    `paid`; `ControlError` for anything else."""
    if reaction == PAID:
        return {"type": "paid"}
    if reaction.startswith(CUSTOM_PREFIX) and reaction[len(CUSTOM_PREFIX) :].isdigit():
        return {"type": "custom_emoji", "custom_emoji_id": reaction[len(CUSTOM_PREFIX) :]}
    if reaction in STANDARD_EMOJI:
        return {"type": "emoji", "emoji": reaction}
    raise ControlError(f"{reaction!r} is not a reaction Telegram allows")


def set_reactions(
    emu: Emulator, chat_id: int, message_id: int, counts: Mapping[str, object]
) -> dict[str, Any]:
    """Make a channel post's anonymous reaction totals `counts` (reaction → total; 0
    removes one) and tell the bot when it may know; return the update's payload."""
    world = emu.world
    chat = world.chats.get(chat_id)
    if chat is None:
        raise ControlError(f"no chat {chat_id}", status=404)
    if chat.type != "channel":
        raise ControlError(f"chat {chat_id} is not a channel: its reactions are not anonymous")
    message = world.live_message(chat_id, message_id)
    if message is None:
        raise ControlError(f"no message {message_id} in chat {chat_id}", status=404)
    totals: dict[str, int] = {}
    for reaction, count in counts.items():
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise ControlError(f"the count of {reaction!r} must be a whole number >= 0")
        reaction_type_json(reaction)
        if count:
            totals[reaction] = count
    if len(totals) > MAX_DISTINCT:
        raise ControlError(f"a message carries at most {MAX_DISTINCT} different reactions")
    message.reactions = totals
    ordered = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    payload: dict[str, Any] = {
        "chat": chat_json(world, chat),
        "message_id": message_id,
        "date": unix_now(),
        "reactions": [
            {"type": reaction_type_json(reaction), "total_count": count}
            for reaction, count in ordered
        ],
    }
    if world.bot_status(chat).status in ("creator", "administrator"):
        emu.emit("message_reaction_count", payload)
    else:
        emu.notify()
    return payload
