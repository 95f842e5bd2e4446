"""`/export` in the private chat: the user's bookmarks as Markdown and JSON files."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from telegram import InputFile, Update
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.context import Context
from bot.ops.i18n import N_
from bot.services.export import bookmarks_json, bookmarks_markdown, exported_bookmarks
from handlers.common import texts

NOTHING_TO_EXPORT: Final = N_("You have no bookmarks to export yet.")
MARKDOWN_NAME: Final = "bookmarks.md"
JSON_NAME: Final = "bookmarks.json"


async def export_bookmarks(update: Update, context: Context) -> None:
    """Send the user's bookmarks as two files: Markdown and JSON."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    language = texts(update)
    items = await exported_bookmarks(context.bot_data.db, user.id)
    if not items:
        await message.reply_text(language.gettext(NOTHING_TO_EXPORT))
        return
    count = len(items)
    await message.reply_document(
        InputFile(bookmarks_markdown(items, language).encode(), filename=MARKDOWN_NAME),
        caption=language.ngettext(
            "Your {count} bookmark, to read", "Your {count} bookmarks, to read", count
        ).format(count=count),
    )
    await message.reply_document(
        InputFile(bookmarks_json(items).encode(), filename=JSON_NAME),
        caption=language.ngettext(
            "Your {count} bookmark, as JSON", "Your {count} bookmarks, as JSON", count
        ).format(count=count),
    )


def export_handlers() -> dict[int, Sequence[BaseHandler[Any, Any, Any]]]:
    """The export feature's handlers by group (private chats, new messages only)."""
    private_messages = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    return {0: [CommandHandler("export", export_bookmarks, filters=private_messages)]}
