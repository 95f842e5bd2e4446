"""Users interacting with the bot's output: pressing buttons and using inline mode."""

from __future__ import annotations

import time
import zlib
from dataclasses import dataclass
from typing import Final

from emulator.core import Emulator
from emulator.delivery import deliver_new
from emulator.errors import ControlError
from emulator.inline_results import PreparedResult, prepare_result
from emulator.markup import find_button
from emulator.media import URL_PHOTO_SIZE
from emulator.state import CallbackQueryRecord, InlineQueryRecord, Message, PhotoSize, User
from emulator.wire import message_json, user_json

INLINE_CHAT_TYPES = frozenset({"sender", "private", "group", "supergroup", "channel"})


def _user(emu: Emulator, user_id: int) -> User:
    """Return a simulated user or complain."""
    user = emu.world.users.get(user_id)
    if user is None or user.is_bot:
        raise ControlError(f"no user {user_id}", status=404)
    return user


def _chat_instance(chat_key: str) -> str:
    """A stable chat_instance string for a chat (Telegram's is an opaque number)."""
    return str(zlib.crc32(f"chat-instance:{chat_key}".encode()) * 2_654_435_761)


def press_button(
    emu: Emulator,
    user_id: int,
    *,
    chat_id: int | None = None,
    message_id: int | None = None,
    inline_message_id: str | None = None,
    data: str | None = None,
    text: str | None = None,
) -> CallbackQueryRecord:
    """A user presses a callback button (found by data or text) on a message."""
    world = emu.world
    user = _user(emu, user_id)
    if inline_message_id is not None:
        message = world.inline_message(inline_message_id)
    elif chat_id is not None and message_id is not None:
        message = world.live_message(chat_id, message_id)
    else:
        raise ControlError("name the message: chat_id and message_id, or inline_message_id")
    if message is None:
        raise ControlError("no such message", status=404)
    keyboard = message.reply_markup.inline_keyboard if message.reply_markup else None
    try:
        button = find_button(keyboard or [], data=data, text=text)
    except LookupError:
        raise ControlError("the message has no such button", status=404) from None
    if "callback_data" not in button:
        raise ControlError("only callback buttons send the bot a callback query")
    record = CallbackQueryRecord(
        id=world.next_query_id(),
        user_id=user.id,
        data=button["callback_data"],
        created=emu.config.clock(),
        chat_id=message.chat_id,
        message_id=message.message_id,
        inline_message_id=inline_message_id,
    )
    world.callback_queries[record.id] = record
    payload: dict[str, object] = {
        "id": record.id,
        "from": user_json(user),
        "data": record.data,
        "chat_instance": _chat_instance(inline_message_id or str(message.chat_id)),
    }
    if inline_message_id is not None:
        payload["inline_message_id"] = inline_message_id
    else:
        payload["message"] = message_json(world, message)
    emu.emit("callback_query", payload)
    return record


KEPT_INLINE_QUERIES: Final = 200
"""Inline queries remembered with their answers (Telegram forgets them too: an answer must
come within seconds). Unbounded, a long benchmark's answers filled the heap and every full
garbage collection paused the emulator for hundreds of milliseconds."""


def send_inline_query(
    emu: Emulator, user_id: int, query: str, *, offset: str = "", chat_type: str | None = "sender"
) -> InlineQueryRecord:
    """A user types `@bot query` (offset set when scrolling to the next page)."""
    world = emu.world
    user = _user(emu, user_id)
    if chat_type is not None and chat_type not in INLINE_CHAT_TYPES:
        raise ControlError(f"chat_type must be one of {', '.join(sorted(INLINE_CHAT_TYPES))}")
    record = InlineQueryRecord(
        world.next_query_id(), user.id, query, offset, chat_type, emu.config.clock()
    )
    world.inline_queries[record.id] = record
    while len(world.inline_queries) > KEPT_INLINE_QUERIES:  # oldest first (insertion order)
        del world.inline_queries[next(iter(world.inline_queries))]
    payload: dict[str, object] = {
        "id": record.id,
        "from": user_json(user),
        "query": query,
        "offset": offset,
    }
    if chat_type is not None:
        payload["chat_type"] = chat_type
    emu.emit("inline_query", payload)
    return record


@dataclass(frozen=True, slots=True)
class ChosenResult:
    """What choosing an inline result produced."""

    inline_message_id: str | None
    message: Message | None


def choose_inline_result(
    emu: Emulator, query_id: str, result_id: str, *, chat_id: int | None = None
) -> ChosenResult:
    """The user picks a result; it is sent via the bot into `chat_id` (or an unmodelled chat)."""
    world = emu.world
    record = world.inline_queries.get(query_id)
    if record is None or record.answer is None:
        raise ControlError(f"inline query {query_id} has no answer to choose from", status=404)
    raw = next((item for item in record.answer.results if item.get("id") == result_id), None)
    if raw is None:
        raise ControlError(f"the answer has no result {result_id!r}", status=404)
    result = prepare_result(raw)  # checked when answered; prepared again only when chosen
    message = _post_chosen(emu, record, result, chat_id)
    has_keyboard = result.reply_markup is not None
    inline_message_id = message.inline_message_id if message and has_keyboard else None
    payload: dict[str, object] = {
        "result_id": result.id,
        "from": user_json(world.users[record.user_id]),
        "query": record.query,
    }
    if inline_message_id is not None:
        payload["inline_message_id"] = inline_message_id
    emu.emit("chosen_inline_result", payload)
    return ChosenResult(inline_message_id, message)


def _post_chosen(
    emu: Emulator, record: InlineQueryRecord, result: PreparedResult, chat_id: int | None
) -> Message | None:
    """Create the message a chosen result sends on the user's behalf."""
    world = emu.world
    content: dict[str, object] = {}
    if result.text is not None:
        content["text"] = result.text
    elif result.photo_url is not None:
        width, height = URL_PHOTO_SIZE
        content["photo"] = (
            PhotoSize(world.next_token("AgAC"), world.next_token("AQAD"), width, height),
        )
        content["caption"] = result.caption
    else:
        return None
    inline_message_id = world.next_token("BAAAA")
    common: dict[str, object] = {
        "from_user_id": record.user_id,
        "via_bot_id": world.bot.id,
        "reply_markup": result.reply_markup,
        "inline_message_id": inline_message_id,
    }
    if chat_id is None:
        message = Message(0, 0, int(time.time()), **common, **content)  # type: ignore[arg-type]  # the dicts hold Message fields
        world.detached_messages[inline_message_id] = message
        emu.notify()
        return message
    chat = world.chats.get(chat_id)
    if chat is None:
        raise ControlError(f"no chat {chat_id}", status=404)
    message = world.add_message(chat, **common, **content)
    world.inline_messages[inline_message_id] = (chat.id, message.message_id)
    deliver_new(emu, message)
    return message
