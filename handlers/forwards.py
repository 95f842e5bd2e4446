"""Saving from the private chat: a forwarded channel post, or a pasted link to a story."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from telegram import MessageEntity, MessageOriginChannel, Update
from telegram.ext import BaseHandler, MessageHandler, filters

from bot.context import Context
from bot.ops.i18n import N_, Texts
from bot.services.saving.forwards import SaveOutcome, SaveResult, save_channel_post, save_link
from bot.services.saving.links import save_new_page
from handlers.common import remember_user, texts
from news.render import clean_text, truncate_words

NOT_A_KNOWN_POST: Final = N_(
    "I can only save posts I published in a channel. Forward one of those, "
    "or press 🔖 Save under it."
)
LINK_FAILED: Final = N_("I couldn't save that link: {reason}.")
UNTITLED: Final = N_("Untitled")
_LINK_ENTITIES: Final[list[str | None]] = [MessageEntity.URL, MessageEntity.TEXT_LINK]


def describe_outcome(
    outcome: SaveOutcome, language: Texts, unknown: str = NOT_A_KNOWN_POST
) -> str:
    """Return the reply telling the user what a save did, in `language`."""
    _ = language.gettext
    if outcome.result is SaveResult.FAILED:
        return _(LINK_FAILED).format(reason=outcome.explain(language))
    if outcome.article is None or outcome.result is SaveResult.UNKNOWN:
        return _(unknown)
    title = truncate_words(clean_text(outcome.article.title), 200) or _(UNTITLED)
    if outcome.result is SaveResult.SAVED:
        return _("🔖 Saved: {title}").format(title=title)
    return _("Already in your bookmarks: {title}").format(title=title)


async def save_forwarded_post(update: Update, context: Context) -> None:
    """Save the article behind a forwarded channel post for the user who forwarded it."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    origin = message.forward_origin
    if not isinstance(origin, MessageOriginChannel):
        await message.reply_text(texts(update).gettext(NOT_A_KNOWN_POST))
        return
    db = context.bot_data.db
    await remember_user(db, user)
    outcome = await save_channel_post(db, user.id, origin.chat.id, origin.message_id)
    await message.reply_text(describe_outcome(outcome, texts(update)))


async def save_pasted_link(update: Update, context: Context) -> None:
    """Save the story behind the first link of a message: a stored one, or else the page
    fetched and stored."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    found = (
        entity.url if entity.type == MessageEntity.TEXT_LINK else text
        for entity, text in message.parse_entities(_LINK_ENTITIES).items()
    )
    links = [link for link in found if link]
    if not links:
        return
    db = context.bot_data.db
    await remember_user(db, user)
    outcome = await save_link(db, user.id, links[0])
    if outcome.result is SaveResult.UNKNOWN:
        data = context.bot_data
        outcome = await save_new_page(
            db, data.fetcher, user.id, links[0], executor=data.ingest_executor
        )
    await message.reply_text(describe_outcome(outcome, texts(update)))


def forward_handlers() -> dict[int, Sequence[BaseHandler[Any, Any, Any]]]:
    """The save-from-chat handlers by group (forwards and links in the private chat)."""
    private_forwards = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & filters.FORWARDED
    private_links = (
        filters.ChatType.PRIVATE
        & filters.UpdateType.MESSAGE
        & ~filters.FORWARDED
        & ~filters.COMMAND
        & (filters.Entity(MessageEntity.URL) | filters.Entity(MessageEntity.TEXT_LINK))
    )
    return {
        0: [
            MessageHandler(private_forwards, save_forwarded_post),
            MessageHandler(private_links, save_pasted_link),
        ]
    }
