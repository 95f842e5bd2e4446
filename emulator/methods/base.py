"""What every method handler shares: its signature, its result, and common parameters."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from emulator.access import resolve_chat
from emulator.core import Emulator
from emulator.errors import bad_request
from emulator.params import Params, UploadedFile
from emulator.state import Chat, Message

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


@dataclass(frozen=True, slots=True)
class MethodResult:
    """A result with the optional `description` Telegram adds (e.g. "Webhook was set")."""

    result: object
    description: str | None = None


Handler = Callable[[Emulator, Params], Awaitable[object]]


@dataclass(frozen=True, slots=True)
class MethodEntry:
    """A method's canonical name and its handler."""

    name: str
    handler: Handler


def target_chat(emu: Emulator, params: Params, name: str = "chat_id") -> Chat:
    """Resolve the chat a method names."""
    return resolve_chat(emu.world, params.raw(name))


def file_param(params: Params, name: str) -> tuple[str | None, UploadedFile | None]:
    """Return a file parameter as (reference, upload); `attach://x` names another part."""
    reference = params.text(name)
    if reference and reference.startswith("attach://"):
        return None, params.file(reference.removeprefix("attach://"))
    upload = params.file(name)
    return (None, upload) if upload is not None else (reference, None)


@dataclass(frozen=True, slots=True)
class ReplyTarget:
    """Where a new message hangs: the replied-to message and the discussion thread."""

    message_id: int | None = None
    thread_id: int | None = None


def reply_target(emu: Emulator, chat: Chat, params: Params) -> ReplyTarget:
    """Read reply_parameters (or the legacy reply_to_message_id) and check the message."""
    raw = params.json_value("reply_parameters", error="can't parse reply parameters JSON object")
    if isinstance(raw, dict):
        message_id = raw.get("message_id")
        allow_missing = bool(raw.get("allow_sending_without_reply"))
        if raw.get("chat_id") not in (None, chat.id, str(chat.id)):
            return ReplyTarget()
    else:
        message_id = params.integer("reply_to_message_id")
        allow_missing = params.flag("allow_sending_without_reply")
    if not isinstance(message_id, int) or message_id == 0:
        return ReplyTarget(thread_id=params.integer("message_thread_id"))
    replied = emu.world.live_message(chat.id, message_id)
    if replied is None:
        if allow_missing:
            return ReplyTarget()
        raise bad_request("message to be replied not found")
    return ReplyTarget(message_id, _thread_of(chat, replied))


def _thread_of(chat: Chat, replied: Message) -> int | None:
    """Replies in a discussion group join the thread of the channel post copy."""
    if chat.type != "supergroup":
        return None
    if replied.message_thread_id is not None:
        return replied.message_thread_id
    return replied.message_id if replied.is_automatic_forward else None


def canonical_json(value: object) -> str:
    """Serialize JSON with sorted keys, for use as a dictionary key."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))
