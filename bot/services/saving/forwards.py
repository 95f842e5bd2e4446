"""Saving from the private chat: a forwarded channel post or a pasted link, to its article."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from bot.ops.i18n import Texts
from news.entities import Article
from storage import Database
from storage.errors import NotFoundError


class SaveResult(Enum):
    """What a save request did."""

    SAVED = "saved"
    ALREADY_SAVED = "already saved"
    UNKNOWN = "unknown"
    """Nothing the bot posted or stored matches."""
    FAILED = "failed"
    """A pasted page could not be fetched or stored (`SaveOutcome.reason` says why)."""


@dataclass(frozen=True, slots=True)
class SaveOutcome:
    """The result of a save request and the article it concerned, when there is one."""

    result: SaveResult
    article: Article | None = None
    reason: str = ""
    """Why it failed, fit for the user (FAILED only): an English text marked for translation,
    with `{name}` fields filled from `reason_fields`."""
    reason_fields: Mapping[str, object] = field(default_factory=dict)

    def explain(self, language: Texts) -> str:
        """Return the reason of a failure in `language`."""
        return language.gettext(self.reason).format(**self.reason_fields)


async def save_article(db: Database, user_id: int, article_id: int) -> SaveOutcome:
    """Add the article to the user's bookmarks (never removes: saving is not a toggle)."""
    try:
        article = await db.articles.get(article_id)
        added = await db.bookmarks.add(user_id, article_id)
    except NotFoundError:
        return SaveOutcome(SaveResult.UNKNOWN)
    return SaveOutcome(SaveResult.SAVED if added else SaveResult.ALREADY_SAVED, article)


async def save_channel_post(
    db: Database, user_id: int, chat_id: int, message_id: int
) -> SaveOutcome:
    """Save the article behind a post the bot made in a channel (chat id, message id)."""
    channel = await db.channels.get_by_chat_id(chat_id)
    if channel is None:
        return SaveOutcome(SaveResult.UNKNOWN)
    posted = await db.outbox.find_posted(channel.id, message_id)
    if posted is None:
        return SaveOutcome(SaveResult.UNKNOWN)
    return await save_article(db, user_id, posted.article_id)


async def save_link(db: Database, user_id: int, url: str) -> SaveOutcome:
    """Save the stored article a pasted link points to (canonical URL compared)."""
    article = await db.articles.find_by_url(url)
    if article is None:
        return SaveOutcome(SaveResult.UNKNOWN)
    return await save_article(db, user_id, article.id)
