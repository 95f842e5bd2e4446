"""`/digest @channel HOUR [Area/City] [en|ru]` and `/digest @channel off` in an admin's
private chat: a channel's daily digest, checked like `newsbot channels set --digest-hour`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.context import Context
from bot.ops.i18n import N_, available_languages
from bot.services.admin.labels import channel_label
from bot.services.digest_settings import (
    UNSET,
    DigestChanges,
    Unset,
    apply_digest_changes,
    checked_hour,
    checked_language,
    checked_timezone,
)
from handlers.admin.access import private_commands
from handlers.admin.channel_setting import Answer, change_channel_setting
from news.entities import Channel
from storage import Database

DIGEST_USAGE: Final = N_(
    "Usage: /digest @channel HOUR [Area/City] [en|ru] — every day at that local hour, one "
    "post with the channel's top stories of the day; /digest @channel off — no digest."
)
DIGEST_ON: Final = N_("Channel {channel}: a daily digest at {hour:02d}:00 ({timezone}).")
DIGEST_OFF: Final = N_("Channel {channel}: no daily digest.")


def digest_changes(args: Sequence[str]) -> DigestChanges | None:
    """Read `HOUR [zone] [language]` or `off`; None when the words do not fit the usage."""
    if not args:
        return None
    if args[0].lower() == "off":
        return DigestChanges(hour=None) if len(args) == 1 else None
    hour = checked_hour(args[0])
    timezone: str | Unset | None = UNSET
    language: str | Unset | None = UNSET
    for word in args[1:]:
        if word.lower() in available_languages() and isinstance(language, Unset):
            language = checked_language(word)
        elif isinstance(timezone, Unset):
            timezone = checked_timezone(word)
        else:
            return None
    return DigestChanges(hour, timezone, language)


async def store_digest(db: Database, channel: Channel, changes: DigestChanges) -> Answer:
    """Store a channel's digest changes; return the answer that says what it now gets."""
    channel = await apply_digest_changes(db, channel, changes)
    name = channel_label(channel)
    if channel.digest_hour is None:
        return DIGEST_OFF, {"channel": name}
    return DIGEST_ON, {
        "channel": name,
        "hour": channel.digest_hour,
        "timezone": channel.timezone or "UTC",
    }


async def set_digest(update: Update, context: Context) -> None:
    """Set or switch off a channel's daily digest."""
    await change_channel_setting(
        update, context, usage=DIGEST_USAGE, read=digest_changes, apply=store_digest
    )


def digest_handlers() -> dict[int, Sequence[BaseHandler[Any, Any, Any]]]:
    """`/digest`'s handler by group (private chats, new messages only)."""
    return {0: [CommandHandler("digest", set_digest, filters=private_commands())]}
