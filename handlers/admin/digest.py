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
from bot.services.admin.sources import find_added_channel
from bot.services.digest_settings import (
    UNSET,
    DigestChanges,
    DigestSettingError,
    Unset,
    apply_digest_changes,
    checked_hour,
    checked_language,
    checked_timezone,
)
from handlers.admin.access import admin_message, private_commands
from handlers.common import texts

DIGEST_USAGE: Final = N_(
    "Usage: /digest @channel HOUR [Area/City] [en|ru] — every day at that local hour, one "
    "post with the channel's top stories of the day; /digest @channel off — no digest."
)
NO_SUCH_CHANNEL: Final = N_("No channel {channel} has been added: see /channels.")
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


async def set_digest(update: Update, context: Context) -> None:
    """Set or switch off a channel's daily digest."""
    message = await admin_message(update, context)
    if message is None:
        return
    _ = texts(update).gettext
    args = context.args or []
    try:
        changes = digest_changes(args[1:]) if len(args) >= 2 else None
    except DigestSettingError as exc:
        await message.reply_text(_(exc.message).format(**exc.fields))
        return
    if changes is None:
        await message.reply_text(_(DIGEST_USAGE))
        return
    db = context.bot_data.db
    channel = await find_added_channel(db, args[0])
    if channel is None:
        await message.reply_text(_(NO_SUCH_CHANNEL).format(channel=args[0]))
        return
    channel = await apply_digest_changes(db, channel, changes)
    name = channel_label(channel)
    if channel.digest_hour is None:
        await message.reply_text(_(DIGEST_OFF).format(channel=name))
        return
    await message.reply_text(
        _(DIGEST_ON).format(
            channel=name, hour=channel.digest_hour, timezone=channel.timezone or "UTC"
        )
    )


def digest_handlers() -> dict[int, Sequence[BaseHandler[Any, Any, Any]]]:
    """`/digest`'s handler by group (private chats, new messages only)."""
    return {0: [CommandHandler("digest", set_digest, filters=private_commands())]}
