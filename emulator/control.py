"""The control API under `/control/`: play users, inspect chats, inject faults, read counters.

`GET /control/` lists the routes with what each does. Every route checks its whole request
before it acts: a refused request (4xx, `{"error": ...}`) changes nothing.
"""

from __future__ import annotations

import dataclasses
import re
import types
from collections.abc import Awaitable, Callable
from typing import Any, Literal, TypeVar, Union, get_args, get_origin, get_type_hints

from aiohttp import web

from emulator import interactions, reactions, simulate, webapp
from emulator.botapi import EMULATOR_KEY
from emulator.core import Emulator
from emulator.errors import ApiError, ControlError
from emulator.faults import FAULT_KINDS, Fault
from emulator.flood import FloodLimits
from emulator.forums import ICON_COLORS, set_topic_state, topic_json
from emulator.media import photo_source_url
from emulator.state import (
    AdminRights,
    CallbackQueryRecord,
    Chat,
    ForumTopic,
    InlineQueryRecord,
    Message,
)
from emulator.telegraph.http import CONTROL_ROUTES as TELEGRAPH_CONTROL_ROUTES
from emulator.wire import chat_json, entities_json, message_json, user_json

JSON = dict[str, Any]
MAX_WAIT_SECONDS = 60.0
_RIGHT_NAMES = frozenset(field.name for field in dataclasses.fields(AdminRights))

RouteHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_D = TypeVar("_D")
_ROUTE_DOC = re.compile(r"[A-Z]+ \S+?(?:\[\?(?P<query>[^\]]*)\])?: (?P<does>.*)")


def message_snapshot(emu: Emulator, message: Message) -> JSON:
    """A message as it stands, plus what the Bot API does not show: deletion and edits."""
    world = emu.world
    snapshot = message_json(world, message)
    snapshot["deleted"] = message.deleted
    snapshot["sent_by_bot"] = message.sent_by_bot
    snapshot["link_preview_options"] = message.link_preview_options
    snapshot["disable_notification"] = message.disable_notification
    if message.photo:
        snapshot["photo_url"] = photo_source_url(world, message.photo)
    if message.inline_message_id is not None:
        snapshot["inline_message_id"] = message.inline_message_id
    if message.reply_markup is not None and message.reply_markup.other is not None:
        snapshot["reply_keyboard"] = message.reply_markup.other
    snapshot["edits"] = [
        {
            "text": version.text.text if version.text else None,
            "entities": entities_json(world, version.text) if version.text else [],
            "caption": version.caption.text if version.caption else None,
            "reply_markup": version.reply_markup.to_api() if version.reply_markup else None,
            "edit_date": version.edit_date,
        }
        for version in message.history
    ]
    return snapshot


def chat_snapshot(emu: Emulator, chat: Chat) -> JSON:
    """A chat with its members and the bot's standing."""
    world = emu.world
    return {
        **chat_json(world, chat),
        "linked_chat_id": chat.linked_chat_id,
        "migrated_to_chat_id": chat.migrated_to_chat_id,
        "bot_status": world.bot_status(chat).status,
        "members": {str(uid): member.status for uid, member in chat.members.items()},
    }


def _callback_json(record: CallbackQueryRecord) -> JSON:
    """A callback query and its answer."""
    return {
        "id": record.id,
        "data": record.data,
        "answered": record.answer is not None,
        "answer": record.answer,
    }


def _inline_json(record: InlineQueryRecord, *, results: bool = True) -> JSON:
    """An inline query and the bot's answer (without `results`: their count instead)."""
    answer = record.answer.to_json(results=results) if record.answer else None
    return {
        "id": record.id,
        "query": record.query,
        "offset": record.offset,
        "answered": record.answer is not None,
        "answer": answer,
    }


async def _body(request: web.Request) -> JSON:
    """Read a JSON object body (an empty body is an empty object)."""
    if not request.can_read_body:
        return {}
    try:
        data = await request.json()
    except ValueError:
        raise ControlError("the body must be a JSON object") from None
    if not isinstance(data, dict):
        raise ControlError("the body must be a JSON object")
    return data


def _int(value: object, name: str) -> int:
    """Read a required integer field."""
    if isinstance(value, bool) or value is None:
        raise ControlError(f"{name} must be an integer")
    try:
        return int(str(value))
    except ValueError:
        raise ControlError(f"{name} must be an integer") from None


def _optional_int(value: object, name: str) -> int | None:
    """Read an optional integer field."""
    return None if value is None else _int(value, name)


def _wait_seconds(request: web.Request) -> float:
    """Read the `wait` query parameter (seconds, capped)."""
    try:
        return min(float(request.query.get("wait", "0")), MAX_WAIT_SECONDS)
    except ValueError:
        raise ControlError("wait must be a number of seconds") from None


def _with_results(request: web.Request) -> bool:
    """Read the `results` query parameter: all (the default) or count (their number only)."""
    shown = request.query.get("results", "all")
    if shown not in ("all", "count"):
        raise ControlError("results must be all or count")
    return shown == "all"


def _rights(data: JSON) -> AdminRights | None:
    """Read `bot_rights` (a mapping of AdminRights flags)."""
    raw = data.get("bot_rights")
    if raw is None:
        return None
    if not isinstance(raw, dict) or not set(raw) <= _RIGHT_NAMES:
        raise ControlError(f"bot_rights keys must be among {sorted(_RIGHT_NAMES)}")
    return AdminRights(**{key: bool(value) for key, value in raw.items()})


def _optional_str(value: object, name: str) -> str | None:
    """Read an optional text field."""
    if value is not None and not isinstance(value, str):
        raise ControlError(f"{name} must be a string")
    return value


def _str(value: object, name: str, default: str = "") -> str:
    """Read a text field with a default."""
    text = _optional_str(value, name)
    return default if text is None else text


def _fits(value: object, hint: object) -> bool:
    """Tell whether a JSON value fits a dataclass field's type (int, float, str, bool,
    Literal, Optional)."""
    origin = get_origin(hint)
    if origin is Literal:
        return value in get_args(hint)
    if origin in (Union, types.UnionType):
        return any(_fits(value, option) for option in get_args(hint))
    if hint is type(None):
        return value is None
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is str:
        return isinstance(value, str)
    return True


def _dataclass_from(cls: type[_D], data: JSON, what: str, *, required: tuple[str, ...] = ()) -> _D:
    """Build `cls` from JSON fields, each checked against its type; refuse anything else."""
    hints = get_type_hints(cls)
    known = [field.name for field in dataclasses.fields(cls)]  # type: ignore[arg-type]
    if not set(data) <= set(known) or not set(required) <= set(data):
        raise ControlError(
            f"{what} has fields among {known}"
            + (f" ({', '.join(required)} required)" if required else "")
        )
    for name, value in data.items():
        if not _fits(value, hints[name]):
            raise ControlError(f"{what} field {name} cannot be {value!r}")
    return cls(**data)


def _int_list(value: object, name: str) -> list[int]:
    """Read a list of integers."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise ControlError(f"{name} must be a list of integers")
    return [_int(item, name) for item in value]


class ControlRoutes:
    """The route handlers; each reads JSON, acts on the emulator, answers JSON."""

    def emu(self, request: web.Request) -> Emulator:
        """Return the emulator behind the app."""
        return request.app[EMULATOR_KEY]

    async def bot(self, request: web.Request) -> JSON:
        """GET /control/bot: the bot's identity, token and command lists."""
        emu = self.emu(request)
        return {
            "user": user_json(emu.world.bot),
            "token": emu.config.token,
            "commands": emu.world.commands,
        }

    async def create_user(self, request: web.Request) -> JSON:
        """POST /control/users: a new person."""
        data = await _body(request)
        user = simulate.create_user(
            self.emu(request),
            _str(data.get("first_name"), "first_name"),
            last_name=_optional_str(data.get("last_name"), "last_name"),
            username=_optional_str(data.get("username"), "username"),
            language_code=_optional_str(data.get("language_code", "en"), "language_code"),
        )
        return user_json(user)

    async def block(self, request: web.Request) -> JSON:
        """POST /control/users/{user_id}/block: the user blocks the bot."""
        data = await _body(request)
        user_id = _int(request.match_info["user_id"], "user_id")
        simulate.set_blocked(self.emu(request), user_id, blocked=bool(data.get("blocked", True)))
        return {"ok": True}

    async def create_group(self, request: web.Request) -> JSON:
        """POST /control/groups: a (super)group; the bot joins per bot_status."""
        data = await _body(request)
        emu = self.emu(request)
        chat = simulate.create_group(
            emu,
            _str(data.get("title"), "title", "Group"),
            supergroup=bool(data.get("supergroup", True)),
            username=_optional_str(data.get("username"), "username"),
            member_ids=_int_list(data.get("member_ids"), "member_ids"),
            owner_id=_optional_int(data.get("owner_id"), "owner_id"),
            bot_status=_str(data.get("bot_status"), "bot_status", "member"),
            bot_rights=_rights(data),
            forum=bool(data.get("forum", False)),
        )
        return chat_snapshot(emu, chat)

    async def topics(self, request: web.Request) -> JSON:
        """GET /control/chats/{chat_id}/topics: a forum's topics, closed and deleted too."""
        chat = self._chat(request)
        return {
            "topics": [
                {**topic_json(topic), "closed": topic.closed, "deleted": topic.deleted}
                for topic in chat.topics.values()
            ]
        }

    async def open_topic(self, request: web.Request) -> JSON:
        """POST /control/chats/{chat_id}/topics: the chat's owner opens a topic."""
        data = await _body(request)
        emu = self.emu(request)
        chat = self._chat(request)
        if not chat.is_forum:
            raise ControlError(f"chat {chat.id} is not a forum")
        name = _str(data.get("name"), "name")
        opening = emu.world.add_message(chat, forum_topic_created={"name": name})
        opening.message_thread_id = opening.message_id
        topic = ForumTopic(opening.message_id, name, ICON_COLORS[0])
        chat.topics[topic.message_thread_id] = topic
        return topic_json(topic)

    async def topic_state(self, request: web.Request) -> JSON:
        """POST /control/chats/{chat_id}/topics/{thread_id}: close, reopen or delete it."""
        data = await _body(request)
        chat = self._chat(request)
        thread_id = _int(request.match_info["thread_id"], "thread_id")
        state = _str(data.get("state"), "state")
        if state not in ("closed", "open", "deleted"):
            raise ControlError("state must be closed, open or deleted")
        if thread_id not in chat.topics:
            raise ControlError(f"no topic {thread_id} in chat {chat.id}", status=404)
        topic = set_topic_state(
            chat, thread_id, closed=state == "closed", deleted=state == "deleted"
        )
        return {**topic_json(topic), "closed": topic.closed, "deleted": topic.deleted}

    def _chat(self, request: web.Request) -> Chat:
        """Return the chat a route's path names; 404 when there is none."""
        chat_id = _int(request.match_info["chat_id"], "chat_id")
        chat = self.emu(request).world.chats.get(chat_id)
        if chat is None:
            raise ControlError(f"no chat {chat_id}", status=404)
        return chat

    async def create_channel(self, request: web.Request) -> JSON:
        """POST /control/channels: a channel, optionally with a linked discussion group."""
        data = await _body(request)
        emu = self.emu(request)
        chat = simulate.create_channel(
            emu,
            _str(data.get("title"), "title", "Channel"),
            username=_optional_str(data.get("username"), "username"),
            owner_id=_optional_int(data.get("owner_id"), "owner_id"),
            bot_status=_str(data.get("bot_status"), "bot_status", "administrator"),
            bot_rights=_rights(data),
            subscriber_ids=_int_list(data.get("subscriber_ids"), "subscriber_ids"),
            linked_group_id=_optional_int(data.get("linked_group_id"), "linked_group_id"),
        )
        return chat_snapshot(emu, chat)

    async def chat(self, request: web.Request) -> JSON:
        """GET /control/chats/{chat_id}: members, bot status, links."""
        emu = self.emu(request)
        chat_id = _int(request.match_info["chat_id"], "chat_id")
        chat = emu.world.chats.get(chat_id)
        if chat is None:
            raise ControlError(f"no chat {chat_id}", status=404)
        return chat_snapshot(emu, chat)

    async def bot_status(self, request: web.Request) -> JSON:
        """POST /control/chats/{chat_id}/bot-status: promote or remove the bot."""
        data = await _body(request)
        emu = self.emu(request)
        chat_id = _int(request.match_info["chat_id"], "chat_id")
        status = _str(data.get("status"), "status")
        chat = simulate.set_bot_status(emu, chat_id, status, _rights(data))
        return chat_snapshot(emu, chat)

    async def add_member(self, request: web.Request) -> JSON:
        """POST /control/chats/{chat_id}/members: a user joins."""
        data = await _body(request)
        emu = self.emu(request)
        chat_id = _int(request.match_info["chat_id"], "chat_id")
        simulate.add_member(emu, chat_id, _int(data.get("user_id"), "user_id"))
        return chat_snapshot(emu, emu.world.chats[chat_id])

    async def link(self, request: web.Request) -> JSON:
        """POST /control/chats/{chat_id}/discussion: link a discussion group."""
        data = await _body(request)
        emu = self.emu(request)
        channel_id = _int(request.match_info["chat_id"], "chat_id")
        simulate.link_discussion(emu, channel_id, _int(data.get("group_id"), "group_id"))
        return chat_snapshot(emu, emu.world.chats[channel_id])

    async def migrate(self, request: web.Request) -> JSON:
        """POST /control/chats/{chat_id}/migrate: upgrade a basic group."""
        emu = self.emu(request)
        upgraded = simulate.migrate_group(emu, _int(request.match_info["chat_id"], "chat_id"))
        return chat_snapshot(emu, upgraded)

    async def messages(self, request: web.Request) -> JSON:
        """GET /control/chats/{chat_id}/messages[?count=N&from_bot=1&wait=S]: the messages."""
        emu = self.emu(request)
        chat_id = _int(request.match_info["chat_id"], "chat_id")
        if chat_id not in emu.world.chats:
            raise ControlError(f"no chat {chat_id}", status=404)
        chat = emu.world.chats[chat_id]
        from_bot = request.query.get("from_bot") in ("1", "true")
        wanted = _int(request.query.get("count", "0"), "count")

        def selected() -> list[Message]:
            """The chat's messages, only the bot's when asked."""
            return [m for m in chat.messages.values() if m.sent_by_bot or not from_bot]

        await emu.wait_until(lambda: len(selected()) >= wanted, _wait_seconds(request))
        return {"messages": [message_snapshot(emu, m) for m in selected()]}

    async def inline_message(self, request: web.Request) -> JSON:
        """GET /control/inline-messages/{inline_message_id}: a message sent via inline mode."""
        emu = self.emu(request)
        message = emu.world.inline_message(request.match_info["inline_message_id"])
        if message is None:
            raise ControlError("no such inline message", status=404)
        return message_snapshot(emu, message)

    async def send_message(self, request: web.Request) -> JSON:
        """POST /control/messages: a user writes (default: to the bot in private)."""
        data = await _body(request)
        emu = self.emu(request)
        message = simulate.send_user_message(
            emu,
            _int(data.get("user_id"), "user_id"),
            _str(data.get("text"), "text"),
            chat_id=_optional_int(data.get("chat_id"), "chat_id"),
            html=bool(data.get("html")),
            reply_to_message_id=_optional_int(data.get("reply_to_message_id"), "reply_to"),
        )
        return message_snapshot(emu, message)

    async def edit_message(self, request: web.Request) -> JSON:
        """POST /control/messages/edit: a user edits their text."""
        data = await _body(request)
        emu = self.emu(request)
        message = simulate.edit_user_message(
            emu,
            _int(data.get("chat_id"), "chat_id"),
            _int(data.get("message_id"), "message_id"),
            _str(data.get("text"), "text"),
        )
        return message_snapshot(emu, message)

    async def delete_message(self, request: web.Request) -> JSON:
        """POST /control/messages/delete: someone deletes a message."""
        data = await _body(request)
        simulate.delete_user_message(
            self.emu(request),
            _int(data.get("chat_id"), "chat_id"),
            _int(data.get("message_id"), "message_id"),
        )
        return {"ok": True}

    async def channel_post(self, request: web.Request) -> JSON:
        """POST /control/channel-posts: a channel admin posts."""
        data = await _body(request)
        emu = self.emu(request)
        post = simulate.post_to_channel(
            emu,
            _int(data.get("channel_id"), "channel_id"),
            text=_optional_str(data.get("text"), "text"),
            html=bool(data.get("html")),
            photo_url=_optional_str(data.get("photo_url"), "photo_url"),
        )
        return message_snapshot(emu, post)

    async def react(self, request: web.Request) -> JSON:
        """POST /control/reactions: subscribers' anonymous reaction totals on a channel post."""
        data = await _body(request)
        counts = data.get("reactions")
        if not isinstance(counts, dict):
            raise ControlError('"reactions" must be an object of reaction -> total')
        return reactions.set_reactions(
            self.emu(request),
            _int(data.get("chat_id"), "chat_id"),
            _int(data.get("message_id"), "message_id"),
            counts,
        )

    async def forward(self, request: web.Request) -> JSON:
        """POST /control/forwards: a user forwards to the bot."""
        data = await _body(request)
        emu = self.emu(request)
        message = simulate.forward_to_bot(
            emu,
            _int(data.get("user_id"), "user_id"),
            _int(data.get("from_chat_id"), "from_chat_id"),
            _int(data.get("message_id"), "message_id"),
        )
        return message_snapshot(emu, message)

    async def press(self, request: web.Request) -> JSON:
        """POST /control/callback-queries: a user presses a button."""
        data = await _body(request)
        record = interactions.press_button(
            self.emu(request),
            _int(data.get("user_id"), "user_id"),
            chat_id=_optional_int(data.get("chat_id"), "chat_id"),
            message_id=_optional_int(data.get("message_id"), "message_id"),
            inline_message_id=_optional_str(data.get("inline_message_id"), "inline_message_id"),
            data=_optional_str(data.get("data"), "data"),
            text=_optional_str(data.get("text"), "text"),
        )
        return _callback_json(record)

    async def callback_answer(self, request: web.Request) -> JSON:
        """GET /control/callback-queries/{query_id}[?wait=S]: the bot's answer, if any."""
        emu = self.emu(request)
        record = emu.world.callback_queries.get(request.match_info["query_id"])
        if record is None:
            raise ControlError("no such callback query", status=404)
        await emu.wait_until(lambda: record.answer is not None, _wait_seconds(request))
        return _callback_json(record)

    async def inline_query(self, request: web.Request) -> JSON:
        """POST /control/inline-queries[?wait=S][&results=count]: a user types `@bot query`
        (inline mode); with `wait`, the answer too once the bot gave it (one request for a
        load generator's query and answer)."""
        data = await _body(request)
        with_results = _with_results(request)
        record = interactions.send_inline_query(
            self.emu(request),
            _int(data.get("user_id"), "user_id"),
            _str(data.get("query"), "query"),
            offset=_str(data.get("offset"), "offset"),
            chat_type=_optional_str(data.get("chat_type", "sender"), "chat_type"),
        )
        if "wait" in request.query:
            emu = self.emu(request)
            await emu.wait_until(lambda: record.answer is not None, _wait_seconds(request))
        return _inline_json(record, results=with_results)

    async def inline_answer(self, request: web.Request) -> JSON:
        """GET /control/inline-queries/{query_id}[?wait=S][&results=count]: the bot's answer,
        if any (`results=count`: the number of results instead of the results)."""
        emu = self.emu(request)
        record = emu.world.inline_queries.get(request.match_info["query_id"])
        if record is None:
            raise ControlError("no such inline query", status=404)
        with_results = _with_results(request)
        await emu.wait_until(lambda: record.answer is not None, _wait_seconds(request))
        return _inline_json(record, results=with_results)

    async def choose(self, request: web.Request) -> JSON:
        """POST /control/inline-queries/{query_id}/choose: pick a result."""
        data = await _body(request)
        emu = self.emu(request)
        chosen = interactions.choose_inline_result(
            emu,
            request.match_info["query_id"],
            _str(data.get("result_id"), "result_id"),
            chat_id=_optional_int(data.get("chat_id"), "chat_id"),
        )
        message = message_snapshot(emu, chosen.message) if chosen.message else None
        return {"inline_message_id": chosen.inline_message_id, "message": message}

    async def file_bytes(self, request: web.Request) -> web.StreamResponse:
        """GET /control/files/{file_id}: the bytes the bot uploaded."""
        stored = self.emu(request).world.files.get(request.match_info["file_id"])
        if stored is None or stored.data is None:
            raise ControlError("no uploaded file with that id", status=404)
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )

    async def open_web_app(self, request: web.Request) -> JSON:
        """POST /control/web-apps: open a Mini App as a user (its url, or the menu button's);
        answers the URL to load, with signed launch data and theme params in its fragment."""
        data = await _body(request)
        url = data.get("url")
        if url is not None and not isinstance(url, str):
            raise ControlError("url must be a string")
        theme = data.get("theme", "light")
        return webapp.open_web_app(
            self.emu(request),
            _int(data.get("user_id"), "user_id"),
            url=url,
            theme=str(theme),
            auth_date=_optional_int(data.get("auth_date"), "auth_date"),
        )

    async def web_app(self, request: web.Request) -> JSON:
        """GET /control/web-apps/{query_id}[?event=TYPE&wait=S]: a launch and what its page
        asked of Telegram (waiting up to S seconds for an event of TYPE)."""
        emu = self.emu(request)
        session = emu.world.web_app_sessions.get(request.match_info["query_id"])
        if session is None:
            raise ControlError("no such Mini App launch", status=404)
        wanted = request.query.get("event")
        if wanted:
            await emu.wait_until(
                lambda: any(e["type"] == wanted for e in session.events), _wait_seconds(request)
            )
        return webapp.session_json(session)

    async def add_fault(self, request: web.Request) -> JSON:
        """POST /control/faults: plan a fault for the next calls of a method."""
        data = await _body(request)
        kind = data.get("kind", "error")
        if kind not in FAULT_KINDS:
            raise ControlError(f"kind must be one of {', '.join(FAULT_KINDS)}")
        fault = _dataclass_from(Fault, data, "a fault", required=("method",))
        if fault.times < 1:
            raise ControlError("a fault's times must be at least 1")
        emu = self.emu(request)
        emu.faults.add(fault)
        return {"faults": emu.faults.pending()}

    async def faults(self, request: web.Request) -> JSON:
        """GET /control/faults: the faults still planned."""
        return {"faults": self.emu(request).faults.pending()}

    async def clear_faults(self, request: web.Request) -> JSON:
        """DELETE /control/faults: forget the planned faults."""
        self.emu(request).faults.clear()
        return {"faults": []}

    async def stats(self, request: web.Request) -> JSON:
        """GET /control/stats: calls per method, 429s, error answers."""
        return self.emu(request).stats.to_json()

    async def reset_stats(self, request: web.Request) -> JSON:
        """POST /control/stats/reset: count from zero."""
        emu = self.emu(request)
        emu.stats.reset()
        return emu.stats.to_json()

    async def flood(self, request: web.Request) -> JSON:
        """PUT /control/flood: new flood limits (fields of FloodLimits)."""
        data = await _body(request)
        limits = _dataclass_from(FloodLimits, data, "flood limits")
        rates = dataclasses.asdict(limits)
        del rates["enabled"]
        if any(value <= 0 for value in rates.values()):
            raise ControlError(f"flood limits must be positive: {rates}")
        emu = self.emu(request)
        emu.flood.configure(limits)
        return dataclasses.asdict(limits)

    async def updates(self, request: web.Request) -> JSON:
        """GET /control/updates[?wait=S]: pending count (waits for it to reach zero).

        `delivered` counts the updates ever handed to the bot (a resend counts once), so a
        harness can wait until its bot has handled that many.
        """
        emu = self.emu(request)
        await emu.wait_until(lambda: emu.updates.pending_count == 0, _wait_seconds(request))
        return {
            "pending": emu.updates.pending_count,
            "delivered": emu.updates.delivered_count,
            "allowed": sorted(emu.updates.allowed),
            "webhook": emu.webhook.info_json(),
        }


def _json_route(method: Callable[[web.Request], Awaitable[JSON]]) -> RouteHandler:
    """Wrap a handler: JSON answer, ControlError as {"error": ...} with its status."""

    async def route(request: web.Request) -> web.StreamResponse:
        """Answer JSON, or the ControlError's message with its status."""
        try:
            return web.json_response(await method(request))
        except ControlError as exc:
            return web.json_response({"error": exc.message}, status=exc.status)
        except ApiError as exc:  # a user's text Telegram would refuse (bad HTML)
            return web.json_response({"error": exc.description}, status=400)

    return route


async def _raw_file(routes: ControlRoutes, request: web.Request) -> web.StreamResponse:
    """Serve file bytes, with ControlError as JSON."""
    try:
        return await routes.file_bytes(request)
    except ControlError as exc:
        return web.json_response({"error": exc.message}, status=exc.status)


ROUTE_BODIES: dict[str, str] = {
    "/control/users": '{"first_name", "last_name"?, "username"?, "language_code"?}',
    "/control/users/{user_id}/block": '{"blocked"?: true|false}',
    "/control/groups": (
        '{"title", "member_ids"?, "owner_id"?, "bot_status"?, "bot_rights"?, "supergroup"?, '
        '"forum"?}'
    ),
    "/control/chats/{chat_id}/topics": '{"name"}',
    "/control/chats/{chat_id}/topics/{thread_id}": '{"state": "closed"|"open"|"deleted"}',
    "/control/channels": (
        '{"title", "username"?, "subscriber_ids"?, "linked_group_id"?, "bot_status"?, '
        '"bot_rights"?}'
    ),
    "/control/chats/{chat_id}/bot-status": '{"status", "bot_rights"?}',
    "/control/chats/{chat_id}/members": '{"user_id"}',
    "/control/chats/{chat_id}/discussion": '{"group_id"}',
    "/control/messages": '{"user_id", "text", "chat_id"?, "html"?, "reply_to_message_id"?}',
    "/control/messages/edit": '{"chat_id", "message_id", "text"}',
    "/control/messages/delete": '{"chat_id", "message_id"}',
    "/control/channel-posts": '{"channel_id", "text"?, "html"?, "photo_url"?}',
    "/control/forwards": '{"user_id", "from_chat_id", "message_id"}',
    "/control/reactions": (
        '{"chat_id", "message_id", "reactions": {"👍": 3, "custom:ID": 1, "paid": 2}} '
        "(the post's totals)"
    ),
    "/control/callback-queries": (
        '{"user_id", "chat_id", "message_id" (or "inline_message_id"), "data" or "text"}'
    ),
    "/control/inline-queries": (
        '{"user_id", "query", "offset"?, "chat_type"?} (?wait=S&results=count: and the answer)'
    ),
    "/control/inline-queries/{query_id}/choose": '{"result_id", "chat_id"?}',
    "/control/web-apps": '{"user_id", "url"?, "theme"?: "light"|"dark", "auth_date"?}',
    "/control/faults": (
        '{"method", "kind"?, "times"?, "error_code"?, "description"?, "retry_after"?}'
    ),
    "/control/telegraph/faults": (
        '{"method", "kind"?, "times"?, "error_code"?, "description"?, "hang_seconds"?}'
    ),
    "/control/flood": (
        '{"enabled"?, "overall_per_second"?, "group_per_minute"?, "private_burst"?, '
        '"private_per_second"?, "time_scale"?}'
    ),
}
"""The JSON body each POST/PUT route reads (`?`: optional), shown by `GET /control/`."""


def _describe_route(verb: str, path: str, handler: Callable[..., object]) -> JSON:
    """Describe a route by its handler's docstring (`VERB /path[?query]: what it does`)."""
    summary = (handler.__doc__ or "").strip().splitlines()[0]
    match = _ROUTE_DOC.fullmatch(summary)
    if match is None:
        return {"method": verb, "path": path, "does": summary}
    route: JSON = {"method": verb, "path": path, "does": match["does"].rstrip(".")}
    if match["query"]:
        route["query"] = match["query"]
    return route


def add_control_routes(app: web.Application) -> None:
    """Register every control route under /control/."""
    routes = ControlRoutes()
    table: list[tuple[str, str, Callable[[web.Request], Awaitable[JSON]]]] = [
        ("GET", "/control/bot", routes.bot),
        ("POST", "/control/users", routes.create_user),
        ("POST", "/control/users/{user_id}/block", routes.block),
        ("POST", "/control/groups", routes.create_group),
        ("POST", "/control/channels", routes.create_channel),
        ("GET", "/control/chats/{chat_id}", routes.chat),
        ("POST", "/control/chats/{chat_id}/bot-status", routes.bot_status),
        ("POST", "/control/chats/{chat_id}/members", routes.add_member),
        ("POST", "/control/chats/{chat_id}/discussion", routes.link),
        ("POST", "/control/chats/{chat_id}/migrate", routes.migrate),
        ("GET", "/control/chats/{chat_id}/topics", routes.topics),
        ("POST", "/control/chats/{chat_id}/topics", routes.open_topic),
        ("POST", "/control/chats/{chat_id}/topics/{thread_id}", routes.topic_state),
        ("GET", "/control/chats/{chat_id}/messages", routes.messages),
        ("GET", "/control/inline-messages/{inline_message_id}", routes.inline_message),
        ("POST", "/control/messages", routes.send_message),
        ("POST", "/control/messages/edit", routes.edit_message),
        ("POST", "/control/messages/delete", routes.delete_message),
        ("POST", "/control/channel-posts", routes.channel_post),
        ("POST", "/control/forwards", routes.forward),
        ("POST", "/control/reactions", routes.react),
        ("POST", "/control/callback-queries", routes.press),
        ("GET", "/control/callback-queries/{query_id}", routes.callback_answer),
        ("POST", "/control/inline-queries", routes.inline_query),
        ("GET", "/control/inline-queries/{query_id}", routes.inline_answer),
        ("POST", "/control/inline-queries/{query_id}/choose", routes.choose),
        ("POST", "/control/web-apps", routes.open_web_app),
        ("GET", "/control/web-apps/{query_id}", routes.web_app),
        ("POST", "/control/faults", routes.add_fault),
        ("GET", "/control/faults", routes.faults),
        ("DELETE", "/control/faults", routes.clear_faults),
        ("GET", "/control/stats", routes.stats),
        ("POST", "/control/stats/reset", routes.reset_stats),
        ("PUT", "/control/flood", routes.flood),
        ("GET", "/control/updates", routes.updates),
    ]
    index = [
        _describe_route(verb, path, handler)
        for verb, path, handler in (*table, *TELEGRAPH_CONTROL_ROUTES)
    ]
    for route in index:
        body = ROUTE_BODIES.get(route["path"]) if route["method"] in ("POST", "PUT") else None
        if body is not None:
            route["body"] = body
    index.append(
        {"method": "GET", "path": "/control/files/{file_id}", "does": "the bytes the bot uploaded"}
    )

    async def list_routes(_request: web.Request) -> JSON:
        """GET /control/: every route of the control API with what it does."""
        return {"routes": index, "docs": "docs/emulator.md"}

    app.router.add_get("/control/", _json_route(list_routes))
    app.router.add_get("/control", _json_route(list_routes))
    for verb, path, handler in table:
        app.router.add_route(verb, path, _json_route(handler))

    async def file_route(request: web.Request) -> web.StreamResponse:
        """Serve an uploaded file's bytes."""
        return await _raw_file(routes, request)

    app.router.add_get("/control/files/{file_id}", file_route)
