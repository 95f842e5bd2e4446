"""Saving by forwarding: a channel post forwarded to the bot saves the article behind it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from telegram import MessageOriginChannel, Update
from telegram.ext import BaseHandler, MessageHandler, filters

from bot.context import Context
from bot.saving import SaveOutcome, SaveResult, save_channel_post
from handlers.bookmarks import remember_user
from news.render import clean_text, truncate_words

NOT_A_KNOWN_POST: Final = (
    "I can only save posts I published in a channel. Forward one of those, "
    "or press 🔖 Save under it."
)


def describe_outcome(outcome: SaveOutcome) -> str:
    """Return the reply telling the user what a save did."""
    if outcome.article is None or outcome.result is SaveResult.UNKNOWN:
        return NOT_A_KNOWN_POST
    title = truncate_words(clean_text(outcome.article.title), 200) or "Untitled"
    if outcome.result is SaveResult.SAVED:
        return f"🔖 Saved: {title}"
    return f"Already in your bookmarks: {title}"


async def save_forwarded_post(update: Update, context: Context) -> None:
    """Save the article behind a forwarded channel post for the user who forwarded it."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    origin = message.forward_origin
    if not isinstance(origin, MessageOriginChannel):
        await message.reply_text(NOT_A_KNOWN_POST)
        return
    db = context.bot_data.db
    await remember_user(db, user)
    outcome = await save_channel_post(db, user.id, origin.chat.id, origin.message_id)
    await message.reply_text(describe_outcome(outcome))


def forward_handlers() -> dict[int, Sequence[BaseHandler[Any, Any, Any]]]:
    """The forward feature's handlers by group (forwards in the private chat)."""
    private_forwards = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & filters.FORWARDED
    return {0: [MessageHandler(private_forwards, save_forwarded_post)]}
