"""`/bookmarks [WORDS]` and `/search WORDS` in the private chat: paged lists, one message each.

`bot.services.reading_list` builds the pages; a press on `◀` `▶` or `✖ n` edits the same message.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from telegram import InlineKeyboardMarkup, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.context import Context
from bot.ops.i18n import N_, Texts
from bot.services.reading_list import ListKind, ListPage, ListView, decode_list_data, list_view
from bot.transport.errors import is_not_modified
from bot.transport.send import inline_markup
from handlers.common import STALE_BUTTON, remember_user, texts
from handlers.webapp import open_app_button

SEARCH_USAGE: Final = N_(
    "Usage: /search WORDS — for example /search ferry timetable or /search #harbour"
)
NOT_YOUR_LIST: Final = N_("Sorry, this list is not yours.")
REMOVED_ONE: Final = N_("Removed from your bookmarks")
ALREADY_REMOVED: Final = N_("It was already removed")
LIST_DATA_PATTERN: Final = r"^(bl|bx|sr):"


def _markup(
    view: ListView, page: ListPage, context: Context, language: Texts
) -> InlineKeyboardMarkup | None:
    """Return the view's buttons as PTB markup (None when there are none), with the
    `Open reading list` web-app button under the bookmarks when the Mini App is on."""
    rows = list(inline_markup(view.keyboard).inline_keyboard) if view.keyboard else []
    url = context.bot_data.settings.webapp_url
    if page.kind is ListKind.BOOKMARKS and url is not None:
        rows.append((open_app_button(url, language),))
    return InlineKeyboardMarkup(rows) if rows else None


async def _reply_with_list(update: Update, context: Context, page: ListPage) -> None:
    """Send the first page of a list as a new message."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    language = texts(update)
    view = await list_view(context.bot_data.db, page, user.id, language=language)
    await message.reply_text(
        view.html,
        parse_mode=ParseMode.HTML,
        reply_markup=_markup(view, page, context, language),
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )


async def show_bookmarks(update: Update, context: Context) -> None:
    """List the user's bookmarks (matching the words given, if any), newest first."""
    words = " ".join(context.args or [])
    await _reply_with_list(update, context, ListPage(ListKind.BOOKMARKS, words))


async def search(update: Update, context: Context) -> None:
    """List the stories matching the words given."""
    words = " ".join(context.args or [])
    if not words.strip():
        message = update.effective_message
        if message is not None:
            await message.reply_text(texts(update).gettext(SEARCH_USAGE))
        return
    await _reply_with_list(update, context, ListPage(ListKind.SEARCH, words))


async def turn_list_page(update: Update, context: Context) -> None:
    """Page through a list, or remove a bookmark from it, editing the same message."""
    query = update.callback_query
    if query is None:
        return
    language = texts(update)
    _ = language.gettext
    action = decode_list_data(query.data)
    if action is None:
        await query.answer(_(STALE_BUTTON))
        return
    user = query.from_user
    if query.message is None or query.message.chat.id != user.id:
        await query.answer(_(NOT_YOUR_LIST))
        return
    db = context.bot_data.db
    await remember_user(db, user)
    answer = None
    if action.remove_id is not None:
        removed = await db.bookmarks.remove(user.id, action.remove_id)
        answer = _(REMOVED_ONE if removed else ALREADY_REMOVED)
    view = await list_view(db, action.page, user.id, language=language)
    try:
        await query.edit_message_text(
            view.html,
            parse_mode=ParseMode.HTML,
            reply_markup=_markup(view, action.page, context, language),
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )
    except BadRequest as exc:
        if not is_not_modified(exc):
            raise
    await query.answer(answer)


def list_handlers() -> dict[int, Sequence[BaseHandler[Any, Any, Any]]]:
    """The list feature's handlers by group (private chats, new messages; list presses)."""
    private_messages = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    return {
        0: [
            CommandHandler("bookmarks", show_bookmarks, filters=private_messages),
            CommandHandler("search", search, filters=private_messages),
            CallbackQueryHandler(turn_list_page, pattern=LIST_DATA_PATTERN),
        ]
    }
