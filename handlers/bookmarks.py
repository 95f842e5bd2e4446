"""Bookmarks: the `🔖 Save` button under posts, inline messages and lists.

The Save button's callback data (`news.render.buttons`) names an article; pressing it toggles
the presser's own bookmark, wherever the button is: a channel post, a message sent from an
inline result (the update then has an `inline_message_id` and no message), or a message in
the private chat. Forged or stale data gets a polite answer and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.context import Context
from bot.ops.i18n import N_
from handlers.common import STALE_BUTTON, remember_user, texts
from news.render import decode_callback
from storage.errors import NotFoundError

SAVED: Final = N_("🔖 Saved to your bookmarks")
REMOVED: Final = N_("Removed from your bookmarks")
GONE_ARTICLE: Final = N_("Sorry, this story is no longer available.")
SAVE_DATA_PATTERN: Final = r"^s\d+:"
"""Every version of the Save button's data (decode_callback checks the details)."""


async def toggle_bookmark(update: Update, context: Context) -> None:
    """Save or unsave the pressed article for whoever pressed the button."""
    query = update.callback_query
    if query is None:
        return
    _ = texts(update).gettext
    action = decode_callback(query.data)
    if action is None:
        await query.answer(_(STALE_BUTTON))
        return
    db = context.bot_data.db
    await remember_user(db, query.from_user)
    try:
        saved = await db.bookmarks.toggle(query.from_user.id, action.article_id)
    except NotFoundError:
        await query.answer(_(GONE_ARTICLE))
        return
    await query.answer(_(SAVED if saved else REMOVED))


def bookmark_handlers() -> dict[int, Sequence[BaseHandler[Any, Any, Any]]]:
    """The Save button's handler by group."""
    return {0: [CallbackQueryHandler(toggle_bookmark, pattern=SAVE_DATA_PATTERN)]}
