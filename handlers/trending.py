"""`/trending` in any chat: the last day's top stories with a Save button each.

In groups PTB's `CommandHandler` answers `/trending` and `/trending@<this bot>` and
ignores `/trending@otherbot`; with privacy mode on, Telegram sends a group's unaddressed
commands only to the bot the group talks to, so the bot stays quiet otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.context import Context
from bot.services.trending import trending_view
from bot.transport.send import inline_markup
from handlers.common import texts


async def show_trending(update: Update, context: Context) -> None:
    """Reply with the trending stories (or a friendly note when there are none)."""
    message = update.effective_message
    if message is None:
        return
    view = await trending_view(context.bot_data.db, texts(update))
    await message.reply_text(
        view.html,
        parse_mode=ParseMode.HTML,
        reply_markup=inline_markup(view.keyboard) if view.keyboard else None,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )


def trending_handlers() -> dict[int, Sequence[BaseHandler[Any, Any, Any]]]:
    """The trending feature's handlers by group (new messages in any chat)."""
    new_messages = filters.UpdateType.MESSAGE & ~filters.IS_AUTOMATIC_FORWARD
    return {0: [CommandHandler("trending", show_trending, filters=new_messages)]}
