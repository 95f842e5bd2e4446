"""The emulated world: the bot, users, chats, messages, queries and files (typed records)."""

from __future__ import annotations

import base64
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any, Literal

from emulator.entities import FormattedText
from emulator.markup import ReplyMarkup

ChatType = Literal["private", "group", "supergroup", "channel"]
MemberStatus = Literal["creator", "administrator", "member", "left", "kicked"]

SERVICE_USER_ID = 777000  # "Telegram": the sender of automatic forwards in discussion groups
_FIRST_USER_ID = 5_000_000_001
_FIRST_GROUP_ID = 4_100_000_001
_FIRST_CHANNEL_ID = 1_002_000_000_001  # shown negated with the -100 prefix: -1002000000001


def unix_now() -> int:
    """Return the current Unix time in whole seconds, as Telegram dates are."""
    return int(time.time())


@dataclass(slots=True)
class User:
    """A Telegram account: a simulated person, the bot itself or Telegram's service user."""

    id: int
    first_name: str
    is_bot: bool = False
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    started_bot: bool = False
    blocked_bot: bool = False


@dataclass(frozen=True, slots=True)
class AdminRights:
    """What an administrator may do; the defaults suit a bot that posts to a channel."""

    can_manage_chat: bool = True
    can_delete_messages: bool = True
    can_manage_video_chats: bool = False
    can_restrict_members: bool = False
    can_promote_members: bool = False
    can_change_info: bool = False
    can_invite_users: bool = True
    can_post_stories: bool = False
    can_edit_stories: bool = False
    can_delete_stories: bool = False
    can_post_messages: bool = True
    can_edit_messages: bool = True
    can_pin_messages: bool = False
    can_manage_topics: bool = False
    """Forum supergroups: create, close and reopen topics, and post in closed ones."""


@dataclass(slots=True)
class Membership:
    """A user's standing in a chat."""

    status: MemberStatus
    rights: AdminRights | None = None

    @property
    def is_present(self) -> bool:
        """Tell whether the user is in the chat (creator, administrator or member)."""
        return self.status in ("creator", "administrator", "member")


@dataclass(frozen=True, slots=True)
class PhotoSize:
    """One size of a photo."""

    file_id: str
    file_unique_id: str
    width: int
    height: int
    file_size: int | None = None


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """A general file attached to a message."""

    file_id: str
    file_unique_id: str
    file_name: str | None
    mime_type: str | None
    file_size: int | None


@dataclass(slots=True)
class StoredFile:
    """A file the bot uploaded (its bytes) or referenced by URL."""

    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes | None
    file_name: str | None = None
    mime_type: str | None = None
    source_url: str | None = None


@dataclass(frozen=True, slots=True)
class MessageVersion:
    """A message's content before one of its edits."""

    text: FormattedText | None
    caption: FormattedText | None
    reply_markup: ReplyMarkup | None
    edit_date: int | None


@dataclass(slots=True)
class Message:
    """A message as it stands, with its edit history; deleted ones are kept, flagged."""

    chat_id: int
    message_id: int
    date: int
    from_user_id: int | None = None
    sender_chat_id: int | None = None
    text: FormattedText | None = None
    caption: FormattedText | None = None
    photo: tuple[PhotoSize, ...] = ()
    document: DocumentInfo | None = None
    reply_markup: ReplyMarkup | None = None
    reply_to_message_id: int | None = None
    message_thread_id: int | None = None
    forward_origin: dict[str, Any] | None = None
    is_automatic_forward: bool = False
    via_bot_id: int | None = None
    sent_by_bot: bool = False
    has_protected_content: bool = False
    inline_message_id: str | None = None
    media_group_id: str | None = None
    """Shared by the items of an album (sendMediaGroup)."""
    edit_date: int | None = None
    deleted: bool = False
    history: list[MessageVersion] = field(default_factory=list)
    link_preview_options: dict[str, Any] | None = None
    """As the bot sent them (Telegram shows the preview; the emulator records the ask)."""
    disable_notification: bool = False
    forum_topic_created: dict[str, Any] | None = None
    """The service message that opens a forum topic: its name and icon colour."""
    reactions: dict[str, int] = field(default_factory=dict)
    """Anonymous reaction totals (channel posts): emoji, `custom:<id>` or `paid` → count."""

    def remember_version(self) -> None:
        """Push the current content onto the history before an edit."""
        self.history.append(
            MessageVersion(self.text, self.caption, self.reply_markup, self.edit_date)
        )


@dataclass(slots=True)
class ForumTopic:
    """A topic of a forum supergroup; its id is the message id of its opening message."""

    message_thread_id: int
    name: str
    icon_color: int
    closed: bool = False
    deleted: bool = False


@dataclass(slots=True)
class Chat:
    """A private chat with the bot, a group, a supergroup or a channel."""

    id: int
    type: ChatType
    title: str | None = None
    username: str | None = None
    description: str | None = None
    members: dict[int, Membership] = field(default_factory=dict)
    linked_chat_id: int | None = None
    migrated_to_chat_id: int | None = None
    messages: dict[int, Message] = field(default_factory=dict)
    next_message_id: int = 1
    is_forum: bool = False
    """A supergroup with topics enabled."""
    topics: dict[int, ForumTopic] = field(default_factory=dict)

    def membership(self, user_id: int) -> Membership:
        """Return a user's membership (status `left` when never a member)."""
        return self.members.get(user_id, Membership("left"))


@dataclass(frozen=True, slots=True)
class InlineAnswer:
    """What the bot answered to an inline query.

    The results are kept as their JSON text: thousands of small dicts per second of
    answers made every full garbage collection of the emulator scan them all (50 ms pauses
    that showed as latency in benchmarks); a string is not scanned.
    """

    results_json: str
    result_count: int
    next_offset: str
    cache_time: int
    is_personal: bool
    button: dict[str, Any] | None

    @property
    def results(self) -> list[dict[str, Any]]:
        """The results as the bot sent them (decoded on each use)."""
        decoded: list[dict[str, Any]] = json.loads(self.results_json)
        return decoded

    def to_json(self, *, results: bool = True) -> dict[str, Any]:
        """Return the answer as JSON; without `results`, their count instead."""
        return {
            **({"results": self.results} if results else {"result_count": self.result_count}),
            "next_offset": self.next_offset,
            "cache_time": self.cache_time,
            "is_personal": self.is_personal,
            "button": self.button,
        }


@dataclass(slots=True)
class InlineQueryRecord:
    """An inline query a simulated user typed."""

    id: str
    user_id: int
    query: str
    offset: str
    chat_type: str | None
    created: float
    answer: InlineAnswer | None = None
    answered_at: float | None = None


@dataclass(slots=True)
class CallbackQueryRecord:
    """A button press by a simulated user, and the bot's answer once given."""

    id: str
    user_id: int
    data: str
    created: float
    chat_id: int | None = None
    message_id: int | None = None
    inline_message_id: str | None = None
    answer: dict[str, Any] | None = None


@dataclass
class WebAppSession:
    """A Mini App a user opened: who, and what the page asked of Telegram since."""

    query_id: str
    user_id: int
    url: str
    events: list[dict[str, Any]] = field(default_factory=list)


class World:
    """Every object the emulator knows, with id allocation and lookups."""

    def __init__(self, bot: User, *, privacy_mode: bool, inline_mode: bool = True) -> None:
        self.bot = bot
        self.privacy_mode = privacy_mode
        self.inline_mode = inline_mode
        service = User(SERVICE_USER_ID, "Telegram")
        self.users: dict[int, User] = {bot.id: bot, service.id: service}
        self.chats: dict[int, Chat] = {}
        self.detached_messages: dict[str, Message] = {}
        self.inline_messages: dict[str, tuple[int, int]] = {}
        self.inline_queries: dict[str, InlineQueryRecord] = {}
        self.callback_queries: dict[str, CallbackQueryRecord] = {}
        self.files: dict[str, StoredFile] = {}
        self.photo_sets: dict[str, tuple[PhotoSize, ...]] = {}
        self.documents: dict[str, DocumentInfo] = {}
        self.commands: dict[str, list[dict[str, str]]] = {}
        self.menu_buttons: dict[int, dict[str, Any]] = {}
        """setChatMenuButton: per private chat id, and the default under 0."""
        self.web_app_sessions: dict[str, WebAppSession] = {}
        """Mini Apps opened through the control API, by the query_id of their launch data."""
        self._user_ids = itertools.count(_FIRST_USER_ID)
        self._group_ids = itertools.count(_FIRST_GROUP_ID)
        self._channel_ids = itertools.count(_FIRST_CHANNEL_ID)
        self._serials = itertools.count(1)

    # ---- id allocation -------------------------------------------------------------
    def next_user_id(self) -> int:
        """Allocate a user id."""
        return next(self._user_ids)

    def next_group_id(self) -> int:
        """Allocate a basic group id (negative)."""
        return -next(self._group_ids)

    def next_channel_id(self) -> int:
        """Allocate a supergroup or channel id (negative, with the -100 prefix)."""
        return -next(self._channel_ids)

    def next_query_id(self) -> str:
        """Allocate a callback or inline query id (Telegram's are long decimal strings)."""
        return str(4_000_000_000_000_000_000 + next(self._serials) * 7919)

    def next_token(self, prefix: str) -> str:
        """Allocate an opaque identifier such as a file_id or an inline_message_id."""
        raw = (next(self._serials) * 1_000_003).to_bytes(8, "big")
        return prefix + base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    # ---- lookups -------------------------------------------------------------------
    def chat_by_username(self, username: str) -> Chat | None:
        """Find a public group or channel by its @username (case-insensitive)."""
        wanted = username.lstrip("@").lower()
        for chat in self.chats.values():
            if chat.username and chat.username.lower() == wanted and chat.type != "private":
                return chat
        return None

    def private_chat(self, user: User) -> Chat:
        """Return the private chat between `user` and the bot, creating it on first use."""
        chat = self.chats.get(user.id)
        if chat is None:
            chat = Chat(user.id, "private")
            chat.members = {user.id: Membership("member"), self.bot.id: Membership("member")}
            self.chats[user.id] = chat
        return chat

    def live_message(self, chat_id: int, message_id: int) -> Message | None:
        """Return a message that exists and is not deleted."""
        chat = self.chats.get(chat_id)
        message = chat.messages.get(message_id) if chat else None
        return message if message is not None and not message.deleted else None

    def inline_message(self, inline_message_id: str) -> Message | None:
        """Return the message an inline_message_id points to (in a chat or detached)."""
        if inline_message_id in self.detached_messages:
            return self.detached_messages[inline_message_id]
        location = self.inline_messages.get(inline_message_id)
        return self.live_message(*location) if location else None

    def add_message(self, chat: Chat, **fields: Any) -> Message:
        """Store a new message in `chat` with the next message id and the current date."""
        message = Message(
            chat_id=chat.id, message_id=chat.next_message_id, date=unix_now(), **fields
        )
        chat.next_message_id += 1
        chat.messages[message.message_id] = message
        return message

    def bot_status(self, chat: Chat) -> Membership:
        """Return the bot's membership in `chat`."""
        return chat.membership(self.bot.id)
