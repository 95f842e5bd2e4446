"""Bookmarks: the `🔖 Save` button and the user tracking every feature relies on.

The Save button's callback data (`news.render.buttons`) names an article; pressing it toggles
the presser's own bookmark, wherever the button is: a channel post, a message sent from an
inline result (the update then has an `inline_message_id` and no message), or a message in
the private chat. Forged or stale data gets a polite answer and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from telegram import Update, User
from telegram.constants import ChatType
from telegram.ext import BaseHandler, CallbackQueryHandler, TypeHandler

from bot.app.context import Context
from bot.ops.i18n import N_, texts
from news.render import decode_callback
from storage.database import Database
from storage.errors import NotFoundError

SAVED: Final = N_("🔖 Saved to your bookmarks")
REMOVED: Final = N_("Removed from your bookmarks")
STALE_BUTTON: Final = N_("Sorry, this button no longer works.")
GONE_ARTICLE: Final = N_("Sorry, this story is no longer available.")
SAVE_DATA_PATTERN: Final = r"^s\d+:"
"""Every version of the Save button's data (decode_callback checks the details)."""


async def remember_user(db: Database, user: User) -> None:
    """Create or refresh the stored user behind an update."""
    await db.users.upsert(
        user.id,
        username=user.username,
        first_name=user.first_name,
        language_code=user.language_code,
    )


async def track_user(update: Update, context: Context) -> None:
    """Record the user behind every update (runs first, in group -1).

    A user written lately with the same fields is skipped (see `bot.services.seen_users`), except
    for private-chat messages.
    """
    user = update.effective_user
    if user is None or user.is_bot:
        return
    seen = context.bot_data.seen_users
    fields = (user.username, user.first_name, user.language_code)
    private_message = update.message is not None and update.message.chat.type == ChatType.PRIVATE
    if private_message or seen.needs_write(user.id, fields):
        await remember_user(context.bot_data.db, user)
        seen.written(user.id, fields)


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


async def answer_unknown_button(update: Update, _context: Context) -> None:
    """Answer a press no other handler took (forged data, an old keyboard) politely."""
    query = update.callback_query
    if query is not None:
        await query.answer(texts(update).gettext(STALE_BUTTON))


def bookmark_handlers() -> dict[int, Sequence[BaseHandler[Any, Any, Any]]]:
    """The bookmark feature's handlers by group (-1: user tracking, before everything).

    Its group-0 list ends with a catch-all for button presses, so `all_handlers` puts this
    feature last.
    """
    return {
        -1: [TypeHandler(Update, track_user)],
        0: [
            CallbackQueryHandler(toggle_bookmark, pattern=SAVE_DATA_PATTERN),
            CallbackQueryHandler(answer_unknown_button),  # last: takes what nothing else took
        ],
    }
