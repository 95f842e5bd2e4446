"""A user's bookmarks as files: Markdown to read, JSON to process (for `/export`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from bot.ops.i18n import Texts, texts_for
from news.render import clean_text, http_url
from news.text import scrub_surrogates
from storage import Database

BATCH: Final = 500
_MARKDOWN_SPECIAL: Final = frozenset("\\`*_[]<>#|")


@dataclass(frozen=True, slots=True)
class ExportedBookmark:
    """One saved story, with what a reader needs to find it again."""

    article_id: int
    title: str
    url: str | None
    """The article's http(s) link; None when it has none (only web links are exported)."""
    source: str
    published_at: datetime
    saved_at: datetime
    tags: tuple[str, ...]
    summary: str


async def exported_bookmarks(db: Database, user_id: int) -> list[ExportedBookmark]:
    """Return every bookmark of the user (only theirs), most recently saved first."""
    exported: list[ExportedBookmark] = []
    names: dict[int, str] = {}
    offset = 0
    while True:
        bookmarks = await db.bookmarks.list(user_id, limit=BATCH, offset=offset)
        if not bookmarks:
            return exported
        offset += len(bookmarks)
        articles = {a.id: a for a in await db.articles.get_many(b.article_id for b in bookmarks)}
        for bookmark in bookmarks:
            article = articles.get(bookmark.article_id)
            if article is None:
                continue  # removed between the two reads
            if article.source_id not in names:
                names[article.source_id] = (await db.sources.get(article.source_id)).name
            exported.append(
                ExportedBookmark(
                    article_id=article.id,
                    title=clean_text(article.title),
                    url=http_url(article.url),
                    source=clean_text(names[article.source_id]),
                    published_at=article.story_time,
                    saved_at=bookmark.created_at,
                    tags=tuple(clean_text(tag) for tag in article.tags),
                    summary=clean_text(article.summary or article.body[:500]),
                )
            )


def bookmarks_json(items: list[ExportedBookmark]) -> str:
    """Return the bookmarks as a JSON document (`{"bookmarks": [...]}`, ISO 8601 times).

    Every string is JSON-escaped (line breaks included); lone surrogates become U+FFFD.
    """
    document = json.dumps(
        {
            "bookmarks": [
                {
                    "id": item.article_id,
                    "title": item.title,
                    "url": item.url,
                    "source": item.source,
                    "published_at": item.published_at.isoformat(),
                    "saved_at": item.saved_at.isoformat(),
                    "tags": list(item.tags),
                    "summary": item.summary,
                }
                for item in items
            ]
        },
        ensure_ascii=False,
        indent=2,
    )
    return scrub_surrogates(document)


def _markdown_text(text: str) -> str:
    """One line of text with the characters Markdown would read as markup escaped.

    Line breaks and controls are flattened first (`clean_text`), so no field can start a
    line of its own in the document.
    """
    return "".join("\\" + char if char in _MARKDOWN_SPECIAL else char for char in clean_text(text))


def _markdown_link(title: str, url: str | None) -> str:
    """`[title](url)` for an http(s) URL (parentheses escaped), else the title alone."""
    link = http_url(url)
    if link is None:
        return _markdown_text(title)
    safe = link.replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")
    return f"[{_markdown_text(title)}]({safe})"


def bookmarks_markdown(items: list[ExportedBookmark], language: Texts | None = None) -> str:
    """Return the bookmarks as a Markdown list, most recently saved first, its words in
    `language` (English by default)."""
    _ = (language or texts_for(None)).gettext
    lines = [_("# Bookmarks"), ""]
    for item in items:
        lines.append(f"- {_markdown_link(item.title, item.url)}")
        meta = f"{_markdown_text(item.source)} · {item.published_at:%Y-%m-%d}"
        saved = _("saved {date}").format(date=f"{item.saved_at:%Y-%m-%d}")
        lines.append(f"  {meta} · {saved}")
        if item.tags:
            lines.append("  " + " ".join(_markdown_text(f"#{tag}") for tag in item.tags))
        if item.summary:
            lines.append(f"  > {_markdown_text(item.summary)}")
    return "\n".join(lines) + "\n"
