"""Admin reports in a private chat: `/channels` (state, routes, posts) and `/stats`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from telegram import LinkPreviewOptions, Update
from telegram.ext import BaseHandler, CommandHandler

from bot.context import Context
from bot.services.admin.reports import channels_messages, stats_messages
from bot.services.admin.status import bot_stats, channel_statuses
from handlers.admin.access import admin_message, private_commands
from handlers.common import texts

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


async def list_channels(update: Update, context: Context) -> None:
    """Show every channel: ok or lost (and why), style, routes, posts sent and waiting."""
    message = await admin_message(update, context)
    if message is None:
        return
    statuses = await channel_statuses(context.bot_data.db)
    for text in channels_messages(statuses, texts(update)):
        await message.reply_text(text, link_preview_options=NO_PREVIEW)


async def show_stats(update: Update, context: Context) -> None:
    """Show the counts of articles, posts, readers and sources, and the latest errors."""
    message = await admin_message(update, context)
    if message is None:
        return
    stats = await bot_stats(context.bot_data.db, datetime.now(UTC))
    for text in stats_messages(stats, texts(update)):
        await message.reply_text(text, link_preview_options=NO_PREVIEW)


def admin_status_handlers() -> dict[int, Sequence[BaseHandler[Any, Any, Any]]]:
    """The report commands' handlers by group (private chats only)."""
    private = private_commands()
    return {
        0: [
            CommandHandler("channels", list_channels, filters=private),
            CommandHandler("stats", show_stats, filters=private),
        ]
    }
