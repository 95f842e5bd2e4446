"""`/quiet @channel START-END [Area/City]` and `/quiet @channel off` in an admin's private
chat: a channel's quiet hours and time zone, read and checked like `newsbot channels set
--quiet-hours --timezone` (`news.quiet`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.context import Context
from bot.ops.i18n import N_
from bot.services.admin.labels import channel_label
from bot.services.admin.sources import find_added_channel
from bot.services.digest_settings import BAD_TIMEZONE
from handlers.admin.access import admin_message, private_commands
from handlers.admin.digest import NO_SUCH_CHANNEL
from handlers.common import texts
from news.entities import QuietHours
from news.quiet import check_timezone, parse_quiet_hours

QUIET_USAGE: Final = N_(
    "Usage: /quiet @channel START-END [Area/City] — during those local hours (23-07: from "
    "23:00 to 07:00) the channel's posts wait in the queue, then go out paced; "
    "/quiet @channel off — posts go out at any hour."
)
BAD_QUIET_HOURS: Final = N_(
    "Quiet hours are START-END in whole hours 0-23, like 23-07, not {value}."
)
QUIET_ON: Final = N_("Channel {channel}: quiet hours {hours} ({timezone}).")
QUIET_OFF: Final = N_("Channel {channel}: no quiet hours ({timezone}).")
OFF: Final = "off"


class QuietInputError(ValueError):
    """Hours or a time zone that cannot be read; `message` is an English msgid for `value`."""

    def __init__(self, message: str, value: str) -> None:
        """Keep the msgid and the refused word."""
        super().__init__(message.format(value=value))
        self.message = message
        self.value = value


@dataclass(frozen=True, slots=True)
class QuietChange:
    """The quiet hours to store (None: none) and the time zone (None: keep the channel's)."""

    hours: QuietHours | None
    timezone: str | None = None


def quiet_change(args: Sequence[str]) -> QuietChange | None:
    """Read `START-END [zone]` or `off`; None when the words do not fit the usage,
    `QuietInputError` for hours or a zone that `news.quiet` refuses."""
    if not args or len(args) > 2:
        return None
    if args[0].lower() == OFF:
        return QuietChange(None) if len(args) == 1 else None
    try:
        hours = parse_quiet_hours(args[0])
    except ValueError:
        raise QuietInputError(BAD_QUIET_HOURS, args[0]) from None
    if len(args) == 1:
        return QuietChange(hours)
    try:
        return QuietChange(hours, check_timezone(args[1]))
    except ValueError:
        raise QuietInputError(BAD_TIMEZONE, repr(args[1])) from None


async def set_quiet(update: Update, context: Context) -> None:
    """Set or switch off a channel's quiet hours (and its time zone)."""
    message = await admin_message(update, context)
    if message is None:
        return
    _ = texts(update).gettext
    args = context.args or []
    try:
        change = quiet_change(args[1:]) if len(args) >= 2 else None
    except QuietInputError as exc:
        await message.reply_text(_(exc.message).format(value=exc.value))
        return
    if change is None:
        await message.reply_text(_(QUIET_USAGE))
        return
    db = context.bot_data.db
    channel = await find_added_channel(db, args[0])
    if channel is None:
        await message.reply_text(_(NO_SUCH_CHANNEL).format(channel=args[0]))
        return
    channel = await db.channels.set_schedule(
        channel.id,
        timezone=change.timezone or channel.timezone,
        quiet_hours=change.hours,
    )
    name, zone = channel_label(channel), channel.timezone or "UTC"
    if channel.quiet_hours is None:
        await message.reply_text(_(QUIET_OFF).format(channel=name, timezone=zone))
        return
    await message.reply_text(
        _(QUIET_ON).format(channel=name, hours=str(channel.quiet_hours), timezone=zone)
    )


def quiet_handlers() -> dict[int, Sequence[BaseHandler[Any, Any, Any]]]:
    """`/quiet`'s handler by group (private chats, new messages only)."""
    return {0: [CommandHandler("quiet", set_quiet, filters=private_commands())]}
