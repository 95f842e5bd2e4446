"""Check that the bot may post in a channel (getChat, getChatMember), then store it.

Shared by `newsbot channels add` and the `/addchannel` admin command. Every refusal is a
`ChannelCheckError` whose message says what is wrong and what to do, in one sentence:
the chat is not found, is not a channel or group, the bot is not an administrator, or it
is one without the right to post messages. The message is English (the CLI's); in a chat,
`ChannelCheckError.explain(texts)` gives it in the user's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from telegram import Bot, ChatMember, ChatMemberAdministrator, ChatMemberRestricted
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    RetryAfter,
    TelegramError,
)

from bot.ops.i18n import N_, Texts
from news.entities import Channel, ChannelStyle
from storage import Database

_USERNAME: Final = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")
_CHAT_ID: Final = re.compile(r"-?\d{1,20}")
_LINK_PREFIXES: Final = ("https://t.me/", "http://t.me/", "t.me/", "https://telegram.me/")


class ChannelProblem(StrEnum):
    """Why a channel cannot be added."""

    INVALID = "invalid"
    NOT_FOUND = "not_found"
    NOT_A_CHANNEL = "not_a_channel"
    NOT_ADMIN = "not_admin"
    CANNOT_POST = "cannot_post"
    UNREACHABLE = "unreachable"


INVALID_REFERENCE: Final = N_(
    "{given} is not a channel: give its @username or its numeric id (-100…)"
)
NOT_FOUND: Final = N_(
    "{name} not found (Telegram says: {error}); check the name, or for a private channel "
    "add the bot as an administrator first and use the numeric id"
)
CANNOT_SEE: Final = N_(
    "the bot cannot see {name} (Telegram says: {error}); add it as an administrator "
    "with the right to post messages"
)
MIGRATED: Final = N_("{name} was upgraded to a supergroup: use its new id {new_id}")
PRIVATE_CHAT: Final = N_("{name} is a private chat with a user, not a channel or group")
NOT_ADMIN_SAYS: Final = N_(
    "the bot is not an administrator of {label} (Telegram says: {error}); add it as an "
    "administrator with the right to post messages"
)
NOT_ADMIN: Final = N_(
    "the bot is not an administrator of {label}: add it as an administrator with the right "
    "to post messages"
)
CANNOT_POST: Final = N_(
    "the bot is an administrator of {label} but cannot post messages: give it the "
    "'Post messages' right"
)
NOT_MEMBER: Final = N_("the bot is not a member of {label}: add it first")
MUTED: Final = N_("the bot is a member of {label} but may not send messages: lift its restriction")
TOKEN_REFUSED: Final = N_("Telegram refused the bot token (TELEGRAM_BOT_TOKEN)")
FLOOD_WAIT: Final = N_("Telegram asks to wait {retry_after} before asking again")
CANNOT_ASK: Final = N_("cannot ask Telegram: {error}")


class ChannelCheckError(Exception):
    """The channel cannot be added; the message says why, for people (in English).

    `template` is the English text, marked for translation, and `fields` fill its `{name}`s:
    `explain(texts)` gives the message in another language.
    """

    def __init__(self, problem: ChannelProblem, template: str, **fields: object) -> None:
        """Keep the problem kind and the untranslated text with the message."""
        super().__init__(template.format(**fields))
        self.problem = problem
        self.template = template
        self.fields = fields

    def explain(self, language: Texts) -> str:
        """Return the message in `language`."""
        return language.gettext(self.template).format(**self.fields)


ChannelReference = str | int
"""`@username` or a numeric Telegram chat id."""


def parse_channel_reference(text: str) -> ChannelReference:
    """Turn `@name`, `name`, `t.me/name` or `-100123…` into a reference getChat accepts."""
    value = text.strip()
    for prefix in _LINK_PREFIXES:
        if value.lower().startswith(prefix):
            value = value[len(prefix) :].strip("/")
            break
    if _CHAT_ID.fullmatch(value):
        return int(value)
    name = value.removeprefix("@")
    if _USERNAME.fullmatch(name):
        return f"@{name}"
    raise ChannelCheckError(ChannelProblem.INVALID, INVALID_REFERENCE, given=repr(text.strip()))


@dataclass(frozen=True, slots=True)
class CheckedChannel:
    """A chat the bot may post in, as Telegram describes it."""

    chat_id: int
    title: str
    username: str | None
    kind: str
    """Telegram's chat type: channel, supergroup or group."""
    discussion_chat_id: int | None
    """A channel's linked discussion group, when it has one."""
    can_edit: bool = True
    """Whether the bot may edit its posts (a channel administrator needs 'Edit messages');
    without it, changed articles are not updated in place."""


async def check_channel(bot: Bot, reference: ChannelReference) -> CheckedChannel:
    """Return the chat when the bot may post there, else raise `ChannelCheckError`.

    A channel needs the bot as its administrator with the right to post messages; a group
    needs the bot as a member that is not muted. `bot` must be initialised (its id known).
    """
    name = str(reference)
    try:
        chat = await bot.get_chat(reference)
    except BadRequest as exc:
        raise ChannelCheckError(
            ChannelProblem.NOT_FOUND, NOT_FOUND, name=name, error=exc.message
        ) from None
    except Forbidden as exc:
        raise ChannelCheckError(
            ChannelProblem.NOT_ADMIN, CANNOT_SEE, name=name, error=exc.message
        ) from None
    except ChatMigrated as exc:
        raise ChannelCheckError(
            ChannelProblem.NOT_FOUND, MIGRATED, name=name, new_id=exc.new_chat_id
        ) from None
    except TelegramError as exc:
        raise unreachable(exc) from None
    if chat.type not in (ChatType.CHANNEL, ChatType.SUPERGROUP, ChatType.GROUP):
        raise ChannelCheckError(ChannelProblem.NOT_A_CHANNEL, PRIVATE_CHAT, name=name)
    label = f"@{chat.username}" if chat.username else f"{chat.title or name}"
    try:
        member = await bot.get_chat_member(chat.id, bot.id)
    except (BadRequest, Forbidden) as exc:
        raise ChannelCheckError(
            ChannelProblem.NOT_ADMIN, NOT_ADMIN_SAYS, label=label, error=exc.message
        ) from None
    except TelegramError as exc:
        raise unreachable(exc) from None
    _check_rights(member, label, is_channel=chat.type == ChatType.CHANNEL)
    return CheckedChannel(
        chat_id=chat.id,
        title=chat.title or "",
        username=chat.username,
        kind=chat.type,
        discussion_chat_id=chat.linked_chat_id if chat.type == ChatType.CHANNEL else None,
        can_edit=not (
            isinstance(member, ChatMemberAdministrator)
            and chat.type == ChatType.CHANNEL
            and not member.can_edit_messages
        ),
    )


def _check_rights(member: ChatMember, label: str, *, is_channel: bool) -> None:
    """Raise `ChannelCheckError` unless this membership lets the bot post."""
    status = member.status
    if status == ChatMemberStatus.OWNER:
        return
    if is_channel:
        if status != ChatMemberStatus.ADMINISTRATOR:
            raise ChannelCheckError(ChannelProblem.NOT_ADMIN, NOT_ADMIN, label=label)
        if not (isinstance(member, ChatMemberAdministrator) and member.can_post_messages):
            raise ChannelCheckError(ChannelProblem.CANNOT_POST, CANNOT_POST, label=label)
        return
    if status in (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED):
        raise ChannelCheckError(ChannelProblem.NOT_ADMIN, NOT_MEMBER, label=label)
    if isinstance(member, ChatMemberRestricted) and not member.can_send_messages:
        raise ChannelCheckError(ChannelProblem.CANNOT_POST, MUTED, label=label)


def unreachable(exc: TelegramError) -> ChannelCheckError:
    """Describe a failure to ask Telegram (network, token, flood wait) as one sentence."""
    if isinstance(exc, InvalidToken):
        return ChannelCheckError(ChannelProblem.UNREACHABLE, TOKEN_REFUSED)
    if isinstance(exc, RetryAfter):
        return ChannelCheckError(
            ChannelProblem.UNREACHABLE, FLOOD_WAIT, retry_after=exc.retry_after
        )
    return ChannelCheckError(
        ChannelProblem.UNREACHABLE, CANNOT_ASK, error=exc.message or type(exc).__name__
    )


@dataclass(frozen=True, slots=True)
class ChannelAdded:
    """The outcome of adding a channel that passed the check."""

    channel: Channel
    created: bool
    """False when the chat was already added (its title and username are refreshed)."""
    resumed: bool
    """True when the channel had been paused and posting resumes."""

    def describe(self) -> str:
        """Return one line for people saying what happened (English: the CLI's)."""
        channel = self.channel
        name = f"@{channel.username}" if channel.username else channel.title or channel.chat_id
        what = f"channel {channel.id}: {name} (chat {channel.chat_id}, style {channel.style})"
        if self.created:
            return f"added {what}"
        if self.resumed:
            return f"{what} was paused; the bot may post again, so it is resumed"
        return f"{what} was already added; its details are refreshed"


async def add_checked_channel(
    bot: Bot,
    db: Database,
    reference: ChannelReference,
    *,
    style: ChannelStyle | None = None,
) -> ChannelAdded:
    """Check that the bot may post in the chat, then store it (or refresh it if known).

    A known channel gets its current title and username, the style when one is given,
    and is resumed if it was paused (the check just proved the bot may post again).
    """
    checked = await check_channel(bot, reference)
    async with db.transaction():
        existing = await db.channels.get_by_chat_id(checked.chat_id)
        if existing is None:
            channel = await db.channels.add(
                checked.chat_id,
                title=checked.title,
                username=checked.username,
                style=style or ChannelStyle.TEXT,
            )
        else:
            channel = await db.channels.update_info(
                existing.id, title=checked.title, username=checked.username
            )
            if style is not None:
                channel = await db.channels.set_style(channel.id, style)
            if channel.paused:
                channel = await db.channels.set_paused(channel.id, False)
        if checked.discussion_chat_id != channel.discussion_chat_id:
            channel = await db.channels.set_discussion_chat(channel.id, checked.discussion_chat_id)
    return ChannelAdded(
        channel=channel,
        created=existing is None,
        resumed=existing is not None and existing.paused,
    )
