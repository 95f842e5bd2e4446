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
from bot.services.digest_settings import BAD_TIMEZONE, DigestSettingError
from handlers.admin.access import private_commands
from handlers.admin.channel_setting import Answer, change_channel_setting
from news.entities import Channel, QuietHours
from news.quiet import check_timezone, parse_quiet_hours
from storage import Database

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


class QuietInputError(DigestSettingError):
    """Hours or a time zone that cannot be read; `message` is an English msgid for `value`."""

    def __init__(self, message: str, value: str) -> None:
        """Keep the msgid and the refused word."""
        super().__init__(message, value=value)


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


async def store_quiet(db: Database, channel: Channel, change: QuietChange) -> Answer:
    """Store a channel's quiet hours (and zone); return the answer that says them."""
    channel = await db.channels.set_schedule(
        channel.id,
        timezone=change.timezone or channel.timezone,
        quiet_hours=change.hours,
    )
    name, zone = channel_label(channel), channel.timezone or "UTC"
    if channel.quiet_hours is None:
        return QUIET_OFF, {"channel": name, "timezone": zone}
    return QUIET_ON, {"channel": name, "hours": str(channel.quiet_hours), "timezone": zone}


async def set_quiet(update: Update, context: Context) -> None:
    """Set or switch off a channel's quiet hours (and its time zone)."""
    await change_channel_setting(
        update, context, usage=QUIET_USAGE, read=quiet_change, apply=store_quiet
    )


def quiet_handlers() -> dict[int, Sequence[BaseHandler[Any, Any, Any]]]:
    """`/quiet`'s handler by group (private chats, new messages only)."""
    return {0: [CommandHandler("quiet", set_quiet, filters=private_commands())]}
