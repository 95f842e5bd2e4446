"""The shape shared by `/digest` and `/quiet`: `/command @channel WORDS...` in an admin's
private chat reads the words, finds the added channel, stores the change and answers in one
message; words that do not fit get the usage, refused values one line naming them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Final, TypeVar

from telegram import Update

from bot.context import Context
from bot.ops.i18n import N_
from bot.services.admin.sources import find_added_channel
from bot.services.digest_settings import DigestSettingError
from handlers.admin.access import admin_message
from handlers.common import texts
from news.entities import Channel
from storage import Database

NO_SUCH_CHANNEL: Final = N_("No channel {channel} has been added: see /channels.")

Change = TypeVar("Change")

Answer = tuple[str, dict[str, object]]
"""An English msgid and the fields it is formatted with."""


async def change_channel_setting(
    update: Update,
    context: Context,
    *,
    usage: str,
    read: Callable[[Sequence[str]], Change | None],
    apply: Callable[[Database, Channel, Change], Awaitable[Answer]],
) -> None:
    """Read the words after `@channel` with `read` (None: `usage`; `DigestSettingError`:
    its line), then store them on the channel with `apply` and send its answer."""
    message = await admin_message(update, context)
    if message is None:
        return
    _ = texts(update).gettext
    args = context.args or []
    try:
        change = read(args[1:]) if len(args) >= 2 else None
    except DigestSettingError as exc:
        await message.reply_text(_(exc.message).format(**exc.fields))
        return
    if change is None:
        await message.reply_text(_(usage))
        return
    db = context.bot_data.db
    channel = await find_added_channel(db, args[0])
    if channel is None:
        await message.reply_text(_(NO_SUCH_CHANNEL).format(channel=args[0]))
        return
    msgid, fields = await apply(db, channel, change)
    await message.reply_text(_(msgid).format(**fields))
