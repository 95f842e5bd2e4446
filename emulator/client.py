"""An async client for the control API, used by tests, benchmarks and the demo."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import aiohttp

from emulator.flood import FloodLimits

JSON = dict[str, Any]
REQUEST_TIMEOUT_SECONDS = 75.0


@dataclass(frozen=True, slots=True)
class WebAppLaunch:
    """A Mini App opened as a user: the URL to load and the launch's id."""

    url: str
    """The app's URL with the launch parameters (signed initData, theme) in the fragment."""
    query_id: str
    init_data: str


class EmulatorError(Exception):
    """The control API refused a request; `status` is its HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


@dataclass(frozen=True, slots=True)
class UserInfo:
    """A simulated user."""

    id: int
    first_name: str
    username: str | None

    @classmethod
    def from_json(cls, data: JSON) -> UserInfo:
        """Build from the control API's JSON."""
        return cls(data["id"], data["first_name"], data.get("username"))


@dataclass(frozen=True, slots=True)
class ChatInfo:
    """A chat as the control API describes it."""

    id: int
    type: str
    title: str | None
    username: str | None
    bot_status: str
    linked_chat_id: int | None
    members: dict[int, str]

    @classmethod
    def from_json(cls, data: JSON) -> ChatInfo:
        """Build from the control API's JSON."""
        return cls(
            data["id"],
            data["type"],
            data.get("title"),
            data.get("username"),
            data["bot_status"],
            data.get("linked_chat_id"),
            {int(uid): status for uid, status in data["members"].items()},
        )


@dataclass(frozen=True, slots=True)
class MessageView:
    """A message as it stands: content, keyboard, deletion flag and edit history."""

    chat_id: int
    message_id: int
    text: str | None
    entities: list[JSON]
    caption: str | None
    caption_entities: list[JSON]
    reply_markup: JSON | None
    reply_keyboard: JSON | None
    from_id: int | None
    sender_chat_id: int | None
    sent_by_bot: bool
    deleted: bool
    edits: list[JSON]
    edit_date: int | None
    reply_to_message_id: int | None
    inline_message_id: str | None
    raw: JSON = field(repr=False)
    message_thread_id: int | None = None
    link_preview_options: JSON | None = None
    """What the bot asked for the link preview (None when it asked nothing)."""
    disable_notification: bool = False

    @classmethod
    def from_json(cls, data: JSON) -> MessageView:
        """Build from a message snapshot."""
        reply = data.get("reply_to_message")
        return cls(
            chat_id=data.get("chat", {}).get("id", 0),
            message_id=data["message_id"],
            text=data.get("text"),
            entities=data.get("entities", []),
            caption=data.get("caption"),
            caption_entities=data.get("caption_entities", []),
            reply_markup=data.get("reply_markup"),
            reply_keyboard=data.get("reply_keyboard"),
            from_id=data.get("from", {}).get("id"),
            sender_chat_id=data.get("sender_chat", {}).get("id"),
            sent_by_bot=data["sent_by_bot"],
            deleted=data["deleted"],
            edits=data["edits"],
            edit_date=data.get("edit_date"),
            reply_to_message_id=reply["message_id"] if reply else None,
            inline_message_id=data.get("inline_message_id"),
            raw=data,
            message_thread_id=data.get("message_thread_id"),
            link_preview_options=data.get("link_preview_options"),
            disable_notification=bool(data.get("disable_notification")),
        )

    @property
    def buttons(self) -> list[list[JSON]]:
        """Return the inline keyboard rows (empty when there is none)."""
        return list((self.reply_markup or {}).get("inline_keyboard", []))

    @property
    def button_texts(self) -> list[str]:
        """Return every inline button's text, row by row."""
        return [button["text"] for row in self.buttons for button in row]

    @property
    def callback_data(self) -> list[str]:
        """Return the callback data of every callback button."""
        return [b["callback_data"] for row in self.buttons for b in row if "callback_data" in b]

    @property
    def media_group_id(self) -> str | None:
        """Return the album the message belongs to (None outside an album)."""
        value = self.raw.get("media_group_id")
        return None if value is None else str(value)

    @property
    def photo_url(self) -> str | None:
        """Return the URL the message's photo was sent by (None without one, or uploaded)."""
        value = self.raw.get("photo_url")
        return None if value is None else str(value)

    @property
    def entity_types(self) -> list[str]:
        """Return the types of the text's (or caption's) entities in order."""
        return [entity["type"] for entity in (self.entities or self.caption_entities)]


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    """The bot's answer to a button press (answered=False when none came)."""

    query_id: str
    answered: bool
    text: str | None = None
    show_alert: bool = False
    url: str | None = None
    cache_time: int = 0


@dataclass(frozen=True, slots=True)
class InlineAnswer:
    """The bot's answer to an inline query (answered=False when none came)."""

    query_id: str
    answered: bool
    results: list[JSON] = field(default_factory=list)
    next_offset: str = ""
    cache_time: int = 0
    is_personal: bool = False
    button: JSON | None = None

    @property
    def result_ids(self) -> list[str]:
        """Return the ids of the results in order."""
        return [result["id"] for result in self.results]


@dataclass(frozen=True, slots=True)
class ChosenInline:
    """What choosing an inline result produced."""

    inline_message_id: str | None
    message: MessageView | None


@dataclass(frozen=True, slots=True)
class StatsView:
    """The emulator's counters."""

    calls: dict[str, int]
    too_many_requests: int
    errors: list[JSON]

    def descriptions(self, method: str | None = None) -> list[str]:
        """Return the error descriptions, optionally of one method only."""
        return [e["description"] for e in self.errors if method in (None, e["method"])]


@dataclass(frozen=True, slots=True)
class UpdatesView:
    """The bot's update queue: still unconfirmed, and ever delivered (each update once)."""

    pending: int
    delivered: int


class EmulatorClient:
    """Drives an emulator over its control API; use `async with` or call `close()`."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> EmulatorClient:
        """Open the HTTP session."""
        self._open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the HTTP session."""
        await self.close()

    def _open(self) -> aiohttp.ClientSession:
        """Return the session, creating it on first use."""
        if self._session is None or self._session.closed:
            timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS)
            self._session = aiohttp.ClientSession(timeout=timeout)
        return self._session

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _call(
        self, verb: str, path: str, body: JSON | None = None, query: JSON | None = None
    ) -> JSON:
        """Send one control request and decode its JSON answer."""
        params = {key: str(value) for key, value in (query or {}).items()}
        async with self._open().request(
            verb, f"{self.base_url}/control/{path}", json=body, params=params
        ) as response:
            data = await response.json()
            if response.status >= 400:
                raise EmulatorError(response.status, data.get("error", str(data)))
            return dict(data)

    # ---- people and chats --------------------------------------------------------
    async def bot_info(self) -> JSON:
        """Return the bot's user object, token and command lists."""
        return await self._call("GET", "bot")

    async def create_user(
        self,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> UserInfo:
        """Create a simulated user."""
        body = {
            "first_name": first_name,
            "last_name": last_name,
            "username": username,
            "language_code": language_code,
        }
        return UserInfo.from_json(await self._call("POST", "users", body))

    async def set_blocked(self, user_id: int, *, blocked: bool = True) -> None:
        """Make a user block (or unblock) the bot."""
        await self._call("POST", f"users/{user_id}/block", {"blocked": blocked})

    async def create_group(
        self,
        title: str,
        *,
        supergroup: bool = True,
        username: str | None = None,
        member_ids: Sequence[int] = (),
        owner_id: int | None = None,
        bot_status: str = "member",
        bot_rights: JSON | None = None,
        forum: bool = False,
    ) -> ChatInfo:
        """Create a (super)group (a forum with topics when `forum`); bot_status:
        administrator, member, left, kicked, none."""
        body = {
            "title": title,
            "supergroup": supergroup,
            "username": username,
            "member_ids": list(member_ids),
            "owner_id": owner_id,
            "bot_status": bot_status,
            "bot_rights": bot_rights,
            "forum": forum,
        }
        return ChatInfo.from_json(await self._call("POST", "groups", body))

    async def create_channel(
        self,
        title: str,
        *,
        username: str | None = None,
        owner_id: int | None = None,
        bot_status: str = "administrator",
        bot_rights: JSON | None = None,
        subscriber_ids: Sequence[int] = (),
        linked_group_id: int | None = None,
    ) -> ChatInfo:
        """Create a channel (bot admin with can_post_messages unless told otherwise)."""
        body = {
            "title": title,
            "username": username,
            "owner_id": owner_id,
            "bot_status": bot_status,
            "bot_rights": bot_rights,
            "subscriber_ids": list(subscriber_ids),
            "linked_group_id": linked_group_id,
        }
        return ChatInfo.from_json(await self._call("POST", "channels", body))

    async def get_chat(self, chat_id: int) -> ChatInfo:
        """Describe a chat."""
        return ChatInfo.from_json(await self._call("GET", f"chats/{chat_id}"))

    async def set_bot_status(
        self, chat_id: int, status: str, *, bot_rights: JSON | None = None
    ) -> ChatInfo:
        """Promote, demote, kick or remove the bot in a group or channel."""
        body = {"status": status, "bot_rights": bot_rights}
        return ChatInfo.from_json(await self._call("POST", f"chats/{chat_id}/bot-status", body))

    async def add_member(self, chat_id: int, user_id: int) -> ChatInfo:
        """Add a user to a group or channel."""
        body = {"user_id": user_id}
        return ChatInfo.from_json(await self._call("POST", f"chats/{chat_id}/members", body))

    async def link_discussion(self, channel_id: int, group_id: int) -> ChatInfo:
        """Make a supergroup the channel's discussion group."""
        body = {"group_id": group_id}
        return ChatInfo.from_json(await self._call("POST", f"chats/{channel_id}/discussion", body))

    async def migrate_group(self, chat_id: int) -> ChatInfo:
        """Upgrade a basic group to a supergroup; returns the new supergroup."""
        return ChatInfo.from_json(await self._call("POST", f"chats/{chat_id}/migrate"))

    async def open_topic(self, chat_id: int, name: str) -> int:
        """Open a forum topic as the chat's owner; return its message_thread_id."""
        body = {"name": name}
        topic = await self._call("POST", f"chats/{chat_id}/topics", body)
        return int(topic["message_thread_id"])

    async def topics(self, chat_id: int) -> list[JSON]:
        """Return a forum's topics (closed and deleted ones flagged)."""
        return list((await self._call("GET", f"chats/{chat_id}/topics"))["topics"])

    async def set_topic_state(self, chat_id: int, thread_id: int, state: str) -> JSON:
        """Close (`closed`), reopen (`open`) or delete (`deleted`) a forum topic."""
        body = {"state": state}
        return await self._call("POST", f"chats/{chat_id}/topics/{thread_id}", body)

    # ---- what users do -------------------------------------------------------------
    async def send_message(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        html: bool = False,
        reply_to_message_id: int | None = None,
    ) -> MessageView:
        """A user writes a message or command (default: in the private chat with the bot)."""
        body = {
            "user_id": user_id,
            "text": text,
            "chat_id": chat_id,
            "html": html,
            "reply_to_message_id": reply_to_message_id,
        }
        return MessageView.from_json(await self._call("POST", "messages", body))

    async def edit_message(self, chat_id: int, message_id: int, text: str) -> MessageView:
        """A user edits their message."""
        body = {"chat_id": chat_id, "message_id": message_id, "text": text}
        return MessageView.from_json(await self._call("POST", "messages/edit", body))

    async def delete_message(self, chat_id: int, message_id: int) -> None:
        """Someone deletes a message."""
        await self._call("POST", "messages/delete", {"chat_id": chat_id, "message_id": message_id})

    async def post_to_channel(
        self,
        channel_id: int,
        text: str | None = None,
        *,
        html: bool = False,
        photo_url: str | None = None,
    ) -> MessageView:
        """A channel admin (a person) publishes a post."""
        body = {"channel_id": channel_id, "text": text, "html": html, "photo_url": photo_url}
        return MessageView.from_json(await self._call("POST", "channel-posts", body))

    async def forward_to_bot(
        self, user_id: int, from_chat_id: int, message_id: int
    ) -> MessageView:
        """A user forwards a message into the private chat with the bot."""
        body = {"user_id": user_id, "from_chat_id": from_chat_id, "message_id": message_id}
        return MessageView.from_json(await self._call("POST", "forwards", body))

    async def set_reactions(
        self, chat_id: int, message_id: int, reactions: dict[str, int]
    ) -> dict[str, Any]:
        """Subscribers' anonymous reaction totals on a channel post (reaction -> total, 0
        removes one); return the MessageReactionCountUpdated sent to the bot."""
        body = {"chat_id": chat_id, "message_id": message_id, "reactions": reactions}
        payload: dict[str, Any] = await self._call("POST", "reactions", body)
        return payload

    async def press_button(
        self,
        user_id: int,
        *,
        chat_id: int | None = None,
        message_id: int | None = None,
        inline_message_id: str | None = None,
        data: str | None = None,
        text: str | None = None,
    ) -> str:
        """A user presses a callback button (by data or by text); returns the query id."""
        body = {
            "user_id": user_id,
            "chat_id": chat_id,
            "message_id": message_id,
            "inline_message_id": inline_message_id,
            "data": data,
            "text": text,
        }
        return str((await self._call("POST", "callback-queries", body))["id"])

    async def callback_answer(self, query_id: str, *, within: float = 5.0) -> CallbackAnswer:
        """Wait up to `within` seconds for the bot to answer a button press."""
        data = await self._call("GET", f"callback-queries/{query_id}", query={"wait": within})
        return CallbackAnswer(query_id, data["answered"], **(data["answer"] or {}))

    async def inline_query(
        self, user_id: int, query: str, *, offset: str = "", chat_type: str | None = "sender"
    ) -> str:
        """A user types an inline query; returns its id."""
        body = {"user_id": user_id, "query": query, "offset": offset, "chat_type": chat_type}
        return str((await self._call("POST", "inline-queries", body))["id"])

    async def inline_answer(self, query_id: str, *, within: float = 5.0) -> InlineAnswer:
        """Wait up to `within` seconds for the bot's answer to an inline query."""
        data = await self._call("GET", f"inline-queries/{query_id}", query={"wait": within})
        return InlineAnswer(query_id, data["answered"], **(data["answer"] or {}))

    async def inline_answer_count(self, query_id: str, *, within: float = 5.0) -> int | None:
        """Wait up to `within` seconds for the bot's answer: its number of results (None when
        no answer came); the results stay in the emulator (what a load generator needs)."""
        data = await self._call(
            "GET", f"inline-queries/{query_id}", query={"wait": within, "results": "count"}
        )
        return _result_count(data)

    async def ask_inline_count(
        self, user_id: int, query: str, *, within: float = 5.0
    ) -> int | None:
        """A user types an inline query and waits up to `within` seconds for the answer, in
        one request: the answer's number of results, None when no answer came."""
        body = {"user_id": user_id, "query": query, "offset": "", "chat_type": "sender"}
        data = await self._call(
            "POST", "inline-queries", body, query={"wait": within, "results": "count"}
        )
        return _result_count(data)

    async def ask_inline(
        self, user_id: int, query: str, *, offset: str = "", within: float = 5.0
    ) -> InlineAnswer:
        """Send an inline query and wait for the answer."""
        query_id = await self.inline_query(user_id, query, offset=offset)
        return await self.inline_answer(query_id, within=within)

    async def choose_inline_result(
        self, query_id: str, result_id: str, *, chat_id: int | None = None
    ) -> ChosenInline:
        """The user picks a result; it is sent into `chat_id` (or a chat the emulator skips)."""
        body = {"result_id": result_id, "chat_id": chat_id}
        data = await self._call("POST", f"inline-queries/{query_id}/choose", body)
        message = MessageView.from_json(data["message"]) if data["message"] else None
        return ChosenInline(data["inline_message_id"], message)

    # ---- reading chats ---------------------------------------------------------------
    async def messages(self, chat_id: int, *, from_bot: bool = False) -> list[MessageView]:
        """Return a chat's messages as they stand (deleted ones flagged)."""
        data = await self._call(
            "GET", f"chats/{chat_id}/messages", query={"from_bot": int(from_bot)}
        )
        return [MessageView.from_json(item) for item in data["messages"]]

    async def wait_for_messages(
        self, chat_id: int, count: int, *, from_bot: bool = True, within: float = 5.0
    ) -> list[MessageView]:
        """Wait until the chat holds `count` messages (from the bot by default)."""
        query = {"from_bot": int(from_bot), "count": count, "wait": within}
        data = await self._call("GET", f"chats/{chat_id}/messages", query=query)
        found = [MessageView.from_json(item) for item in data["messages"]]
        if len(found) < count:
            raise TimeoutError(f"chat {chat_id} has {len(found)} messages, wanted {count}")
        return found

    # ---- Mini Apps ------------------------------------------------------------------
    async def open_web_app(
        self,
        user_id: int,
        *,
        url: str | None = None,
        theme: str = "light",
        auth_date: int | None = None,
    ) -> WebAppLaunch:
        """Open a Mini App as a user (`url`, or the bot's menu button); return the URL to
        load in a browser and the launch's query_id."""
        body: JSON = {"user_id": user_id, "theme": theme}
        if url is not None:
            body["url"] = url
        if auth_date is not None:
            body["auth_date"] = auth_date
        data = await self._call("POST", "web-apps", body)
        return WebAppLaunch(data["url"], data["query_id"], data["init_data"])

    async def web_app_events(
        self, query_id: str, *, wait_for: str | None = None, within: float = 5.0
    ) -> list[JSON]:
        """Return what the page of a launch asked of Telegram, oldest first; with
        `wait_for`, wait until an event of that type arrives (TimeoutError if none)."""
        query: JSON = {"event": wait_for, "wait": within} if wait_for else {}
        data = await self._call("GET", f"web-apps/{query_id}", query=query)
        events = [dict(event) for event in data["events"]]
        if wait_for and not any(event["type"] == wait_for for event in events):
            raise TimeoutError(f"the page sent no {wait_for} within {within} s")
        return events

    async def chat_menu_button(self, token: str, chat_id: int | None = None) -> JSON:
        """Return the menu button the bot set for a private chat (or the default one)."""
        url = f"{self.base_url}/bot{token}/getChatMenuButton"
        body = {} if chat_id is None else {"chat_id": chat_id}
        async with self._open().post(url, json=body) as response:
            return dict((await response.json())["result"])

    async def inline_message(self, inline_message_id: str) -> MessageView:
        """Return a message sent via the bot in inline mode."""
        return MessageView.from_json(
            await self._call("GET", f"inline-messages/{inline_message_id}")
        )

    async def file_bytes(self, file_id: str) -> bytes:
        """Return the bytes of a file the bot uploaded."""
        async with self._open().get(f"{self.base_url}/control/files/{file_id}") as response:
            if response.status >= 400:
                data = await response.json()
                raise EmulatorError(response.status, data.get("error", ""))
            return await response.read()

    # ---- faults, limits, counters ------------------------------------------------------
    async def add_fault(
        self,
        method: str,
        kind: str = "error",
        *,
        times: int = 1,
        error_code: int = 500,
        description: str = "Internal Server Error",
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
        hang_seconds: float = 3600.0,
    ) -> None:
        """Make the next `times` calls of `method` ("*": any) fail: error/hang/drop/drop_after."""
        body = {
            "method": method,
            "kind": kind,
            "times": times,
            "error_code": error_code,
            "description": description,
            "retry_after": retry_after,
            "migrate_to_chat_id": migrate_to_chat_id,
            "hang_seconds": hang_seconds,
        }
        await self._call("POST", "faults", body)

    async def faults(self) -> list[JSON]:
        """Return the faults still planned."""
        return list((await self._call("GET", "faults"))["faults"])

    async def clear_faults(self) -> None:
        """Forget the planned faults."""
        await self._call("DELETE", "faults")

    async def stats(self) -> StatsView:
        """Return calls per method, the number of 429s and the error answers."""
        data = await self._call("GET", "stats")
        return StatsView(data["calls"], data["too_many_requests"], data["errors"])

    async def reset_stats(self) -> None:
        """Count from zero."""
        await self._call("POST", "stats/reset")

    async def set_flood_limits(self, limits: FloodLimits) -> None:
        """Replace the flood limits (FloodLimits.off() switches them off)."""
        await self._call("PUT", "flood", dataclasses.asdict(limits))

    async def wait_updates_consumed(self, *, within: float = 5.0) -> int:
        """Wait until the bot has fetched and confirmed every update; returns what is left.

        Confirmed means fetched, not handled: tests/support/e2e.py `Harness.wait_handled`
        also waits for the bot's handlers.
        """
        return (await self.updates(within=within)).pending

    async def updates(self, *, within: float = 0.0) -> UpdatesView:
        """Return the update queue's counters, waiting up to `within` s for none pending."""
        data = await self._call("GET", "updates", query={"wait": within})
        return UpdatesView(int(data["pending"]), int(data["delivered"]))


def _result_count(data: JSON) -> int | None:
    """The number of results of an inline query's answer (`results=count`), None if none."""
    return int(data["answer"]["result_count"]) if data["answered"] else None
