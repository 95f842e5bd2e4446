"""Reaction totals on channel posts (`message_reaction_count` updates), stored per post.

The bot asks for these updates in `allowed_updates` (`bot.app.lifecycle.ALLOWED_UPDATES`);
Telegram sends them only to a bot that administers the channel. Nothing is answered.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from telegram import ReactionTypeCustomEmoji, ReactionTypeEmoji, Update
from telegram.ext import BaseHandler, MessageReactionHandler

from bot.context import Context
from bot.services.reactions import reaction_key, record_reaction_counts, totals


async def count_reactions(update: Update, context: Context) -> None:
    """Store the post's current reaction totals."""
    updated = update.message_reaction_count
    if updated is None:
        return
    pairs = []
    for reaction in updated.reactions:
        kind = reaction.type
        value = None
        if isinstance(kind, ReactionTypeEmoji):
            value = kind.emoji
        elif isinstance(kind, ReactionTypeCustomEmoji):
            value = kind.custom_emoji_id
        pairs.append((reaction_key(kind.type, value), reaction.total_count))
    await record_reaction_counts(
        context.bot_data.db,
        updated.chat.id,
        updated.message_id,
        totals(pairs),
        at=updated.date,
    )


def reaction_handlers() -> dict[int, Sequence[BaseHandler[Any, Any, Any]]]:
    """The reaction counter's handler (group 0)."""
    return {
        0: [
            MessageReactionHandler(
                count_reactions,
                message_reaction_types=MessageReactionHandler.MESSAGE_REACTION_COUNT_UPDATED,
            )
        ]
    }
