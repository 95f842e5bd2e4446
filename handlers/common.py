"""What every handler shares: the user behind an update, its texts, stale-button answers.

`common_handlers()` holds the cross-cutting handlers: user tracking in group -1 (before any
feature) and, last in group 0, the catch-alls: an answer for button presses nothing else took,
and a short hint for private-chat text nothing else took (plain words, an unknown command),
so that the bot is never silent in a private chat.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from telegram import Update, User
from telegram.constants import ChatType
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, TypeHandler, filters

from bot.context import Context
from bot.ops.i18n import N_, Texts, texts_for
from storage import Database

STALE_BUTTON: Final = N_("Sorry, this button no longer works.")
UNKNOWN_COMMAND: Final = N_("I don't know that command. /help lists what I can do.")
PLAIN_TEXT_HINT: Final = N_(
    "Send me a link to save a story, or search with /search WORDS. /help lists what I can do."
)
ECHO_MAX_CHARS: Final = 200
"""User input quoted back in a reply is cut to this: a reply must fit Telegram's 4,096."""


def echo(text: str) -> str:
    """Return user input to quote in a reply: one line, cut to `ECHO_MAX_CHARS` with `…`."""
    flat = " ".join(text.split())
    return flat if len(flat) <= ECHO_MAX_CHARS else flat[: ECHO_MAX_CHARS - 1].rstrip() + "…"


def texts(update: object) -> Texts:
    """Return the texts in the language of the user behind `update` (English if unknown)."""
    user = update.effective_user if isinstance(update, Update) else None
    return texts_for(user.language_code if user is not None else None)


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


async def answer_unknown_button(update: Update, _context: Context) -> None:
    """Answer a press no other handler took (forged data, an old keyboard) politely."""
    query = update.callback_query
    if query is not None:
        await query.answer(texts(update).gettext(STALE_BUTTON))


async def answer_unknown_text(update: Update, _context: Context) -> None:
    """Answer private-chat text no other handler took with a short pointer to /help."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    hint = UNKNOWN_COMMAND if message.text.startswith("/") else PLAIN_TEXT_HINT
    await message.reply_text(texts(update).gettext(hint))


def common_handlers() -> dict[int, Sequence[BaseHandler[Any, Any, Any]]]:
    """User tracking (group -1) and the catch-alls for button presses and private-chat
    text (put last in group 0)."""
    leftover_text = (
        filters.ChatType.PRIVATE
        & filters.UpdateType.MESSAGE
        & filters.TEXT
        & ~filters.FORWARDED
        & ~filters.VIA_BOT  # a result the user shared from inline mode: not meant for us
    )
    return {
        -1: [TypeHandler(Update, track_user)],
        0: [
            CallbackQueryHandler(answer_unknown_button),
            MessageHandler(leftover_text, answer_unknown_text),
        ],
    }
