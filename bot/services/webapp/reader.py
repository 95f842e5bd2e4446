"""What a reader does in the Mini App, without HTTP: their reading list, one article, alerts.

Every function acts for one user id (the one the launch data was signed for) and touches
only that user's bookmarks and follows; an article is shown only when that user saved it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from bot.services.alerts.follows import FollowResult, start_following
from news.entities import Article, Bookmark, Follow
from news.query import parse_query
from news.render import clean_text, encode_share_query, http_url, truncate_words
from news.tags import display_tag, normalize_tag
from storage import Database

PAGE_SIZE: Final = 20
MAX_OFFSET: Final = 100_000
MAX_QUERY_CHARS: Final = 256
SNIPPET_UNITS: Final = 240
MAX_BODY_CHARS: Final = 60_000


@dataclass(frozen=True, slots=True)
class ReadingItem:
    """One saved story as the list shows it."""

    article_id: int
    title: str
    url: str | None
    source: str
    source_id: int
    tags: tuple[str, ...]
    story_time: datetime
    snippet: str
    image_url: str | None
    saved_at: datetime
    read: bool
    share_query: str
    """The inline query the Share button fills in (`id:<article id>`)."""


@dataclass(frozen=True, slots=True)
class ReadingPage:
    """A page of the list and where the next one starts (None: this was the last)."""

    items: tuple[ReadingItem, ...]
    next_offset: int | None


@dataclass(frozen=True, slots=True)
class ReaderView:
    """A saved article to read: clean text, image, source, time and the original's link."""

    item: ReadingItem
    paragraphs: tuple[str, ...]
    author: str | None


@dataclass(frozen=True, slots=True)
class ListFilter:
    """What the list is narrowed to: query-language text, one tag, one source."""

    text: str = ""
    tag: str = ""
    source: str = ""

    @property
    def is_empty(self) -> bool:
        """Return whether nothing narrows the list (it is then read by saved time)."""
        return not (self.text.strip() or self.tag.strip() or self.source.strip())


async def reading_page(
    db: Database, user_id: int, narrow: ListFilter, *, offset: int = 0, limit: int = PAGE_SIZE
) -> ReadingPage:
    """Return a page of the user's bookmarks: newest saved first, or, when narrowed, the
    bot's search over their bookmarks (its query language and ranking)."""
    offset = min(max(0, offset), MAX_OFFSET)
    limit = min(max(1, limit), 50)
    if narrow.is_empty:
        marks = await db.bookmarks.list(user_id, limit=limit + 1, offset=offset)
        articles = {a.id: a for a in await db.articles.get_many(m.article_id for m in marks)}
        pairs = [(articles[m.article_id], m) for m in marks if m.article_id in articles]
    else:
        query = parse_query(narrow.text[:MAX_QUERY_CHARS])
        tags = (normalize_tag(narrow.tag),) if narrow.tag.strip() else ()
        sources = (narrow.source.strip(),) if narrow.source.strip() else ()
        query = dataclasses.replace(
            query,
            saved=True,
            tags=tuple(dict.fromkeys((*query.tags, *filter(None, tags)))),
            sources=tuple(dict.fromkeys((*query.sources, *sources))),
        )
        hits = await db.search.articles(query, limit=limit + 1, offset=offset, user_id=user_id)
        pairs = []
        for hit in hits:
            mark = await db.bookmarks.get(user_id, hit.article.id)
            if mark is not None:
                pairs.append((hit.article, mark))
    more = len(pairs) > limit
    items = await _items(db, pairs[:limit])
    return ReadingPage(items, offset + limit if more else None)


async def _items(
    db: Database, pairs: Sequence[tuple[Article, Bookmark]]
) -> tuple[ReadingItem, ...]:
    """Build list items, naming each source once."""
    names = await db.sources.names({article.source_id for article, _ in pairs})
    return tuple(_item(article, mark, names.get(article.source_id, "")) for article, mark in pairs)


def _item(article: Article, mark: Bookmark, source: str) -> ReadingItem:
    """Build one list item from an article and the user's bookmark of it."""
    return ReadingItem(
        article_id=article.id,
        title=clean_text(article.title),
        url=http_url(article.url),
        source=clean_text(source),
        source_id=article.source_id,
        tags=tuple(display_tag(tag) for tag in article.tags if display_tag(tag)),
        story_time=article.story_time,
        snippet=truncate_words(clean_text(article.summary or article.body), SNIPPET_UNITS),
        image_url=http_url(article.image_url),
        saved_at=mark.created_at,
        read=mark.read_at is not None,
        share_query=encode_share_query(article.id),
    )


async def reader_view(db: Database, user_id: int, article_id: int) -> ReaderView | None:
    """Return a saved article to read, or None when the user has not saved it."""
    mark = await db.bookmarks.get(user_id, article_id)
    if mark is None:
        return None
    found = await db.articles.get_many([article_id])
    if not found:
        return None
    article = found[0]
    names = await db.sources.names([article.source_id])
    text = (article.body or article.summary)[:MAX_BODY_CHARS]
    paragraphs = tuple(p for p in (clean_text(part) for part in text.split("\n")) if p)
    author = clean_text(article.author) if article.author else None
    return ReaderView(_item(article, mark, names.get(article.source_id, "")), paragraphs, author)


async def remove_bookmark(db: Database, user_id: int, article_id: int) -> Bookmark | None:
    """Unsave the article; return the bookmark as it was (for an undo), or None."""
    async with db.transaction():
        mark = await db.bookmarks.get(user_id, article_id)
        if mark is None:
            return None
        await db.bookmarks.remove(user_id, article_id)
    return mark


async def undo_remove(
    db: Database, user_id: int, article_id: int, saved_at: datetime, read_at: datetime | None
) -> bool:
    """Put a removed bookmark back in its place; False if the article is gone or saved."""
    if await db.articles.get_many([article_id]) == []:
        return False
    return await db.bookmarks.restore(Bookmark(user_id, article_id, saved_at, read_at))


async def mark_read(db: Database, user_id: int, article_id: int, read: bool) -> bool:
    """Mark the user's bookmark read or unread; False when they have not saved it."""
    return await db.bookmarks.set_read(user_id, article_id, read) is not None


async def follows(db: Database, user_id: int) -> list[Follow]:
    """Return the user's follows as `/following` numbers them (oldest first)."""
    return await db.follows.list(user_id)


async def add_follow(
    db: Database,
    user_id: int,
    text: str,
    *,
    first_name: str,
    username: str | None,
    language_code: str | None,
    max_follows: int,
) -> FollowResult:
    """Follow a search as `/follow TEXT` does (the user is recorded first, as updates do)."""
    await db.users.upsert(
        user_id, username=username, first_name=first_name, language_code=language_code
    )
    return await start_following(db, user_id, text, max_follows=max_follows)


async def set_follow_paused(
    db: Database, user_id: int, follow_id: int, paused: bool
) -> Follow | None:
    """Pause or resume one of the user's follows; None when it is not theirs."""
    return await db.follows.set_muted(user_id, follow_id, paused)


async def remove_follow(db: Database, user_id: int, follow_id: int) -> bool:
    """Remove one of the user's follows; False when it is not theirs."""
    return await db.follows.remove(user_id, follow_id)
