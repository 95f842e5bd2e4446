"""A user's bookmarks as files: Markdown to read, JSON to process (for `/export`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from bot.ops.i18n import Texts, texts_for
from news.render import clean_text
from storage import Database

BATCH: Final = 500


@dataclass(frozen=True, slots=True)
class ExportedBookmark:
    """One saved story, with what a reader needs to find it again."""

    article_id: int
    title: str
    url: str
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
                    url=article.url,
                    source=names[article.source_id],
                    published_at=article.story_time,
                    saved_at=bookmark.created_at,
                    tags=article.tags,
                    summary=clean_text(article.summary or article.body[:500]),
                )
            )


def bookmarks_json(items: list[ExportedBookmark]) -> str:
    """Return the bookmarks as a JSON document (`{"bookmarks": [...]}`, ISO 8601 times)."""
    return json.dumps(
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


def _markdown_text(text: str) -> str:
    """Escape the characters that would make Markdown read text as markup."""
    return "".join("\\" + char if char in "\\`*_[]<>#|" else char for char in text)


def _markdown_url(url: str) -> str:
    """Return a URL safe inside a Markdown link's parentheses."""
    return url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")


def bookmarks_markdown(items: list[ExportedBookmark], language: Texts | None = None) -> str:
    """Return the bookmarks as a Markdown list, most recently saved first, its words in
    `language` (English by default)."""
    _ = (language or texts_for(None)).gettext
    lines = [_("# Bookmarks"), ""]
    for item in items:
        lines.append(f"- [{_markdown_text(item.title)}]({_markdown_url(item.url)})")
        meta = f"{_markdown_text(item.source)} · {item.published_at:%Y-%m-%d}"
        saved = _("saved {date}").format(date=f"{item.saved_at:%Y-%m-%d}")
        lines.append(f"  {meta} · {saved}")
        if item.tags:
            lines.append("  " + " ".join(_markdown_text(f"#{tag}") for tag in item.tags))
        if item.summary:
            lines.append(f"  > {_markdown_text(item.summary)}")
    return "\n".join(lines) + "\n"
